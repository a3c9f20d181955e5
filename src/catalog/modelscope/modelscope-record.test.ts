import { describe, expect, it } from 'vitest';
import { parseHubTime, validateModelScopeRecord } from './modelscope-record.js';
import { modelScopeRecords } from './modelscope.records.js';

/** Listing records in ModelScope's documented shapes (values are ours). */
const base = {
  id: 'acme-lab/tiny-chat-1b',
  license: 'Apache License 2.0',
  tasks: ['text-generation'],
  tags: ['pytorch', 'transformers'],
  downloads: 1_204,
  likes: 17,
  created_at: 1_726_650_000,
  last_modified: 1_727_254_800,
  params: 1_100_048_384,
  file_size: 2_200_096_768,
};

const build = (record: unknown) => {
  const built = modelScopeRecords.buildModel(record);
  if (!built.ok) throw new Error(built.reason);
  return built.model;
};

describe('validateModelScopeRecord: the repository id', () => {
  it.each([
    ['an `owner/name` id', { id: 'Qwen/Qwen2.5-7B-Instruct' }, 'Qwen/Qwen2.5-7B-Instruct'],
    [
      'owner + name beside a numeric id',
      { id: 30_517, owner: 'iic', name: 'speech_paraformer' },
      'iic/speech_paraformer',
    ],
    ['owner + name without an id', { owner: 'damo', name: 'nlp_structbert_base' }, 'damo/nlp_structbert_base'],
    ['owner + an id without a slash', { id: 'cv_resnet50', owner: 'damo' }, 'damo/cv_resnet50'],
    ['an `owner/name` id over disagreeing fields', { id: 'a-b/c', owner: 'x', name: 'y' }, 'a-b/c'],
    ['an `owner/name` id with spaces around its parts', { id: ' Qwen / Qwen2.5-7B ' }, 'Qwen/Qwen2.5-7B'],
  ])('%s', (_case, record, repoId) => {
    const result = validateModelScopeRecord(record);
    expect(result.ok && result.record.id).toBe(repoId);
  });

  it.each([
    [42, 'record is number, not an object'],
    [null, 'record is null, not an object'],
    [[base], 'record is array, not an object'],
    [{ license: 'MIT' }, 'no owner/name (id is undefined, owner is undefined, name is undefined)'],
    [{ id: 30_517, name: 'orphan' }, 'no owner/name (id is number, owner is undefined, name is string)'],
    [{ id: 'no-owner' }, 'no owner/name (id is string, owner is undefined, name is undefined)'],
    [{ owner: 'acme', name: 'has space' }, 'no owner/name (id is undefined, owner is string, name is string)'],
    [{ id: 'a/b/c' }, 'unusable id "a/b/c"'],
    [{ id: '../etc/passwd' }, 'unusable id "../etc/passwd"'],
  ])('quarantines %j: %s', (record, reason) => {
    expect(validateModelScopeRecord(record)).toEqual({ ok: false, reason });
    expect(modelScopeRecords.buildModel(record)).toEqual({ ok: false, reason });
  });
});

describe('validateModelScopeRecord: field shapes', () => {
  it('accepts a well-formed record unchanged, and its own output again (reclassification rebuilds from it)', () => {
    const first = validateModelScopeRecord(base);
    expect(first).toEqual({ ok: true, record: base, problems: [] });
    const again = first.ok ? validateModelScopeRecord(first.record) : null;
    expect(again).toEqual(first);
  });

  it.each([
    ['a list', ['text-generation', 'chat'], ['text-generation', 'chat']],
    ['one string', 'text-generation', ['text-generation']],
    ['a comma-separated string', 'ocr-detection, ocr-recognition', ['ocr-detection', 'ocr-recognition']],
    [
      'objects with a name',
      [{ name: 'auto-speech-recognition' }, { Name: 'vad' }, { id: 3 }],
      ['auto-speech-recognition', 'vad'],
    ],
    ['null', null, []],
    ['an empty string', '', []],
  ])('tasks as %s', (_case, tasks, expected) => {
    const result = validateModelScopeRecord({ ...base, tasks });
    expect(result.ok && result.record.tasks).toEqual(expected);
  });

  it('reads numbers written as text, and drops wrong-typed fields with a problem each', () => {
    const result = validateModelScopeRecord({
      ...base,
      downloads: '1204',
      likes: -1,
      params: 'seven billion',
      created_at: 'yesterday',
      tags: 7,
      private: 'no',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.downloads).toBe(1_204);
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['tags', 'wrong-type'],
      ['likes', 'wrong-type'],
      ['created_at', 'wrong-type'],
      ['params', 'wrong-type'],
      ['private', 'wrong-type'],
    ]);
  });

  it('cleans object keys as Hugging Face records are, reporting it', () => {
    const result = validateModelScopeRecord({ ...base, tasks: [{ 'na\u0000me': 'vad' }] });
    expect(result.ok && result.record.tasks).toEqual(['vad']);
    expect(result.ok && result.problems.map((p) => [p.field, p.issue])).toEqual([['tasks[0].name', 'binary']]);
  });

  it('cleans binary and cuts huge strings, reporting both', () => {
    const result = validateModelScopeRecord({ ...base, license: 'MIT\u0000', chinese_name: '模型'.repeat(5_000) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.license).toBe('MIT');
    expect(result.problems.map((p) => [p.field, p.issue])).toEqual([
      ['chinese_name', 'truncated'],
      ['license', 'binary'],
    ]);
  });
});

