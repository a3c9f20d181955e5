import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, snapshotOf } from '../catalog-model.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import {
  baseModelRelationOf,
  ggufQuantTypes,
  inferenceProvidersOf,
  localAppsOf,
  quantizationsOf,
  spacesOf,
} from './deployment-facts.js';
import { validateHfRecord, type HfRecord } from './hf-record.js';
import { normalizeHfRecord } from './normalize.js';

/** A record as `GET /api/models?expand[]=…` returns it, validated at the boundary like the crawler does. */
function record(fields: Record<string, unknown>): HfRecord {
  const result = validateHfRecord({ _id: '66eb2003e604909be7d0e530', id: 'acme/model', ...fields });
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

const files = (...names: string[]) => names.map((rfilename) => ({ rfilename }));

/** bartowski's GGUF quantizations of Qwen2.5-Coder, shaped like the listing records of that repo. */
const GGUF_REPO = {
  id: 'bartowski/Qwen2.5-Coder-1.5B-Instruct-GGUF',
  library_name: 'gguf',
  pipeline_tag: 'text-generation',
  tags: [
    'gguf',
    'code',
    'text-generation',
    'en',
    'base_model:Qwen/Qwen2.5-Coder-1.5B-Instruct',
    'base_model:quantized:Qwen/Qwen2.5-Coder-1.5B-Instruct',
    'license:apache-2.0',
    'endpoints_compatible',
    'region:us',
    'conversational',
  ],
  cardData: { base_model: 'Qwen/Qwen2.5-Coder-1.5B-Instruct', quantized_by: 'bartowski', license: 'apache-2.0' },
  gguf: { total: 1_543_714_304, architecture: 'qwen2', context_length: 32_768 },
  siblings: files(
    '.gitattributes',
    'Qwen2.5-Coder-1.5B-Instruct-IQ4_XS.gguf',
    'Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf',
    'Qwen2.5-Coder-1.5B-Instruct-Q8_0.gguf',
    'Qwen2.5-Coder-1.5B-Instruct-f16.gguf',
    'Qwen2.5-Coder-1.5B-Instruct-Q6_K_L.gguf',
    'README.md',
  ),
};

describe('ggufQuantTypes', () => {
  it.each<[string, string[], string[]]>([
    ['file types from the names', ['m-Q4_K_M.gguf', 'm-IQ4_XS.gguf', 'm-q8_0.gguf'], ['Q4_K_M', 'IQ4_XS', 'Q8_0']],
    ['the last label when a name has several', ['Q8-base-Q4_K_S.gguf'], ['Q4_K_S']],
    [
      'split files and folders',
      ['Q5_K_M/m-Q5_K_M-00001-of-00002.gguf', 'm.Q3_K_L.gguf.part1of2'],
      ['Q5_K_M', 'Q3_K_L'],
    ],
    ['Unsloth dynamic files as their file type', ['UD-Q4_K_XL/m-UD-Q4_K_XL.gguf'], ['Q4_K_XL']],
    ['not vision projectors', ['mmproj-model-f16.gguf', 'model-Q4_0.gguf'], ['Q4_0']],
    ['not other files, nor GGUF files without a label', ['model.safetensors', 'Q4_K_M.md', 'model.gguf'], []],
  ])('%s', (_name, names, expected) => {
    expect(ggufQuantTypes(names)).toEqual(expected);
  });
});

describe('quantizationsOf', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['GGUF file types, sorted', GGUF_REPO, ['F16', 'IQ4_XS', 'Q4_K_M', 'Q6_K_L', 'Q8_0']],
    ['GPTQ from the Hub’s tags', { tags: ['transformers', 'safetensors', 'llama', '4-bit', 'gptq'] }, ['gptq']],
    [
      'AWQ from quantization_config',
      { tags: ['transformers'], config: { quantization_config: { quant_method: 'awq', bits: 4 } } },
      ['awq'],
    ],
    [
      'bitsandbytes 4-bit from the config, deduplicated with the tag',
      {
        tags: ['bitsandbytes', '4-bit'],
        config: { quantization_config: { quant_method: 'bitsandbytes', load_in_4bit: true } },
      },
      ['bitsandbytes-4bit'],
    ],
    ['bitsandbytes 8-bit from the tags', { tags: ['bitsandbytes', '8-bit'] }, ['bitsandbytes-8bit']],
    ['bitsandbytes without a width', { tags: ['bitsandbytes'] }, ['bitsandbytes']],
    ['EXL2 and FP8 tags', { tags: ['exl2', 'fp8', 'compressed-tensors'] }, ['compressed-tensors', 'exl2', 'fp8']],
    [
      'an unknown but well-formed quant_method, lowercased',
      { config: { quantization_config: { quant_method: 'VPTQ' } } },
      ['vptq'],
    ],
    [
      'MLX 4-bit from the repository name',
      { id: 'mlx-community/Llama-3.2-3B-Instruct-4bit', library_name: 'mlx', tags: ['mlx', 'safetensors'] },
      ['mlx-4bit'],
    ],
    [
      'MLX from its config',
      { id: 'mlx-community/m', library_name: 'mlx', config: { quantization: { group_size: 64, bits: 8 } } },
      ['mlx-8bit'],
    ],
    [
      'MLX with packed weights but no stated width',
      { id: 'mlx-community/m', tags: ['mlx'], safetensors: { parameters: { BF16: 100, U32: 400 }, total: 500 } },
      ['mlx'],
    ],
    ['an MLX conversion in bf16 is not quantized', { id: 'mlx-community/m-bf16', tags: ['mlx'] }, []],
    ['a plain model', { tags: ['transformers', 'safetensors', 'llama'] }, []],
  ])('%s', (_name, fields, expected) => {
    expect(quantizationsOf(record(fields))).toEqual(expected);
  });
});

