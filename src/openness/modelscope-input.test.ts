import { describe, expect, it } from 'vitest';
import { classifyModelScope, extractModelScopeFacts } from './modelscope-input.js';
import type { OpennessResult } from './types.js';

/**
 * The fields of a listing record the classifier reads (values are ours); the record builder's
 * tests (src/catalog/modelscope/) read a whole one.
 */
const base = {
  id: 'acme-lab/tiny-chat-1b',
  license: 'Apache License 2.0',
  tags: ['pytorch'],
  params: 1_100_048_384,
};

/** Code, data and documentation, in that order. */
const components = (result: OpennessResult) => [
  result.code.inference,
  result.code.training,
  result.data.training,
  result.documentation.modelCard,
  result.documentation.paper,
  result.documentation.evaluation,
];

const licenseOf = (license: unknown) => {
  const result = classifyModelScope({ ...base, license });
  const decided = result.evidence.find((item) => item.dimension === 'license');
  return [result.license.id, result.license.category, result.license.commercialUse, decided?.source, decided?.rule];
};

describe('classifyModelScope: free-text licenses', () => {
  // What the shared resolver makes of the strings ModelScope records carry (the SDK's own license
  // constants first). Every decision's evidence names `license` as its source.
  it.each([
    ['Apache License 2.0', 'Apache-2.0', 'PERMISSIVE', 'ALLOWED', 'license.alias'],
    ['apache-2.0', 'Apache-2.0', 'PERMISSIVE', 'ALLOWED', 'license.hf-id'],
    ['MIT', 'MIT', 'PERMISSIVE', 'ALLOWED', 'license.spdx'],
    ['GPL-2.0', 'GPL-2.0-only', 'COPYLEFT', 'ALLOWED', 'license.spdx'],
    ['GPL-3.0', 'GPL-3.0-only', 'COPYLEFT', 'ALLOWED', 'license.spdx'],
    ['LGPL-2.1', 'LGPL-2.1-only', 'COPYLEFT', 'ALLOWED', 'license.spdx'],
    ['LGPL-3.0', 'LGPL-3.0-only', 'COPYLEFT', 'ALLOWED', 'license.spdx'],
    ['AFL-3.0', 'AFL-3.0', 'PERMISSIVE', 'ALLOWED', 'license.spdx'],
    ['ECL-2.0', 'ECL-2.0', 'PERMISSIVE', 'ALLOWED', 'license.spdx'],
    ['cc-by-nc-4.0', 'CC-BY-NC-4.0', 'NON_COMMERCIAL', 'PROHIBITED', 'license.hf-id'],
    ['Llama 3 Community License', 'LicenseRef-llama3', 'COMMUNITY', 'CONDITIONAL', 'license.alias'],
    ['creativeml-openrail-m', 'LicenseRef-creativeml-openrail-m', 'OPEN_RAIL', 'CONDITIONAL', 'license.hf-id'],
    ['Apache许可证2.0', 'Apache-2.0', 'PERMISSIVE', 'ALLOWED', 'license.alias'],
    // Declared, but not which license: UNKNOWN until a LICENSE file says (enrichment).
    ['other', 'LicenseRef-other', 'UNKNOWN', 'UNKNOWN', 'license.unresolved'],
    // Declared as none.
    ['', 'NONE', 'UNSPECIFIED', 'UNKNOWN', 'license.none'],
    [null, 'NONE', 'UNSPECIFIED', 'UNKNOWN', 'license.none'],
    // Chinese names: the agreements' Chinese titles are aliases; unknown ones are read for their words.
    ['通义千问许可协议', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'CONDITIONAL', 'license.alias'],
    ['非商业许可', 'LicenseRef-u28fd6700', 'NON_COMMERCIAL', 'PROHIBITED', 'license.keyword'],
    ['Baichuan2 模型社区许可协议', 'LicenseRef-baichuan', 'COMMUNITY', 'CONDITIONAL', 'license.alias'],
    ['InternLM License', 'LicenseRef-internlm-license', 'UNKNOWN', 'UNKNOWN', 'license.unresolved'],
  ])('%j → %s (%s, commercial use %s)', (license, id, category, commercialUse, rule) => {
    expect(licenseOf(license)).toEqual([id, category, commercialUse, 'license', rule]);
  });

  it('keeps the hub value verbatim', () => {
    expect(classifyModelScope({ ...base, license: 'Apache License 2.0' }).license.hubValue).toBe('Apache License 2.0');
  });

  it('a record without the field cannot tell whether a license is declared: UNKNOWN, not UNSPECIFIED', () => {
    const { license: _license, ...record } = base;
    const result = classifyModelScope(record);
    expect([result.license.category, result.license.hubValue]).toEqual(['UNKNOWN', null]);
    expect(result.evidence).toContainEqual(
      expect.objectContaining({ dimension: 'license', source: 'license', rule: 'license.not-in-record' }),
    );
  });

  it('reads a wrong-typed license as an invalid value, with evidence, never as "none"', () => {
    const result = classifyModelScope({ ...base, license: { name: 'MIT' } });
    expect(result.license.category).toBe('UNKNOWN');
    expect(result.evidence[0]).toMatchObject({ dimension: 'license', rule: 'license.invalid-type', source: 'license' });
  });

  it('"other" is pinned by the LICENSE file text when enrichment fetched it', () => {
    const text =
      'MIT License\n\nCopyright (c) 2024 acme\n\nPermission is hereby granted, free of charge, to any person';
    const result = classifyModelScope({ ...base, license: 'other' }, { licenseText: text });
    expect([result.license.id, result.license.category]).toEqual(['MIT', 'PERMISSIVE']);
  });
});

