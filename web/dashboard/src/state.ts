/**
 * What the dashboard shows, kept in the page's URL so that a view can be bookmarked and shared.
 * The filter's query parameters are those of every HTTP endpoint of the API (README: Exports):
 * `ModelFilter` field names, lists comma-separated — so the export links carry the same string.
 */

export interface DashboardState {
  readonly search: string;
  readonly licenseCategories: readonly string[];
  readonly commercialUse: readonly string[];
  readonly minOpennessLevel: string;
  readonly hubs: readonly string[];
  readonly tasks: readonly string[];
  /** Parameter bounds as the API takes them (a count, not billions); empty for none. */
  readonly minParameters: string;
  readonly maxParameters: string;
  /** One entry per model and its mirrors on other hubs (`collapseMirrors`). */
  readonly collapseMirrors: boolean;
  readonly order: string;
  readonly interval: string;
  /** The model whose detail is open, or empty. */
  readonly model: string;
}

const LIST_FIELDS = ['licenseCategories', 'commercialUse', 'hubs', 'tasks'] as const;
const TEXT_FIELDS = ['search', 'minOpennessLevel', 'minParameters', 'maxParameters'] as const;
/** The filter's parameters, in the order they appear in a URL. */
const FILTER_FIELDS = [
  'search',
  'licenseCategories',
  'commercialUse',
  'minOpennessLevel',
  'hubs',
  'tasks',
  'minParameters',
  'maxParameters',
  'collapseMirrors',
] as const;

export const DEFAULT_ORDER = 'DOWNLOADS';
export const DEFAULT_INTERVAL = 'MONTH';

export function stateFromUrl(search: string): DashboardState {
  const params = new URLSearchParams(search);
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  return {
    search: params.get('search') ?? '',
    licenseCategories: list('licenseCategories'),
    commercialUse: list('commercialUse'),
    minOpennessLevel: params.get('minOpennessLevel') ?? '',
    hubs: list('hubs'),
    tasks: list('tasks'),
    minParameters: params.get('minParameters') ?? '',
    maxParameters: params.get('maxParameters') ?? '',
    collapseMirrors: params.get('collapseMirrors') === 'true',
    order: params.get('order') ?? DEFAULT_ORDER,
    interval: params.get('interval') ?? DEFAULT_INTERVAL,
    model: params.get('model') ?? '',
  };
}

/** The filter as query parameters (`licenseCategories=PERMISSIVE,COPYLEFT&…`), without view settings. */
export function filterParams(state: DashboardState): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const value = state[field];
    const text =
      typeof value === 'boolean' ? (value ? 'true' : '') : typeof value === 'string' ? value.trim() : value.join(',');
    if (text) params.set(field, text);
  }
  return params;
}

export function urlFromState(state: DashboardState): string {
  const params = filterParams(state);
  if (state.order !== DEFAULT_ORDER) params.set('order', state.order);
  if (state.interval !== DEFAULT_INTERVAL) params.set('interval', state.interval);
  if (state.model) params.set('model', state.model);
  const query = params.toString();
  return query ? `?${query.replace(/%2C/g, ',')}` : window.location.pathname;
}

/** The `ModelFilter` of the GraphQL API: only the fields that are set. */
export function modelFilter(state: DashboardState): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const field of LIST_FIELDS) if (state[field].length > 0) filter[field] = state[field];
  for (const field of TEXT_FIELDS) {
    const value = state[field].trim();
    if (!value) continue;
    // BigInt bounds travel as strings: exact beyond 2^53, and the API's own error if not a number.
    filter[field] = value;
  }
  if (state.collapseMirrors) filter.collapseMirrors = true;
  return filter;
}

/** The part of the filter the change subscription understands (ChangeFilter). */
export function changeFilter(state: DashboardState): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (state.hubs.length > 0) filter.hubs = state.hubs;
  if (state.licenseCategories.length > 0) filter.licenseCategories = state.licenseCategories;
  if (state.minOpennessLevel) filter.minOpennessLevel = state.minOpennessLevel;
  return filter;
}

export function sameFilter(a: DashboardState, b: DashboardState): boolean {
  return filterParams(a).toString() === filterParams(b).toString();
}
