import { describe, expect, it } from 'vitest';
import { MAX_STRING, validateHfRecord } from './hf-record.js';

const base = { _id: '64b7f0c1a2b3c4d5e6f70819', id: 'acme/tiny-llm', downloads: 12, likes: 3, tags: ['license:mit'] };

describe('validateHfRecord', () => {
  it.each([
    [42, 'record is number, not an object'],
    ['x', 'record is string, not an object'],
    [null, 'record is null, not an object'],
    [[base], 'record is array, not an object'],
    [{ _id: 'abc' }, 'no string id (id is undefined)'],
    [{ id: 7 }, 'no string id (id is number)'],
    [{ id: '' }, 'unusable id ""'],
    [{ id: 'has space/x' }, 'unusable id "has space/x"'],
    [{ id: '../etc/passwd' }, 'unusable id "../etc/passwd"'],
  ])('quarantines %j: %s', (input, reason) => {
    expect(validateHfRecord(input)).toEqual({ ok: false, reason });
  });

  it('accepts a well-formed record unchanged, with no problems', () => {
    const result = validateHfRecord({ ...base, gated: 'manual', siblings: [{ rfilename: 'model.safetensors' }] });
    expect(result).toEqual({
      ok: true,
      record: { ...base, gated: 'manual', siblings: [{ rfilename: 'model.safetensors' }] },
      problems: [],
    });
  });

  it('falls back to modelId for the repo id, and accepts legacy ids without an owner', () => {
    const result = validateHfRecord({ modelId: 'bert-base-uncased' });
    expect(result.ok && result.record.id).toBe('bert-base-uncased');
  });

  it('drops wrong-typed fields and keeps the model', () => {
    const result = validateHfRecord({ ...base, downloads: 'many', likes: -1, gated: 'sometimes', tags: 7, sha: 'zz' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record).toEqual({ _id: base._id, id: base.id });
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['sha', 'wrong-type'],
      ['downloads', 'wrong-type'],
      ['likes', 'wrong-type'],
      ['gated', 'wrong-type'],
      ['tags', 'wrong-type'],
    ]);
  });

  it('keeps only the string tags and the well-formed siblings', () => {
    const result = validateHfRecord({
      ...base,
      tags: ['a', 1, null, 'b'],
      siblings: [{ rfilename: 'a' }, 'b', { name: 'c' }],
    });
    expect(result.ok && result.record.tags).toEqual(['a', 'b']);
    expect(result.ok && result.record.siblings).toEqual([{ rfilename: 'a' }]);
  });

  it('truncates huge strings and strips binary characters, with evidence', () => {
    const huge = 'x'.repeat(2_000_000);
    const result = validateHfRecord({
      ...base,
      pipeline_tag: huge,
      library_name: 'trans\u0000form\u0007ers',
      cardData: { notes: huge },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.pipeline_tag).toHaveLength(MAX_STRING);
    expect(result.record.library_name).toBe('transformers');
    expect(String(result.record.cardData?.['notes'])).toHaveLength(MAX_STRING);
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['library_name', 'binary'],
      ['pipeline_tag', 'truncated'],
      ['cardData.notes', 'truncated'],
    ]);
  });

  it('removes lone surrogates and NUL, which Postgres refuses in JSON, and keeps real emoji', () => {
    const result = validateHfRecord({
      ...base,
      pipeline_tag: 'text-\ud800gen\u0000eration 🤗',
      library_name: 'x\udc00',
    });
    expect(result.ok && [result.record.pipeline_tag, result.record.library_name]).toEqual(['text-generation 🤗', 'x']);
  });

  it('cleans object keys too (NUL, lone surrogates, absurd length), with evidence', () => {
    const result = validateHfRecord({
      ...base,
      cardData: { 'license\u0000_name': 'x', nested: { ['k\ud800']: 1 }, ['y'.repeat(300)]: 2 },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.cardData).toEqual({ license_name: 'x', nested: { k: 1 }, ['y'.repeat(256)]: 2 });
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['cardData.license_name', 'binary'],
      ['cardData.nested.k', 'binary'],
      [`cardData.${'y'.repeat(256)}`, 'truncated'],
    ]);
  });

  it('bounds absurd nesting', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    const result = validateHfRecord({ ...base, cardData: deep });
    expect(result.ok && result.problems.some((p) => p.issue === 'too-deep')).toBe(true);
  });
});
