import { describe, expect, it } from 'vitest';
import { componentScore, licenseScore, opennessScore, weightsScore, type ScoreInput } from './score.js';
import { COMPONENT_STATUS, LICENSE_CATEGORIES, WEIGHTS_AVAILABILITY } from './types.js';

const buildScoreInput = (overrides: Partial<ScoreInput> = {}): ScoreInput => ({
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

describe('score parts', () => {
  const licenseScores = {
    PERMISSIVE: 1,
    COPYLEFT: 1,
    PUBLIC_DOMAIN: 1,
    OPEN_RAIL: 0.5,
    COMMUNITY: 0.5,
    NON_COMMERCIAL: 0,
    NO_DERIVATIVES: 0,
    PROPRIETARY: 0,
    UNSPECIFIED: 0,
    UNKNOWN: 0,
  };
  it.each(LICENSE_CATEGORIES)('license %s', (category) => {
    expect(licenseScore(category)).toBe(licenseScores[category]);
  });

  const weightsScores = {
    OPEN: 1,
    GATED_AUTO: 1,
    GATED_MANUAL: 0.5,
    API_ONLY: 0,
    UNRELEASED: 0,
    REMOVED: 0,
    UNKNOWN: 0,
  };
  it.each(WEIGHTS_AVAILABILITY)('weights %s', (availability) => {
    expect(weightsScore(availability)).toBe(weightsScores[availability]);
  });

  const componentScores = { OPEN: 1, PARTIAL: 0.5, CLOSED: 0, UNKNOWN: 0 };
  it.each(COMPONENT_STATUS)('component %s', (status) => {
    expect(componentScore(status)).toBe(componentScores[status]);
  });
});

describe('opennessScore', () => {
  it.each([
    ['everything open', {}, 1],
    [
      'nothing known',
      {
        licenseCategory: 'UNKNOWN',
        availability: 'UNKNOWN',
        inferenceCode: 'UNKNOWN',
        trainingCode: 'UNKNOWN',
        trainingData: 'UNKNOWN',
        modelCard: 'UNKNOWN',
        paper: 'UNKNOWN',
        evaluation: 'UNKNOWN',
      },
      0,
    ],
    [
      'Llama-like',
      {
        licenseCategory: 'COMMUNITY',
        availability: 'GATED_MANUAL',
        trainingCode: 'UNKNOWN',
        trainingData: 'UNKNOWN',
        paper: 'OPEN',
        evaluation: 'UNKNOWN',
      },
      0.5,
    ],
    ['one partial', { trainingData: 'PARTIAL' }, 0.9375],
    [
      'a third, rounded to 4 decimals',
      {
        licenseCategory: 'UNKNOWN',
        availability: 'UNKNOWN',
        inferenceCode: 'PARTIAL',
        trainingCode: 'UNKNOWN',
        trainingData: 'UNKNOWN',
        modelCard: 'OPEN',
        paper: 'UNKNOWN',
        evaluation: 'OPEN',
      },
      0.3125,
    ],
  ] as const)('%s → %s', (_case, overrides, score) => {
    expect(opennessScore(buildScoreInput(overrides))).toBe(score);
  });

  it('stays in [0, 1] with at most 4 decimals for every single-component change', () => {
    for (const status of COMPONENT_STATUS) {
      const score = opennessScore(buildScoreInput({ paper: status, evaluation: status }));
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(Math.round(score * 10_000)).toBe(score * 10_000);
    }
  });
});
