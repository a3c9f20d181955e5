import { describe, expect, it } from 'vitest';
import { openRouterRecord, type OpenRouterModelObject } from '../../../test/fake-hub/openrouter/records.js';
import { contentHash, snapshotOf, type CatalogModel } from '../catalog-model.js';
import { openRouterRecords } from './openrouter.records.js';

function build(record: unknown): CatalogModel {
  const built = openRouterRecords.buildModel(record);
  if (!built.ok) throw new Error(`rejected: ${built.reason}`);
  return built.model;
}

/** The first evidence, where what validation dropped or cut is listed: dimension, status, source, rule. */
function firstEvidence(model: CatalogModel): (string | undefined)[] {
  const first = model.openness.evidence[0];
  return [first?.dimension, first?.status, first?.source, first?.rule];
}

function architecture(modality: string): OpenRouterModelObject['architecture'] {
  const [inputs = '', outputs = ''] = modality.split('->');
  return {
    modality,
    input_modalities: inputs.split('+'),
    output_modalities: outputs.split('+'),
    tokenizer: 'Other',
    instruct_type: null,
  };
}

describe('openRouterRecords.buildModel', () => {
  it('maps a record in the listing shape to a catalog model', () => {
    const record = openRouterRecord('openai/gpt-4.1-nano', {
      canonical_slug: 'openai/gpt-4.1-nano-2025-04-14',
      name: 'OpenAI: GPT-4.1 Nano',
      created: 1_744_651_369,
      architecture: architecture('text+image+file->text'),
      pricing: { prompt: '0.0000001', completion: '0.0000004', web_search: '0.01', input_cache_read: '0.000000025' },
      top_provider: { context_length: 1_047_576, max_completion_tokens: 32_768, is_moderated: true },
      context_length: 1_047_576,
      knowledge_cutoff: '2024-06-30',
    });
    const model = build(record);
    expect(model).toMatchObject({
      id: 'openrouter:openai/gpt-4.1-nano',
      hubId: 'openrouter',
      repoId: 'openai/gpt-4.1-nano',
      author: 'openai',
      name: 'gpt-4.1-nano',
      task: 'image-text-to-text',
      library: null,
      tags: ['input:file', 'input:image', 'input:text', 'output:text'],
      baseModels: [],
      sha: null,
      gating: null,
      parameterCount: null,
      downloads: 0,
      likes: 0,
      createdAt: new Date(1_744_651_369_000),
      lastModified: null,
      formats: [],
    });
    expect(model.hubData).toEqual({
      displayName: 'OpenAI: GPT-4.1 Nano',
      description: record.description,
      canonicalSlug: 'openai/gpt-4.1-nano-2025-04-14',
      huggingFaceId: null,
      sameAs: [],
      contextLength: 1_047_576,
      modality: 'text+image+file->text',
      inputModalities: ['file', 'image', 'text'],
      outputModalities: ['text'],
      tokenizer: 'Other',
      instructType: null,
      'topProvider.contextLength': 1_047_576,
      'topProvider.maxCompletionTokens': 32_768,
      'topProvider.isModerated': true,
      'pricing.prompt': '0.0000001',
      'pricing.completion': '0.0000004',
      'pricing.web_search': '0.01',
      'pricing.input_cache_read': '0.000000025',
      pricingVariable: false,
      free: false,
      supportedParameters: ['max_tokens', 'temperature', 'tools', 'top_p'],
      created: 1_744_651_369,
      knowledgeCutoff: '2024-06-30',
      expirationDate: null,
    });
  });

  it('classifies every model as API-only, CLOSED, under the API terms with commercial use unknown', () => {
    const model = build(openRouterRecord('anthropic/claude-sonnet-4'));
    expect(model.openness).toMatchObject({
      level: 'CLOSED',
      weights: { availability: 'API_ONLY', formats: [], parameterCount: null },
    });
    expect(model.license).toEqual({
      id: 'LicenseRef-openrouter-api-terms',
      name: "OpenRouter API access (OpenRouter's and the model provider's terms of service)",
      url: 'https://openrouter.ai/terms',
      category: 'PROPRIETARY',
      commercialUse: 'UNKNOWN',
      osiApproved: false,
      hubValue: null,
    });
    expect(model.license).toBe(model.openness.license);
  });

  describe('hugging_face_id', () => {
    it.each([
      ['""', ''],
      ['null', null],
      ['absent', undefined],
    ])('%s links nothing', (_name, value) => {
      const model = build(openRouterRecord('openai/gpt-4o-mini', { hugging_face_id: value }));
      expect([model.hubData?.['huggingFaceId'], model.hubData?.['sameAs']]).toEqual([null, []]);
      expect(model.openness.evidence).toContainEqual(expect.objectContaining({ rule: 'weights.api-only' }));
    });

    it('a repository id is kept and declared the same model on Hugging Face; this entry stays API-only', () => {
      const model = build(
        openRouterRecord('meta-llama/llama-3.3-70b-instruct', { hugging_face_id: 'meta-llama/Llama-3.3-70B-Instruct' }),
      );
      expect(model.hubData).toMatchObject({
        huggingFaceId: 'meta-llama/Llama-3.3-70B-Instruct',
        sameAs: ['huggingface:meta-llama/Llama-3.3-70B-Instruct'],
      });
      expect([model.openness.weights.availability, model.openness.level]).toEqual(['API_ONLY', 'CLOSED']);
      expect(model.openness.evidence).toContainEqual(
        expect.objectContaining({
          dimension: 'weights',
          source: 'hugging_face_id',
          rule: 'weights.api-only-weights-elsewhere',
        }),
      );
    });

    it('a value that is not a repository id links nothing and is evidence', () => {
      const model = build(openRouterRecord('acme/x', { hugging_face_id: 'https://huggingface.co/acme/x' }));
      expect(model.hubData?.['sameAs']).toEqual([]);
      expect(firstEvidence(model)).toEqual(['input', 'DROPPED', 'hugging_face_id', 'input.invalid']);
    });
  });

  describe('pricing', () => {
    it('"0" everywhere is free', () => {
      const model = build(openRouterRecord('acme/x:free', { pricing: { prompt: '0', completion: '0', request: '0' } }));
      expect(model.hubData).toMatchObject({
        'pricing.prompt': '0',
        'pricing.completion': '0',
        'pricing.request': '0',
        free: true,
        pricingVariable: false,
      });
    });

    it('"-1" (varies with the routed model) is no price, and says so', () => {
      const model = build(openRouterRecord('openrouter/auto', { pricing: { prompt: '-1', completion: '-1' } }));
      expect(model.hubData).toMatchObject({
        'pricing.prompt': null,
        'pricing.completion': null,
        free: false,
        pricingVariable: true,
      });
    });

    it('no pricing gives no price fields', () => {
      const model = build(openRouterRecord('acme/x', { pricing: undefined }));
      expect(Object.keys(model.hubData ?? {}).filter((key) => key.startsWith('pricing') || key === 'free')).toEqual([]);
    });
  });

  it('a record without architecture has no task, no modality tags and no modalities', () => {
    const model = build(openRouterRecord('acme/x', { architecture: undefined }));
    expect([model.task, model.tags]).toEqual([null, []]);
    expect(model.hubData).toMatchObject({ modality: null, inputModalities: [], outputModalities: [], tokenizer: null });
  });

  it('reads the modalities from `modality` when the lists are missing', () => {
    const model = build(
      openRouterRecord('acme/x', {
        architecture: { modality: 'text+image->text' } as OpenRouterModelObject['architecture'],
      }),
    );
    expect([model.task, model.tags]).toEqual(['image-text-to-text', ['input:image', 'input:text', 'output:text']]);
  });

  it.each([
    ['text->text', 'text-generation'],
    ['text+file->text', 'text-generation'],
    ['text+image->text', 'image-text-to-text'],
    ['text+image+file->text', 'image-text-to-text'],
    ['text+image+video->text', 'video-text-to-text'],
    ['text+audio->text', 'audio-text-to-text'],
    ['text->image', 'text-to-image'],
    ['text+image->image', 'image-text-to-image'],
    ['text->audio', 'text-to-audio'],
    ['text->embeddings', 'feature-extraction'],
    ['text->video', 'text-to-video'],
    ['text+image->text+image', null],
    ['text+audio+image->text', null],
    ['image->text', null],
    ['text->text+audio', null],
  ])('%s → task %s', (modality, task) => {
    expect(build(openRouterRecord('acme/x', { architecture: architecture(modality) })).task).toBe(task);
  });

  it('keeps unknown fields out of the raw record and the hub data', () => {
    const model = build({ ...openRouterRecord('acme/x'), surprise: 'x', benchmarks: { elo: 1 } });
    expect(model.raw).not.toHaveProperty('surprise');
    expect(model.raw).not.toHaveProperty('benchmarks');
    expect(model.raw).not.toHaveProperty('links');
    expect(JSON.stringify(model.hubData)).not.toMatch(/surprise|benchmarks|elo/);
  });

  it('a very long description is cut, with input evidence, and the model kept', () => {
    const model = build(openRouterRecord('acme/x', { description: 'x'.repeat(100_000) }));
    expect((model.hubData?.['description'] as string).length).toBe(4_096);
    expect(firstEvidence(model)).toEqual(['input', 'TRUNCATED', 'description', 'input.truncated']);
  });

  it('an id without an owner has no author', () => {
    expect(build(openRouterRecord('solo-model')).author).toBeNull();
  });

  it('quarantines a record without an id, with the reason', () => {
    expect(openRouterRecords.buildModel(openRouterRecord('acme/x', { id: undefined }))).toEqual({
      ok: false,
      reason: 'no string id (id is undefined)',
    });
  });

  it('has no modification time (an incremental crawl reads the whole listing)', () => {
    expect(openRouterRecords.lastModifiedOf(openRouterRecord('acme/x'))).toBeNull();
  });

  describe('what makes a change row', () => {
    const before = openRouterRecord('acme/x');
    const hash = (record: unknown) => contentHash(snapshotOf(build(record)));

    it.each<[string, Partial<OpenRouterModelObject>]>([
      ['prices', { pricing: { prompt: '0.0000009', completion: '0', image: '0.1' } }],
      ['the context length', { context_length: 8_192 }],
      ['the top provider', { top_provider: { context_length: 1, max_completion_tokens: 2, is_moderated: true } }],
      ['the display name', { name: 'Acme: X (renamed)' }],
      ['the description', { description: 'Another text.' }],
      ['the supported parameters', { supported_parameters: ['seed'] }],
      ['the expiration date', { expiration_date: '2026-01-01' }],
      ['the knowledge cutoff', { knowledge_cutoff: '2025-06-01' }],
      ['the canonical slug', { canonical_slug: 'acme/x-20260101' }],
      ['the hugging_face_id', { hugging_face_id: 'acme/X' }],
      ['unknown fields', { benchmarks: { elo: 3 } }],
    ])('a change of %s is not a change', (_name, change) => {
      expect(hash({ ...before, ...change })).toBe(hash(before));
    });

    it.each<[string, Partial<OpenRouterModelObject>]>([
      ['the modalities', { architecture: architecture('text+image->text') }],
      ['the creation time', { created: 1_700_000_000 }],
    ])('a change of %s is a change', (_name, change) => {
      expect(hash({ ...before, ...change })).not.toBe(hash(before));
    });
  });
});