describe('localAppsOf (the Hub’s own LOCAL_APPS rules)', () => {
  it('offers the llama.cpp family for a GGUF repository', () => {
    const apps = localAppsOf(record(GGUF_REPO));
    expect(apps).toEqual([...apps].sort());
    expect(apps).toEqual(expect.arrayContaining(['llama.cpp', 'lmstudio', 'ollama', 'jan', 'vllm']));
    expect(apps).not.toContain('diffusionbee');
  });

  it('offers vLLM, SGLang and TGI for a transformers text-generation model', () => {
    const apps = localAppsOf(
      record({
        pipeline_tag: 'text-generation',
        library_name: 'transformers',
        tags: ['transformers', 'safetensors', 'mistral', 'text-generation', 'text-generation-inference'],
      }),
    );
    expect(apps).toEqual(expect.arrayContaining(['sglang', 'tgi', 'vllm']));
    expect(apps).not.toContain('llama.cpp');
  });

  it('offers the diffusion apps for a diffusers text-to-image model', () => {
    const apps = localAppsOf(
      record({ pipeline_tag: 'text-to-image', library_name: 'diffusers', tags: ['diffusers', 'safetensors'] }),
    );
    expect(apps).toEqual(expect.arrayContaining(['diffusionbee', 'drawthings', 'jellybox']));
  });

  it('offers nothing for a model no app runs', () => {
    expect(localAppsOf(record({ pipeline_tag: 'fill-mask', library_name: 'transformers', tags: ['bert'] }))).toEqual(
      [],
    );
  });
});

describe('inferenceProvidersOf', () => {
  it('reads the listing’s list form: live providers only, sorted and deduplicated', () => {
    const mapping = [
      { provider: 'together', providerId: 'a', status: 'live', task: 'conversational' },
      { provider: 'nebius', providerId: 'b', status: 'staging', task: 'conversational' },
      { provider: 'fireworks-ai', providerId: 'c', status: 'live', task: 'conversational' },
      { provider: 'together', providerId: 'd', status: 'live', task: 'text-generation' },
      { providerId: 'no-provider', status: 'live' },
    ];
    expect(inferenceProvidersOf(record({ inferenceProviderMapping: mapping }))).toEqual(['fireworks-ai', 'together']);
  });

  it('reads model info’s object form, keyed by provider', () => {
    const mapping = { 'fal-ai': { status: 'live' }, nebius: { status: 'staging' }, replicate: { status: 'live' } };
    expect(inferenceProvidersOf(record({ inferenceProviderMapping: mapping }))).toEqual(['fal-ai', 'replicate']);
  });

  it('is empty when the record has no mapping', () => {
    expect(inferenceProvidersOf(record({}))).toEqual([]);
  });
});

describe('spacesOf', () => {
  it.each<[unknown, number | null]>([
    [['a/demo', 'b/chat'], 2],
    [[], 0],
    [undefined, null],
  ])('%j → %j', (spaces, expected) => {
    expect(spacesOf(record(spaces === undefined ? {} : { spaces }))).toBe(expected);
  });
});

