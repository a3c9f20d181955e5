/**
 * Keyset pagination of `Query.models` over real HTTP: walking every page forward (first/after)
 * and backward (last/before) returns every matching model exactly once, in the order's key
 * sequence (unknown keys last), and both walks agree; then a CREATED_AT walk while the catalog
 * changes under it still sees every model that was there from the start exactly once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import {
  expectedKeySequence,
  matches,
  modelsPage,
  sortKeyOf,
  useSeededCatalog,
  walk,
  type FilterInput,
  type OrderFieldName,
} from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
/** The same API forced to walk the order's index for every page (never the filter-first plan). */
let walkingApi: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
  walkingApi = await startApi({
    db: catalog.db,
    redisUrl: inject('redisUrl'),
    env: { MODELS_FILTER_FIRST_MAX_ROWS: '0' },
  });
});
afterAll(() => Promise.all([api.stop(), walkingApi.stop()]));

type OrderCase = readonly [field: OrderFieldName, direction: 'ASC' | 'DESC', filter: FilterInput];

const ORDERS: readonly OrderCase[] = [
  ['CREATED_AT', 'ASC', {}],
  ['CREATED_AT', 'DESC', {}],
  ['DOWNLOADS', 'DESC', {}],
  ['DOWNLOADS', 'ASC', {}],
  ['LIKES', 'DESC', {}],
  ['LAST_MODIFIED', 'ASC', {}],
  ['PARAMETERS', 'DESC', {}],
  ['PARAMETERS', 'ASC', {}],
  ['OPENNESS_SCORE', 'DESC', {}],
  ['OPENNESS_SCORE', 'ASC', { includeRemoved: true }],
  ['PARAMETERS', 'DESC', { licenseCategories: ['PERMISSIVE'], minOpennessLevel: 'OPEN_WEIGHTS' }],
  ['DOWNLOADS', 'DESC', { search: 'llama' }],
];

// Both page plans (models.sql.ts): the small seeded catalog makes every facet-countable filter
// "rare", so the default API reads them filter-first; the walking API walks the index for all.
describe.each([
  ['filter-first where the cube counts few matches', () => api],
  ['index walk always', () => walkingApi],
] as const)('walking every page (%s)', (_plan, server) => {
  it.each(ORDERS)(
    '%s %s %j: forward and backward, each model exactly once, in key order',
    async (field, direction, filter) => {
      const api = server();
      const expected = catalog.models.filter((model) => matches(model, filter));
      const byId = new Map(expected.map((model) => [model.model.id, model]));
      const orderBy = { field, direction };

      // 13 per page: pages end inside runs of equal keys (42 % of the models have 0 downloads).
      const forward = await walk(api.url, { filter, orderBy, size: 13 });
      const backward = await walk(api.url, { filter, orderBy, size: 13, backward: true });

      expect(new Set(forward.ids).size).toBe(forward.ids.length);
      expect([...forward.ids].sort()).toEqual(expected.map((model) => model.model.id).sort());
      expect(forward.ids.map((id) => sortKeyOf(byId.get(id)!, field))).toEqual(
        expectedKeySequence(expected, field, direction),
      );
      expect(backward.ids).toEqual(forward.ids);
      expect(forward.totalCount).toBe(expected.length);
      expect(forward.pages).toBe(Math.max(1, Math.ceil(expected.length / 13)));
    },
  );
});

