/**
 * `GET /api/stats` over real HTTP against the seeded catalog: the counts are those of GraphQL's
 * `stats` for the same filter (asked over POST /graphql, another code path), the filter as query
 * parameters narrows them (totalCount as the expectation computed in TypeScript from what was
 * ingested), the openness series is flat rows with ISO times in the requested interval, CORS
 * follows CORS_ORIGINS, the limits of /graphql apply, bad parameters get a 400 naming the
 * parameter, and conditional requests get 304 while the answer is unchanged.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { createDatabase } from '../../src/db/database.js';
import { OPENNESS_LEVELS } from '../../src/openness/types.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger } from '../helpers/database.js';
import { matches, useSeededCatalog, type FilterInput } from './catalog.fixture.js';

const catalog = useSeededCatalog();
const ALLOWED_ORIGIN = 'https://dash.example.com';
let api: RunningApi;
/** CORS for one origin, and a cost limit that a `facetLimit` of 1000 exceeds (the document costs 231 without one). */
let strictApi: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
  strictApi = await startApi({
    db: catalog.db,
    redisUrl: inject('redisUrl'),
    env: { CORS_ORIGINS: ALLOWED_ORIGIN, GRAPHQL_MAX_COST: '1000' },
  });
});
afterAll(async () => {
  await api.stop();
  await strictApi.stop();
});

interface Facet {
  value: string | null;
  count: number;
}
interface Row {
  time: string;
  end: string;
  level: string;
  count: number;
  change: number;
}
/** Each facet of the JSON, and the `CatalogStats` field that answers it over GraphQL. */
const GRAPHQL_FIELDS = {
  licenseCategory: 'byLicenseCategory',
  commercialUse: 'byCommercialUse',
  opennessLevel: 'byOpennessLevel',
  mofClass: 'byMofClass',
  weights: 'byWeights',
  hub: 'byHub',
  task: 'byTask(limit: $limit)',
  library: 'byLibrary(limit: $limit)',
  license: 'byLicense(limit: $limit)',
} as const;
type FacetName = keyof typeof GRAPHQL_FIELDS;
const FACETS = Object.keys(GRAPHQL_FIELDS) as FacetName[];
interface StatsJson {
  totalCount: number;
  interval: string;
  facets: Record<FacetName, (Facet & { name?: string | null })[]>;
  opennessOverTime: Row[];
}
interface ErrorBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

const get = (path: string, headers: Record<string, string> = {}, on: RunningApi = api) =>
  fetch(`${on.url}${path}`, { headers });

