/**
 * Inference and training code. Only positive evidence opens a component; without any the status
 * is UNKNOWN, never CLOSED: a hub record cannot show that code does not exist.
 */
import { evidence } from '../evidence.js';
import type { HfFacts } from '../huggingface-input.js';
import type { ComponentStatus, Evidence } from '../types.js';

/**
 * Hugging Face `library_name` values (and the matching library tags) of open-source libraries
 * that can load and run the model, so its inference code is public. Each is under an OSI license
 * (Apache-2.0, MIT, BSD, AGPL for ultralytics). Deliberately absent: runtimes that are not open
 * source (`unity-sentis`, Core ML), generic frameworks that say nothing about the model's own code
 * (`pytorch`, `tensorflow`, `jax`), and serialization formats (`safetensors`, `joblib`).
 */
export const OPEN_SOURCE_LIBRARIES: ReadonlySet<string> = new Set([
  'adapter-transformers',
  'allennlp',
  'asteroid',
  'audiocraft',
  'bertopic',
  'ctranslate2',
  'diffusers',
  'espnet',
  'fairseq',
  'fastai',
  'fasttext',
  'flair',
  'gguf', // llama.cpp and its bindings (MIT)
  'gliner',
  'k2',
  'keras',
  'keras-hub',
  'keras-nlp',
  'lerobot',
  'llama.cpp',
  'ml-agents',
  'mlx',
  'mlx-image',
  'nemo',
  'onnx', // ONNX Runtime (MIT)
  'open_clip',
  'openvino',
  'paddlenlp',
  'peft',
  'pyannote-audio',
  'pythae',
  'sample-factory',
  'scikit-learn',
  'sentence-transformers',
  'setfit',
  'sklearn',
  'span-marker',
  'spacy',
  'speechbrain',
  'stable-baselines3',
  'stanza',
  'tensorflowtts',
  'tf-keras',
  'timm',
  'transformers',
  'transformers.js',
  'ultralytics',
]);

/**
 * Tags the Trainer / TRL / AutoTrain add to the cards they write: the model was trained by a
 * public, generic training loop and the card lists its hyperparameters, but the exact script and
 * data pipeline are not published. That is the Index's "partial" training code, not "open".
 */
const PUBLIC_TRAINER_TAGS: ReadonlySet<string> = new Set(['generated_from_trainer', 'trl', 'autotrain']);

export interface ComponentAssessment {
  readonly status: ComponentStatus;
  readonly evidence: Evidence;
}

/** Assessments that depend only on where a known library was read and which it is: built once each. */
const libraryAssessments = new Map<string, Map<string, ComponentAssessment>>();

function openLibrary(source: string, library: string, rule: string): ComponentAssessment {
  let bySource = libraryAssessments.get(source);
  if (bySource === undefined) {
    bySource = new Map();
    libraryAssessments.set(source, bySource);
  }
  let assessment = bySource.get(library);
  if (assessment === undefined) {
    assessment = open('code.inference', source, library, rule);
    bySource.set(library, assessment);
  }
  return assessment;
}

const NO_INFERENCE_EVIDENCE = unknown('code.inference', 'library_name', null, 'code.inference.no-evidence');
const NO_TRAINING_EVIDENCE = unknown('code.training', 'cardData, readme', null, 'code.training.no-evidence');
const PUBLIC_TRAINER: ReadonlyMap<string, ComponentAssessment> = new Map(
  [...PUBLIC_TRAINER_TAGS].map((tag) => [
    tag,
    Object.freeze({
      status: 'PARTIAL',
      evidence: Object.freeze(evidence('code.training', 'PARTIAL', 'tags', tag, 'code.training.public-trainer')),
    }),
  ]),
);

export function classifyInferenceCode(facts: HfFacts): ComponentAssessment {
  const library = facts.library;
  if (library !== null && OPEN_SOURCE_LIBRARIES.has(library.value)) {
    return openLibrary(library.source, library.value, 'code.inference.open-library');
  }
  for (const tag of facts.plainTags) {
    if (OPEN_SOURCE_LIBRARIES.has(tag)) return openLibrary('tags', tag, 'code.inference.open-library-tag');
  }
  if (facts.codeLink !== null) {
    return open('code.inference', facts.codeLink.source, facts.codeLink.value, 'code.inference.card-code-link');
  }
  if (library !== null) {
    return unknown('code.inference', library.source, library.value, 'code.inference.library-not-known-open');
  }
  return NO_INFERENCE_EVIDENCE;
}

export function classifyTrainingCode(facts: HfFacts): ComponentAssessment {
  if (facts.trainingCodeLink !== null) {
    const link = facts.trainingCodeLink;
    return open('code.training', link.source, link.value, 'code.training.card-code-link');
  }
  for (const tag of facts.plainTags) {
    const trainer = PUBLIC_TRAINER.get(tag);
    if (trainer !== undefined) return trainer;
  }
  return NO_TRAINING_EVIDENCE;
}

/** Assessments may be shared by many results (the constants above), so they are frozen. */
function open(
  dimension: 'code.inference' | 'code.training',
  source: string,
  value: string,
  rule: string,
): ComponentAssessment {
  return Object.freeze({ status: 'OPEN', evidence: Object.freeze(evidence(dimension, 'OPEN', source, value, rule)) });
}

function unknown(
  dimension: 'code.inference' | 'code.training',
  source: string,
  value: string | null,
  rule: string,
): ComponentAssessment {
  return Object.freeze({
    status: 'UNKNOWN',
    evidence: Object.freeze(evidence(dimension, 'UNKNOWN', source, value, rule)),
  });
}
