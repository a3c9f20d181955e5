import { describe, expect, it } from 'vitest';
import { mapMotModel, motClass, motComponentLicense, motScore, MOT_COMPONENTS } from './mot.mapping.js';
import { MOT_FIXTURE_RECORDS } from '../../test/fixtures/references.js';

const SITE = 'https://mot.example/';

function mapped(index: number) {
  const result = mapMotModel(MOT_FIXTURE_RECORDS[index], SITE);
  if (!result.ok) throw new Error(result.reason);
  return result.reference;
}

describe('MOT_COMPONENTS', () => {
  it('has the 17 MOF components, 14 of them required (6 + 4 + 4 by class)', () => {
    expect(MOT_COMPONENTS).toHaveLength(17);
    const required = MOT_COMPONENTS.filter((c) => c.required);
    expect(required.map((c) => c.mofClass).sort()).toEqual([
      ...Array<string>(4).fill('CLASS_I'),
      ...Array<string>(4).fill('CLASS_II'),
      ...Array<string>(6).fill('CLASS_III'),
    ]);
  });
});

describe('motClass', () => {
  it.each([
    [1, 'CLASS_I'],
    [2, 'CLASS_II'],
    [3, 'CLASS_III'],
    [0, 'NONE'],
    ['3', 'CLASS_III'],
    [-1, null],
    [null, null],
    ['Class I', null],
  ])('%s → %s', (value, expected) => {
    expect(motClass(value)).toBe(expected);
  });
});

describe('motScore', () => {
  it('is the mean of the three class progress percentages, as a fraction', () => {
    expect(motScore({ class1: 100, class2: 100, class3: 100 })).toBe(1);
    expect(motScore({ class1: 0, class2: 50, class3: 100 })).toBe(0.5);
    expect(motScore({ class1: 0, class2: 0, class3: 16.7 })).toBe(0.0557);
    expect(motScore({ class1: null, class2: 0, class3: 0 })).toBeNull();
  });
});

describe('motComponentLicense', () => {
  const licenses = { distribution: { name: 'Llama 3.1 Community License Agreement' }, code: { name: 'Apache-2.0' } };
  it.each([
    ['its own license', 'MIT', 'code', { license: 'MIT', licenseFrom: 'component' }],
    ['unlicensed', 'unlicensed', 'code', { license: null, licenseFrom: 'unlicensed' }],
    ['the content-type license', undefined, 'code', { license: 'Apache-2.0', licenseFrom: 'code' }],
    [
      'the distribution license',
      undefined,
      'data',
      { license: 'Llama 3.1 Community License Agreement', licenseFrom: 'distribution' },
    ],
  ] as const)('takes %s', (_name, own, type, expected) => {
    expect(motComponentLicense(own, type, licenses)).toEqual(expected);
  });

  it('has no license when nothing applies', () => {
    expect(motComponentLicense(undefined, 'document', {})).toEqual({ license: null, licenseFrom: null });
  });
});

describe('mapMotModel', () => {
  it('maps a Class I record: class, score, HF repo id, per-component licenses, page URL', () => {
    const reference = mapped(0);
    expect(reference).toMatchObject({
      source: 'MOT',
      externalId: '1130',
      name: 'Amber',
      hfRepoId: 'LLM360/Amber',
      class: 'CLASS_I',
      score: 1,
      url: 'https://mot.example/model/1130',
      sourceVersion: 'MOF 1.0, record 2025-05-22',
    });
    expect(reference.grades.components).toMatchObject({
      Datasets: { included: true, license: 'MIT', licenseFrom: 'component', mofClass: 'CLASS_I' },
      'Model parameters (Final)': { included: true, license: 'Apache-2.0', licenseFrom: 'distribution' },
      'Sample model outputs': { included: false, license: null, required: false },
    });
    expect(reference.grades.classification).toEqual({
      class: 1,
      label: 'Class I - Open Science',
      progress: { class1: 100, class2: 100, class3: 100 },
    });
  });

  it('reads the id from classification, an HF link with a page title, and keeps unknown component names', () => {
    const reference = mapped(1);
    expect(reference).toMatchObject({ externalId: '1131', hfRepoId: 'meta-llama/Llama-3.1-8B', class: 'NONE' });
    expect(reference.score).toBe(0.0557);
    expect(reference.grades.unknownComponents).toEqual(['Made-up component']);
    expect(reference.grades.components).toMatchObject({
      'Model architecture': { included: true, license: 'Apache-2.0', licenseFrom: 'code' },
      'Model card': { included: true, license: null, licenseFrom: 'unlicensed' },
      'Model parameters (Final)': { license: 'Llama 3.1 Community License Agreement', licenseFrom: 'distribution' },
    });
  });

  it('maps a pending record (class -1) without class or score, and a dataset link to no repo id', () => {
    const reference = mapped(2);
    expect(reference).toMatchObject({ externalId: '1132', class: null, hfRepoId: null, score: 0 });
    expect(reference.grades.licenses).toEqual({ distribution: null, code: null, data: null, document: null });
  });

  it.each([
    ['no release name', MOT_FIXTURE_RECORDS[3], '1133', 'no release name'],
    ['no id', { release: { name: 'x' } }, '?', 'no model id'],
    ['not an object', 'nope', '?', 'not an object'],
  ])('skips a record with %s', (_name, record, externalId, reason) => {
    expect(mapMotModel(record, SITE)).toEqual({ ok: false, externalId, reason });
  });
});
