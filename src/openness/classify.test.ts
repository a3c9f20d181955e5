import { describe, expect, it } from 'vitest';
import { classifyHuggingFace, parseHfRecordId } from './classify.js';
import { RULES_VERSION } from './rules-version.js';
import { buildHfRecord, withoutFields } from '../../test/fixtures/openness.js';
import { sharedFolder } from '../../test/helpers/shared-data.js';
import { COMPONENT_STATUS, LICENSE_CATEGORIES, OPENNESS_LEVELS, type OpennessResult } from './types.js';

/** Every field holds a value of its enum and the score is in range: the result is well-formed. */
function expectWellFormed(result: OpennessResult): void {
  expect(LICENSE_CATEGORIES).toContain(result.license.category);
  expect(OPENNESS_LEVELS).toContain(result.level);
  for (const status of [result.code.inference, result.code.training, result.data.training]) {
    expect(COMPONENT_STATUS).toContain(status);
  }
  expect(result.score).toBeGreaterThanOrEqual(0);
  expect(result.score).toBeLessThanOrEqual(1);
  expect(result.weights.parameterCount).not.toBe(0);
  expect(result.rulesVersion).toBe(RULES_VERSION);
  expect(result.evidence.filter((item) => item.dimension === 'level')).toHaveLength(1);
  for (const item of result.evidence) expect(item.value === null || item.value.length <= 200).toBe(true);
  expect(() => JSON.stringify(result)).not.toThrow();
}

describe('classifyHuggingFace: bad input', () => {
  it.each([null, undefined, 42, 'a string', true, [], [buildHfRecord()], Symbol.for('x'), () => 1])(
    'a non-object record (%s) gives an all-UNKNOWN result',
    (record) => {
      const result = classifyHuggingFace(record);
      expectWellFormed(result);
      expect(result).toMatchObject({
        license: { category: 'UNKNOWN', commercialUse: 'UNKNOWN', hubValue: null },
        weights: { availability: 'UNKNOWN', formats: [], parameterCount: null },
        code: { inference: 'UNKNOWN', training: 'UNKNOWN' },
        data: { training: 'UNKNOWN' },
        documentation: { modelCard: 'UNKNOWN', paper: 'UNKNOWN', evaluation: 'UNKNOWN' },
        mofClass: 'NONE',
        score: 0,
      });
      expect(result.evidence[0]).toMatchObject({ dimension: 'input', rule: 'input.not-an-object' });
    },
  );

  it('an empty object is all UNKNOWN, with evidence naming what was missing', () => {
    const result = classifyHuggingFace({});
    expectWellFormed(result);
    expect(result.license).toMatchObject({ category: 'UNKNOWN', hubValue: null });
    expect(result.evidence).toContainEqual(expect.objectContaining({ rule: 'license.not-in-record', value: null }));
    expect(result.evidence).toContainEqual(
      expect.objectContaining({ rule: 'weights.files-unknown', source: 'siblings', value: null }),
    );
    expect(result.evidence).toContainEqual(expect.objectContaining({ rule: 'level.weights-assumed-from-gated' }));
  });

  const huge = 'x'.repeat(2_000_000);
  const binary = '\u0000\u0001\uffff\ud800\udfff\u00ff\u2028';
  it.each<[string, Record<string, unknown>]>([
    [
      'every field wrong-typed',
      {
        id: 1,
        cardData: [],
        tags: {},
        siblings: 'x',
        gated: [],
        disabled: 1,
        safetensors: 'x',
        gguf: 3,
        library_name: {},
        'model-index': 'x',
        evalResults: 5,
      },
    ],
    [
      'every field null',
      {
        id: null,
        cardData: null,
        tags: null,
        siblings: null,
        gated: null,
        disabled: null,
        safetensors: null,
        gguf: null,
        library_name: null,
      },
    ],
    [
      'huge strings',
      {
        id: huge,
        cardData: { license: huge, license_name: huge, license_link: huge, datasets: [huge] },
        tags: [huge, `license:${huge}`],
        siblings: [{ rfilename: huge }],
        library_name: huge,
        gated: huge,
      },
    ],
    [
      'binary strings',
      {
        id: binary,
        cardData: { license: binary, datasets: binary },
        tags: [binary, `arxiv:${binary}`],
        siblings: [{ rfilename: `${binary}.bin` }],
        library_name: binary,
      },
    ],
    [
      'deeply nested junk',
      { cardData: { license: [[['mit']]], 'model-index': [[[]]] }, siblings: [[{ rfilename: 'a.bin' }]] },
    ],
    ['a huge file list', { siblings: Array.from({ length: 50_000 }, (_, i) => ({ rfilename: `shard-${i}.txt` })) }],
    ['unknown license id', { cardData: { license: 'totally-made-up-license-9' }, tags: [] }],
    ['license array', { cardData: { license: ['apache-2.0', 'mit'] } }],
    ['license array with junk', { cardData: { license: ['mit', 42, null, { x: 1 }] } }],
    [
      'prototype-looking keys',
      JSON.parse('{"__proto__": {"gated": "manual"}, "constructor": 1, "id": "a/b"}') as Record<string, unknown>,
    ],
  ])('never throws on %s', (_case, overrides) => {
    const result = classifyHuggingFace(buildHfRecord(overrides));
    expectWellFormed(result);
  });

  it('uses the license tag when the card has none', () => {
    const result = classifyHuggingFace(withoutFields(buildHfRecord({ tags: ['license:mit'] }), 'cardData'));
    expect(result.license).toMatchObject({ id: 'MIT', category: 'PERMISSIVE', hubValue: 'mit' });
  });

  it('resolves a list of licenses', () => {
    const result = classifyHuggingFace(buildHfRecord({ cardData: { license: ['apache-2.0', 'mit'] } }));
    expect(result.license.category).toBe('PERMISSIVE');
    expect(result.level).toBe('OPEN_WEIGHTS');
  });

  it('keeps an unknown license id UNKNOWN and restricted', () => {
    const result = classifyHuggingFace(buildHfRecord({ cardData: { license: 'totally-made-up-license-9' }, tags: [] }));
    expect(result.license.category).toBe('UNKNOWN');
    expect(result.level).toBe('WEIGHTS_RESTRICTED');
  });

  it('no declared license is UNSPECIFIED: all rights reserved', () => {
    const result = classifyHuggingFace(buildHfRecord({ cardData: { language: 'en' }, tags: ['transformers'] }));
    expect(result.license).toMatchObject({ id: 'NONE', category: 'UNSPECIFIED' });
    expect(result.level).toBe('WEIGHTS_RESTRICTED');
  });

  it('gives the same result for the same record (the license cache is invisible)', () => {
    const record = buildHfRecord({ cardData: { license: 'other', license_name: 'qwen', license_link: 'LICENSE' } });
    expect(classifyHuggingFace(record)).toEqual(classifyHuggingFace(structuredClone(record)));
  });

  it('reads a LICENSE text given in extra', () => {
    const record = buildHfRecord({ cardData: { license: 'other' }, tags: [] });
    const text =
      'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software';
    expect(classifyHuggingFace(record, { licenseText: text }).license.category).toBe('PERMISSIVE');
  });

  it('reads training-code and paper links from a README given in extra', () => {
    const readme =
      '# M\n\n## Training\nThe training code is at https://github.com/acme/train.\nPaper: https://arxiv.org/abs/2402.00838\n';
    const result = classifyHuggingFace(buildHfRecord({ tags: ['transformers'] }), { readme });
    expect(result.code.training).toBe('OPEN');
    expect(result.documentation.paper).toBe('OPEN');
    expect(result.level).toBe('OPEN_TOOLING');
  });

  it.each([null, 'readme', 42])('ignores an extra argument that is not an object (%j)', (extra) => {
    const result = classifyHuggingFace(buildHfRecord(), extra as never);
    expect(result.level).toBe('OPEN_WEIGHTS');
  });

  it('exports parseHfRecordId', () => {
    expect(parseHfRecordId(buildHfRecord())).toBe('acme/tiny-model');
  });
});

