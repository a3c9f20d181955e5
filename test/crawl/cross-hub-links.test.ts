/**
 * Cross-hub links made by crawls (docs/hubs.md): an OpenRouter entry whose `hugging_face_id` names a
 * Hugging Face repo appears in `sameAs` on both sides, whichever hub is crawled first; and a
 * ModelScope copy of a Hugging Face repo is found as its mirror. Real crawls of the fakes, read
 * through GraphQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import type { HubId } from '../../src/config/hubs.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { FakeModelScope, generateModelScopeRecord } from '../fake-hub/modelscope/fake-modelscope.js';
import { FakeOpenRouter } from '../fake-hub/openrouter/fake-openrouter.js';
import { openRouterRecord } from '../fake-hub/openrouter/records.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { crawlHarness } from '../helpers/crawl.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let api: RunningApi;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const HF_REPO = 'meta-llama/Llama-3.1-8B-Instruct';

async function crawl(hub: HubId, url: string): Promise<void> {
  const harness = await crawlHarness(db, url, { hub });
  cleanups.push(() => harness.close());
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
  const hf = await FakeHub.start({ store: MemoryModelStore.fromFixtures() });
  const openRouter = await FakeOpenRouter.start({
    records: [
      openRouterRecord('meta-llama/llama-3.1-8b-instruct', { hugging_face_id: HF_REPO }),
      openRouterRecord('acme/closed-model', { hugging_face_id: '' }),
    ],
  });
  cleanups.push(
    () => hf.stop(),
    () => openRouter.stop(),
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
    const modelScope = await FakeModelScope.start({ records: [copy] });
    cleanups.push(() => modelScope.stop());
    await crawl('huggingface', hf.url);
    await crawl('modelscope', modelScope.url);
    expect(await sameAs('huggingface:openai-community/gpt2')).toEqual(['modelscope:openai-community/gpt2']);
    expect(await sameAs('modelscope:openai-community/gpt2')).toEqual(['huggingface:openai-community/gpt2']);
  });
});
