import { describe, expect, it } from 'vitest';
import { openRouterRecord } from '../../../test/fake-hub/openrouter/records.js';
import { MAX_STRING, validateOpenRouterRecord } from './openrouter-record.js';

const base = openRouterRecord('acme/sparrow-7b-instruct');

function validated(input: unknown) {
  const result = validateOpenRouterRecord(input);
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result;
}

describe('validateOpenRouterRecord', () => {
  it.each([
    ['a number', 42, 'record is number, not an object'],
    ['a string', 'x', 'record is string, not an object'],
    ['null', null, 'record is null, not an object'],
    ['an array', [base], 'record is array, not an object'],
    ['a record without id', openRouterRecord('acme/x', { id: undefined }), 'no string id (id is undefined)'],
    ['id null', { ...base, id: null }, 'no string id (id is null)'],
    ['id a number', { ...base, id: 7 }, 'no string id (id is number)'],
    ['id empty', { ...base, id: '' }, 'unusable id ""'],
    ['id with a space', { ...base, id: 'has space/x' }, 'unusable id "has space/x"'],
    ['id a path', { ...base, id: '../etc/passwd' }, 'unusable id "../etc/passwd"'],
    ['id with NUL', { ...base, id: 'acme/x\u0000' }, 'unusable id "acme/x\\u0000"'],
  ])('quarantines %s', (_name, input, reason) => {
    expect(validateOpenRouterRecord(input)).toEqual({ ok: false, reason });
  });

  it.each([
    'openai/gpt-4.1-nano',
    'meta-llama/llama-3.3-70b-instruct:free',
    'openrouter/auto',
    '~acme/latest',
    'x-ai/grok-4',
  ])('accepts the id %s', (id) => {
    expect(validated({ ...base, id }).record.id).toBe(id);
  });

  it('keeps the fields the catalog reads, unchanged, with no problems', () => {
    const { record, problems } = validated(base);
    expect(problems).toEqual([]);
    expect(record).toEqual({
      id: base.id,
      canonical_slug: base.canonical_slug,
      hugging_face_id: '',
      name: base.name,
      created: base.created,
      description: base.description,
      context_length: base.context_length,
      supported_parameters: base.supported_parameters,
      knowledge_cutoff: base.knowledge_cutoff,
      expiration_date: null,
      architecture: base.architecture,
      top_provider: base.top_provider,
      pricing: base.pricing,
    });
  });

  it('leaves out the fields it does not read, unknown ones included', () => {
    const { record, problems } = validated({
      ...base,
      benchmarks: { arena: [{ elo: 1000 }] },
      shiny_new_field: { anything: true },
      architecture: { ...base.architecture, new_architecture_fact: 'x' },
    });
    expect(problems).toEqual([]);
    for (const field of ['links', 'benchmarks', 'shiny_new_field', 'per_request_limits', 'default_parameters']) {
      expect(record).not.toHaveProperty(field);
    }
    expect(record.architecture).not.toHaveProperty('new_architecture_fact');
  });

  it('is idempotent: the validated record validates to itself (reclassification reads it again)', () => {
    const { record } = validated({ ...base, pricing: { prompt: '-1', completion: ' 0 ' }, description: 'x\u0000y' });
    expect(validated(record)).toEqual({ ok: true, record, problems: [] });
  });

  describe('hugging_face_id', () => {
    it.each([
      ['""', '', ''],
      ['null', null, null],
      ['a repo id', 'meta-llama/Llama-3.3-70B-Instruct', 'meta-llama/Llama-3.3-70B-Instruct'],
    ])('keeps %s as given', (_name, value, expected) => {
      const result = validated({ ...base, hugging_face_id: value });
      expect(result.record.hugging_face_id).toBe(expected);
      expect(result.problems).toEqual([]);
    });

    it('is absent when the record has none', () => {
      expect(validated(openRouterRecord('acme/x', { hugging_face_id: undefined })).record).not.toHaveProperty(
        'hugging_face_id',
      );
    });

    it.each([
      ['a number', 42, 'wrong-type'],
      ['a URL', 'https://huggingface.co/acme/x', 'invalid'],
      ['no owner', 'gpt2-like', 'invalid'],
      ['spaces', 'acme/with space', 'invalid'],
    ])('drops %s with a problem', (_name, value, issue) => {
      const result = validated({ ...base, hugging_face_id: value });
      expect(result.record).not.toHaveProperty('hugging_face_id');
      expect(result.problems).toEqual([expect.objectContaining({ field: 'hugging_face_id', issue })]);
    });
  });

  describe('pricing', () => {
    it('keeps decimal strings as the hub wrote them, "0" and "-1" included, and unknown price keys', () => {
      const pricing = {
        prompt: '0',
        completion: '-1',
        request: '0.0002',
        image: '0.00309',
        web_search: '0.01',
        internal_reasoning: '0.000001',
        input_cache_read: '0.000000025',
        input_cache_write: '1e-7',
        audio_seconds: '0.0001',
      };
      const result = validated({ ...base, pricing });
      expect(result.record.pricing).toEqual(pricing);
      expect(result.problems).toEqual([]);
    });

    it('drops prices that are not decimal strings, each with a problem', () => {
      const result = validated({
        ...base,
        pricing: {
          prompt: 0.0000002,
          completion: 'free',
          request: '',
          image: null,
          'Bad Key': '1',
          web_search: '0.01',
          internal_reasoning: '1e400',
        },
      });
      expect(result.record.pricing).toEqual({ web_search: '0.01' });
      expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
        ['pricing.prompt', 'wrong-type'],
        ['pricing.completion', 'invalid'],
        ['pricing.request', 'invalid'],
        ['pricing.image', 'wrong-type'],
        ['pricing', 'invalid'],
        ['pricing.internal_reasoning', 'invalid'],
      ]);
    });

    it('drops a pricing that is not an object', () => {
      const result = validated({ ...base, pricing: ['0.1'] });
      expect(result.record).not.toHaveProperty('pricing');
      expect(result.problems).toEqual([expect.objectContaining({ field: 'pricing', issue: 'wrong-type' })]);
    });
  });

  it('accepts a record without architecture, or with architecture null, with no problem', () => {
    for (const architecture of [undefined, null]) {
      const result = validated(openRouterRecord('acme/x', { architecture: architecture as never }));
      expect(result.record).not.toHaveProperty('architecture');
      expect(result.problems).toEqual([]);
    }
  });

  it('validates architecture and top_provider field by field', () => {
    const result = validated({
      ...base,
      architecture: {
        modality: 'text+image->text',
        input_modalities: ['TEXT', 'image', 7, 'not a modality!'],
        output_modalities: 'text',
        tokenizer: 'Llama3',
        instruct_type: null,
      },
      top_provider: { context_length: -5, max_completion_tokens: null, is_moderated: 'yes' },
    });
    expect(result.record.architecture).toEqual({
      modality: 'text+image->text',
      input_modalities: ['text', 'image'],
      tokenizer: 'Llama3',
      instruct_type: null,
    });
    expect(result.record.top_provider).toEqual({ max_completion_tokens: null });
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['architecture.output_modalities', 'wrong-type'],
      ['top_provider.context_length', 'invalid'],
      ['top_provider.is_moderated', 'wrong-type'],
    ]);
  });

  it('drops a created time that is not unix seconds, and dates that are not dates', () => {
    const result = validated({ ...base, created: 1.5e15, knowledge_cutoff: 'soon', expiration_date: 20250101 });
    expect(result.record).not.toHaveProperty('created');
    expect(result.record).not.toHaveProperty('knowledge_cutoff');
    expect(result.record).not.toHaveProperty('expiration_date');
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['created', 'invalid'],
      ['knowledge_cutoff', 'invalid'],
      ['expiration_date', 'wrong-type'],
    ]);
  });

  it('cuts a very long description and strips binary characters, as Hugging Face text is, with problems', () => {
    const long = `${'A long description. '.repeat(20_000)}`;
    const result = validated({ ...base, description: long, name: 'Acme:\u0000 Sparrow\u0007' });
    expect(result.record.description).toHaveLength(MAX_STRING);
    expect(long.startsWith(result.record.description ?? '')).toBe(true);
    expect(result.record.name).toBe('Acme: Sparrow');
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['name', 'binary'],
      ['description', 'truncated'],
    ]);
  });

  it('cuts a name longer than an identifier', () => {
    const result = validated({ ...base, name: 'N'.repeat(1_000) });
    expect(result.record.name).toHaveLength(256);
    expect(result.problems).toEqual([expect.objectContaining({ field: 'name', issue: 'truncated' })]);
  });
});