describe('walking every page', () => {
  it('RELEVANCE (the default with a search) walks both ways alike, over exactly the matches', async () => {
    const filter = { search: 'llama' };
    const expected = catalog.models.filter((model) => matches(model, filter)).map((model) => model.model.id);
    for (const direction of ['DESC', 'ASC']) {
      const orderBy = direction === 'DESC' ? undefined : { field: 'RELEVANCE', direction };
      const forward = await walk(api.url, { filter, ...(orderBy ? { orderBy } : {}), size: 9 });
      const backward = await walk(api.url, { filter, ...(orderBy ? { orderBy } : {}), size: 9, backward: true });
      expect([...forward.ids].sort()).toEqual([...expected].sort());
      expect(new Set(forward.ids).size).toBe(forward.ids.length);
      expect(backward.ids).toEqual(forward.ids);
    }
  });

  it('RELEVANCE puts name matches above tag-only matches', async () => {
    const page = await modelsPage(api.url, { filter: { search: 'apache' }, first: 100 });
    const ids = page.edges.map((edge) => edge.node.id);
    const inName = (id: string) => /apache/i.test(id);
    const firstTagOnly = ids.findIndex((id) => !inName(id));
    expect(ids.slice(firstTagOnly).some(inName)).toBe(false);
  });

  it('without orderBy the order is DOWNLOADS DESC; RELEVANCE without a search falls back to it', async () => {
    const reference = await walk(api.url, { orderBy: { field: 'DOWNLOADS', direction: 'DESC' }, size: 100 });
    expect((await walk(api.url, { size: 100 })).ids).toEqual(reference.ids);
    expect((await walk(api.url, { orderBy: { field: 'RELEVANCE', direction: 'ASC' }, size: 100 })).ids).toEqual(
      reference.ids,
    );
  });

  it('pageInfo: cursors of the edges, hasPreviousPage after a cursor, an empty page past the end', async () => {
    const first = await modelsPage(api.url, { first: 5 });
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: first.edges[0]?.cursor,
      endCursor: first.edges[4]?.cursor,
    });
    const second = await modelsPage(api.url, { first: 5, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    // Back from the second page's start: the first page again.
    const back = await modelsPage(api.url, { last: 5, before: second.pageInfo.startCursor });
    expect(back.edges.map((edge) => edge.node.id)).toEqual(first.edges.map((edge) => edge.node.id));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });

    const all = await walk(api.url, { size: 100 });
    const lastPage = await modelsPage(api.url, { last: 1 });
    const past = await modelsPage(api.url, { first: 5, after: lastPage.pageInfo.endCursor });
    expect(lastPage.edges.map((edge) => edge.node.id)).toEqual(all.ids.slice(-1));
    expect(past).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
    const none = await modelsPage(api.url, { first: 0 });
    expect(none).toMatchObject({ edges: [], pageInfo: { hasNextPage: true }, totalCount: all.ids.length });
  });
});

describe('walking while the catalog changes', () => {
  it('CREATED_AT: every model listed from the start is seen exactly once, whatever is written meanwhile', async () => {
    const orderBy = { field: 'CREATED_AT', direction: 'ASC' };
    const before = await walk(api.url, { orderBy, size: 100 });
    const ingest = new IngestRepository(catalog.db.pool);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const result = await modelsPage(api.url, { orderBy, first: 25, after });
      seen.push(...result.edges.map((edge) => edge.node.id));
      // Between pages the crawler writes: counters move (changing other orders' keys), a known
      // model changes its license, and new models arrive (created now, so at the end of the order).
      await catalog.db.pool.query('UPDATE models SET downloads = downloads + $1, likes = likes + 1', [page * 7]);
      const listed = catalog.models.filter((model) => !model.removed);
      const changed = listed[(page * 31) % listed.length]?.model;
      const fresh = catalog.models[page % catalog.models.length]?.model;
      if (changed && fresh) {
        await ingest.ingestPage([
          { ...changed, sha: `changed-${page}`, license: { ...changed.license, id: 'LicenseRef-changed' } },
          { ...fresh, id: `huggingface:new/model-${page}`, repoId: `new/model-${page}`, createdAt: new Date() },
        ]);
      }
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const inserted = seen.filter((id) => id.startsWith('huggingface:new/'));
    expect(seen.filter((id) => !id.startsWith('huggingface:new/'))).toEqual(before.ids);
    // Models created during the walk append after the position reached: some are seen.
    expect(inserted.length).toBeGreaterThan(0);
  });
});
