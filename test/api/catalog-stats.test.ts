/**
 * `stats` (facets and openness over time), `licenses` / `license` with model counts, and `hubs`
 * with their counts and crawl runs, over real HTTP, on a catalog with a history written through the
 * real write paths (catalog-stats.world.ts). Every expectation is computed in TypeScript from the
 * world's own record of what it wrote.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { OPENNESS_LEVELS } from '../../src/openness/types.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { silentLogger } from '../helpers/database.js';
import type { FilterInput } from './catalog.fixture.js';
import {
  buildHistory,
  bucketOf,
  DAY,
  expectedFacet,
  expectedOpennessOverTime,
  FACET_NAMES,
  FIRST_DAY,
  HUB,
  OTHER_HUB,
  seedHubs,
  truncateAll,
  World,
  type FacetName,
} from './catalog-stats.world.js';

const db = createDatabase({ database: { url: inject('databaseUrl'), poolSize: 5 } }, silentLogger);
const world = new World(db);
let api: RunningApi;

beforeAll(async () => {
  await truncateAll(db);
  await seedHubs(db);
  await buildHistory(world);
  api = await startApi({ db, redisUrl: inject('redisUrl') });
});
afterAll(async () => {
  await api.stop();
  await db.close();
});

async function query<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await graphql<T>(api.url, document, variables);
  if (response.body.errors || !response.body.data) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data;
}

const FACETS = `
  totalCount
  byLicense { value count license { id category modelCount } }
  byLicenseCategory { value count }
  byCommercialUse { value count }
  byOpennessLevel { value count }
  byMofClass { value count }
  byWeights { value count }
  byHub { value count }
  byTask { value count }
  byLibrary { value count }`;

type Facets = Record<FacetName, { value: string | null; count: number }[]> & { totalCount: number };

async function stats(filter: FilterInput): Promise<Facets & { models: number }> {
  const data = await query<{ stats: Facets & Record<string, unknown>; models: { totalCount: number } }>(
    `query ($filter: ModelFilter) { stats(filter: $filter) { ${FACETS} } models(filter: $filter, first: 1) { totalCount } }`,
    { filter },
  );
  const byLicense = (data.stats['byLicense'] as { value: string | null; count: number }[]).map(({ value, count }) => ({
    value,
    count,
  }));
  return { ...data.stats, byLicense, models: data.models.totalCount };
}

/** What answers a filter: the facet totals, the cube, or the models themselves. */
type Source = 'totals' | 'cube' | 'models';
const SOURCE_TABLE: Record<Exclude<Source, 'models'>, string> = {
  totals: 'FROM model_facet_totals t',
  cube: 'FROM model_facet_counts f',
};

const FILTERS: readonly (readonly [name: string, filter: FilterInput, source: Source])[] = [
  ['no filter (the whole catalog)', {}, 'totals'],
  ['removed models included', { includeRemoved: true }, 'totals'],
  ['hubs', { hubs: [OTHER_HUB] }, 'totals'],
  [
    'license categories (a redefined license counts under its new category)',
    { licenseCategories: ['NO_DERIVATIVES', 'COPYLEFT'] },
    'cube',
  ],
  ['commercial use and OSI', { commercialUse: ['ALLOWED', 'CONDITIONAL'], osiApproved: false }, 'cube'],
  [
    'license ids and a minimum level',
    { licenseIds: ['MIT', 'NONE', 'Apache-2.0'], minOpennessLevel: 'OPEN_WEIGHTS' },
    'cube',
  ],
  [
    'levels, MOF classes, weights',
    {
      opennessLevels: ['CLOSED', 'OPEN_SCIENCE', 'OPEN_WEIGHTS'],
      mofClasses: ['NONE', 'CLASS_II'],
      weights: ['OPEN', 'GATED_AUTO', 'API_ONLY'],
    },
    'cube',
  ],
  ['gated', { gated: true }, 'cube'],
  [
    'not gated, tasks, libraries, with removed',
    {
      gated: false,
      tasks: ['text-generation', 'raw-task'],
      libraries: ['transformers', 'raw-library', 'gguf'],
      includeRemoved: true,
    },
    'cube',
  ],
  ['authors (not a facet: GROUP BY over models)', { authors: ['org1', 'org2', 'org4'] }, 'models'],
  ['search with facet fields (GROUP BY over models)', { search: 'model', licenseCategories: ['PERMISSIVE'] }, 'models'],
  [
    'tags, removed included (GROUP BY over models)',
    { tags: ['transformers'], includeRemoved: true, minOpennessLevel: 'WEIGHTS_RESTRICTED' },
    'models',
  ],
  ['a filter nothing matches', { hubs: ['nowhere'] }, 'totals'],
];

