/**
 * Every statement the API runs over `models` is index-backed: for a fixed list of query shapes
 * (each filter field, the orders, searches, cursors deep in an order, stats and exports), the plan
 * Postgres makes has no sequential scan of `models`.
 *
 * A test database is small, and over a small table a sequential scan is the right plan; so the
 * plans are made with `enable_seqscan = off`, which leaves a sequential scan only where no index
 * can serve the statement at all. The same shapes at catalog scale are measured by
 * `catalog bench api` and `catalog bench scale` (README: Benchmarks).
 */
import { describe, expect, it } from 'vitest';
import { modelsExportSql } from '../../src/read-model/export.sql.js';
import { facetsSql } from '../../src/read-model/facets.sql.js';
import { encodeCursor } from '../../src/read-model/cursor.js';
import { parseModelsArgs, type ModelsArgs } from '../../src/read-model/models.filter.js';
import {
  modelsSql,
  readsSearchTable,
  relevanceProbePage,
  SEARCH_PROBE_ROWS,
  type PagePlan,
  type SqlStatement,
} from '../../src/read-model/models.sql.js';
import { expandSearch } from '../../src/read-model/search.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();

/** The plan of a statement as text, made with sequential scans disabled. */
async function planOf(statement: SqlStatement): Promise<string> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, [...statement.values]);
    await client.query('ROLLBACK');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

const cursor = (order: string, key: string | null) => encodeCursor({ order, key, id: 'huggingface:m/m' });

/** Shapes of `models(…)`: every filter field alone, the usual combinations, every order, cursors. */
const SHAPES: readonly (readonly [string, ModelsArgs])[] = [
  ['the default page', {}],
  ['hubs', { filter: { hubs: ['civitai'] } }],
  ['authors', { filter: { authors: ['meta-llama'] } }],
  ['tasks', { filter: { tasks: ['text-generation'] } }],
  ['libraries', { filter: { libraries: ['transformers'] } }],
  ['tags', { filter: { tags: ['gguf'] } }],
  ['license ids', { filter: { licenseIds: ['MIT'] } }],
  ['license categories', { filter: { licenseCategories: ['PERMISSIVE', 'COMMUNITY'] } }],
  ['commercial use', { filter: { commercialUse: ['ALLOWED'] } }],
  ['OSI approval', { filter: { osiApproved: true } }],
  ['openness levels', { filter: { opennessLevels: ['OPEN_SCIENCE'] } }],
  ['a lowest level', { filter: { minOpennessLevel: 'OPEN_WEIGHTS' } }],
  ['MOF classes', { filter: { mofClasses: ['CLASS_I'] } }],
  ['weights', { filter: { weights: ['API_ONLY'] } }],
  ['gated', { filter: { gated: true } }],
  ['parameters', { filter: { minParameters: 1_000_000_000, maxParameters: 8_000_000_000 } }],
  ['created since', { filter: { createdSince: new Date('2025-01-01T00:00:00Z') } }],
  ['updated since', { filter: { updatedSince: new Date('2025-01-01T00:00:00Z') } }],
  ['memory', { filter: { maxMemoryGb: 24 } }],
  ['formats', { filter: { formats: ['gguf'] } }],
  ['derivatives', { filter: { minDerivatives: 5 } }],
  ['removed included', { filter: { includeRemoved: true, licenseCategories: ['PERMISSIVE'] } }],
  ['mirrors collapsed', { filter: { collapseMirrors: true } }],
  ['the headline filters', { filter: { licenseCategories: ['PERMISSIVE'], minOpennessLevel: 'OPEN_WEIGHTS' } }],
  ['a search', { filter: { search: 'llama' } }],
  ['a search of two terms', { filter: { search: 'llama3 instruct' } }],
  ['a search of an exact name', { filter: { search: 'meta-llama/Llama-3.1-8B' } }],
  [
    'a search in filters',
    { filter: { search: 'qwen', licenseCategories: ['PERMISSIVE'], tasks: ['text-generation'] } },
  ],
  ...(
    [
      'DOWNLOADS',
      'LIKES',
      'CREATED_AT',
      'LAST_MODIFIED',
      'PARAMETERS',
      'OPENNESS_SCORE',
      'DERIVATIVES',
      'DOWNLOADS_ALL_TIME',
    ] as const
  ).flatMap((field) =>
    (['ASC', 'DESC'] as const).map(
      (direction) => [`order ${field} ${direction}`, { orderBy: { field, direction } }] as const,
    ),
  ),
  ['deep in the default order', { after: cursor('DOWNLOADS:DESC', '12') }],
  [
    'deep in a nullable order, in its null keys',
    { orderBy: { field: 'PARAMETERS', direction: 'DESC' }, after: cursor('PARAMETERS:DESC', null) },
  ],
  ['backward from deep', { last: 20, before: cursor('DOWNLOADS:DESC', '12') }],
  [
    'deep in a ranked search',
    { filter: { search: 'llama' }, after: cursor('RELEVANCE:DESC', String(2n * 4_294_967_296n + 2_147_483_660n)) },
  ],
  [
    'a search ordered by downloads',
    { filter: { search: 'llama' }, orderBy: { field: 'DOWNLOADS', direction: 'DESC' } },
  ],
];

