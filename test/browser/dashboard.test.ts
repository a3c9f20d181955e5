/**
 * The dashboard in a real headless Chromium, against a seeded catalog: the page is built from the
 * current web/dashboard sources (Vite, into a temporary folder the API is pointed at), then loaded,
 * filtered, paged, a model opened, and a change pushed to it live. Every expectation is computed
 * independently: totals from the seeded models (catalog.fixture.ts `matches`), table rows and chart
 * numbers from the GraphQL API the page must be showing. Screenshots go to test-results/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { RedisChangePublisher } from '../../src/events/redis-change-publisher.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { OPENNESS_LEVELS } from '../../src/openness/types.js';
import { closeRedis, createRedis } from '../../src/queue/redis.js';
import { matches, useSeededCatalog, type FilterInput } from '../api/catalog.fixture.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger } from '../helpers/database.js';

const QUEUE_PREFIX = 'catalog-test-dashboard';
const catalog = useSeededCatalog();
const buildDir = mkdtempSync(join(tmpdir(), 'dashboard-build-'));
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  await build({
    configFile: join(PROJECT_ROOT, 'web/dashboard/vite.config.ts'),
    build: { outDir: buildDir, emptyOutDir: true },
    logLevel: 'error',
  });
  api = await startApi({
    db: catalog.db,
    redisUrl: inject('redisUrl'),
    queuePrefix: QUEUE_PREFIX,
    env: { DASHBOARD_DIR: buildDir, CHANGE_STREAM_POLL_MS: '500' },
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  rmSync(buildDir, { recursive: true, force: true });
});

interface Series {
  readonly labels: string[];
  readonly datasets: { label: string; data: number[] }[];
}

interface Opened {
  readonly page: Page;
  /** Every URL the page requested, and every console error and page error it had. */
  readonly requests: string[];
  readonly problems: string[];
}