describe('stats facets match the expectation computed from the written models', () => {
  it.each(FILTERS)('%s', async (_name, filter, source) => {
    const expected = world.matching(filter);
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    let got: Awaited<ReturnType<typeof stats>>;
    let statements: string[];
    try {
      got = await stats(filter);
      statements = spy.mock.calls.map(([text]: unknown[]) => String((text as { text?: string }).text ?? text));
    } finally {
      spy.mockRestore();
    }
    // The same source answers both the facets and totalCount.
    for (const [table, text] of Object.entries(SOURCE_TABLE))
      expect(statements.filter((statement) => statement.includes(text))).toHaveLength(table === source ? 2 : 0);

    expect(got.totalCount).toBe(expected.length);
    expect(got.models, 'models { totalCount } agrees').toBe(expected.length);
    for (const facet of FACET_NAMES) {
      expect(got[facet], facet).toEqual(expectedFacet(expected, facet));
      expect(got[facet].reduce((sum, entry) => sum + entry.count, 0)).toBe(expected.length);
    }
  });

  it('the world exercises what it should: nulls, several hubs, removals, restores, a redefined license', () => {
    const listed = world.matching({});
    expect(listed.some(({ model }) => model.task === null)).toBe(true);
    expect(listed.some(({ model }) => model.library === null)).toBe(true);
    expect(new Set(listed.map(({ model }) => model.hubId))).toEqual(new Set([HUB, OTHER_HUB]));
    expect(world.current().filter((m) => m.removed).length).toBeGreaterThan(3);
    expect(
      [...world.models.values()].filter((m) => !m.removed && m.timeline.some((e) => !e.listed)).length,
    ).toBeGreaterThan(2);
    expect(listed.some(({ model }) => model.license.category === 'NO_DERIVATIVES')).toBe(true);
    expect(listed.some(({ model }) => model.task === 'raw-task')).toBe(true);
  });

  it('a facet `limit` keeps the most frequent values; byLicense carries the license', async () => {
    const data = await query<{
      stats: {
        byTask: unknown[];
        byLibrary: unknown[];
        byLicense: { value: string; count: number; license: { id: string; category: string; modelCount: number } }[];
      };
    }>(
      `{ stats { byTask(limit: 2) { value count } byLibrary(limit: 1) { value count } byLicense(limit: 3) { value count license { id category modelCount } } } }`,
    );
    const listed = world.matching({});
    expect(data.stats.byTask).toEqual(expectedFacet(listed, 'byTask').slice(0, 2));
    expect(data.stats.byLibrary).toEqual(expectedFacet(listed, 'byLibrary').slice(0, 1));
    expect(data.stats.byLicense.map(({ value, count }) => ({ value, count }))).toEqual(
      expectedFacet(listed, 'byLicense').slice(0, 3),
    );
    for (const entry of data.stats.byLicense) {
      expect(entry.license.id).toBe(entry.value);
      expect(entry.license.category).toBe(world.licenses.get(entry.value)?.category);
      expect(entry.license.modelCount).toBe(entry.count);
    }
  });
});

const OVER_TIME = `query ($filter: ModelFilter, $interval: TimeInterval!, $from: DateTime, $to: DateTime) {
  stats(filter: $filter) {
    opennessOverTime(interval: $interval, from: $from, to: $to) { start end levels { level count change } total change }
  }
}`;

interface Bucket {
  start: string;
  end: string;
  levels: { level: string; count: number; change: number }[];
  total: number;
  change: number;
}

async function overTime(variables: Record<string, unknown>): Promise<Bucket[]> {
  return (await query<{ stats: { opennessOverTime: Bucket[] } }>(OVER_TIME, variables)).stats.opennessOverTime;
}

