import { describe, expect, it } from 'vitest';
import { changeKind, contentHash, diffSnapshots, type Snapshot } from './catalog-model.js';

const before: Snapshot = {
  license: 'MIT',
  gated: 'NONE',
  'openness.level': 'OPEN_WEIGHTS',
  tags: ['a', 'b'],
  sha: '1',
};

describe('diffSnapshots', () => {
  it('lists every changed field with its before and after', () => {
    const after: Snapshot = {
      ...before,
      license: 'LicenseRef-llama3.1',
      'openness.level': 'OPEN_WEIGHTS_CONDITIONAL',
      tags: ['a', 'b'],
    };
    expect(diffSnapshots(before, after)).toEqual({
      changedFields: ['license', 'openness.level'],
      before: { license: 'MIT', 'openness.level': 'OPEN_WEIGHTS' },
      after: { license: 'LicenseRef-llama3.1', 'openness.level': 'OPEN_WEIGHTS_CONDITIONAL' },
    });
  });

  it('compares lists by value and order', () => {
    expect(diffSnapshots(before, { ...before, tags: ['b', 'a'] }).changedFields).toEqual(['tags']);
    expect(diffSnapshots(before, { ...before, tags: ['a', 'b'] }).changedFields).toEqual([]);
  });

  it('reports fields that appear or disappear', () => {
    expect(diffSnapshots({ a: 1 }, { b: 2 })).toEqual({
      changedFields: ['b', 'a'],
      before: { a: 1, b: null },
      after: { a: null, b: 2 },
    });
  });
});

describe('changeKind precedence', () => {
  it.each([
    [{ created: true, removed: false, restored: false, changedFields: ['license'] }, 'CREATED'],
    [{ created: false, removed: true, restored: false, changedFields: ['license'] }, 'REMOVED'],
    [{ created: false, removed: false, restored: true, changedFields: ['license'] }, 'RESTORED'],
    [
      { created: false, removed: false, restored: false, changedFields: ['gated', 'license', 'openness.level'] },
      'LICENSE_CHANGED',
    ],
    [{ created: false, removed: false, restored: false, changedFields: ['openness.level', 'gated'] }, 'GATING_CHANGED'],
    [{ created: false, removed: false, restored: false, changedFields: ['sha', 'openness.score'] }, 'OPENNESS_CHANGED'],
    [{ created: false, removed: false, restored: false, changedFields: ['weights.availability'] }, 'OPENNESS_CHANGED'],
    [{ created: false, removed: false, restored: false, changedFields: ['sha', 'lastModified'] }, 'UPDATED'],
  ] as const)('%j → %s', (event, kind) => {
    expect(changeKind(event)).toBe(kind);
  });
});

describe('contentHash', () => {
  it('is equal for equal snapshots and differs on any change', () => {
    expect(contentHash(before)).toBe(contentHash({ ...before }));
    expect(contentHash(before)).not.toBe(contentHash({ ...before, sha: '2' }));
  });
});
