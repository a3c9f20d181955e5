import { describe, expect, it } from 'vitest';
import { decideLevel, type LevelInput } from './level.js';
import { LICENSE_CATEGORIES, type LicenseCategory, type WeightsAvailability } from './types.js';

const buildLevelInput = (overrides: Partial<LevelInput> = {}): LevelInput => ({
  licenseCategory: 'PERMISSIVE',
  availability: 'OPEN',
  assumedAvailability: null,
  inferenceCode: 'OPEN',
  trainingCode: 'OPEN',
  trainingData: 'OPEN',
  paper: 'OPEN',
  ...overrides,
});

const OPEN_CATEGORIES: LicenseCategory[] = ['PERMISSIVE', 'COPYLEFT', 'PUBLIC_DOMAIN'];
const CONDITIONAL_CATEGORIES: LicenseCategory[] = ['COMMUNITY', 'OPEN_RAIL'];
const RESTRICTED_CATEGORIES: LicenseCategory[] = [
  'NON_COMMERCIAL',
  'NO_DERIVATIVES',
  'PROPRIETARY',
  'UNSPECIFIED',
  'UNKNOWN',
];
const NOT_OBTAINABLE: WeightsAvailability[] = ['API_ONLY', 'UNRELEASED', 'REMOVED'];

describe('decideLevel', () => {
  it('covers every license category in exactly one tier', () => {
    expect([...OPEN_CATEGORIES, ...CONDITIONAL_CATEGORIES, ...RESTRICTED_CATEGORIES].sort()).toEqual(
      [...LICENSE_CATEGORIES].sort(),
    );
  });

  it.each(
    NOT_OBTAINABLE.flatMap((availability) => LICENSE_CATEGORIES.map((category) => [availability, category] as const)),
  )('weights %s under %s → CLOSED', (availability, licenseCategory) => {
    const decision = decideLevel(buildLevelInput({ availability, licenseCategory }));
    expect(decision.level).toBe('CLOSED');
    expect(decision.evidence).toMatchObject({
      dimension: 'level',
      status: 'CLOSED',
      rule: 'level.weights-not-obtainable',
    });
  });

  it.each(
    (['OPEN', 'GATED_AUTO', 'GATED_MANUAL'] as const).flatMap((availability) =>
      RESTRICTED_CATEGORIES.map((category) => [availability, category] as const),
    ),
  )('weights %s under %s → WEIGHTS_RESTRICTED', (availability, licenseCategory) => {
    const decision = decideLevel(buildLevelInput({ availability, licenseCategory }));
    expect(decision.level).toBe('WEIGHTS_RESTRICTED');
    expect(decision.evidence.rule).toBe('level.license-restricted');
  });

  it.each(
    (['OPEN', 'GATED_AUTO', 'GATED_MANUAL'] as const).flatMap((availability) =>
      CONDITIONAL_CATEGORIES.map((category) => [availability, category] as const),
    ),
  )('weights %s under %s → OPEN_WEIGHTS_CONDITIONAL', (availability, licenseCategory) => {
    const decision = decideLevel(buildLevelInput({ availability, licenseCategory }));
    expect(decision.level).toBe('OPEN_WEIGHTS_CONDITIONAL');
    expect(decision.evidence.rule).toBe('level.license-conditional');
  });

  it.each(OPEN_CATEGORIES)('an open %s license behind a manual gate → OPEN_WEIGHTS_CONDITIONAL', (licenseCategory) => {
    const decision = decideLevel(buildLevelInput({ availability: 'GATED_MANUAL', licenseCategory }));
    expect(decision.level).toBe('OPEN_WEIGHTS_CONDITIONAL');
    expect(decision.evidence.rule).toBe('level.open-license-gated-manual');
  });

  it.each([
    ['OPEN', 'PERMISSIVE', 'UNKNOWN', 'OPEN'],
    ['GATED_AUTO', 'COPYLEFT', 'OPEN', 'UNKNOWN'],
    ['OPEN', 'PUBLIC_DOMAIN', 'PARTIAL', 'OPEN'],
    ['OPEN', 'PERMISSIVE', 'OPEN', 'PARTIAL'],
    ['OPEN', 'PERMISSIVE', 'CLOSED', 'CLOSED'],
  ] as const)(
    'weights %s under %s, inference %s, training %s → OPEN_WEIGHTS',
    (availability, licenseCategory, inferenceCode, trainingCode) => {
      const decision = decideLevel(buildLevelInput({ availability, licenseCategory, inferenceCode, trainingCode }));
      expect(decision.level).toBe('OPEN_WEIGHTS');
      expect(decision.evidence.rule).toBe('level.open-weights');
    },
  );

  it.each([
    ['UNKNOWN', 'OPEN'],
    ['PARTIAL', 'OPEN'],
    ['OPEN', 'UNKNOWN'],
    ['PARTIAL', 'UNKNOWN'],
  ] as const)('open weights and code, training data %s, paper %s → OPEN_TOOLING', (trainingData, paper) => {
    const decision = decideLevel(buildLevelInput({ trainingData, paper }));
    expect(decision.level).toBe('OPEN_TOOLING');
    expect(decision.evidence.rule).toBe('level.open-tooling');
  });

  it.each(['OPEN', 'GATED_AUTO'] as const)('everything open with weights %s → OPEN_SCIENCE', (availability) => {
    const decision = decideLevel(buildLevelInput({ availability }));
    expect(decision.level).toBe('OPEN_SCIENCE');
    expect(decision.evidence).toMatchObject({ rule: 'level.open-science', status: 'OPEN_SCIENCE' });
    expect(decision.evidence.value).toContain('training data=OPEN, paper=OPEN');
  });

  it('everything open but a manual gate stays OPEN_WEIGHTS_CONDITIONAL', () => {
    expect(decideLevel(buildLevelInput({ availability: 'GATED_MANUAL' })).level).toBe('OPEN_WEIGHTS_CONDITIONAL');
  });

  it.each([
    ['OPEN', 'OPEN_SCIENCE'],
    ['GATED_AUTO', 'OPEN_SCIENCE'],
    ['GATED_MANUAL', 'OPEN_WEIGHTS_CONDITIONAL'],
    [null, 'OPEN_WEIGHTS_CONDITIONAL'],
  ] as const)('UNKNOWN weights are decided as if %s', (assumedAvailability, level) => {
    const decision = decideLevel(buildLevelInput({ availability: 'UNKNOWN', assumedAvailability }));
    expect(decision.level).toBe(level);
    expect(decision.evidence.value).toContain('(assumed)');
  });

  it('a known availability ignores the assumption', () => {
    expect(decideLevel(buildLevelInput({ availability: 'UNRELEASED', assumedAvailability: 'OPEN' })).level).toBe(
      'CLOSED',
    );
  });
});