// Recorded Hugging Face responses, read from the shared folder beside the repository.
const recorded = sharedFolder('hub-fixtures/huggingface', 'the recorded-fixture tests of classify.test.ts');
const haveFixtures = recorded.present;

function fixture(name: string): unknown {
  return recorded.json(name);
}

describe.skipIf(!haveFixtures)('classifyHuggingFace: recorded Hugging Face responses', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'hf_model_info_meta-llama_Llama-3.1-8B-Instruct_gated-manual.body.json',
      {
        license: {
          id: 'LicenseRef-llama3.1',
          category: 'COMMUNITY',
          commercialUse: 'CONDITIONAL',
          hubValue: 'llama3.1',
        },
        weights: { availability: 'GATED_MANUAL', formats: ['pth', 'safetensors'], parameterCount: 8_030_261_248 },
        code: { inference: 'OPEN', training: 'UNKNOWN' },
        documentation: { modelCard: 'OPEN', paper: 'OPEN', evaluation: 'UNKNOWN' },
        level: 'OPEN_WEIGHTS_CONDITIONAL',
        mofClass: 'NONE',
        score: 0.5,
      },
    ],
    [
      'hf_model_info_meta-llama_Meta-Llama-3-8B-Instruct_gated-manual.body.json',
      {
        license: { id: 'LicenseRef-llama3', category: 'COMMUNITY' },
        weights: { availability: 'GATED_MANUAL' },
        level: 'OPEN_WEIGHTS_CONDITIONAL',
      },
    ],
    [
      'hf_model_info_openai-community_gpt2.body.json',
      {
        license: { id: 'MIT', category: 'PERMISSIVE', commercialUse: 'ALLOWED', osiApproved: true, hubValue: 'mit' },
        weights: {
          availability: 'OPEN',
          formats: ['bin', 'h5', 'msgpack', 'onnx', 'safetensors', 'tflite'],
          parameterCount: 137_022_720,
        },
        // doi:10.57967/hf/0039 is the repository's own DOI, not a paper.
        documentation: { modelCard: 'OPEN', paper: 'UNKNOWN', evaluation: 'UNKNOWN' },
        level: 'OPEN_WEIGHTS',
      },
    ],
    [
      'hf_model_info_dbmdz_bert-large-cased-finetuned-conll03-english_no-license.body.json',
      {
        license: { id: 'NONE', category: 'UNSPECIFIED', hubValue: null },
        weights: { availability: 'OPEN', parameterCount: 333_588_489 },
        documentation: { modelCard: 'CLOSED' },
        level: 'WEIGHTS_RESTRICTED',
      },
    ],
    [
      'hf_model_info_google-bert_bert-base-uncased.body.json',
      {
        license: { id: 'Apache-2.0', category: 'PERMISSIVE' },
        weights: { formats: ['bin', 'h5', 'mlpackage', 'msgpack', 'onnx', 'safetensors'] },
        data: { training: 'PARTIAL' },
        documentation: { paper: 'OPEN' },
        level: 'OPEN_WEIGHTS',
      },
    ],
    [
      'hf_model_info_HuggingFaceH4_zephyr-7b-beta.body.json',
      {
        license: { id: 'MIT' },
        code: { inference: 'OPEN', training: 'PARTIAL' },
        data: { training: 'OPEN' },
        documentation: { modelCard: 'OPEN', paper: 'OPEN', evaluation: 'OPEN' },
        level: 'OPEN_WEIGHTS',
        mofClass: 'CLASS_III',
        score: 0.9375,
      },
    ],
    [
      'hf_model_info_HuggingFaceH4_zephyr-orpo-141b-A35b-v0.1.body.json',
      {
        weights: { parameterCount: 140_620_634_112 },
        // Its model-index has an entry with no results.
        documentation: { evaluation: 'UNKNOWN' },
        level: 'OPEN_WEIGHTS',
        mofClass: 'NONE',
      },
    ],
    [
      'hf_model_info_CompVis_stable-diffusion-v1-4.body.json',
      {
        license: { category: 'OPEN_RAIL', commercialUse: 'CONDITIONAL' },
        weights: { availability: 'OPEN', parameterCount: null },
        level: 'OPEN_WEIGHTS_CONDITIONAL',
      },
    ],
    [
      'hf_model_info_stabilityai_stable-diffusion-2-1.body.json',
      {
        license: { id: 'LicenseRef-openrail-pp', category: 'OPEN_RAIL' },
        weights: { formats: ['bin', 'ckpt', 'safetensors'] },
        level: 'OPEN_WEIGHTS_CONDITIONAL',
      },
    ],
    [
      // Only `_id`, `id` and `inferenceProviderMapping`: nothing to go on.
      'hf_model_info_expand-inferenceProviderMapping_FLUX.1-dev.body.json',
      {
        license: { category: 'UNKNOWN' },
        weights: { availability: 'UNKNOWN', parameterCount: null },
        level: 'WEIGHTS_RESTRICTED',
        score: 0,
      },
    ],
  ])('%s', (name, expected) => {
    const result = classifyHuggingFace(fixture(name));
    expectWellFormed(result);
    expect(result).toMatchObject(expected);
  });

  it('classifies a list page without file lists from the gate (expand[] without siblings)', () => {
    const page = fixture('hf_list_models_expand_gguf_search__Kelll31-offload.json') as unknown[];
    const results = page.map((record) => [parseHfRecordId(record), classifyHuggingFace(record)] as const);
    for (const [, result] of results) {
      expectWellFormed(result);
      expect(result.weights.availability).toBe('UNKNOWN');
      expect(result.evidence).toContainEqual(expect.objectContaining({ rule: 'level.weights-assumed-from-gated' }));
    }
    const levels: Record<string, string> = Object.fromEntries(results.map(([id, result]) => [id ?? '', result.level]));
    expect(levels).toEqual({
      'Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF': 'OPEN_WEIGHTS',
      'bartowski/Qwen2.5-Coder-1.5B-Instruct-GGUF': 'OPEN_WEIGHTS',
      'lmstudio-community/Qwen2.5-Coder-1.5B-Instruct-GGUF': 'OPEN_WEIGHTS',
      'google/gemma-3-4b-it-qat-q4_0-gguf': 'OPEN_WEIGHTS_CONDITIONAL',
    });
  });

  it('classifies a default-fields list page (tags, no card data) from its license tags', () => {
    const page = fixture('hf_list_models_default_fields__burncloud-notes.json') as unknown[];
    const results = page.map((record) => classifyHuggingFace(record));
    for (const result of results) expectWellFormed(result);
    expect(results.map((result) => result.license.hubValue)).toEqual(['other', 'mit']);
  });

  it('classifies every recorded body without throwing', () => {
    const names = recorded.files().filter((name) => name.endsWith('.body.json'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expectWellFormed(classifyHuggingFace(fixture(name)));
  });
});
