import { describe, expect, it } from 'vitest';
import { estimateMof, MOF_COMPONENTS, type MofInput } from './mof.js';

const buildMofInput = (overrides: Partial<MofInput> = {}): MofInput => ({
  licenseCategory: 'PERMISSIVE',
  availability: 'OPEN',
  inferenceCode: 'OPEN',
  trainingCode: 'OPEN',
  trainingData: 'OPEN',
  modelCard: 'OPEN',
  paper: 'OPEN',
  evaluation: 'OPEN',
  ...overrides,
});

/** Components a hub record can never show. */
const NEVER_CONFIRMED = [
  'Evaluation code',
  'Evaluation data',
  'Data preprocessing code',
  'Model parameters (Intermediate)',
];

describe('estimateMof', () => {
  it('lists the 14 required MOF components by their MOF names', () => {
    expect(MOF_COMPONENTS.map((component) => component.name)).toEqual([
      'Model architecture',
      'Model parameters (Final)',
      'Technical report',
      'Evaluation results',
      'Model card',
      'Data card',
      'Training code',
      'Inference code',
      'Evaluation code',
      'Evaluation data',
      'Datasets',
      'Data preprocessing code',
      'Model parameters (Intermediate)',
      'Research paper',
    ]);
  });

  it('tops out at CLASS_III: evaluation code and data are never visible in a record', () => {
    const estimate = estimateMof(buildMofInput());
    expect(estimate.mofClass).toBe('CLASS_III');
    expect(estimate.missingComponents).toEqual(NEVER_CONFIRMED);
    expect(estimate.evidence).toMatchObject({ dimension: 'mofClass', status: 'CLASS_III', rule: 'mof.class-iii' });
  });

  it.each([
    ['a gated (manual) open model', { availability: 'GATED_MANUAL' }, 'CLASS_III', []],
    ['declared (not known-open) datasets are a data card', { trainingData: 'PARTIAL' }, 'CLASS_III', ['Datasets']],
    ['no training code still meets class III', { trainingCode: 'UNKNOWN' }, 'CLASS_III', ['Training code']],
    ['weights not confirmed', { availability: 'UNKNOWN' }, 'NONE', ['Model parameters (Final)']],
    ['unreleased weights', { availability: 'UNRELEASED' }, 'NONE', ['Model parameters (Final)']],
    ['no model card (nor data card)', { modelCard: 'CLOSED' }, 'NONE', ['Model card', 'Data card']],
    ['no evaluation results', { evaluation: 'UNKNOWN' }, 'NONE', ['Evaluation results']],
    ['no paper', { paper: 'UNKNOWN' }, 'NONE', ['Technical report', 'Research paper']],
    ['no datasets declared', { trainingData: 'UNKNOWN' }, 'NONE', ['Data card', 'Datasets']],
    [
      'no inference code or architecture',
      { inferenceCode: 'UNKNOWN' },
      'NONE',
      ['Model architecture', 'Inference code'],
    ],
  ] as const)('%s → %s', (_case, overrides, mofClass, extraMissing) => {
    const estimate = estimateMof(buildMofInput(overrides));
    expect(estimate.mofClass).toBe(mofClass);
    const expected = MOF_COMPONENTS.map((c) => c.name).filter(
      (name) => NEVER_CONFIRMED.includes(name) || (extraMissing as readonly string[]).includes(name),
    );
    expect(estimate.missingComponents).toEqual(expected);
    if (mofClass === 'NONE') expect(estimate.evidence.rule).toBe('mof.class-iii-incomplete');
  });

  it.each(['COMMUNITY', 'OPEN_RAIL', 'NON_COMMERCIAL', 'UNSPECIFIED', 'UNKNOWN'] as const)(
    'a %s license is not open: NONE, components still listed',
    (licenseCategory) => {
      const estimate = estimateMof(buildMofInput({ licenseCategory }));
      expect(estimate.mofClass).toBe('NONE');
      expect(estimate.missingComponents).toEqual(NEVER_CONFIRMED);
      expect(estimate.evidence).toMatchObject({ status: 'NONE', rule: 'mof.license-not-open', value: licenseCategory });
    },
  );

  it.each(['COPYLEFT', 'PUBLIC_DOMAIN'] as const)('a %s license is open', (licenseCategory) => {
    expect(estimateMof(buildMofInput({ licenseCategory })).mofClass).toBe('CLASS_III');
  });
});
