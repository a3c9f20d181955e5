/**
 * Estimated Model Openness Framework class (reference: openness-frameworks.md §1.1 and §1.3, the
 * MOT evaluator). A class is met when every required component of it and of the classes below is
 * confirmed; every component also needs an open license (OSI, FSF-libre or open-data; our
 * PERMISSIVE, COPYLEFT and PUBLIC_DOMAIN categories), and a hub record gives one license for all.
 *
 * What a record can confirm (§6.4): final parameters (weight files), model card (README),
 * architecture and inference code (an open-source library that implements the model, or a code
 * link), training code (a training-code link), datasets and data card (declared datasets, with
 * the card carrying the data information, as the MOF relaxation allows), a research paper
 * (arXiv), evaluation results (model-index). It cannot show evaluation code, evaluation data,
 * preprocessing code or intermediate checkpoints, so the estimate tops out at CLASS_III; those
 * components are always listed as missing. Optional components (sample outputs, supporting
 * libraries, model metadata) are not listed.
 */
import { evidence } from './evidence.js';
import { licenseTier } from './level.js';
import { AVAILABILITY_INDEX, CATEGORY_INDEX, STATUS_INDEX } from './enum-index.js';
import type { ComponentStatus, Evidence, LicenseCategory, MofClass, WeightsAvailability } from './types.js';

export interface MofInput {
  readonly licenseCategory: LicenseCategory;
  /** The known availability; UNKNOWN weights are not confirmed parameters. */
  readonly availability: WeightsAvailability;
  readonly inferenceCode: ComponentStatus;
  readonly trainingCode: ComponentStatus;
  readonly trainingData: ComponentStatus;
  readonly modelCard: ComponentStatus;
  readonly paper: ComponentStatus;
  readonly evaluation: ComponentStatus;
}

type MofClassId = Exclude<MofClass, 'NONE'>;

interface MofComponent {
  readonly name: string;
  readonly mofClass: MofClassId;
  readonly confirmed: (input: MofInput) => boolean;
}

const weightsObtainable = (input: MofInput): boolean =>
  input.availability === 'OPEN' || input.availability === 'GATED_AUTO' || input.availability === 'GATED_MANUAL';
const never = (): boolean => false;

/** The required MOF components, in the order of the MOF table (class III, then II, then I). */
export const MOF_COMPONENTS: readonly MofComponent[] = [
  { name: 'Model architecture', mofClass: 'CLASS_III', confirmed: (input) => input.inferenceCode === 'OPEN' },
  { name: 'Model parameters (Final)', mofClass: 'CLASS_III', confirmed: weightsObtainable },
  // A research paper may replace the technical report.
  { name: 'Technical report', mofClass: 'CLASS_III', confirmed: (input) => input.paper === 'OPEN' },
  { name: 'Evaluation results', mofClass: 'CLASS_III', confirmed: (input) => input.evaluation === 'OPEN' },
  { name: 'Model card', mofClass: 'CLASS_III', confirmed: (input) => input.modelCard === 'OPEN' },
  // The data card is optional when the model card carries the data information: declared datasets.
  {
    name: 'Data card',
    mofClass: 'CLASS_III',
    confirmed: (input) =>
      input.modelCard === 'OPEN' && (input.trainingData === 'OPEN' || input.trainingData === 'PARTIAL'),
  },
  { name: 'Training code', mofClass: 'CLASS_II', confirmed: (input) => input.trainingCode === 'OPEN' },
  { name: 'Inference code', mofClass: 'CLASS_II', confirmed: (input) => input.inferenceCode === 'OPEN' },
  { name: 'Evaluation code', mofClass: 'CLASS_II', confirmed: never },
  { name: 'Evaluation data', mofClass: 'CLASS_II', confirmed: never },
  { name: 'Datasets', mofClass: 'CLASS_I', confirmed: (input) => input.trainingData === 'OPEN' },
  { name: 'Data preprocessing code', mofClass: 'CLASS_I', confirmed: never },
  { name: 'Model parameters (Intermediate)', mofClass: 'CLASS_I', confirmed: never },
  { name: 'Research paper', mofClass: 'CLASS_I', confirmed: (input) => input.paper === 'OPEN' },
];

/** Lowest class first: each includes the components of the ones before it. */
const CLASS_ORDER: readonly MofClassId[] = ['CLASS_III', 'CLASS_II', 'CLASS_I'];

const CLASS_RULE: Readonly<Record<MofClass, string>> = {
  CLASS_III: 'mof.class-iii',
  CLASS_II: 'mof.class-ii',
  CLASS_I: 'mof.class-i',
  NONE: 'mof.class-iii-incomplete',
};

export interface MofEstimate {
  readonly mofClass: MofClass;
  /** Required components we could not confirm, by MOF name, in MOF order. */
  readonly missingComponents: readonly string[];
  readonly evidence: Evidence;
}

function estimate(input: MofInput): MofEstimate {
  const missingComponents: string[] = [];
  const missingByClass = { CLASS_III: 0, CLASS_II: 0, CLASS_I: 0 };
  for (const component of MOF_COMPONENTS) {
    if (component.confirmed(input)) continue;
    missingComponents.push(component.name);
    missingByClass[component.mofClass]++;
  }
  if (licenseTier(input.licenseCategory) !== 'open') {
    return {
      mofClass: 'NONE',
      missingComponents,
      evidence: evidence('mofClass', 'NONE', 'license.category', input.licenseCategory, 'mof.license-not-open'),
    };
  }
  let mofClass: MofClass = 'NONE';
  for (const candidate of CLASS_ORDER) {
    if (missingByClass[candidate] > 0) break;
    mofClass = candidate;
  }
  const value =
    missingComponents.length === 0 ? 'all required components confirmed' : `missing: ${missingComponents.join(', ')}`;
  return {
    mofClass,
    missingComponents,
    evidence: evidence('mofClass', mofClass, 'components', value, CLASS_RULE[mofClass]),
  };
}

/** Estimates by input (small enums only), so a result's component list and evidence are shared, not rebuilt. */
const estimates = new Map<number, MofEstimate>();

export function estimateMof(input: MofInput): MofEstimate {
  let key = CATEGORY_INDEX[input.licenseCategory] * 8 + AVAILABILITY_INDEX[input.availability];
  key = key * 4 + STATUS_INDEX[input.inferenceCode];
  key = key * 4 + STATUS_INDEX[input.trainingCode];
  key = key * 4 + STATUS_INDEX[input.trainingData];
  key = key * 4 + STATUS_INDEX[input.modelCard];
  key = key * 4 + STATUS_INDEX[input.paper];
  key = key * 4 + STATUS_INDEX[input.evaluation];
  let result = estimates.get(key);
  if (result === undefined) {
    const fresh = estimate(input);
    Object.freeze(fresh.missingComponents);
    Object.freeze(fresh.evidence);
    result = Object.freeze(fresh);
    estimates.set(key, result);
  }
  return result;
}