async function statsJson(query: string): Promise<StatsJson> {
  const response = await get(`/api/stats?${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
  return (await response.json()) as StatsJson;
}

/** The filter as query parameters: lists comma-separated. */
const asQuery = (filter: FilterInput): string =>
  new URLSearchParams(
    Object.entries(filter).map(([name, value]): [string, string] => [
      name,
      Array.isArray(value) ? value.join(',') : String(value),
    ]),
  ).toString();

const facetSelection = (facet: FacetName) =>
  `${facet}: ${GRAPHQL_FIELDS[facet]} { value count${facet === 'license' ? ' license { name }' : ''} }`;
const GRAPHQL_STATS = `query($filter: ModelFilter, $limit: Int, $interval: TimeInterval!, $from: DateTime, $to: DateTime) {
  stats(filter: $filter) {
    totalCount
    ${FACETS.map(facetSelection).join('\n    ')}
    opennessOverTime(interval: $interval, from: $from, to: $to) { start end levels { level count change } }
  }
}`;
type GraphQLStats = { totalCount: number } & Record<FacetName, (Facet & { license?: { name: string } | null })[]> & {
    opennessOverTime: { start: string; end: string; levels: { level: string; count: number; change: number }[] }[];
  };

/** What `stats` answers over POST /graphql, in the JSON endpoint's shape (the expectation). */
async function viaGraphQL(
  filter: FilterInput,
  options: { limit?: number; interval?: string; from?: string; to?: string } = {},
): Promise<Omit<StatsJson, 'interval'>> {
  const response = await graphql<{ stats: GraphQLStats }>(api.url, GRAPHQL_STATS, {
    filter,
    interval: 'MONTH',
    ...options,
  });
  const stats = response.body.data?.stats;
  if (!stats) throw new Error(JSON.stringify(response.body.errors));
  return {
    totalCount: stats.totalCount,
    facets: {
      ...(Object.fromEntries(FACETS.map((facet) => [facet, stats[facet]])) as StatsJson['facets']),
      license: stats.license.map(({ value, count, license }) => ({ value, name: license?.name ?? null, count })),
    },
    opennessOverTime: stats.opennessOverTime.flatMap(({ start, end, levels }) =>
      levels.map(({ level, count, change }) => ({ time: start, end, level, count, change })),
    ),
  };
}

const expectedTotal = (filter: FilterInput) => catalog.models.filter((seeded) => matches(seeded, filter)).length;

describe('facets and counts', () => {
  it.each<[string, FilterInput]>([
    ['no filter', {}],
    [
      'facet fields (maintained counts)',
      { licenseCategories: ['PERMISSIVE', 'COPYLEFT'], minOpennessLevel: 'OPEN_WEIGHTS' },
    ],
    ['other fields (counted over the matches)', { minParameters: 1_000_000_000, gated: false }],
    ['removed models included', { includeRemoved: true, hubs: ['huggingface'] }],
  ])('%s: totalCount as expected, every facet as GraphQL `stats` answers', async (_name, filter) => {
    const body = await statsJson(asQuery(filter));
    expect(body.totalCount).toBe(expectedTotal(filter));
    expect(body.totalCount).toBeGreaterThan(0);
    expect(Object.keys(body.facets)).toEqual([...FACETS]);
    const expected = await viaGraphQL(filter);
    expect(body.totalCount).toBe(expected.totalCount);
    for (const facet of FACETS) expect(body.facets[facet], facet).toEqual(expected.facets[facet]);
  });

  it('the filter narrows the counts; a repeated parameter is a list too', async () => {
    const all = await statsJson('');
    const filter: FilterInput = { licenseCategories: ['PERMISSIVE', 'COPYLEFT'] };
    const narrowed = await statsJson('licenseCategories=PERMISSIVE&licenseCategories=COPYLEFT');
    expect(narrowed.totalCount).toBe(expectedTotal(filter));
    expect(narrowed.totalCount).toBeLessThan(all.totalCount);
    expect(narrowed.facets.licenseCategory.map((facet) => facet.value).sort()).toEqual(['COPYLEFT', 'PERMISSIVE']);
    const sum = (facets: Facet[]) => facets.reduce((total, facet) => total + facet.count, 0);
    for (const facet of FACETS) expect(sum(narrowed.facets[facet]), facet).toBe(narrowed.totalCount);
    const none = await statsJson('authors=nobody-at-all');
    expect(none.totalCount).toBe(0);
    expect(none.facets.license).toEqual([]);
  });

  it('facetLimit bounds the license, task and library facets as `limit` does in GraphQL', async () => {
    const body = await statsJson('facetLimit=2');
    const expected = await viaGraphQL({}, { limit: 2 });
    for (const facet of ['license', 'task', 'library'] as const) {
      expect(body.facets[facet]).toHaveLength(2);
      expect(body.facets[facet]).toEqual(expected.facets[facet]);
    }
    expect(body.facets.license[0]).toEqual({
      value: expect.any(String) as string,
      name: expect.any(String) as string,
      count: expect.any(Number) as number,
    });
  });
});

describe('openness over time', () => {
  const DAY_MS = 86_400_000;
  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  it('one flat row per bucket and level, ISO times, weekly buckets from Monday, as GraphQL counts them', async () => {
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 8 * 7 * DAY_MS).toISOString();
    const query = `interval=WEEK&from=${from}&to=${to}&minOpennessLevel=WEIGHTS_RESTRICTED`;
    const body = await statsJson(query);
    expect(body.interval).toBe('WEEK');
    const rows = body.opennessOverTime;
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['time', 'end', 'level', 'count', 'change']);
      for (const value of Object.values(row)) expect(['string', 'number']).toContain(typeof value);
      expect(row.time).toMatch(ISO);
      expect(row.end).toMatch(ISO);
      const start = new Date(row.time);
      expect(start.getUTCDay()).toBe(1);
      expect(start.getTime() % DAY_MS).toBe(0);
      expect(new Date(row.end).getTime() - start.getTime()).toBe(7 * DAY_MS);
    }
    const times = [...new Set(rows.map((row) => row.time))];
    expect(times.length).toBeGreaterThanOrEqual(9);
    for (const [i, time] of times.entries()) {
      expect(rows.filter((row) => row.time === time).map((row) => row.level)).toEqual([...OPENNESS_LEVELS]);
      if (i > 0) expect(new Date(time).getTime() - new Date(times[i - 1] ?? '').getTime()).toBe(7 * DAY_MS);
    }
    // The seed was written now: the last week holds the models, which the series counts.
    const lastWeek = rows.filter((row) => row.time === times.at(-1));
    expect(lastWeek.reduce((total, row) => total + row.count, 0)).toBeGreaterThan(0);
    const expected = await viaGraphQL({ minOpennessLevel: 'WEIGHTS_RESTRICTED' }, { interval: 'WEEK', from, to });
    expect(rows).toEqual(expected.opennessOverTime);
  });

  it('MONTH when no interval is given: buckets from the first of each month', async () => {
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 70 * DAY_MS).toISOString();
    const body = await statsJson(`from=${from}&to=${to}`);
    expect(body.interval).toBe('MONTH');
    expect(new Set(body.opennessOverTime.map((row) => row.time)).size).toBeGreaterThanOrEqual(3);
    for (const row of body.opennessOverTime) {
      const start = new Date(row.time);
      expect(row.time).toMatch(/-01T00:00:00\.000Z$/);
      expect(row.end).toBe(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString());
    }
    expect(body.opennessOverTime).toEqual((await viaGraphQL({}, { interval: 'MONTH', from, to })).opennessOverTime);
  });
});

describe('guards, as on /export and /graphql', () => {
  it('CORS headers for an origin in CORS_ORIGINS, none for another', async () => {
    const allowed = await get('/api/stats', { origin: ALLOWED_ORIGIN }, strictApi);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await get('/api/stats', { origin: 'https://elsewhere.example.org' }, strictApi);
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limit headers on every answer; an invalid API key is refused with 401', async () => {
    expect((await get('/api/stats')).headers.get('ratelimit')).toMatch(/^"api";r=\d+;t=\d+$/);
    const refused = await get('/api/stats', { authorization: 'Bearer not-a-key' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).errors[0]?.extensions['code']).toBe('UNAUTHENTICATED');
  });

  it('the cost limit of /graphql: a facetLimit that makes the query too costly gets 400 QUERY_TOO_COMPLEX', async () => {
    expect((await get('/api/stats?facetLimit=100', {}, strictApi)).status).toBe(200);
    const refused = await get('/api/stats?facetLimit=1000', {}, strictApi);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as ErrorBody;
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: 1000 });
    // The same query over /graphql is refused by the same limit.
    const viaGraphql = await graphql(strictApi.url, GRAPHQL_STATS, { interval: 'MONTH', limit: 1000 });
    expect(viaGraphql.body.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
  });
  it('a database outage: 503 JSON SERVICE_UNAVAILABLE with Retry-After, from the API error handler', async () => {
    const unreachable = createDatabase(
      { database: { url: 'postgresql://postgres@127.0.0.1:1/catalog', poolSize: 1 } },
      silentLogger,
    );
    const down = await startApi({ db: unreachable, redisUrl: inject('redisUrl') });
    try {
      const response = await get('/api/stats', {}, down);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as ErrorBody;
      expect(body.errors[0]?.extensions).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        requestId: response.headers.get('x-request-id'),
      });
    } finally {
      await down.stop();
      await unreachable.close();
    }
  });
});

describe('bad parameters', () => {
  it.each([
    ['an unknown parameter', 'licence=MIT', 'licence'],
    ['an unknown enum value in the filter', 'licenseCategories=PERMISSIVE,NOPE', 'licenseCategories'],
    ['an unknown interval', 'interval=YEAR', 'interval'],
    ['an interval given twice', 'interval=DAY&interval=WEEK', 'interval'],
    ['a malformed time', 'from=yesterday', 'from'],
    ['a malformed `to`', 'to=2026-13-01T00:00:00Z', 'to'],
    ['`from` after `to`', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['too many buckets', 'interval=DAY&from=2000-01-01T00:00:00Z', 'from'],
    ['a facetLimit out of range', 'facetLimit=0', 'facetLimit'],
    ['a malformed facetLimit', 'facetLimit=lots', 'facetLimit'],
    ['bounds the wrong way round', 'minParameters=5000&maxParameters=10', 'filter'],
    ['a NUL character', 'authors=a%00b', 'authors'],
  ])('%s: 400, BAD_USER_INPUT naming the parameter', async (_name, query, argument) => {
    const response = await get(`/api/stats?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as ErrorBody;
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    // The message names it too (the range check names the filter's field).
    expect(body.errors[0]?.message).toContain(argument === 'filter' ? 'minParameters' : `\`${argument}\``);
    expect(body.errors[0]?.message).not.toMatch(/at .*\.ts|SELECT|pg_/);
  });
});

// Last: it adds a model to the catalog the other tests count.
describe('conditional requests', () => {
  it('a weak ETag of the answer: 304 while it is unchanged, the new counts once a change is committed', async () => {
    const path = '/api/stats?authors=stats-etag-probe';
    const first = await get(path);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    expect(((await first.json()) as StatsJson).totalCount).toBe(0);
    const again = await get(path, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    // Another answer is another tag.
    expect((await get('/api/stats', { 'if-none-match': etag })).status).toBe(200);

    await new IngestRepository(catalog.db.pool).ingestPage([buildCatalogModel('stats-etag-probe/new-model')]);
    const changed = await get(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as StatsJson).totalCount).toBe(1);
  });
});
