/**
 * Head pages (model-projection.ts): a `models` selection that asks only for a model's headline
 * reads heads from the page indexes, anything more reads whole rows — and whatever a page read,
 * every `Model` field answers the same (a head completes its row through the loader).
 *
 * The lookahead is wrapped so that a test can force a projection: with heads forced, a query of
 * every field must answer exactly as with whole rows.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type * as ModelProjection from '../../src/api/resolvers/model-projection.js';
import type { ModelsSelection } from '../../src/read-model/models.sql.js';
import type { Projection } from '../../src/read-model/models.sql.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { MODEL_FIELDS, useSeededCatalog } from './catalog.fixture.js';

const forced = vi.hoisted(() => ({ projection: null as Projection | null, decided: [] as ModelsSelection[] }));
vi.mock('../../src/api/resolvers/model-projection.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ModelProjection>();
  return {
    ...actual,
    modelsSelection: (info: Parameters<typeof actual.modelsSelection>[0]): ModelsSelection => {
      const decided = actual.modelsSelection(info);
      forced.decided.push(decided);
      return { ...decided, columns: forced.projection ?? decided.columns };
    },
  };
});

const catalog = useSeededCatalog();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
});
afterEach(() => {
  forced.projection = null;
  forced.decided = [];
});
afterAll(() => api.stop());

const EVERY_FIELD = `query ($first: Int!, $orderBy: ModelOrder, $filter: ModelFilter) {
  models(first: $first, orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { id } }
    nodes {
      __typename ${MODEL_FIELDS}
      baseModelRelation
      baseModels { id name license { id hubValue } }
      deployment { parameterCount estimatedMemoryGb { bits16 bits8 bits4 } formats quantizations localApps inferenceProviders }
      ecosystem {
        downloads downloadsAllTime likes spaces ageDays lastModified
        derivatives { total finetunes adapters quantizations merges }
      }
    }
  }
}`;

async function run(document: string, variables: Record<string, unknown> = {}) {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const response = await graphql<{ models: { nodes: unknown[] } }>(api.url, document, {
      first: 50,
      ...variables,
    });
    expect(response.body.errors).toBeUndefined();
    const statements = spy.mock.calls.map(([text]: unknown[]) =>
      typeof text === 'string' ? text : String((text as { text?: string } | null)?.text),
    );
    return { data: response.body.data, statements };
  } finally {
    spy.mockRestore();
  }
}

const pageStatement = (statements: readonly string[]) => {
  const pages = statements.filter((text) => text.startsWith('WITH page AS MATERIALIZED'));
  expect(pages).toHaveLength(1);
  return pages[0] as string;
};
/** Whether the page statement reads whole rows (MODEL_COLUMNS: hub data among them), not heads. */
const readsWholeRows = (statements: readonly string[]) => pageStatement(statements).includes('m.hub_data AS "hubData"');

describe('head pages', () => {
  it.each([
    ['the default order', {}],
    ['a filter', { filter: { licenseCategories: ['PERMISSIVE', 'COMMUNITY'], minOpennessLevel: 'OPEN_WEIGHTS' } }],
    ['a nullable key (two segments)', { orderBy: { field: 'PARAMETERS', direction: 'DESC' } }],
    ['the DERIVATIVES order', { orderBy: { field: 'DERIVATIVES', direction: 'DESC' } }],
    ['a search', { filter: { search: 'llama' } }],
  ])('%s: every field answers the same from heads as from whole rows', async (_name, variables) => {
    // A search's words are looked up once, then cached (search-terms.repository.ts): not in the counts below.
    if ('filter' in variables && 'search' in variables.filter) await run(EVERY_FIELD, variables);
    forced.projection = 'full';
    const whole = await run(EVERY_FIELD, variables);
    forced.projection = 'head';
    const heads = await run(EVERY_FIELD, variables);

    expect(readsWholeRows(whole.statements)).toBe(true);
    expect(readsWholeRows(heads.statements)).toBe(false);
    expect((whole.data?.models.nodes ?? []).length).toBeGreaterThan(0);
    expect(heads.data).toEqual(whole.data);
    // Completing the heads is one statement for the page (the model loader), whatever its size.
    expect(heads.statements.length).toBe(whole.statements.length + 1);
  });

  it.each([
    [
      'the headline',
      'nodes { id hub repoId downloads removedAt license { id category } openness { level score mofClass } }',
      'head',
    ],
    ['only the count', 'totalCount', 'head'],
    ['edges', 'edges { cursor node { id license { name url } } }', 'head'],
    [
      'the assessment beyond the headline',
      'nodes { id openness { rulesVersion code { training } references { source } } }',
      'head',
    ],
    ['history', 'nodes { id history(first: 1) { totalCount } }', 'head'],
    ['a fragment of headline fields', 'nodes { ...Head } } } fragment Head on Model { id license { id ', 'head'],
    ['a name', 'nodes { id name }', 'full'],
    ['a name in an inline fragment', 'nodes { id ... on Model { name } }', 'full'],
    [
      'a spread fragment asking for more',
      'nodes { ... on Node { id } ...More } } } fragment More on Model { license { hubValue ',
      'full',
    ],
    ['a name under edges', 'edges { node { id name } }', 'full'],
    ['the hub’s license value', 'nodes { license { hubValue } }', 'full'],
    ['weights', 'nodes { openness { weights { availability } } }', 'full'],
    ['deployment', 'nodes { deployment { formats } }', 'full'],
  ] as const)('%s reads %s', async (_name, selection, projection) => {
    const { statements } = await run(`query ($first: Int!) { models(first: $first) { ${selection} } }`);
    expect(forced.decided.map((decided) => decided.columns)).toEqual([projection]);
    expect(forced.decided[0]?.licenses).toBe(/license \{/.test(selection));
    expect(readsWholeRows(statements)).toBe(projection === 'full');
  });

  it('follows @include and @skip with the request’s variables', async () => {
    const document = `query ($first: Int!, $withName: Boolean!) {
      models(first: $first) { nodes { id name @include(if: $withName) license { id hubValue @skip(if: true) } } }
    }`;
    await run(document, { withName: false });
    await run(document, { withName: true });
    expect(forced.decided.map((decided) => decided.columns)).toEqual(['head', 'full']);
  });

  // A document's decision is remembered by its field node only when no directive is under it.
  it('follows @include inside a spread fragment run after run, and decides a document without directives alike each run', async () => {
    const withDirective = `query ($first: Int!, $withName: Boolean!) {
      models(first: $first) { nodes { ...Named } }
    }
    fragment Named on Model { id name @include(if: $withName) }`;
    for (const withName of [false, true, false]) await run(withDirective, { withName });
    const plain = `query ($first: Int!) { models(first: $first) { nodes { id name } } }`;
    for (let index = 0; index < 2; index++) await run(plain);
    expect(forced.decided.map((decided) => decided.columns)).toEqual(['head', 'full', 'head', 'full', 'full']);
  });
});
