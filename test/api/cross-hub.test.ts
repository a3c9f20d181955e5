/**
 * Cross-hub links (docs/hubs.md): `Model.sameAs` from declared links (both sides, whichever hub
 * was written first) and from unambiguous mirrors (same normalized author/name, each the only one
 * on its hub); `Model.derivatives` from `base_model:` lineage; `Model.hubData` kept as data and
 * refreshed without change rows. Written through the real ingest, read through GraphQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());
beforeEach(async () => {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES
       ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co'),
       ('modelscope', 'ModelScope', 'MODEL_HUB', 'https://www.modelscope.cn'),
       ('openrouter', 'OpenRouter', 'API_PROVIDER', 'https://openrouter.ai')`,
  );
});

/** A model of `hub` (`<author>/<name>` repo id unless given), with overrides. */
function on(hub: string, repoId: string, overrides: Partial<CatalogModel> = {}): CatalogModel {
  const model = buildCatalogModel(repoId, overrides);
  return { ...model, id: `${hub}:${repoId}`, hubId: hub, ...overrides };
}

async function write(...models: CatalogModel[]) {
  const result = await new IngestRepository(db.pool).ingestPage(models);
  if (!result) throw new Error('page refused');
  return result;
}

async function sameAs(id: string): Promise<string[]> {
  const response = await graphql<{ model: { sameAs: { id: string }[] } | null }>(
    api.url,
    'query ($id: ID!) { model(id: $id) { sameAs { id } } }',
    { id },
  );
  if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data!.model!.sameAs.map((model) => model.id);
}

describe('Model.sameAs', () => {
  it('follows a declared link from both sides, whichever hub was written first', async () => {
    // The API-only entry is written first, naming a Hugging Face model the catalog does not hold yet.
    await write(
      on('openrouter', 'meta-llama/llama-3.1-8b-instruct', {
        author: 'meta-llama',
        name: 'Llama 3.1 8B Instruct (served)',
        hubData: { sameAs: ['huggingface:meta-llama/Llama-3.1-8B-Instruct'], contextLength: 131072 },
      }),
    );
    expect(await sameAs('openrouter:meta-llama/llama-3.1-8b-instruct')).toEqual([]);
    await write(buildCatalogModel('meta-llama/Llama-3.1-8B-Instruct'));
    expect(await sameAs('huggingface:meta-llama/Llama-3.1-8B-Instruct')).toEqual([
      'openrouter:meta-llama/llama-3.1-8b-instruct',
    ]);
    expect(await sameAs('openrouter:meta-llama/llama-3.1-8b-instruct')).toEqual([
      'huggingface:meta-llama/Llama-3.1-8B-Instruct',
    ]);
  });

  it('links an unambiguous mirror by normalized author and name, and nothing when the name is ambiguous', async () => {
    await write(buildCatalogModel('Qwen/Qwen2.5-7B-Instruct'), buildCatalogModel('acme/Tiny_Model'));
    await write(
      on('modelscope', 'qwen/qwen2.5-7b-instruct'),
      on('modelscope', 'acme/tiny-model'),
      on('modelscope', 'acme/tinymodel'),
    );
    expect(await sameAs('huggingface:Qwen/Qwen2.5-7B-Instruct')).toEqual(['modelscope:qwen/qwen2.5-7b-instruct']);
    expect(await sameAs('modelscope:qwen/qwen2.5-7b-instruct')).toEqual(['huggingface:Qwen/Qwen2.5-7B-Instruct']);
    // Two ModelScope repos normalize to acme/tinymodel: which one mirrors the Hugging Face repo is unknown.
    expect(await sameAs('huggingface:acme/Tiny_Model')).toEqual([]);
    expect(await sameAs('modelscope:acme/tiny-model')).toEqual([]);
  });

  it('never links models of the same hub, nor removed models', async () => {
    await write(buildCatalogModel('org/Same-Name'), buildCatalogModel('org/same_name'));
    await write(on('modelscope', 'org/gone'), buildCatalogModel('org/Gone'));
    expect(await sameAs('huggingface:org/Same-Name')).toEqual([]);
    expect(await sameAs('huggingface:org/Gone')).toEqual(['modelscope:org/gone']);
    await db.pool.query(`UPDATE models SET removed_at = now() WHERE id = 'modelscope:org/gone'`);
    expect(await sameAs('huggingface:org/Gone')).toEqual([]);
  });

  it('batches a page: one list per model, in hub then id order', async () => {
    await write(buildCatalogModel('a/One'), buildCatalogModel('b/Two'));
    await write(
      on('modelscope', 'a/one'),
      on('openrouter', 'x/served-one', { author: 'x', name: 'served one', hubData: { sameAs: ['huggingface:a/One'] } }),
    );
    const response = await graphql<{ models: { nodes: { id: string; sameAs: { id: string }[] }[] } }>(
      api.url,
      '{ models(first: 10, filter: { hubs: ["huggingface"] }, orderBy: { field: CREATED_AT }) { nodes { id sameAs { id } } } }',
    );
    const byId = new Map(response.body.data!.models.nodes.map((node) => [node.id, node.sameAs.map((m) => m.id)]));
    expect(byId.get('huggingface:a/One')).toEqual(['modelscope:a/one', 'openrouter:x/served-one']);
    expect(byId.get('huggingface:b/Two')).toEqual([]);
  });
});