/** A sequential scan of the catalog, or of its search table (a search of the listed models reads it). */
const SEQ_SCAN_ON_MODELS = /Seq Scan on (models|model_search)\b/;

describe('plans over models (sequential scans disabled)', () => {
  it.each(SHAPES)('%s: page and count are index-backed', async (_name, args) => {
    const query = parseModelsArgs(args);
    for (const plan of ['index', 'filter'] as PagePlan[]) {
      const { page, count } = modelsSql(query, plan);
      expect(await planOf(page)).not.toMatch(SEQ_SCAN_ON_MODELS);
      expect(await planOf(count)).not.toMatch(SEQ_SCAN_ON_MODELS);
    }
  });

  const searchOf = (args: ModelsArgs) => {
    const search = args.filter?.['search'];
    return typeof search === 'string' ? search : '';
  };

  it.each(SHAPES.filter(([, args]) => /[a-z]{3}$/.test(searchOf(args))))(
    '%s, widened (prefix, corrections): index-backed',
    async (_name, args) => {
      const query = parseModelsArgs(args);
      const search = expandSearch(
        query.filter.search!,
        new Map([['instruct', { known: false, similar: ['instructs', 'instrukt'] }]]),
      );
      expect(search.tsquery).not.toBe(search.literal);
      const { page } = modelsSql({ ...query, filter: { ...query.filter, search } });
      expect(await planOf(page)).not.toMatch(SEQ_SCAN_ON_MODELS);
    },
  );

  // A ranked search of the listed models also has the plan that reads every match at once (few
  // matches expected), and its tiers walk the downloads order when its words are common.
  const rankedOfSearchTable = (args: ModelsArgs) => {
    const query = parseModelsArgs(args);
    return query.filter.search !== null && query.order.field === 'RELEVANCE' && readsSearchTable(query.filter);
  };
  it.each(SHAPES.filter(([, args]) => rankedOfSearchTable(args)))(
    '%s: every match at once, and walked tiers, are index-backed',
    async (_name, args) => {
      const query = parseModelsArgs(args);
      const search = query.filter.search!;
      expect(await planOf(relevanceProbePage(query, search, 'full', SEARCH_PROBE_ROWS))).not.toMatch(
        SEQ_SCAN_ON_MODELS,
      );
      // Every word in every document: each tier walks.
      const everywhere = new Map(search.terms.flat().map((word) => [word, 1]));
      const frequencies = { rows: 1_000_000, common: everywhere, commonInName: everywhere };
      const walked = modelsSql({ ...query, filter: { ...query.filter, search: { ...search, frequencies } } }).page;
      expect(walked.text).toContain(') IS TRUE');
      expect(await planOf(walked)).not.toMatch(SEQ_SCAN_ON_MODELS);
    },
  );

  it.each(SHAPES.filter(([, args]) => args.filter !== undefined))(
    '%s: stats and the export are index-backed',
    async (_name, args) => {
      const { filter } = parseModelsArgs(args);
      expect(await planOf(facetsSql(filter))).not.toMatch(SEQ_SCAN_ON_MODELS);
      expect(await planOf(modelsExportSql(filter))).not.toMatch(SEQ_SCAN_ON_MODELS);
    },
  );

  it('would see a sequential scan: a condition no index serves', async () => {
    const plan = await planOf({ text: "SELECT id FROM models m WHERE m.card_summary LIKE '%x%'", values: [] });
    expect(plan).toMatch(SEQ_SCAN_ON_MODELS);
    const search = await planOf({ text: "SELECT id FROM model_search m WHERE m.search_name LIKE '%x%'", values: [] });
    expect(search).toMatch(SEQ_SCAN_ON_MODELS);
  });

  it('reads a search of the listed models from the search table, and a filtered search from models', async () => {
    const plain = modelsSql(parseModelsArgs({ filter: { search: 'llama' } })).page;
    const plainPlan = await planOf(plain);
    expect(plainPlan).toMatch(/on model_search m/);
    // Its in-name tiers test the name words (their own index), never a weighted query, which a
    // GIN index answers with every row that has the word anywhere, to be rechecked.
    expect(plainPlan).toMatch(/name_vector @@/);
    expect(plainPlan).not.toMatch(/'':\*?A/);
    const filtered = modelsSql(
      parseModelsArgs({ filter: { search: 'llama', licenseCategories: ['PERMISSIVE'] } }),
    ).page;
    const filteredPlan = await planOf(filtered);
    expect(filteredPlan).not.toMatch(/model_search/);
    expect(filteredPlan).toMatch(/'llama'':A/);
  });
});