describe('parseHubTime', () => {
  const at = '2024-09-18T09:00:00.000Z';
  it.each([
    ['unix seconds', 1_726_650_000, at],
    ['unix seconds as text', '1726650000', at],
    ['unix milliseconds', 1_726_650_000_000, at],
    ['ISO with Z', '2024-09-18T09:00:00Z', at],
    ['ISO with an offset', '2024-09-18T17:00:00+08:00', at],
    ['a zoneless date-time (read as UTC, never the host zone)', '2024-09-18 09:00:00', at],
    ['zero', 0, null],
    ['a negative number', -1, null],
    ['text', 'not a date', null],
    ['a year far out', '2999-01-01T00:00:00Z', null],
    ['null', null, null],
  ])('%s', (_case, value, expected) => {
    expect(parseHubTime(value)?.toISOString() ?? null).toBe(expected);
  });
});

describe('buildModel', () => {
  it('maps a listing record to a catalog model', () => {
    const model = build(base);
    expect(model).toMatchObject({
      id: 'modelscope:acme-lab/tiny-chat-1b',
      hubId: 'modelscope',
      repoId: 'acme-lab/tiny-chat-1b',
      author: 'acme-lab',
      name: 'tiny-chat-1b',
      task: 'text-generation',
      tags: ['pytorch', 'transformers'],
      sha: '2024-09-25T09:00:00.000Z',
      gating: null,
      parameterCount: 1_100_048_384,
      downloads: 1_204,
      downloadsAllTime: 1_204,
      likes: 17,
      createdAt: new Date('2024-09-18T09:00:00Z'),
      lastModified: new Date('2024-09-25T09:00:00Z'),
      formats: [],
      hubData: { tasks: ['text-generation'], fileSize: 2_200_096_768 },
    });
    expect([model.license.id, model.license.commercialUse, model.openness.weights.availability]).toEqual([
      'Apache-2.0',
      'ALLOWED',
      'OPEN',
    ]);
  });

  it('created_at in seconds and the same instant in ISO text build the same model', () => {
    const iso = build({ ...base, created_at: '2024-09-18T09:00:00Z', last_modified: '2024-09-25T17:00:00+08:00' });
    expect([iso.createdAt, iso.lastModified]).toEqual([build(base).createdAt, build(base).lastModified]);
  });

  it('its revision (`sha`, which keys enrichment) is last_modified, one instant however written', () => {
    const revision = '2024-09-25T09:00:00.000Z';
    for (const lastModified of [1_727_254_800, 1_727_254_800_000, '1727254800', '2024-09-25T17:00:00+08:00']) {
      expect(build({ ...base, last_modified: lastModified }).sha).toBe(revision);
    }
    expect(build({ ...base, last_modified: 1_727_254_801 }).sha).not.toBe(revision);
    expect(build({ ...base, last_modified: undefined }).sha).toBeNull();
  });

  it('a record with only its id builds, every missing field null or empty', () => {
    const model = build({ id: 'acme-lab/bare' });
    expect(model).toMatchObject({
      task: null,
      tags: [],
      downloads: 0,
      downloadsAllTime: null,
      likes: 0,
      createdAt: null,
      lastModified: null,
      parameterCount: null,
      hubData: null,
    });
    expect([model.license.category, model.openness.weights.availability]).toEqual(['UNKNOWN', 'OPEN']);
  });

  it('dropped fields become input evidence on the model', () => {
    const model = build({ ...base, downloads: 'many' });
    expect(model.openness.evidence).toContainEqual(
      expect.objectContaining({ dimension: 'input', source: 'downloads', rule: 'input.wrong-type' }),
    );
  });

  it('lastModifiedOf reads seconds, milliseconds and ISO', () => {
    expect(modelScopeRecords.lastModifiedOf({ last_modified: 1_727_254_800 })?.toISOString()).toBe(
      '2024-09-25T09:00:00.000Z',
    );
    expect(modelScopeRecords.lastModifiedOf({ last_modified: '2024-09-25T09:00:00Z' })?.getTime()).toBe(
      1_727_254_800_000,
    );
    expect(modelScopeRecords.lastModifiedOf({})).toBeNull();
    expect(modelScopeRecords.lastModifiedOf(null)).toBeNull();
  });
});
