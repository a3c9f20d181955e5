/**
 * The dashboard (docs/dashboard.md): filters → one GraphQL request for the charts and a page of
 * the table → drawn; a model's detail in a dialog; live changes from the subscription. The state
 * lives in the URL (state.ts), so the back button, bookmarks and shared links work.
 *
 * `document.body.dataset.state` is `loading`, `ready` or `error`, and `data-generation` counts the
 * loads drawn, for whoever embeds or tests the page.
 */
import { chartData, drawLevels, drawLicenses, drawOverTime } from './charts.js';
import { renderDetail } from './detail.js';
import {
  CHOICES_QUERY,
  DASHBOARD_QUERY,
  MODEL_QUERY,
  type Choices,
  type DashboardData,
  type ModelDetail,
  type PageInfo,
} from './documents.js';
import { byId } from './dom.js';
import { buildCatalogChoices, buildStaticChoices, readForm, writeForm } from './filters.js';
import { count } from './format.js';
import { GraphQLRequestError, request } from './graphql.js';
import { LivePanel } from './live.js';
import {
  changeFilter,
  filterParams,
  modelFilter,
  sameFilter,
  stateFromUrl,
  urlFromState,
  type DashboardState,
} from './state.js';
import { renderRows } from './table.js';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

const form = byId<HTMLFormElement>('filters');
const status = byId('status');
const dialog = byId<HTMLDialogElement>('model-detail');

let state = stateFromUrl(window.location.search);
/** The table's page: a cursor and the position of its first row. */
let page: { readonly after?: string; readonly before?: string; readonly offset: number } = { offset: 0 };
let pageInfo: PageInfo | null = null;
let rowsShown = 0;
let loading: AbortController | null = null;
let generation = 0;

const linkTo = (id: string): string => urlFromState({ ...state, model: id });

