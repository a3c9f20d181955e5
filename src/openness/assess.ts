/**
 * From extracted Hugging Face facts and a resolved license to the full openness result: the
 * dimension classifiers, then the derived level, MOF estimate and score.
 */
import { resolveLicense } from './licenses/index.js';
import { classifyInferenceCode, classifyTrainingCode } from './dimensions/code.js';
import { classifyTrainingData } from './dimensions/data.js';
import { classifyEvaluation, classifyModelCard, classifyPaper } from './dimensions/documentation.js';
import { availabilityFromGate, classifyParameterCount, classifyWeights } from './dimensions/weights.js';
import { assembleOpenness } from './assemble.js';
import { evidence } from './evidence.js';
import type { HfFacts } from './huggingface-input.js';
import type { Evidence, LicenseAssessment, OpennessResult } from './types.js';

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
  const assumed = weights.availability === 'UNKNOWN' ? availabilityFromGate(facts.gated) : null;
  return assembleOpenness({
    license,
    weights,
    assumedAvailability:
      assumed === null
        ? null
        : {
            availability: assumed,
            evidence: evidence(
              'weights',
              assumed,
              'gated',
              `gated=${facts.gatedValue ?? 'absent'}; no file list, level decided as if the weights were ${assumed}`,
              'level.weights-assumed-from-gated',
            ),
          },
    parameters: classifyParameterCount(facts),
    inferenceCode: classifyInferenceCode(facts),
    trainingCode: classifyTrainingCode(facts),
    trainingData: classifyTrainingData(facts),
    modelCard: classifyModelCard(facts),
    paper: classifyPaper(facts),
    evaluation: classifyEvaluation(facts),
    inputEvidence,
    wrongTypedFields: facts.wrongTypedFields,
  });
}