describe('opennessOverTime replays the change log', () => {
  const end = () => new Date((world.restoredAt as Date).getTime() + 2 * DAY);
  type Interval = 'DAY' | 'WEEK' | 'MONTH';
  const cases: readonly (readonly [string, Interval, FilterInput, () => { from: Date; to: Date }, boolean])[] = [
    ['DAY over the creations', 'DAY', {}, () => ({ from: FIRST_DAY, to: new Date('2025-02-20T12:00:00Z') }), true],
    [
      'DAY over the removals and restores',
      'DAY',
      {},
      () => ({ from: new Date((world.removedAt as Date).getTime() - 2 * DAY), to: end() }),
      true,
    ],
    ['WEEK over everything', 'WEEK', {}, () => ({ from: new Date('2024-12-25T00:00:00Z'), to: end() }), true],
    [
      'MONTH from inside a month, to inside one',
      'MONTH',
      {},
      () => ({ from: new Date('2025-02-17T08:00:00Z'), to: end() }),
      true,
    ],
    [
      'MONTH with removed models included',
      'MONTH',
      { includeRemoved: true },
      () => ({ from: FIRST_DAY, to: end() }),
      true,
    ],
    ['WEEK for one hub', 'WEEK', { hubs: [OTHER_HUB] }, () => ({ from: FIRST_DAY, to: end() }), true],
    [
      'MONTH by current license category (replayed)',
      'MONTH',
      { licenseCategories: ['NO_DERIVATIVES', 'COMMUNITY'] },
      () => ({ from: FIRST_DAY, to: end() }),
      false,
    ],
    [
      'WEEK by current level, removed included (replayed)',
      'WEEK',
      { opennessLevels: ['OPEN_WEIGHTS', 'CLOSED'], includeRemoved: true },
      () => ({ from: new Date('2025-04-01T00:00:00Z'), to: end() }),
      false,
    ],
    [
      'DAY by author (replayed)',
      'DAY',
      { authors: ['org3'] },
      () => ({ from: new Date('2025-05-15T00:00:00Z'), to: end() }),
      false,
    ],
    [
      'DAY over everything, hubs given (replayed, to compare with the daily totals)',
      'DAY',
      { hubs: [HUB, OTHER_HUB], minParameters: 0 },
      () => ({ from: FIRST_DAY, to: end() }),
      false,
    ],
  ];

  it.each(cases)('%s', async (_name, interval, filter, range, daily) => {
    const { from, to } = range();
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    let got: Bucket[];
    let statements: string[];
    try {
      got = await overTime({ filter, interval, from: from.toISOString(), to: to.toISOString() });
      statements = spy.mock.calls.map(([text]: unknown[]) => String((text as { text?: string }).text ?? text));
    } finally {
      spy.mockRestore();
    }
    expect(got).toEqual(expectedOpennessOverTime(world, filter, interval, from, to));
    expect(got.some((bucket) => bucket.change !== 0)).toBe(true);
    // Daily totals when the filter allows, else a replay of the matching models' change rows.
    expect(statements.filter((text) => text.includes('FROM openness_daily_changes'))).toHaveLength(daily ? 1 : 0);
    expect(statements.filter((text) => text.includes('FROM model_changes c JOIN chosen'))).toHaveLength(daily ? 0 : 1);
  });

  it('the last bucket up to now equals the current level facet', async () => {
    const got = await overTime({ interval: 'MONTH', from: '2025-01-01T00:00:00Z', to: end().toISOString() });
    const facet = expectedFacet(world.matching({}), 'byOpennessLevel');
    const last = got.at(-1) as Bucket;
    expect(
      last.levels
        .filter((level) => level.count > 0)
        .map(({ level, count }) => ({ value: level, count }))
        .sort(
          (a, b) =>
            b.count - a.count || OPENNESS_LEVELS.indexOf(a.value as never) - OPENNESS_LEVELS.indexOf(b.value as never),
        ),
    ).toEqual(facet);
  });

  it('without `from`: from the first change on record; without `to`: up to now', async () => {
    const got = await overTime({ interval: 'WEEK' });
    expect(got[0]?.start).toBe(bucketOf(FIRST_DAY, 'WEEK').toISOString());
    expect(got.at(-1)?.start).toBe(bucketOf(new Date(), 'WEEK').toISOString());
    expect(got).toEqual(expectedOpennessOverTime(world, {}, 'WEEK', FIRST_DAY, new Date()));
  });

  it('without `from` over a longer log than 1000 buckets: the last 1000', async () => {
    const got = await overTime({ interval: 'DAY', to: '2028-01-01T00:00:00Z' });
    expect(got).toHaveLength(1000);
    expect(got.at(-1)?.start).toBe('2028-01-01T00:00:00.000Z');
    const first = new Date(got[0]?.start as string);
    expect(got).toEqual(expectedOpennessOverTime(world, {}, 'DAY', first, new Date('2028-01-01T00:00:00Z')));
  });

  it('buckets are aligned like Postgres’ date_trunc in UTC', async () => {
    const instants = [
      '2025-03-02T23:59:59.999Z',
      '2025-03-03T00:00:00Z',
      '2024-12-31T10:00:00Z',
      '2025-01-05T00:00:00Z',
    ];
    for (const interval of ['DAY', 'WEEK', 'MONTH'] as const) {
      for (const at of instants) {
        const [bucket] = await overTime({ interval, from: at, to: at });
        const { rows } = await db.pool.query<{ start: Date }>(
          `SELECT date_trunc($1, $2::timestamptz, 'UTC') AS start`,
          [interval.toLowerCase(), at],
        );
        expect(bucket?.start, `${interval} ${at}`).toBe(rows[0]?.start.toISOString());
        expect(bucket?.start).toBe(bucketOf(new Date(at), interval).toISOString());
      }
    }
  });
});

