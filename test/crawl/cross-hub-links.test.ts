/**
 * Cross-hub links made by crawls (docs/hubs.md): an OpenRouter entry whose `hugging_face_id` names a
 * Hugging Face repo appears in `sameAs` on both sides, whichever hub is crawled first; and a
 * ModelScope copy of a Hugging Face repo is found as its mirror. Real crawls of the fakes, read
 * through GraphQL.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import type { HubId } from '../../src/config/hubs.js';
import { CivitaiFakeHub } from '../fake-hub/civitai/civitai-fake.js';
import { civitaiRecords } from '../fake-hub/civitai/civitai-records.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { FakeModelScope, generateModelScopeRecord } from '../fake-hub/modelscope/fake-modelscope.js';
import { FakeOpenRouter } from '../fake-hub/openrouter/fake-openrouter.js';
import { openRouterRecord } from '../fake-hub/openrouter/records.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { useCrawlTests } from '../helpers/crawl.js';

const t = useCrawlTests();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: t.db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

const HF_REPO = 'meta-llama/Llama-3.1-8B-Instruct';

async function crawl(hub: HubId, url: string): Promise<void> {
  const harness = await t.harnessAt(url, { hub });
  const summary = await crawlOnce(harness.crawl, { hubId: hub, mode: 'FULL', limit: null });
  expect(summary).toMatch(/: COMPLETED$/m);
}

async function sameAs(id: string): Promise<string[]> {
  const response = await graphql<{ model: { sameAs: { id: string }[] } | null }>(
    api.url,
    'query ($id: ID!) { model(id: $id) { sameAs { id } } }',
    { id },
  );
  if (!response.body.data?.model) throw new Error(`no model ${id}: ${JSON.stringify(response.body)}`);
  return response.body.data.model.sameAs.map((model) => model.id);
}

async function hubs() {
  const hf = t.started(await FakeHub.start({ store: MemoryModelStore.fromFixtures() }));
  const openRouter = t.started(
    await FakeOpenRouter.start({
      records: [
        openRouterRecord('meta-llama/llama-3.1-8b-instruct', { hugging_face_id: HF_REPO }),
        openRouterRecord('acme/closed-model', { hugging_face_id: '' }),
      ],
    }),
  );
  return { hf, openRouter };
}

describe('links made by crawls', () => {
  it.each([
    ['Hugging Face first', ['huggingface', 'openrouter'] as const],
    ['OpenRouter first', ['openrouter', 'huggingface'] as const],
  ])('an OpenRouter entry and the Hugging Face model it names are linked both ways (%s)', async (_name, order) => {
    const { hf, openRouter } = await hubs();
    expect(hf.models.all().some((record) => record.id === HF_REPO)).toBe(true);
    for (const hub of order) await crawl(hub, hub === 'huggingface' ? hf.url : openRouter.url);
    expect(await sameAs(`huggingface:${HF_REPO}`)).toContain('openrouter:meta-llama/llama-3.1-8b-instruct');
    expect(await sameAs('openrouter:meta-llama/llama-3.1-8b-instruct')).toEqual([`huggingface:${HF_REPO}`]);
    expect(await sameAs('openrouter:acme/closed-model')).toEqual([]);
  });

  it('finds a ModelScope copy of a Hugging Face repo as its mirror', async () => {
    const { hf } = await hubs();
    const copy = { ...generateModelScopeRecord(0), id: 'openai-community/gpt2', owner: undefined, name: undefined };
    const modelScope = t.started(await FakeModelScope.start({ records: [copy] }));
    await crawl('huggingface', hf.url);
    await crawl('modelscope', modelScope.url);
    expect(await sameAs('huggingface:openai-community/gpt2')).toEqual(['modelscope:openai-community/gpt2']);
    expect(await sameAs('modelscope:openai-community/gpt2')).toEqual(['huggingface:openai-community/gpt2']);
  });
});

describe('one catalog of four hubs', () => {
  it('stats by hub shows all four, and the filters (hubs, license category, level) work across them', async () => {
    const { hf, openRouter } = await hubs();
    const modelScope = t.started(
      await FakeModelScope.start({ records: [generateModelScopeRecord(0), generateModelScopeRecord(1)] }),
    );
    const civitai = t.started(await CivitaiFakeHub.start({ records: civitaiRecords(12) }));
    await crawl('huggingface', hf.url);
    await crawl('openrouter', openRouter.url);
    await crawl('modelscope', modelScope.url);
    await crawl('civitai', civitai.url);

    // What each hub holds, read from the tables ingest wrote (not through the API under test).
    const { rows } = await t.db.pool.query<{ hub_id: string; n: number; category: string; level: string }>(
      `SELECT m.hub_id, l.category, m.openness_level AS level, count(*)::int AS n
         FROM models m JOIN licenses l ON l.id = m.license_id WHERE m.removed_at IS NULL
        GROUP BY 1, 2, 3`,
    );
    const count = (where: (row: (typeof rows)[number]) => boolean) =>
      rows.filter(where).reduce((sum, row) => sum + row.n, 0);

    const response = await graphql<{
      stats: { byHub: { value: string; count: number }[] };
      nonCommercialCivitai: { totalCount: number; nodes: { id: string }[] };
      openWeights: { totalCount: number };
      apiOnly: { totalCount: number };
    }>(
      api.url,
      `
        {
          stats {
            byHub {
              value
              count
            }
          }
          nonCommercialCivitai: models(first: 100, filter: { hubs: ["civitai"], licenseCategories: [NON_COMMERCIAL] }) {
            totalCount
            nodes {
              id
            }
          }
          openWeights: models(filter: { minOpennessLevel: OPEN_WEIGHTS }) {
            totalCount
          }
          apiOnly: models(filter: { hubs: ["openrouter"], opennessLevels: [CLOSED] }) {
            totalCount
          }
        }
      `,
    );
    expect(response.body.errors).toBeUndefined();
    const data = response.body.data!;
    const byHub = Object.fromEntries(data.stats.byHub.map((row) => [row.value, row.count]));
    expect(Object.keys(byHub).sort()).toEqual(['civitai', 'huggingface', 'modelscope', 'openrouter']);
    for (const hub of Object.keys(byHub)) expect(byHub[hub]).toBe(count((row) => row.hub_id === hub));
    expect(data.nonCommercialCivitai.totalCount).toBe(
      count((row) => row.hub_id === 'civitai' && row.category === 'NON_COMMERCIAL'),
    );
    expect(data.nonCommercialCivitai.totalCount).toBeGreaterThan(0);
    expect(data.nonCommercialCivitai.totalCount).toBeLessThan(byHub['civitai']!);
    expect(data.nonCommercialCivitai.nodes.every((node) => node.id.startsWith('civitai:'))).toBe(true);
    const open = ['OPEN_WEIGHTS', 'OPEN_TOOLING', 'OPEN_SCIENCE'];
    expect(data.openWeights.totalCount).toBe(count((row) => open.includes(row.level)));
    expect(data.openWeights.totalCount).toBeGreaterThan(0);
    // Every OpenRouter model is API-only, hence CLOSED.
    expect(data.apiOnly.totalCount).toBe(byHub['openrouter']);
  });
});
