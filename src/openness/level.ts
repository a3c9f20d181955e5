/**
 * The derived openness level (docs/openness.md, "Openness level"). Hub-agnostic: it reads dimension
 * statuses only. Each level's weights rule includes the lower levels' (weights obtainable at all).
 */
import { evidence } from './evidence.js';
import { AVAILABILITY_INDEX, CATEGORY_INDEX, STATUS_INDEX } from './enum-index.js';
import type { ComponentStatus, Evidence, LicenseCategory, OpennessLevel, WeightsAvailability } from './types.js';

export type ObtainableAvailability = 'OPEN' | 'GATED_AUTO' | 'GATED_MANUAL';

export interface LevelInput {
  readonly licenseCategory: LicenseCategory;
  readonly availability: WeightsAvailability;
  /**
   * How the weights would be obtained when `availability` is UNKNOWN (for a hub repository, its
   * `gated` value); null when nothing can be assumed, which is then treated as GATED_MANUAL.
   */
  readonly assumedAvailability: ObtainableAvailability | null;
  readonly inferenceCode: ComponentStatus;
  readonly trainingCode: ComponentStatus;
  readonly trainingData: ComponentStatus;
  readonly paper: ComponentStatus;
}

export interface LevelDecision {
  readonly level: OpennessLevel;
  /** The one `level` evidence item: the rule that decided. */
  readonly evidence: Evidence;
}

type LicenseTier = 'restricted' | 'conditional' | 'open';

export function licenseTier(category: LicenseCategory): LicenseTier {
  switch (category) {
    case 'PERMISSIVE':
    case 'COPYLEFT':
    case 'PUBLIC_DOMAIN':
      return 'open';
    case 'OPEN_RAIL':
    case 'COMMUNITY':
      return 'conditional';
    // NO_DERIVATIVES allows commercial use but not derivatives: docs/openness.md says why it is here.
    case 'NON_COMMERCIAL':
    case 'NO_DERIVATIVES':
    case 'PROPRIETARY':
    case 'UNSPECIFIED':
    case 'UNKNOWN':
      return 'restricted';
  }
}

/** The availability the level is decided on: the known one, or the assumption for UNKNOWN. */
export function effectiveAvailability(
  availability: WeightsAvailability,
  assumed: ObtainableAvailability | null,
): Exclude<WeightsAvailability, 'UNKNOWN'> {
  if (availability !== 'UNKNOWN') return availability;
  return assumed ?? 'GATED_MANUAL';
}

function decided(level: OpennessLevel, value: string, rule: string): LevelDecision {
  return { level, evidence: evidence('level', level, 'license.category, weights.availability', value, rule) };
}

function decide(input: LevelInput): LevelDecision {
  const weights = effectiveAvailability(input.availability, input.assumedAvailability);
  const category = input.licenseCategory;
  const basis = `license=${category}, weights=${weights}${input.availability === 'UNKNOWN' ? ' (assumed)' : ''}`;

  if (weights === 'API_ONLY' || weights === 'UNRELEASED' || weights === 'REMOVED') {
    return decided('CLOSED', basis, 'level.weights-not-obtainable');
  }
  switch (licenseTier(category)) {
    case 'restricted':
      return decided('WEIGHTS_RESTRICTED', basis, 'level.license-restricted');
    case 'conditional':
      return decided('OPEN_WEIGHTS_CONDITIONAL', basis, 'level.license-conditional');
    case 'open':
      break;
  }
  if (weights === 'GATED_MANUAL') return decided('OPEN_WEIGHTS_CONDITIONAL', basis, 'level.open-license-gated-manual');

  const tooling = `${basis}, inference code=${input.inferenceCode}, training code=${input.trainingCode}`;
  if (input.inferenceCode !== 'OPEN' || input.trainingCode !== 'OPEN') {
    return decided('OPEN_WEIGHTS', tooling, 'level.open-weights');
  }
  const science = `${tooling}, training data=${input.trainingData}, paper=${input.paper}`;
  if (input.trainingData !== 'OPEN' || input.paper !== 'OPEN')
    return decided('OPEN_TOOLING', science, 'level.open-tooling');
  return decided('OPEN_SCIENCE', science, 'level.open-science');
}

/** Decisions by input: the inputs are a few small enums (at most ~70,000 combinations, a few hundred in practice). */
const decisions = new Map<number, LevelDecision>();

export function decideLevel(input: LevelInput): LevelDecision {
  let key = CATEGORY_INDEX[input.licenseCategory] * 8 + AVAILABILITY_INDEX[input.availability];
  key = key * 8 + (input.assumedAvailability === null ? 7 : AVAILABILITY_INDEX[input.assumedAvailability]);
  key = key * 4 + STATUS_INDEX[input.inferenceCode];
  key = key * 4 + STATUS_INDEX[input.trainingCode];
  key = key * 4 + STATUS_INDEX[input.trainingData];
  key = key * 4 + STATUS_INDEX[input.paper];
  let decision = decisions.get(key);
  if (decision === undefined) {
    const fresh = decide(input);
    Object.freeze(fresh.evidence);
    decision = Object.freeze(fresh);
    decisions.set(key, decision);
  }
  return decision;
}