describe('licenses and license', () => {
  const LICENSES = `query ($filter: LicenseFilter) { licenses(filter: $filter) { id name category commercialUse osiApproved url hubValue modelCount } }`;
  type LicenseOut = {
    id: string;
    name: string;
    category: string;
    commercialUse: string;
    osiApproved: boolean;
    modelCount: number;
  };

  const expectedLicenses = (keep: (id: string) => boolean) =>
    [...world.licenses.values()]
      .filter((license) => keep(license.id))
      .map((license) => ({
        id: license.id,
        category: license.category,
        modelCount: world.matching({ licenseIds: [license.id] }).length,
      }))
      .sort((a, b) => b.modelCount - a.modelCount || (a.id < b.id ? -1 : 1));

  it('lists every license, most used first, with its listed-model count', async () => {
    const { licenses } = await query<{ licenses: LicenseOut[] }>(LICENSES);
    expect(licenses.map(({ id, category, modelCount }) => ({ id, category, modelCount }))).toEqual(
      expectedLicenses(() => true),
    );
    expect(licenses.every((license) => (license as { hubValue?: unknown }).hubValue === null)).toBe(true);
  });

  it.each([
    [
      'categories',
      { categories: ['PERMISSIVE', 'NO_DERIVATIVES'] },
      (l: { category: string }) => ['PERMISSIVE', 'NO_DERIVATIVES'].includes(l.category),
    ],
    [
      'commercial use and OSI',
      { commercialUse: ['ALLOWED'], osiApproved: true },
      (l: { commercialUse: string; osiApproved: boolean }) => l.commercialUse === 'ALLOWED' && l.osiApproved,
    ],
    ['search, case ignored, in ids', { search: 'cc-BY' }, (l: { id: string }) => l.id.toLowerCase().includes('cc-by')],
    ['search in names', { search: 'community' }, (l: { name: string }) => l.name.toLowerCase().includes('community')],
    ['search with LIKE wildcards taken literally', { search: '%' }, () => false],
  ] as const)('filter: %s', async (_name, filter, keep) => {
    const { licenses } = await query<{ licenses: LicenseOut[] }>(LICENSES, { filter });
    const expected = expectedLicenses((id) => keep(world.licenses.get(id) as never));
    expect(licenses.map(({ id, category, modelCount }) => ({ id, category, modelCount }))).toEqual(expected);
    if (_name !== 'search with LIKE wildcards taken literally') expect(expected.length).toBeGreaterThan(0);
  });

  it('license(id) with modelCount; null for an unknown id; Model.license has it too', async () => {
    const model = world.matching({ licenseIds: ['GPL-3.0-only'] })[0]?.model;
    const data = await query<{
      license: LicenseOut | null;
      missing: unknown;
      model: { license: { id: string; hubValue: string | null; modelCount: number } };
    }>(
      `query ($id: ID!) { license(id: "GPL-3.0-only") { id name category modelCount } missing: license(id: "gpl-3.0-only") { id } model(id: $id) { license { id hubValue modelCount } } }`,
      { id: model?.id },
    );
    const count = world.matching({ licenseIds: ['GPL-3.0-only'] }).length;
    expect(data.license).toEqual({
      id: 'GPL-3.0-only',
      name: 'GNU GPL v3.0 only',
      category: 'COPYLEFT',
      modelCount: count,
    });
    expect(data.missing).toBeNull();
    expect(data.model.license).toEqual({ id: 'GPL-3.0-only', hubValue: 'gpl-3.0', modelCount: count });
  });
});