describe('collapseMirrors', () => {
  it('keeps one entry per model and its mirrors — the one on the first hub — in the page, the count, stats and exports', async () => {
    await write(buildCatalogModel('meta-llama/Llama-3.1-8B'), buildCatalogModel('solo/Only-Here'));
    await write(
      on('modelscope', 'meta-llama/llama-3.1-8b'),
      on('modelscope', 'qwen/only-on-modelscope'),
      on('openrouter', 'meta-llama/llama-3.1-8b', {
        author: 'meta-llama',
        name: 'llama-3.1-8b served',
        hubData: { sameAs: ['huggingface:meta-llama/Llama-3.1-8B'] },
      }),
      // Served by OpenRouter, copied on ModelScope, not on Hugging Face: the ModelScope copy stands.
      on('openrouter', 'qwen/only-on-modelscope-served', {
        author: 'qwen',
        name: 'served',
        hubData: { sameAs: ['modelscope:qwen/only-on-modelscope'] },
      }),
    );
    const query = `query ($collapse: Boolean) {
      models(first: 50, filter: { collapseMirrors: $collapse }, orderBy: { field: CREATED_AT, direction: ASC }) {
        totalCount nodes { id }
      }
      stats(filter: { collapseMirrors: $collapse }) { totalCount byHub { value count } }
    }`;
    type Answer = {
      models: { totalCount: number; nodes: { id: string }[] };
      stats: { totalCount: number; byHub: { value: string; count: number }[] };
    };
    const all = (await graphql<Answer>(api.url, query, { collapse: false })).body.data!;
    const collapsed = (await graphql<Answer>(api.url, query, { collapse: true })).body.data!;
    expect(all.models.totalCount).toBe(6);
    expect(collapsed.models.nodes.map((node) => node.id).sort()).toEqual([
      'huggingface:meta-llama/Llama-3.1-8B',
      'huggingface:solo/Only-Here',
      'modelscope:qwen/only-on-modelscope',
    ]);
    expect(collapsed.models.totalCount).toBe(3);
    expect(collapsed.stats.totalCount).toBe(3);
    expect(Object.fromEntries(collapsed.stats.byHub.map((row) => [row.value, row.count]))).toEqual({
      huggingface: 2,
      modelscope: 1,
    });
    // The same as an argument of `models`.
    const argument = await graphql<{ models: { totalCount: number } }>(
      api.url,
      '{ models(collapseMirrors: true) { totalCount } }',
    );
    expect(argument.body.data!.models.totalCount).toBe(3);
    const csv = await (await fetch(`${api.url}/export/models.csv?collapseMirrors=true`)).text();
    expect(csv.trim().split('\n').length - 1).toBe(3);
  });
});

describe('Model.derivatives and Model.hubData', () => {
  it('lists the derivatives of the same hub, most downloaded first, at most `first`', async () => {
    await write(
      buildCatalogModel('base/Model'),
      buildCatalogModel('x/fine-tune', { baseModels: ['base/Model'], downloads: 5 }),
      buildCatalogModel('y/quantized', { baseModels: ['base/Model'], downloads: 50 }),
      buildCatalogModel('z/unrelated'),
      on('modelscope', 'w/other-hub', { baseModels: ['base/Model'] }),
    );
    const derivatives = async (first?: number) =>
      graphql<{ model: { derivatives: { id: string }[] } }>(
        api.url,
        'query ($first: Int) { model(id: "huggingface:base/Model") { derivatives(first: $first) { id } } }',
        first === undefined ? {} : { first },
      );
    expect((await derivatives()).body.data!.model.derivatives.map((m) => m.id)).toEqual([
      'huggingface:y/quantized',
      'huggingface:x/fine-tune',
    ]);
    expect((await derivatives(1)).body.data!.model.derivatives.map((m) => m.id)).toEqual(['huggingface:y/quantized']);
    const tooMany = await derivatives(101);
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns the hub data, refreshed on every sighting without a change row', async () => {
    const model = on('openrouter', 'openai/gpt-4.1-nano', {
      author: 'openai',
      name: 'GPT-4.1 Nano',
      hubData: { pricing: ['0.0000001'], contextLength: 1047576 },
    });
    await write(model);
    const second = await write({ ...model, hubData: { pricing: ['0.0000002'], contextLength: 1047576 } });
    expect(second.changes).toEqual([]);
    const response = await graphql<{ model: { hubData: unknown } }>(
      api.url,
      '{ model(id: "openrouter:openai/gpt-4.1-nano") { hubData } }',
    );
    expect(response.body.data!.model.hubData).toEqual({ pricing: ['0.0000002'], contextLength: 1047576 });
    const hf = await graphql<{ model: { hubData: unknown } | null }>(
      api.url,
      '{ model(id: "huggingface:none/such") { hubData } }',
    );
    expect(hf.body.data!.model).toBeNull();
  });
});