describe('baseModelRelationOf', () => {
  const none = { formats: [], quantizations: [] };
  it.each<[string, Record<string, unknown>, string[], ReturnType<typeof baseModelRelationOf>]>([
    ['none without base models', { tags: ['base_model:finetune:x/y'] }, [], null],
    [
      'declared in the card, over the tags',
      { cardData: { base_model: 'x/y', base_model_relation: 'merge' }, tags: ['base_model:finetune:x/y'] },
      ['x/y'],
      'MERGE',
    ],
    ['from the Hub’s relation tags', { tags: ['base_model:x/y', 'base_model:adapter:x/y'] }, ['x/y'], 'ADAPTER'],
    ['inferred: adapter files', { siblings: files('adapter_config.json') }, ['x/y'], 'ADAPTER'],
    ['inferred: several bases', { tags: ['base_model:a/b', 'base_model:c/d'] }, ['a/b', 'c/d'], 'MERGE'],
    ['inferred: otherwise a finetune', { tags: ['base_model:x/y'] }, ['x/y'], 'FINETUNE'],
  ])('%s', (_name, fields, baseModels, expected) => {
    expect(baseModelRelationOf(record(fields), baseModels, none)).toBe(expected);
  });

  it('infers a quantization from what the repository publishes', () => {
    expect(baseModelRelationOf(record({}), ['x/y'], { formats: ['gguf'], quantizations: [] })).toBe('QUANTIZED');
    expect(baseModelRelationOf(record({}), ['x/y'], { formats: [], quantizations: ['awq'] })).toBe('QUANTIZED');
  });
});

describe('normalizeHfRecord: deployment and ecosystem fields', () => {
  it('fills every field, with formats from the classifier', () => {
    const model = normalizeHfRecord(record({ ...GGUF_REPO, spaces: ['a/b'] }), []);
    expect(model).toMatchObject({
      formats: ['gguf'],
      quantizations: ['F16', 'IQ4_XS', 'Q4_K_M', 'Q6_K_L', 'Q8_0'],
      inferenceProviders: [],
      spaces: 1,
      baseModelRelation: 'QUANTIZED',
      baseModels: ['Qwen/Qwen2.5-Coder-1.5B-Instruct'],
    });
    expect(model.formats).toEqual(model.openness.weights.formats);
    expect(model.localApps).toContain('llama.cpp');
  });

  it('keeps every deployment fact out of the snapshot: reading them anew never announces an UPDATE', () => {
    const base = normalizeHfRecord(record(GGUF_REPO), []);
    const snapshot = snapshotOf(base);
    expect(snapshot).toMatchObject({ 'weights.formats': ['gguf'] });
    expect(Object.keys(snapshot).filter((key) => /quantiz|relation|provider|spaces|apps/i.test(key))).toEqual([]);
    const churned = normalizeHfRecord(
      record({
        ...GGUF_REPO,
        spaces: ['a/b', 'c/d'],
        inferenceProviderMapping: [{ provider: 'together', status: 'live' }],
      }),
      [],
    );
    expect(churned.inferenceProviders).toEqual(['together']);
    expect(contentHash(snapshotOf(churned))).toBe(contentHash(snapshot));
  });
});

/** Real recorded Hub responses (../shared, present in CI; absent from a bare clone). */
const FIXTURES = join(PROJECT_ROOT, '..', 'shared', 'data', 'hub-fixtures', 'huggingface');
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) {
  console.warn(
    `deployment-facts.test.ts: skipping the recorded-response tests: ${FIXTURES} is absent (../shared not checked out)`,
  );
}
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

describe.skipIf(!haveFixtures)('on recorded Hub responses', () => {
  it('a recorded GGUF search listing: every record normalizes, lineage from cardData, lists sorted and unique', () => {
    const listing = fixture('hf_list_models_expand_gguf_search__Kelll31-offload.json') as Record<string, unknown>[];
    expect(listing.length).toBeGreaterThan(0);
    for (const entry of listing) {
      const result = validateHfRecord(entry);
      if (!result.ok) throw new Error(result.reason);
      const model = normalizeHfRecord(result.record, []);
      const declared = (entry['cardData'] as { base_model?: string | string[] } | undefined)?.base_model;
      if (declared !== undefined) {
        expect(model.baseModels).toEqual(expect.arrayContaining([declared].flat()));
        expect(model.baseModelRelation).not.toBeNull();
      }
      for (const list of [model.quantizations, model.localApps, model.inferenceProviders, model.formats])
        expect(list).toEqual([...new Set(list)].sort());
    }
  });

  it('inferenceProviderMapping (object form): only the live providers, sorted', () => {
    const raw = fixture('hf_model_info_expand-inferenceProviderMapping_FLUX.1-dev.body.json') as {
      inferenceProviderMapping: Record<string, { status: string }>;
    };
    const result = validateHfRecord(raw);
    if (!result.ok) throw new Error(result.reason);
    const live = Object.entries(raw.inferenceProviderMapping)
      .filter(([, entry]) => entry.status === 'live')
      .map(([provider]) => provider)
      .sort();
    expect(live.length).toBeGreaterThan(0);
    expect(inferenceProvidersOf(result.record)).toEqual(live);
  });
});
