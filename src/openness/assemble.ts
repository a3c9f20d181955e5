/**
 * The hub-neutral half of classification: from each dimension's status and evidence (however a
 * hub's record told them) to the full openness result — the derived level, the MOF estimate and
 * the score, with every piece of evidence in a fixed order. Each hub's classifier (Hugging Face's in
 * assess.ts, the others' beside it) decides the dimensions and hands them here, so the level rules
 * are one table for every hub (docs/openness.md).
 */
import { evidence } from './evidence.js';
import { decideLevel, type ObtainableAvailability } from './level.js';
import { estimateMof } from './mof.js';
import { RULES_VERSION } from './rules-version.js';
import { opennessScore } from './score.js';
import type { ComponentAssessment, Evidence, LicenseAssessment, OpennessResult, WeightsAvailability } from './types.js';

export interface DimensionAssessments {
  readonly license: LicenseAssessment;
  readonly weights: {
    readonly availability: WeightsAvailability;
    readonly formats: readonly string[];
    readonly evidence: Evidence;
  };
  /**
   * When availability is UNKNOWN (no file list), the availability the level is decided as if it
   * were (from the hub's gate), with the field and value that said so; null otherwise.
   */
  readonly assumedAvailability?: { readonly availability: ObtainableAvailability; readonly evidence: Evidence } | null;
  readonly parameters: { readonly parameterCount: number | null; readonly evidence: Evidence };
  readonly inferenceCode: ComponentAssessment;
  readonly trainingCode: ComponentAssessment;
  readonly trainingData: ComponentAssessment;
  readonly modelCard: ComponentAssessment;
  readonly paper: ComponentAssessment;
  readonly evaluation: ComponentAssessment;
  /** Evidence about the input itself (fields of an unexpected type, cleaned text), listed first. */
  readonly inputEvidence?: readonly Evidence[];
  /** Record fields present with a type the hub does not document (read as missing). */
  readonly wrongTypedFields?: readonly string[];
}

export function assembleOpenness(d: DimensionAssessments): OpennessResult {
  const licenseCategory = d.license.license.category;
  const availability = d.weights.availability;
  const assumed = d.assumedAvailability ?? null;
  const level = decideLevel({
    licenseCategory,
    availability,
    assumedAvailability: assumed?.availability ?? null,
    inferenceCode: d.inferenceCode.status,
    trainingCode: d.trainingCode.status,
    trainingData: d.trainingData.status,
    paper: d.paper.status,
  });
  const statuses = {
    licenseCategory,
    availability,
    inferenceCode: d.inferenceCode.status,
    trainingCode: d.trainingCode.status,
    trainingData: d.trainingData.status,
    modelCard: d.modelCard.status,
    paper: d.paper.status,
    evaluation: d.evaluation.status,
  };
  const mof = estimateMof(statuses);

  const all: Evidence[] = [...(d.inputEvidence ?? [])];
  const wrongTyped = d.wrongTypedFields ?? [];
  if (wrongTyped.length > 0) {
    all.push(
      evidence('input', 'INVALID', wrongTyped.join(', '), 'unexpected type, read as missing', 'input.wrong-type'),
    );
  }
  all.push(...d.license.evidence, d.weights.evidence);
  if (assumed !== null) all.push(assumed.evidence);
  all.push(
    d.parameters.evidence,
    d.inferenceCode.evidence,
    d.trainingCode.evidence,
    d.trainingData.evidence,
    d.modelCard.evidence,
    d.paper.evidence,
    d.evaluation.evidence,
    level.evidence,
    mof.evidence,
  );

  return {
    license: d.license.license,
    weights: { availability, formats: d.weights.formats, parameterCount: d.parameters.parameterCount },
    code: { inference: d.inferenceCode.status, training: d.trainingCode.status },
    data: { training: d.trainingData.status },
    documentation: { modelCard: d.modelCard.status, paper: d.paper.status, evaluation: d.evaluation.status },
    level: level.level,
    mofClass: mof.mofClass,
    missingComponents: mof.missingComponents,
    score: opennessScore(statuses),
    rulesVersion: RULES_VERSION,
    evidence: all,
  };
}
