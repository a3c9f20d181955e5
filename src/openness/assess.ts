/**
 * From extracted Hugging Face facts and a resolved license to the full openness result: the
 * dimension classifiers, then the derived level, MOF estimate and score.
 */
import { resolveLicense } from './licenses/index.js';
import { classifyInferenceCode, classifyTrainingCode } from './dimensions/code.js';
import { classifyTrainingData } from './dimensions/data.js';
import { classifyEvaluation, classifyModelCard, classifyPaper } from './dimensions/documentation.js';
import { availabilityFromGate, classifyParameterCount, classifyWeights } from './dimensions/weights.js';
import { evidence } from './evidence.js';
import type { HfFacts } from './huggingface-input.js';
import { decideLevel } from './level.js';
import { estimateMof } from './mof.js';
import { RULES_VERSION } from './rules-version.js';
import { opennessScore } from './score.js';
import type { Evidence, OpennessResult, ResolvedLicense } from './types.js';

/** A resolved license with the evidence that decided it (the license resolver's result). */
export interface LicenseAssessment {
  readonly license: ResolvedLicense;
  readonly evidence: readonly Evidence[];
}

/**
 * The license of a record that carries neither `cardData` nor `tags` (a list call that expanded
 * neither): whether a license is declared cannot be told, so it is UNKNOWN, not UNSPECIFIED.
 */
export const UNOBSERVED_LICENSE: LicenseAssessment = {
  // The registry's own "unknown" license (one row per id in the licenses table: `NONE` means "no
  // license declared", which this record cannot tell).
  license: { ...resolveLicense({ hubLicense: 'unknown', source: 'cardData.license' }).license, hubValue: null },
  evidence: [evidence('license', 'UNKNOWN', 'cardData, tags', null, 'license.not-in-record')],
};

export function assessHfFacts(
  facts: HfFacts,
  license: LicenseAssessment,
  inputEvidence: readonly Evidence[] = [],
): OpennessResult {
  const weights = classifyWeights(facts);
  const parameters = classifyParameterCount(facts);
  const inference = classifyInferenceCode(facts);
  const training = classifyTrainingCode(facts);
  const data = classifyTrainingData(facts);
  const modelCard = classifyModelCard(facts);
  const paper = classifyPaper(facts);
  const evaluation = classifyEvaluation(facts);

  const licenseCategory = license.license.category;
  const availability = weights.availability;
  const assumedAvailability = availability === 'UNKNOWN' ? availabilityFromGate(facts.gated) : null;
  const level = decideLevel({
    licenseCategory,
    availability,
    assumedAvailability,
    inferenceCode: inference.status,
    trainingCode: training.status,
    trainingData: data.status,
    paper: paper.status,
  });
  const statuses = {
    licenseCategory,
    availability,
    inferenceCode: inference.status,
    trainingCode: training.status,
    trainingData: data.status,
    modelCard: modelCard.status,
    paper: paper.status,
    evaluation: evaluation.status,
  };
  const mof = estimateMof(statuses);

  const all: Evidence[] = [...inputEvidence];
  if (facts.wrongTypedFields.length > 0) {
    all.push(
      evidence(
        'input',
        'INVALID',
        facts.wrongTypedFields.join(', '),
        'unexpected type, read as missing',
        'input.wrong-type',
      ),
    );
  }
  for (const item of license.evidence) all.push(item);
  all.push(weights.evidence);
  if (assumedAvailability !== null) {
    all.push(
      evidence(
        'weights',
        assumedAvailability,
        'gated',
        `gated=${facts.gatedValue ?? 'absent'}; no file list, level decided as if the weights were ${assumedAvailability}`,
        'level.weights-assumed-from-gated',
      ),
    );
  }
  all.push(
    parameters.evidence,
    inference.evidence,
    training.evidence,
    data.evidence,
    modelCard.evidence,
    paper.evidence,
    evaluation.evidence,
    level.evidence,
    mof.evidence,
  );

  return {
    license: license.license,
    weights: { availability, formats: weights.formats, parameterCount: parameters.parameterCount },
    code: { inference: inference.status, training: training.status },
    data: { training: data.status },
    documentation: { modelCard: modelCard.status, paper: paper.status, evaluation: evaluation.status },
    level: level.level,
    mofClass: mof.mofClass,
    missingComponents: mof.missingComponents,
    score: opennessScore(statuses),
    rulesVersion: RULES_VERSION,
    evidence: all,
  };
}
