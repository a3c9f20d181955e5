/**
 * OSAI-style openness score (the European Open Source AI Index's scheme): open 1, partial 0.5,
 * closed or unknown 0, averaged over the eight dimensions below, rounded to 4 decimals.
 */
import type { MofInput } from './mof.js';
import type { ComponentStatus, LicenseCategory, WeightsAvailability } from './types.js';
import { licenseTier } from './level.js';

/** The same statuses the MOF estimate reads. */
export type ScoreInput = MofInput;

export function licenseScore(category: LicenseCategory): number {
  switch (licenseTier(category)) {
    case 'open':
      return 1;
    case 'conditional':
      return 0.5;
    case 'restricted':
      return 0;
  }
}

/** Gated downloads are the Index's "partial" weights; a click-through gate is not a real barrier. */
export function weightsScore(availability: WeightsAvailability): number {
  if (availability === 'OPEN' || availability === 'GATED_AUTO') return 1;
  return availability === 'GATED_MANUAL' ? 0.5 : 0;
}

export function componentScore(status: ComponentStatus): number {
  if (status === 'OPEN') return 1;
  return status === 'PARTIAL' ? 0.5 : 0;
}

export function opennessScore(input: ScoreInput): number {
  const total =
    licenseScore(input.licenseCategory) +
    weightsScore(input.availability) +
    componentScore(input.inferenceCode) +
    componentScore(input.trainingCode) +
    componentScore(input.trainingData) +
    componentScore(input.modelCard) +
    componentScore(input.paper) +
    componentScore(input.evaluation);
  return Math.round((total / 8) * 10_000) / 10_000;
}
