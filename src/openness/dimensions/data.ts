/**
 * Training data, from the datasets the card declares (`dataset:` tags, `cardData.datasets`).
 *
 * Rule: a declared dataset names the data, so the data is at least disclosed (PARTIAL). The hub
 * record does not carry the datasets' own licenses, so the data is OPEN only when every declared
 * dataset is one we know to be public under an open-data license (the table below); otherwise
 * PARTIAL. With no declared dataset the status is UNKNOWN: silence in the metadata is not proof
 * that the data is closed. Evaluation datasets (model-index) are not training data and are ignored.
 */
import { evidence } from '../evidence.js';
import type { HfFacts } from '../huggingface-input.js';
import type { ComponentAssessment } from './code.js';

/**
 * Hub datasets that are public under open licenses (SPDX ids, as their dataset cards declare
 * them). Kept short on purpose: add a dataset only after reading its card, and bump RULES_VERSION.
 */
export const KNOWN_OPEN_DATASETS: ReadonlyMap<string, string> = new Map([
  ['allenai/c4', 'ODC-By-1.0'],
  ['allenai/dolma', 'ODC-By-1.0'],
  ['databricks/databricks-dolly-15k', 'CC-BY-SA-3.0'],
  ['gsm8k', 'MIT'],
  ['huggingfacefw/fineweb', 'ODC-By-1.0'],
  ['huggingfacefw/fineweb-edu', 'ODC-By-1.0'],
  ['huggingfaceh4/ultrachat_200k', 'MIT'],
  ['huggingfaceh4/ultrafeedback_binarized', 'MIT'],
  ['huggingfacetb/smollm-corpus', 'ODC-By-1.0'],
  ['librispeech_asr', 'CC-BY-4.0'],
  ['mlfoundations/dclm-baseline-1.0', 'CC-BY-4.0'],
  ['openai/gsm8k', 'MIT'],
  ['openassistant/oasst1', 'Apache-2.0'],
  ['openassistant/oasst2', 'Apache-2.0'],
  ['openslr/librispeech_asr', 'CC-BY-4.0'],
  ['rajpurkar/squad', 'CC-BY-SA-4.0'],
  ['squad', 'CC-BY-SA-4.0'],
  ['tiiuae/falcon-refinedweb', 'ODC-By-1.0'],
  ['wikimedia/wikipedia', 'CC-BY-SA-3.0'],
  ['wikipedia', 'CC-BY-SA-3.0'],
]);

const NONE_DECLARED: ComponentAssessment = Object.freeze({
  status: 'UNKNOWN',
  evidence: Object.freeze(
    evidence('data.training', 'UNKNOWN', 'tags[dataset:], cardData.datasets', null, 'data.training.none-declared'),
  ),
});

export function classifyTrainingData(facts: HfFacts): ComponentAssessment {
  const datasets = facts.datasets;
  if (datasets.length === 0) return NONE_DECLARED;
  const source = facts.datasetsSource ?? 'tags[dataset:], cardData.datasets';
  const listed = datasets.join(', ');
  const allKnownOpen = datasets.every((dataset) => KNOWN_OPEN_DATASETS.has(dataset.toLowerCase()));
  if (allKnownOpen) {
    return { status: 'OPEN', evidence: evidence('data.training', 'OPEN', source, listed, 'data.training.known-open') };
  }
  return {
    status: 'PARTIAL',
    evidence: evidence('data.training', 'PARTIAL', source, listed, 'data.training.disclosed'),
  };
}
