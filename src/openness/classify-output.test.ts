import { describe, expect, it } from 'vitest';
import { classifyJsonLine, type ClassifyOutputLine } from './classify-output.js';
import { RULES_VERSION } from './rules-version.js';
import { buildHfRecord } from '../../test/fixtures/openness.js';

describe('classifyJsonLine', () => {
  it('writes the documented shape, keys in order', () => {
    const output = classifyJsonLine(JSON.stringify(buildHfRecord()), 1) as ClassifyOutputLine;
    expect(Object.keys(output)).toEqual([
      'id',
      'license',
      'weights',
      'code',
      'data',
      'documentation',
      'level',
      'mofClass',
      'missingComponents',
      'score',
      'rulesVersion',
      'evidence',
    ]);
    expect(Object.keys(output.license)).toEqual(['id', 'name', 'category', 'commercialUse', 'osiApproved', 'hubValue']);
    expect(Object.keys(output.weights)).toEqual(['availability', 'formats', 'parameterCount']);
    expect(Object.keys(output.code)).toEqual(['inference', 'training']);
    expect(Object.keys(output.data)).toEqual(['training']);
    expect(Object.keys(output.documentation)).toEqual(['modelCard', 'paper', 'evaluation']);
    for (const item of output.evidence)
      expect(Object.keys(item)).toEqual(['dimension', 'status', 'source', 'value', 'rule']);
    expect(output).toMatchObject({
      id: 'huggingface:acme/tiny-model',
      license: { id: 'Apache-2.0', category: 'PERMISSIVE', hubValue: 'apache-2.0' },
      level: 'OPEN_WEIGHTS',
      rulesVersion: RULES_VERSION,
    });
  });

  it.each([
    ['id', { id: 'a/b', modelId: 'c/d' }, 'huggingface:a/b'],
    ['modelId when id is missing', { id: undefined, modelId: 'c/d' }, 'huggingface:c/d'],
  ])('takes the id from %s', (_case, overrides, id) => {
    expect(classifyJsonLine(JSON.stringify(buildHfRecord(overrides)), 1)).toMatchObject({ id });
  });

  it.each([
    ['a number id and an empty modelId', { id: 5, modelId: '' }],
    ['no id at all', { id: undefined, modelId: undefined }],
  ])('rejects a record with %s, naming the line and the reason', (_case, overrides) => {
    expect(classifyJsonLine(JSON.stringify(buildHfRecord(overrides)), 4)).toEqual({
      line: 4,
      error: expect.stringContaining('no usable repo id') as unknown,
    });
  });

  it.each(['', '   ', '\t\r', '\ufeff'])('skips the blank line %j', (line) => {
    expect(classifyJsonLine(line, 3)).toBeNull();
  });

  it.each(['{', '{"id": "a/b",}', 'not json', "{'id': 1}", '\u0000'])(
    'reports the invalid JSON %j with its line number',
    (line) => {
      const output = classifyJsonLine(line, 7);
      expect(output).toEqual({ line: 7, error: expect.any(String) as unknown });
      expect((output as { error: string }).error.length).toBeGreaterThan(0);
    },
  );

  it('accepts a byte-order mark before the first record', () => {
    expect(classifyJsonLine(`\ufeff${JSON.stringify(buildHfRecord())}`, 1)).toMatchObject({
      id: 'huggingface:acme/tiny-model',
    });
  });

  it.each([
    ['42', 'a number'],
    ['"a/b"', 'a string'],
    ['null', 'null'],
    ['[1, 2]', 'an array'],
    ['[]', 'an array'],
    ['true', 'a boolean'],
  ])('rejects the valid JSON %s, which is not a record, naming what it is', (line, what) => {
    expect(classifyJsonLine(line, 2)).toEqual({
      line: 2,
      error: `expected a JSON object (a Hugging Face model record), got ${what}`,
    });
  });
});
