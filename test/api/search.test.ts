/**
 * Ranked search through the API (docs/search.md): the tiers of RELEVANCE (exact name, in the name,
 * anywhere, corrected), popularity within a tier, typo and prefix matching from the catalog's own
 * words, search inside other filters, and cursors that walk the ranked order both ways.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { encodeCursor } from '../../src/read-model/cursor.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel, NON_COMMERCIAL_LICENSE } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

const model = (repoId: string, downloads: number, overrides: Partial<CatalogModel> = {}) =>
  buildCatalogModel(repoId, { downloads, ...overrides });

/** A catalog where popularity and relevance disagree, so that the order shows which one ranked. */
const CATALOG: CatalogModel[] = [
  model('mistralai/Mistral-7B-Instruct', 900_000),
  model('someone/mistral', 5),
  model('fans/Mistral-7B-finetune', 50_000),
  model('fans/Mistral-Nemo', 200_000),
  model('other/chat-model', 800_000, { tags: ['mistral', 'transformers'] }),
  model('meta/Llama3-8B', 700_000),
  model('meta/Llama-3-70B', 600_000),
  model('tiny/tinyllama', 100),
  model('x/Qwen2.5-7B', 300_000, { license: NON_COMMERCIAL_LICENSE }),
  model('x/Qwen2.5-Coder', 10_000),
];

beforeEach(async () => {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
  await new IngestRepository(db.pool).ingestPage(CATALOG);
});

interface Page {
  totalCount: number;
  nodes: { id: string }[];
  pageInfo: { endCursor: string | null; startCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

async function search(
  text: string,
  args: { first?: number; last?: number; after?: string; before?: string; filter?: Record<string, unknown> } = {},
) {
  const response = await graphql<{ models: Page }>(
    api.url,
    `
      query ($filter: ModelFilter, $first: Int, $last: Int, $after: String, $before: String) {
        models(filter: $filter, first: $first, last: $last, after: $after, before: $before) {
          totalCount
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
    { ...args, filter: { search: text, ...args.filter } },
  );
  expect(response.body.errors).toBeUndefined();
  const page = response.body.data!.models;
  return { ...page, ids: page.nodes.map((node) => node.id.replace('huggingface:', '')) };
}

describe('ranked search', () => {
  it('ranks the exact name first, then names by popularity, then other places', async () => {
    const { ids, totalCount } = await search('mistral');
    expect(ids).toEqual([
      'someone/mistral', // the exact name, though the least downloaded
      'mistralai/Mistral-7B-Instruct',
      'fans/Mistral-Nemo',
      'fans/Mistral-7B-finetune',
      'other/chat-model', // "mistral" only in its tags
    ]);
    expect(totalCount).toBe(5);
  });

  it('finds an author/name exactly', async () => {
    const { ids } = await search('fans/Mistral-7B-finetune');
    expect(ids[0]).toBe('fans/Mistral-7B-finetune');
  });

  it('corrects a word the catalog does not know to the words most like it', async () => {
    const { ids } = await search('mistrl');
    expect(ids).toContain('mistralai/Mistral-7B-Instruct');
    expect(ids).toContain('someone/mistral');
  });

  it('does not correct a word the catalog knows', async () => {
    // "nemo" is a word of a repo id: no model is found by words like it.
    const { ids } = await search('nemo');
    expect(ids).toEqual(['fans/Mistral-Nemo']);
  });

  it('matches the last word as a prefix, while it is typed: names first, each by popularity', async () => {
    const { ids } = await search('mistra');
    expect(ids).toEqual([
      'mistralai/Mistral-7B-Instruct',
      'fans/Mistral-Nemo',
      'fans/Mistral-7B-finetune',
      'someone/mistral',
      'other/chat-model', // only in its tags
    ]);
    expect((await search('qwen2.5-cod')).ids).toEqual(['x/Qwen2.5-Coder']);
  });

  it('ranks what was typed above what a prefix found', async () => {
    // "llama" as typed is a word of two names; "tinyllama" is not found by a prefix of "llama".
    expect((await search('llama')).ids).toEqual(['meta/Llama3-8B', 'meta/Llama-3-70B']);
    expect((await search('tiny')).ids).toEqual(['tiny/tinyllama']);
  });

  it('finds letters and digits written together or apart alike', async () => {
    expect((await search('llama3')).ids).toEqual(['meta/Llama3-8B', 'meta/Llama-3-70B']);
    expect((await search('llama 3')).ids).toEqual(['meta/Llama3-8B', 'meta/Llama-3-70B']);
    expect((await search('llama-3')).ids).toEqual(['meta/Llama3-8B', 'meta/Llama-3-70B']);
  });

  it('searches within any other filter', async () => {
    const { ids, totalCount } = await search('qwen', { filter: { licenseCategories: ['NON_COMMERCIAL'] } });
    expect(ids).toEqual(['x/Qwen2.5-7B']);
    expect(totalCount).toBe(1);
  });

  it('walks the ranked order page by page both ways, each match once', async () => {
    const all = (await search('mistral')).ids;
    const forward: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await search('mistral', { first: 2, ...(after ? { after } : {}) });
      forward.push(...page.ids);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(forward).toEqual(all);

    const backward: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await search('mistral', { last: 2, ...(before ? { before } : {}) });
      backward.unshift(...page.ids);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor!;
    }
    expect(backward).toEqual(all);
  });

  it('refuses a cursor whose position is not a ranked position', async () => {
    const forged = encodeCursor({ order: 'RELEVANCE:DESC', key: '-5', id: 'huggingface:x' });
    const response = await graphql(
      api.url,
      'query($after: String) { models(filter: { search: "mistral" }, after: $after) { totalCount } }',
      { after: forged },
    );
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });
});