describe('hubs', () => {
  it('modelCount (listed models) and the last crawl runs, any status and completed', async () => {
    const runs = await db.pool.query<{ id: string }>(
      `INSERT INTO crawl_runs (hub_id, mode, status, trigger, started_at) VALUES
         ($1, 'FULL', 'COMPLETED', 'CLI', '2025-06-01T00:00:00Z'),
         ($1, 'INCREMENTAL', 'COMPLETED', 'SCHEDULE', '2025-06-02T00:00:00Z'),
         ($1, 'INCREMENTAL', 'FAILED', 'SCHEDULE', '2025-06-03T00:00:00Z'),
         ($2, 'FULL', 'RUNNING', 'API', '2025-06-04T00:00:00Z')
       RETURNING id::text`,
      [HUB, OTHER_HUB],
    );
    try {
      const data = await query<{
        hubs: {
          id: string;
          modelCount: number;
          lastCrawlRun: { id: string; status: string; hub: string } | null;
          lastCompletedCrawl: { id: string; mode: string } | null;
        }[];
      }>(`{ hubs { id modelCount lastCrawlRun { id status hub } lastCompletedCrawl { id mode } } }`);
      const ids = runs.rows.map((row) => row.id);
      expect(data.hubs).toEqual([
        {
          id: HUB,
          modelCount: world.matching({ hubs: [HUB] }).length,
          lastCrawlRun: { id: ids[2], status: 'FAILED', hub: HUB },
          lastCompletedCrawl: { id: ids[1], mode: 'INCREMENTAL' },
        },
        {
          id: OTHER_HUB,
          modelCount: world.matching({ hubs: [OTHER_HUB] }).length,
          lastCrawlRun: { id: ids[3], status: 'RUNNING', hub: OTHER_HUB },
          lastCompletedCrawl: null,
        },
      ]);
    } finally {
      await db.pool.query('DELETE FROM crawl_runs');
    }
  });
});

describe('statements', () => {
  it('a dashboard query (every facet, two series, licenses, hubs) costs a small constant number', async () => {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await query(`{
        stats { ${FACETS}
          weeks: opennessOverTime(interval: WEEK, from: "2025-01-01T00:00:00Z") { start total }
          months: opennessOverTime(interval: MONTH, from: "2025-01-01T00:00:00Z") { start total }
        }
        licenses { id modelCount }
        hubs { id modelCount lastCrawlRun { id } lastCompletedCrawl { id } }
      }`);
      // facets, two series, license rows (byLicense.license), licenses, hubs, hub counts, crawl runs;
      // the license counts of byLicense come with `licenses`... or one more statement.
      const statements = spy.mock.calls.map(([text]: unknown[]) =>
        typeof text === 'string' ? text : String((text as { text?: string } | null)?.text),
      );
      // One for every facet (from the totals), one per series (the daily changes), and for the other fields one
      // per loader: license rows, license counts (unless `licenses` primed them first), the
      // licenses, the hubs, their counts, their crawl runs.
      expect(statements.filter((text) => text.includes('FROM model_facet_totals t'))).toHaveLength(1);
      expect(statements.filter((text) => text.includes('FROM openness_daily_changes'))).toHaveLength(2);
      // (The API's change stream polls the change log meanwhile: not this request's.)
      expect(statements.filter((text) => !text.includes('model_changes')).length).toBeLessThanOrEqual(9);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('errors', () => {
  it.each([
    ['limit 0', `{ stats { byTask(limit: 0) { value } } }`, 'limit'],
    ['limit above 1000', `{ stats { byLicense(limit: 1001) { value } } }`, 'limit'],
    [
      'from after to',
      `{ stats { opennessOverTime(interval: DAY, from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z") { start } } }`,
      'from',
    ],
    [
      'more than 1000 buckets',
      `{ stats { opennessOverTime(interval: DAY, from: "2020-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z") { start } } }`,
      'from',
    ],
    ['an unknown interval', `{ stats { opennessOverTime(interval: YEAR) { start } } }`, undefined],
    ['a bad filter', `{ stats(filter: { minParameters: -1 }) { totalCount } }`, 'filter'],
    ['an empty license search', `{ licenses(filter: { search: "  " }) { id } }`, 'filter'],
  ])('%s: BAD_USER_INPUT', async (_name, document, argument) => {
    const response = await graphql(api.url, document);
    const error = response.body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    if (argument) expect(error?.extensions?.['argument']).toBe(argument);
  });

  it('the bucket limit error states the count and the maximum', async () => {
    const response = await graphql(
      api.url,
      `
        {
          stats {
            opennessOverTime(interval: WEEK, from: "2000-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z") {
              start
            }
          }
        }
      `,
    );
    expect(response.body.errors?.[0]?.message).toMatch(/1306 WEEK buckets .* at most 1000/);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ buckets: 1306, maximum: 1000 });
  });
});
