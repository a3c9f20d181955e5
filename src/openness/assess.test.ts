import { describe, expect, it } from 'vitest';
import { assessHfFacts, UNOBSERVED_LICENSE } from './assess.js';
import { extractHfFacts } from './huggingface-input.js';
import { RULES_VERSION } from './rules-version.js';
import { buildHfRecord, buildLicenseAssessment, siblings, withoutFields } from '../../test/fixtures/openness.js';
import type { LicenseCategory, OpennessLevel } from './types.js';

const assess = (overrides: Record<string, unknown> = {}, category: LicenseCategory = 'PERMISSIVE', readme?: string) =>
  assessHfFacts(
    extractHfFacts(buildHfRecord(overrides), readme === undefined ? {} : { readme }),
    buildLicenseAssessment({ category }),
  );

const TRAINING_README = 'Training code: https://github.com/acme/train\n';
const SCIENCE = {
  tags: ['transformers', 'arxiv:2402.00838', 'dataset:allenai/dolma'],
  'model-index': [{ name: 'm', results: [{}] }],
};

describe('assessHfFacts: level from a record', () => {
  it.each<[string, Record<string, unknown>, LicenseCategory, string | undefined, OpennessLevel]>([
    ['disabled repository', { disabled: true }, 'PERMISSIVE', undefined, 'CLOSED'],
    ['no weight files', { siblings: siblings('README.md', 'config.json') }, 'PERMISSIVE', undefined, 'CLOSED'],
    ['no license declared', {}, 'UNSPECIFIED', undefined, 'WEIGHTS_RESTRICTED'],
    ['non-commercial', { gated: 'auto' }, 'NON_COMMERCIAL', undefined, 'WEIGHTS_RESTRICTED'],
    ['no-derivatives', {}, 'NO_DERIVATIVES', undefined, 'WEIGHTS_RESTRICTED'],
    ['community license, gated', { gated: 'manual' }, 'COMMUNITY', undefined, 'OPEN_WEIGHTS_CONDITIONAL'],
    ['OpenRAIL', {}, 'OPEN_RAIL', undefined, 'OPEN_WEIGHTS_CONDITIONAL'],
    ['open license behind a manual gate', { gated: 'manual' }, 'PERMISSIVE', undefined, 'OPEN_WEIGHTS_CONDITIONAL'],
    ['open license, click-through', { gated: 'auto' }, 'PERMISSIVE', undefined, 'OPEN_WEIGHTS'],
    ['open license, open library, no training code', {}, 'PERMISSIVE', undefined, 'OPEN_WEIGHTS'],
    ['open license with training code', {}, 'COPYLEFT', TRAINING_README, 'OPEN_TOOLING'],
    [
      'training code, disclosed (not known-open) data, paper',
      { tags: ['transformers', 'arxiv:1', 'dataset:acme/x'] },
      'PERMISSIVE',
      TRAINING_README,
      'OPEN_TOOLING',
    ],
    ['training code, open data and a paper', SCIENCE, 'PUBLIC_DOMAIN', TRAINING_README, 'OPEN_SCIENCE'],
    ['no file list, ungated: as if OPEN', { siblings: undefined }, 'PERMISSIVE', undefined, 'OPEN_WEIGHTS'],
    [
      'no file list, manual gate: as if GATED_MANUAL',
      { siblings: undefined, gated: 'manual' },
      'PERMISSIVE',
      undefined,
      'OPEN_WEIGHTS_CONDITIONAL',
    ],
  ])('%s → %s', (_case, overrides, category, readme, level) => {
    expect(assess(overrides, category, readme).level).toBe(level);
  });
});

describe('assessHfFacts: result shape', () => {
  it('fills every field of the contract', () => {
    const result = assess({
      tags: ['transformers', 'generated_from_trainer', 'arxiv:2310.16944', 'dataset:a/b', 'model-index'],
    });
    expect(result).toEqual({
      license: expect.objectContaining({ id: 'Apache-2.0', category: 'PERMISSIVE' }) as unknown,
      weights: { availability: 'OPEN', formats: ['safetensors'], parameterCount: 1_234_567 },
      code: { inference: 'OPEN', training: 'PARTIAL' },
      data: { training: 'PARTIAL' },
      documentation: { modelCard: 'OPEN', paper: 'OPEN', evaluation: 'OPEN' },
      level: 'OPEN_WEIGHTS',
      mofClass: 'CLASS_III',
      missingComponents: [
        'Training code',
        'Evaluation code',
        'Evaluation data',
        'Datasets',
        'Data preprocessing code',
        'Model parameters (Intermediate)',
      ],
      score: 0.875,
      rulesVersion: RULES_VERSION,
      evidence: expect.any(Array) as unknown,
    });
  });

  it('gives evidence for every dimension, in a stable order, with one level item', () => {
    const result = assess();
    expect(result.evidence.map((item) => item.dimension)).toEqual([
      'license',
      'weights',
      'parameters',
      'code.inference',
      'code.training',
      'data.training',
      'documentation.modelCard',
      'documentation.paper',
      'documentation.evaluation',
      'level',
      'mofClass',
    ]);
    expect(result.evidence.filter((item) => item.dimension === 'level')).toHaveLength(1);
  });

  it('says when the level assumed the weights from the gate', () => {
    const result = assess({ siblings: undefined, gated: 'auto' });
    expect(result.weights.availability).toBe('UNKNOWN');
    expect(result.level).toBe('OPEN_WEIGHTS');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        dimension: 'weights',
        status: 'GATED_AUTO',
        source: 'gated',
        rule: 'level.weights-assumed-from-gated',
      }),
    );
    expect(result.missingComponents).toContain('Model parameters (Final)');
    expect(result.mofClass).toBe('NONE');
  });

  it('does not score assumed weights', () => {
    expect(assess({ siblings: undefined }).score).toBeLessThan(assess().score);
  });

  it('reports wrong-typed fields as input evidence', () => {
    const result = assess({ siblings: 'model.safetensors', tags: 5 });
    expect(result.evidence[0]).toEqual({
      dimension: 'input',
      status: 'INVALID',
      source: 'tags, siblings',
      value: 'unexpected type, read as missing',
      rule: 'input.wrong-type',
    });
  });

  it('keeps an unobserved license UNKNOWN', () => {
    const result = assessHfFacts(
      extractHfFacts(withoutFields(buildHfRecord(), 'cardData', 'tags')),
      UNOBSERVED_LICENSE,
    );
    expect(result.license.category).toBe('UNKNOWN');
    expect(result.level).toBe('WEIGHTS_RESTRICTED');
  });
});