async function open(path = '/'): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${api.url}${path}`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  return { page, requests, problems };
}

/** Wait for the next drawn load after an action. */
async function afterReload(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.generation));
  await action();
  await page.waitForFunction(
    (previous) => document.body.dataset.state === 'ready' && Number(document.body.dataset.generation) > previous,
    before,
    { timeout: 15_000 },
  );
}

const chart = (page: Page, id: string) =>
  page.evaluate(
    (canvasId) =>
      (window as unknown as { catalogDashboard: { chartData(id: string): Series | null } }).catalogDashboard.chartData(
        canvasId,
      ),
    id,
  );

const tableIds = (page: Page) =>
  page.$$eval('#models tbody tr[data-model-id]', (rows) => rows.map((row) => (row as HTMLElement).dataset.modelId));

interface Expected {
  readonly total: number;
  readonly levels: { value: string | null; count: number }[];
  readonly licenses: { value: string | null; count: number }[];
  readonly firstPage: string[];
}

/** What the API says for a filter: the numbers and the first page the dashboard must show. */
async function expected(filter: FilterInput, orderBy?: { field: string; direction: string }): Promise<Expected> {
  const response = await graphql<{
    stats: { totalCount: number; byOpennessLevel: Expected['levels']; byLicenseCategory: Expected['licenses'] };
    models: { nodes: { id: string }[] };
  }>(
    api.url,
    `
      query ($filter: ModelFilter, $orderBy: ModelOrder) {
        stats(filter: $filter) {
          totalCount
          byOpennessLevel {
            value
            count
          }
          byLicenseCategory {
            value
            count
          }
        }
        models(filter: $filter, orderBy: $orderBy, first: 25) {
          nodes {
            id
          }
        }
      }
    `,
    { filter, orderBy },
  );
  const data = response.body.data!;
  return {
    total: data.stats.totalCount,
    levels: data.stats.byOpennessLevel,
    licenses: data.stats.byLicenseCategory,
    firstPage: data.models.nodes.map((node) => node.id),
  };
}

/** The levels chart's bars: every level in order, zero where the API has no row. */
const levelBars = (rows: Expected['levels']) =>
  OPENNESS_LEVELS.map((level) => rows.find((row) => row.value === level)?.count ?? 0);

const listedCount = (filter: FilterInput) => catalog.models.filter((seeded) => matches(seeded, filter)).length;

describe('the dashboard in Chromium', () => {
  it('loads with the whole catalog: totals, charts and the first page of the table, from this API only', async () => {
    const { page, requests, problems } = await open('/');
    const all = await expected({});
    expect(all.total).toBe(listedCount({}));
    expect(await page.textContent('#total-count')).toBe(all.total.toLocaleString('en'));
    expect(await tableIds(page)).toEqual(all.firstPage);
    expect((await chart(page, 'chart-levels'))?.datasets[0]?.data).toEqual(levelBars(all.levels));
    const licenses = await chart(page, 'chart-licenses');
    expect(licenses?.datasets[0]?.data).toEqual(all.licenses.filter((row) => row.count > 0).map((row) => row.count));
    // Openness over time: one series per level, and at least one bucket.
    const overTime = await chart(page, 'chart-over-time');
    expect(overTime?.datasets.map((d) => d.label)).toHaveLength(OPENNESS_LEVELS.length);
    expect(overTime?.labels.length).toBeGreaterThan(0);
    // The filter choices the catalog decides: both hubs with models, and tasks.
    expect(
      await page.$$eval('input[name="hubs"]', (inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
    ).toEqual(expect.arrayContaining(['huggingface', 'modelscope']));
    expect(await page.$$eval('select[name="tasks"] option', (options) => options.length)).toBeGreaterThan(2);
    // Nothing outside this API: scripts, styles, GraphQL and the WebSocket all go to its origin.
    const origin = new URL(api.url);
    expect(requests.filter((url) => !url.startsWith('data:') && new URL(url).host !== origin.host)).toEqual([]);
    expect(requests.some((url) => url.startsWith(`ws://${origin.host}/graphql`))).toBe(true);
    expect(problems).toEqual([]);
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    await page.close();
  });

  it('filters: the table, the totals, the charts and the export links follow, and the URL keeps the filter', async () => {
    const { page, problems } = await open('/');
    const before = await chart(page, 'chart-levels');
    await afterReload(page, () => page.check('input[name="licenseCategories"][value="PERMISSIVE"]'));
    const permissive = await expected({ licenseCategories: ['PERMISSIVE'] });
    expect(permissive.total).toBe(listedCount({ licenseCategories: ['PERMISSIVE'] }));
    expect(permissive.total).toBeLessThan(listedCount({}));
    expect(await page.textContent('#total-count')).toBe(permissive.total.toLocaleString('en'));
    expect(await tableIds(page)).toEqual(permissive.firstPage);
    const after = await chart(page, 'chart-levels');
    expect(after?.datasets[0]?.data).toEqual(levelBars(permissive.levels));
    expect(after?.datasets[0]?.data).not.toEqual(before?.datasets[0]?.data);
    expect((await chart(page, 'chart-licenses'))?.datasets[0]?.data).toEqual([permissive.total]);
    expect(new URL(page.url()).searchParams.get('licenseCategories')).toBe('PERMISSIVE');
    expect(await page.getAttribute('#export-csv', 'href')).toBe('/export/models.csv?licenseCategories=PERMISSIVE');

    // A second filter combines with the first (AND), a level bound among them.
    await afterReload(page, () => page.selectOption('select[name="minOpennessLevel"]', 'OPEN_WEIGHTS'));
    const both: FilterInput = { licenseCategories: ['PERMISSIVE'], minOpennessLevel: 'OPEN_WEIGHTS' };
    const combined = await expected(both);
    expect(combined.total).toBe(listedCount(both));
    expect(await tableIds(page)).toEqual(combined.firstPage);
    expect(await page.getAttribute('#export-csv', 'href')).toBe(
      '/export/models.csv?licenseCategories=PERMISSIVE&minOpennessLevel=OPEN_WEIGHTS',
    );
    await page.screenshot({ path: artifactPath('dashboard-filtered.png'), fullPage: true });

    // The URL alone restores the view (a shared link), and the back button undoes a filter.
    const shared = await open(new URL(page.url()).search);
    expect(await tableIds(shared.page)).toEqual(combined.firstPage);
    expect(await shared.page.isChecked('input[name="licenseCategories"][value="PERMISSIVE"]')).toBe(true);
    await shared.page.close();
    await afterReload(page, () => page.goBack());
    expect(await tableIds(page)).toEqual(permissive.firstPage);
    expect(await page.inputValue('select[name="minOpennessLevel"]')).toBe('');

    // A parameter range in billions becomes the API's counts; a search narrows by words.
    await afterReload(page, () => page.click('button[type="reset"]'));
    await afterReload(page, async () => {
      await page.fill('input[name="minParameters"]', '1');
      await page.fill('input[name="maxParameters"]', '10');
      await page.press('input[name="maxParameters"]', 'Enter');
    });
    const range: FilterInput = { minParameters: 1_000_000_000, maxParameters: 10_000_000_000 };
    expect(await page.textContent('#total-count')).toBe(listedCount(range).toLocaleString('en'));
    expect(await tableIds(page)).toEqual((await expected(range)).firstPage);
    await afterReload(page, () => page.click('button[type="reset"]'));
    const term = catalog.models.find((seeded) => !seeded.removed)!.model.repoId.split('/')[1]!;
    await afterReload(page, () => page.fill('input[name="search"]', term));
    expect(await tableIds(page)).toEqual((await expected({ search: term })).firstPage);
    expect(await page.textContent('#total-count')).toBe(listedCount({ search: term }).toLocaleString('en'));

    // One entry per model: the seed's copies on the second hub are hidden, and the export says so too.
    await afterReload(page, () => page.click('button[type="reset"]'));
    await afterReload(page, () => page.check('input[name="collapseMirrors"]'));
    const collapsed = await graphql<{ stats: { totalCount: number } }>(
      api.url,
      '{ stats(filter: { collapseMirrors: true }) { totalCount } }',
    );
    const total = collapsed.body.data!.stats.totalCount;
    expect(total).toBeLessThan(listedCount({}));
    expect(await page.textContent('#total-count')).toBe(total.toLocaleString('en'));
    expect(await page.getAttribute('#export-csv', 'href')).toBe('/export/models.csv?collapseMirrors=true');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages through the table with the API cursors and sorts by another key', async () => {
    const { page } = await open('/');
    const first = await tableIds(page);
    await afterReload(page, () => page.click('#next-page'));
    const second = await tableIds(page);
    const walked = await graphql<{ models: { nodes: { id: string }[] } }>(
      api.url,
      '{ models(first: 50) { nodes { id } } }',
    );
    expect([...first, ...second]).toEqual(walked.body.data!.models.nodes.map((node) => node.id));
    expect(await page.textContent('#page-text')).toMatch(/^26–50 of /);
    await afterReload(page, () => page.click('#previous-page'));
    expect(await tableIds(page)).toEqual(first);
    expect(await page.isDisabled('#previous-page')).toBe(true);
    await afterReload(page, () => page.selectOption('#order', 'LIKES'));
    expect(await tableIds(page)).toEqual((await expected({}, { field: 'LIKES', direction: 'DESC' })).firstPage);
    await page.close();
  });

  it('opens a model: its facts, evidence and expert references side by side, and its badge', async () => {
    const referenced = catalog.models[0]!.model;
    const { page, problems } = await open(`/?search=${encodeURIComponent(referenced.repoId)}`);
    await page.click(`#models a.model-link[data-model-id="${referenced.id}"]`);
    await page.waitForSelector('#model-detail[data-state="ready"]');
    expect(new URL(page.url()).searchParams.get('model')).toBe(referenced.id);
    expect(await page.textContent('#detail-title')).toContain(referenced.repoId);
    const evidenceRows = await page.$$eval('#model-detail .evidence tbody tr', (rows) => rows.length);
    expect(evidenceRows).toBe(referenced.openness.evidence.length);
    expect(evidenceRows).toBeGreaterThan(0);
    // The seed gives this model a Model Openness Tool and an Index entry.
    expect(
      await page.$$eval('#model-detail .references article', (articles) =>
        articles.map((article) => (article as HTMLElement).dataset.source),
      ),
    ).toEqual(expect.arrayContaining(['MOT', 'OSAI']));
    expect(await page.textContent('#model-detail .badge code')).toContain(
      `/badge/huggingface/${referenced.repoId}.svg`,
    );
    // The seed copies this model to a second hub under the same name: its mirror, linked.
    expect(await page.$$eval('#model-detail .same-as a', (links) => links.map((link) => link.textContent))).toEqual([
      `modelscope:${referenced.repoId}`,
    ]);
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('#model-detail .badge img');
      return image?.complete && image.naturalWidth > 0;
    });
    await page.screenshot({ path: artifactPath('dashboard-model.png') });
    // Escape closes it and the URL forgets it; a link with ?model= opens it directly.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>('#model-detail')?.open);
    // The URL follows on the dialog's `close` event, which fires after the dialog has closed.
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('model'), null, { timeout: 5_000 });
    expect(new URL(page.url()).searchParams.get('model')).toBeNull();
    const direct = await open(`/?model=${encodeURIComponent(referenced.id)}`);
    await direct.page.waitForSelector('#model-detail[data-state="ready"]');
    const unknown = await open('/?model=huggingface%3Anobody%2Fnothing');
    await unknown.page.waitForSelector('#model-detail[data-state="missing"]');
    expect(await unknown.page.textContent('#detail-body')).toContain('no model huggingface:nobody/nothing');
    expect([...problems, ...direct.problems, ...unknown.problems]).toEqual([]);
    await Promise.all([page.close(), direct.page.close(), unknown.page.close()]);
  });

  it('shows the API error, with its code, for a filter the API refuses', async () => {
    const page = await browser.newPage();
    await page.goto(`${api.url}/?minParameters=lots`);
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#status')).toMatch(/minParameters.*\(BAD_USER_INPUT\)/s);
    await page.close();
  });

  it('receives a change live, through the subscription, as the crawler commits it', async () => {
    const { page, problems } = await open('/');
    await page.waitForSelector('#live-state[data-state="live"]');
    const redis = createRedis(inject('redisUrl'), 'producer', silentLogger);
    try {
      const result = await new IngestRepository(catalog.db.pool).ingestPage([
        buildCatalogModel('acme/live-on-the-dashboard'),
      ]);
      await new RedisChangePublisher(redis, QUEUE_PREFIX, silentLogger).publish(result!.changes);
    } finally {
      await closeRedis(redis);
    }
    const item = await page.waitForSelector(
      '#live-changes li[data-model-id="huggingface:acme/live-on-the-dashboard"]',
      {
        timeout: 10_000,
      },
    );
    expect(await item.textContent()).toContain('created');
    expect(await page.isVisible('#refresh')).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard-live.png'), fullPage: true });
    // Refreshing counts the new model.
    await afterReload(page, () => page.click('#refresh'));
    expect(await page.textContent('#total-count')).toBe((listedCount({}) + 1).toLocaleString('en'));
    expect(problems).toEqual([]);
    await page.close();
  });
});
