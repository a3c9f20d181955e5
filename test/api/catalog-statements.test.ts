/**
 * The DataLoaders at work: a page of models with license, openness (assessment and expert
 * references), base models and history costs the same number of SQL statements for 10 models as
 * for 100. Statements are counted at `pg.Client#query`, which every query of the process goes
 * through (the pool's, and Prisma's via @prisma/adapter-pg).
 *
 * Each loader costs at most one statement per level of the query: fields of the base models
 * (their own license, openness) are a second level, whose loaders may find everything cached
 * already (a license the page has), so there the count is bounded rather than fixed.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi, type MockInstance } from 'vitest';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { useSeededCatalog } from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
let spy: MockInstance | undefined;
beforeAll(async () => {
  // Statement counts, not cost: the nested base-model page below costs more than the default
  // GRAPHQL_MAX_COST (lists without pagination are charged at 10 entries each).
  // The change stream's idle poll would be counted too if it fell inside a request: poll rarely.
  api = await startApi({
    db: catalog.db,
    redisUrl: inject('redisUrl'),
    env: { GRAPHQL_MAX_COST: '100000', CHANGE_STREAM_POLL_MS: '600000' },
  });
});
afterEach(() => spy?.mockRestore());
afterAll(() => api.stop());

const PAGE = `query ($first: Int!, $after: String, $orderBy: ModelOrder, $filter: ModelFilter) {
  models(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id url parameterCount
      license { id category commercialUse osiApproved hubValue }
      openness {
        level mofClass score rulesVersion
        weights { availability formats parameterCount }
        code { inference training } documentation { modelCard paper evaluation }
        evidence { rule }
        references { source class score grades }
      }
      baseModels { id name tags }
      history(first: 3) { totalCount nodes { kind changedFields model { id } } }
      baseModelRelation
      deployment {
        parameterCount estimatedMemoryGb { bits16 bits8 bits4 } formats quantizations localApps inferenceProviders
      }
      ecosystem {
        downloads downloadsAllTime likes spaces ageDays lastModified
        derivatives { total finetunes adapters quantizations merges }
      }
    }
  }
}`;

/** The SQL statements one request issues (texts, in order). */
async function statementsOf(
  variables: Record<string, unknown>,
  document = PAGE,
): Promise<{ statements: string[]; nodes: number }> {
  // A spy without an implementation calls through; its calls are the statements.
  spy = vi.spyOn(pg.Client.prototype, 'query');
  const response = await graphql<{ models: { nodes: unknown[] } }>(api.url, document, variables);
  const statements = spy.mock.calls.map(([text]: unknown[]) =>
    typeof text === 'string' ? text : String((text as { text?: string } | null)?.text),
  );
  spy.mockRestore();
  expect(response.body.errors).toBeUndefined();
  return { statements, nodes: response.body.data?.models.nodes.length ?? 0 };
}

describe('statements per page', () => {
  it.each([
    ['the default order', {}],
    ['a nullable key (two index segments)', { orderBy: { field: 'PARAMETERS', direction: 'DESC' } }],
    ['a search', { filter: { search: 'llama' } }],
    ['the DERIVATIVES order (counts joined, two segments)', { orderBy: { field: 'DERIVATIVES', direction: 'ASC' } }],
    ['the DOWNLOADS_ALL_TIME order', { orderBy: { field: 'DOWNLOADS_ALL_TIME', direction: 'DESC' } }],
    ['the deployment filters', { filter: { maxMemoryGb: 80, formats: ['safetensors'], minDerivatives: 0 } }],
  ])('%s: 10 models cost what 100 cost', async (_name, variables) => {
    if ('filter' in variables && 'search' in variables.filter) {
      // A search's words are looked up in the dictionary once (search-terms.repository.ts), then cached.
      const first = await statementsOf({ first: 1, ...variables });
      expect(first.statements.filter((text) => text.includes('FROM search_terms'))).toHaveLength(1);
    }
    const ten = await statementsOf({ first: 10, ...variables });
    const hundred = await statementsOf({ first: 100, ...variables });

    expect(ten.nodes).toBe(10);
    expect(hundred.nodes).toBeGreaterThan(ten.nodes);
    expect(hundred.statements.length).toBe(ten.statements.length);
    // page, count, hubs, licenses, assessments, references, base models, change pages, change counts,
    // derivative counts (deployment and the rest of ecosystem come with the page's rows).
    expect(ten.statements.length).toBe(10);
  });

  it('the base models’ own fields add at most one statement per loader', async () => {
    const nested = PAGE.replace(
      'baseModels { id name tags }',
      'baseModels { id license { id } openness { level references { source } } baseModels { id } }',
    );
    for (const first of [10, 100]) {
      const { statements } = await statementsOf({ first }, nested);
      // The 10 above, plus licenses, assessments, references and base models for the base models.
      expect(statements.length).toBeLessThanOrEqual(14);
    }
  });

  it('the page query reads no OFFSET and seeks on the keyset', async () => {
    const first = await graphql<{ models: { pageInfo: { endCursor: string } } }>(
      api.url,
      '{ models(first: 2) { pageInfo { endCursor } } }',
    );
    const { statements } = await statementsOf({ first: 5, after: first.body.data?.models.pageInfo.endCursor });
    const page = statements.find((text) => text.includes('"sortKey"')) ?? '';
    expect(page).toMatch(/\(m\.downloads, m\.id\) < \(\$\d+::integer, \$\d+\)/);
    expect(page).not.toMatch(/OFFSET/i);
  });
});