function describeError(error: unknown): string {
  if (error instanceof GraphQLRequestError) return error.code ? `${error.message} (${error.code})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

function showError(error: unknown): void {
  status.textContent = `Could not load: ${describeError(error)}`;
  status.dataset.kind = 'error';
  document.body.dataset.state = 'error';
}

async function load(): Promise<void> {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  document.body.dataset.state = 'loading';
  const cursor = page.before
    ? { last: PAGE_SIZE, before: page.before }
    : { first: PAGE_SIZE, after: page.after ?? null };
  const orderBy = state.order === 'RELEVANCE' && !state.search ? null : { field: state.order, direction: 'DESC' };
  let data: DashboardData;
  try {
    data = await request<DashboardData>(
      DASHBOARD_QUERY,
      { filter: modelFilter(state), orderBy, interval: state.interval, ...cursor },
      controller.signal,
    );
  } catch (error) {
    if (!controller.signal.aborted) showError(error);
    return;
  }
  const filtered = filterParams(state).size > 0;
  byId('total-count').textContent = count(data.stats.totalCount);
  byId('scope-text').textContent = filtered ? 'models match these filters' : 'models in the catalog';
  drawLevels(data.stats.byOpennessLevel);
  drawLicenses(data.stats.byLicenseCategory);
  drawOverTime(data.stats.opennessOverTime);
  const { nodes } = data.models;
  renderRows(byId<HTMLTableElement>('models').tBodies[0]!, nodes, linkTo);
  pageInfo = data.models.pageInfo;
  rowsShown = nodes.length;
  const first = nodes.length > 0 ? page.offset + 1 : 0;
  byId('page-text').textContent =
    `${count(first)}–${count(page.offset + nodes.length)} of ${count(data.models.totalCount)}`;
  byId<HTMLButtonElement>('previous-page').disabled = page.offset === 0 || !pageInfo.hasPreviousPage;
  byId<HTMLButtonElement>('next-page').disabled = !pageInfo.hasNextPage;
  status.textContent = '';
  delete status.dataset.kind;
  byId('refresh').hidden = true;
  generation += 1;
  document.body.dataset.generation = String(generation);
  document.body.dataset.state = 'ready';
}

function updateLinks(): void {
  const query = filterParams(state).toString().replace(/%2C/g, ',');
  const suffix = query ? `?${query}` : '';
  byId<HTMLAnchorElement>('export-csv').href = `/export/models.csv${suffix}`;
  byId<HTMLAnchorElement>('export-json').href = `/export/models.json${suffix}`;
  byId<HTMLAnchorElement>('stats-json').href = `/api/stats${suffix}`;
}

const live = new LivePanel({ list: byId<HTMLOListElement>('live-changes'), state: byId('live-state') }, linkTo, () => {
  byId('refresh').hidden = false;
});

/** A new state from the form or the view controls: reload what it changes, and record it in the URL. */
function apply(next: DashboardState, { replace = false } = {}): void {
  const filterChanged = !sameFilter(state, next);
  const viewChanged = filterChanged || next.order !== state.order || next.interval !== state.interval;
  state = next;
  const url = urlFromState(state);
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  if (!viewChanged) return;
  page = { offset: 0 };
  updateLinks();
  live.follow(changeFilter(state));
  void load();
}

async function openModel(id: string): Promise<void> {
  const title = byId('detail-title');
  const body = byId('detail-body');
  title.textContent = id;
  body.textContent = 'Loading…';
  dialog.dataset.state = 'loading';
  if (!dialog.open) dialog.showModal();
  try {
    const { model } = await request<{ model: ModelDetail | null }>(MODEL_QUERY, { id });
    if (state.model !== id) return;
    if (model) renderDetail(title, body, model, linkTo);
    else body.textContent = `The catalog has no model ${id}.`;
    dialog.dataset.state = model ? 'ready' : 'missing';
  } catch (error) {
    body.textContent = `Could not load: ${describeError(error)}`;
    dialog.dataset.state = 'error';
  }
}

function showModel(id: string): void {
  if (id) void openModel(id);
  else if (dialog.open) dialog.close();
}

// The filter form.
let searchTimer: number | undefined;
form.addEventListener('input', (event) => {
  if ((event.target as HTMLInputElement).name !== 'search') return;
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => apply(readForm(form, state), { replace: true }), SEARCH_DELAY_MS);
});
form.addEventListener('change', (event) => {
  if ((event.target as HTMLInputElement).name === 'search') return;
  apply(readForm(form, state));
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  window.clearTimeout(searchTimer);
  apply(readForm(form, state));
});
form.addEventListener('reset', () => {
  // The form clears its fields after this event: read it once it has.
  window.setTimeout(() => apply(readForm(form, state)));
});

// View controls.
const order = byId<HTMLSelectElement>('order');
const interval = byId<HTMLSelectElement>('interval');
order.addEventListener('change', () => apply({ ...state, order: order.value }));
interval.addEventListener('change', () => apply({ ...state, interval: interval.value }));
byId('next-page').addEventListener('click', () => {
  if (!pageInfo?.endCursor) return;
  page = { after: pageInfo.endCursor, offset: page.offset + rowsShown };
  void load();
});
byId('previous-page').addEventListener('click', () => {
  if (!pageInfo?.startCursor) return;
  page = { before: pageInfo.startCursor, offset: Math.max(0, page.offset - PAGE_SIZE) };
  void load();
});
byId('refresh').addEventListener('click', () => void load());

// Model links anywhere on the page (table, detail, live panel) open the detail view.
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a.model-link');
  if (!link?.dataset.modelId || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  state = { ...state, model: link.dataset.modelId };
  window.history.pushState(null, '', urlFromState(state));
  showModel(state.model);
});
byId('detail-close').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => {
  if (!state.model) return;
  state = { ...state, model: '' };
  window.history.pushState(null, '', urlFromState(state));
});

// Back and forward.
window.addEventListener('popstate', () => {
  const next = stateFromUrl(window.location.search);
  const reload = !sameFilter(state, next) || next.order !== state.order || next.interval !== state.interval;
  state = next;
  writeForm(form, state);
  order.value = state.order;
  interval.value = state.interval;
  if (reload) {
    page = { offset: 0 };
    updateLinks();
    live.follow(changeFilter(state));
    void load();
  }
  showModel(state.model);
});

// For embedding pages and the tests: what each chart shows (charts.ts).
Object.assign(window, { catalogDashboard: { chartData } });

buildStaticChoices(form);
writeForm(form, state);
order.value = state.order;
interval.value = state.interval;
updateLinks();
live.follow(changeFilter(state));
void load();
showModel(state.model);
request<Choices>(CHOICES_QUERY, {}).then(
  (choices) => {
    buildCatalogChoices(form, choices);
    writeForm(form, state);
  },
  (error: unknown) => showError(error),
);