describe('classifyModelScope: weights', () => {
  it('a listing record (no file list): OPEN by the hub terms, no formats, the level decided on it', () => {
    const result = classifyModelScope(base);
    expect(result.weights).toEqual({ availability: 'OPEN', formats: [], parameterCount: 1_100_048_384 });
    expect(result.level).toBe('OPEN_WEIGHTS');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({ dimension: 'weights', status: 'OPEN', rule: 'weights.hub-public-repository' }),
    );
  });

  it('a private model is not obtainable: UNRELEASED, level CLOSED', () => {
    const result = classifyModelScope({ ...base, private: true });
    expect([result.weights.availability, result.level]).toEqual(['UNRELEASED', 'CLOSED']);
  });

  it.each([
    ['manual', 'GATED_MANUAL', 'OPEN_WEIGHTS_CONDITIONAL'],
    ['auto', 'GATED_AUTO', 'OPEN_WEIGHTS'],
    [true, 'GATED_AUTO', 'OPEN_WEIGHTS'],
    [false, 'OPEN', 'OPEN_WEIGHTS'],
    ['sometimes', 'GATED_MANUAL', 'OPEN_WEIGHTS_CONDITIONAL'],
  ])('gated=%j → %s', (gated, availability, level) => {
    const result = classifyModelScope({ ...base, gated });
    expect([result.weights.availability, result.level]).toEqual([availability, level]);
  });

  it('with a file list (enrichment): formats from the weight files, directories and configs ignored', () => {
    const files = ['README.md', 'configuration.json', 'model-00001-of-00002.safetensors', 'onnx/model.onnx'];
    const result = classifyModelScope({ ...base, files });
    expect(result.weights).toMatchObject({ availability: 'OPEN', formats: ['onnx', 'safetensors'] });
    expect(result.documentation.modelCard).toBe('OPEN');
  });

  it('a file list without any weight file: UNRELEASED, and without README.md no model card', () => {
    const result = classifyModelScope({ ...base, files: ['configuration.json', 'app.py'] });
    expect([result.weights.availability, result.documentation.modelCard, result.level]).toEqual([
      'UNRELEASED',
      'CLOSED',
      'CLOSED',
    ]);
  });

  it("counts a library's own containers as weights, as on Hugging Face (scikit-learn pickles)", () => {
    const result = classifyModelScope({ ...base, library: 'sklearn', files: ['README.md', 'model.pkl'] });
    expect(result.weights).toMatchObject({ availability: 'OPEN', formats: ['pkl'] });
    expect(classifyModelScope({ ...base, files: ['README.md', 'model.pkl'] }).weights.availability).toBe('UNRELEASED');
  });

  it('reads {Path} objects of the files API too', () => {
    expect(extractModelScopeFacts({ files: [{ Path: 'a.bin', Size: 1 }, { path: 'b.gguf' }, 7] }).files).toEqual([
      'a.bin',
      'b.gguf',
    ]);
  });
});

describe('classifyModelScope: parameters and the other dimensions', () => {
  it.each([
    [7_615_616_512, 7_615_616_512],
    ['7615616512', 7_615_616_512],
    [7.6, null], // billions, or some other unit: not a count
    [0, null],
    [-5, null],
    ['7B', null],
    [undefined, null],
  ])('params %j → %s', (params, expected) => {
    expect(classifyModelScope({ ...base, params }).weights.parameterCount).toBe(expected);
  });

  it('a listing record leaves code, data, card and evaluation UNKNOWN, never CLOSED', () => {
    expect(components(classifyModelScope(base))).toEqual([
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
  });

  it('reads library tags, arxiv and dataset tags, and the README', () => {
    const result = classifyModelScope(
      { ...base, tags: ['transformers', 'arxiv:2407.10671', 'dataset:squad'] },
      { readme: '# tiny\n\nTraining code: https://github.com/acme-lab/tiny-train\n' },
    );
    expect(components(result)).toEqual(['OPEN', 'OPEN', 'OPEN', 'OPEN', 'OPEN', 'UNKNOWN']);
  });

  it('never throws, whatever the input', () => {
    for (const input of [null, 42, 'x', [], { tags: 7, files: 'x', params: {}, license: [1] }]) {
      expect(() => classifyModelScope(input)).not.toThrow();
    }
    expect(classifyModelScope(null).evidence[0]).toMatchObject({ dimension: 'input', rule: 'input.not-an-object' });
  });
});
