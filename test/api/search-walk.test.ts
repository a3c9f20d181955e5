/**
 * Ranked search over more models than a tier walks (SEARCH_WALK_ROWS, models.sql.ts): each tier of
 * the search table walks the top of the downloads order, then reads the rest of its matches by the
 * GIN index. Every page, forward and backward, must be what the same search reads from `models`
 * (a filter that matches every model sends it there, where the planner's plan reads each tier
 * whole): common words, rare words below the walk, words common in one field only, phrases.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { seedSearchCatalog } from '../helpers/search-catalog.js';

const db = useTestDatabase();
let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

interface Page {
  nodes: { id: string }[];
  pageInfo: { endCursor: string | null; startCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

async function page(filter: Record<string, unknown>, args: Record<string, unknown>): Promise<Page> {
  const response = await graphql<{ models: Page }>(
    api.url,
    `
      query ($filter: ModelFilter, $first: Int, $last: Int, $after: String, $before: String) {
        models(filter: $filter, first: $first, last: $last, after: $after, before: $before) {
          nodes {
            id
          }
          pageInfo {
            endCursor
            startCursor
            hasNextPage
            hasPreviousPage
          }
        }
      }
    `,
    { filter, ...args },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.models;
}

/** Every match in ranked order, by pages of `size` forward, at most `max` models. */
async function walkForward(filter: Record<string, unknown>, size: number, max: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const result: Page = await page(filter, { first: size, ...(after ? { after } : {}) });
    ids.push(...result.nodes.map((node) => node.id));
    if (!result.pageInfo.hasNextPage || ids.length >= max) return ids;
    after = result.pageInfo.endCursor;
  }
}

const everyModel = { hubs: ['huggingface'] };

describe('ranked search past the walk', () => {
  it('reads the same pages as the plan over models, and pages back from the last page to the first', async () => {
    await seedSearchCatalog(db.pool);
    for (const [search, max] of [
      ['common', 200], // a common word
      ['llama 3', 150], // a word of a fifth of the names, split at its digit
      ['rarity', 100], // a rare word below the walk
      ['tagonly', 120], // a word only in tags, low in the order
      ['rarity common', 100], // two words rarely together
      ['rari', 100], // a prefix
    ] as const) {
      const fromSearchTable = await walkForward({ search }, 25, max);
      const fromModels = await walkForward({ search, ...everyModel }, 25, max);
      expect(fromSearchTable.length, search).toBeGreaterThan(0);
      expect(fromSearchTable, search).toEqual(fromModels);
      expect(new Set(fromSearchTable).size, search).toBe(fromSearchTable.length);
    }

    // The walk's last row and its neighbours: each read once, by the walk or by the index.
    // One page (the walk and the index, split at the walk's last row) and pages of 4 (cursors).
    const edge = await walkForward({ search: 'edgeword' }, 25, 100);
    expect(edge).toHaveLength(21);
    expect(edge).toEqual(await walkForward({ search: 'edgeword', ...everyModel }, 25, 100));
    expect(await walkForward({ search: 'edgeword' }, 4, 100)).toEqual(edge);

    const all = await walkForward({ search: 'rarity' }, 7, 1_000);
    expect(all).toHaveLength(30);
    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const result: Page = await page({ search: 'rarity' }, { last: 7, ...(before ? { before } : {}) });
      backward.unshift(...result.nodes.map((node) => node.id));
      if (!result.pageInfo.hasPreviousPage) break;
      before = result.pageInfo.startCursor;
    }
    expect(backward).toEqual(all);
  }, 120_000);
});
