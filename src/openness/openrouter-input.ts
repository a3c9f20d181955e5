/**
 * The classifier for OpenRouter (docs/hubs.md): a listing of models served through an API. The
 * listing (`GET /api/v1/models`) carries no license, no weights, no files and no documentation
 * links, so every dimension is decided by what being an API listing means, with evidence naming
 * the hub fields that were read, and `assembleOpenness` derives the level (CLOSED: weights that
 * cannot be downloaded) with the same rules as every hub.
 *
 * - **Weights: `API_ONLY`.** What OpenRouter lists is access to a hosted model. Where the record
 *   names a Hugging Face repository (`hugging_face_id`), the weights are published there, and that
 *   repository is its own catalog entry (linked by `sameAs`); this entry is still the API.
 * - **License: the hub's terms, category `PROPRIETARY`.** No license is granted for the model
 *   itself: access is a service under OpenRouter's terms, which defer to each model provider's
 *   own terms. Commercial use is `UNKNOWN`, not `PROHIBITED` (the registry's `LicenseRef-proprietary`
 *   says that, and most providers do allow paid commercial use) nor `CONDITIONAL` (some models
 *   served are under non-commercial terms): the listing does not say which terms apply, and the
 *   catalog never guesses (docs/openness.md). The id is this hub's own, so that the `licenses` row
 *   (one per id) never flips between hubs' readings.
 * - **Code, data, documentation, parameters: `UNKNOWN`.** The listing says nothing of them; unknown
 *   is not closed. The description is marketing text, not a model card.
 */
import { assembleOpenness } from './assemble.js';
import { evidence } from './evidence.js';
import type {
  ComponentAssessment,
  Evidence,
  EvidenceDimension,
  LicenseAssessment,
  OpennessResult,
  ResolvedLicense,
} from './types.js';

/** What the classifier reads of one validated OpenRouter record. */
export interface OpenRouterFacts {
  /** The listing's `id` (`openai/gpt-4.1-nano`). */
  readonly id: string;
  /** A usable `hugging_face_id`, or null when the record gives none (`""`, null, absent). */
  readonly huggingFaceId: string | null;
}

/** OpenRouter's terms of service: the one page every listed model is used under. */
export const OPENROUTER_TERMS_URL = 'https://openrouter.ai/terms';

/** The license of every OpenRouter model: access under the hub's and the provider's terms. */
export const OPENROUTER_API_LICENSE: ResolvedLicense = Object.freeze({
  id: 'LicenseRef-openrouter-api-terms',
  name: "OpenRouter API access (OpenRouter's and the model provider's terms of service)",
  url: OPENROUTER_TERMS_URL,
  category: 'PROPRIETARY',
  commercialUse: 'UNKNOWN',
  osiApproved: false,
  hubValue: null,
});

const LICENSE: LicenseAssessment = Object.freeze({
  license: OPENROUTER_API_LICENSE,
  evidence: Object.freeze([
    Object.freeze(
      evidence(
        'license',
        'PROPRIETARY',
        'license (not in the listing)',
        `API access under ${OPENROUTER_TERMS_URL}; no license granted for the model`,
        'license.api-terms',
      ),
    ),
    Object.freeze(
      evidence(
        'license',
        'UNKNOWN',
        'license (not in the listing)',
        "commercial use is set by the model provider's terms, which the listing does not name",
        'license.api-commercial-use-per-provider',
      ),
    ),
  ]),
});

function unknown(dimension: EvidenceDimension, rule: string): ComponentAssessment {
  return Object.freeze({
    status: 'UNKNOWN',
    evidence: Object.freeze(evidence(dimension, 'UNKNOWN', 'openrouter listing', null, rule)),
  });
}

const INFERENCE_CODE = unknown('code.inference', 'code.inference.api-listing');
const TRAINING_CODE = unknown('code.training', 'code.training.api-listing');
const TRAINING_DATA = unknown('data.training', 'data.training.api-listing');
const MODEL_CARD = unknown('documentation.modelCard', 'documentation.model-card.api-listing');
const PAPER = unknown('documentation.paper', 'documentation.paper.api-listing');
const EVALUATION = unknown('documentation.evaluation', 'documentation.evaluation.api-listing');
const PARAMETERS = Object.freeze({
  parameterCount: null,
  evidence: Object.freeze(evidence('parameters', 'UNKNOWN', 'openrouter listing', null, 'parameters.api-listing')),
});

function weightsEvidence(facts: OpenRouterFacts): Evidence {
  if (facts.huggingFaceId === null) {
    return evidence('weights', 'API_ONLY', 'id, hugging_face_id', `served as ${facts.id}`, 'weights.api-only');
  }
  return evidence(
    'weights',
    'API_ONLY',
    'hugging_face_id',
    `served as ${facts.id}; weights published as huggingface:${facts.huggingFaceId} (sameAs)`,
    'weights.api-only-weights-elsewhere',
  );
}

/**
 * Classify one OpenRouter model. `inputEvidence` is what the record's validation cleaned or
 * dropped (listed first, as for every hub). Pure and total.
 */
export function classifyOpenRouter(facts: OpenRouterFacts, inputEvidence: readonly Evidence[] = []): OpennessResult {
  return assembleOpenness({
    license: LICENSE,
    weights: { availability: 'API_ONLY', formats: [], evidence: weightsEvidence(facts) },
    assumedAvailability: null,
    parameters: PARAMETERS,
    inferenceCode: INFERENCE_CODE,
    trainingCode: TRAINING_CODE,
    trainingData: TRAINING_DATA,
    modelCard: MODEL_CARD,
    paper: PAPER,
    evaluation: EVALUATION,
    inputEvidence,
  });
}
