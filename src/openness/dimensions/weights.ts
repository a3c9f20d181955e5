/**
 * Weights: availability (from `disabled`, the file list and `gated`), file formats, and the
 * parameter count.
 */
import { evidence } from '../evidence.js';
import type { HfFacts } from '../huggingface-input.js';
import type { Evidence, WeightsAvailability } from '../types.js';

/** Weight-file extensions, each its own format name (lowercase, without the dot). */
const WEIGHT_EXTENSIONS: ReadonlySet<string> = new Set([
  'safetensors',
  'bin',
  'pt',
  'pth',
  'ckpt',
  'gguf',
  'ggml',
  'onnx',
  'h5',
  'msgpack',
  'tflite',
  'npz',
  'keras',
  'nemo',
  'mlmodel',
]);

/**
 * Libraries that save weights in a generic container the list above cannot include: Stable
 * Baselines 3 agents are `.zip` files, scikit-learn and fastai models pickles, spaCy pipelines
 * wheels. Counted as weights only in repositories of that library.
 */
const LIBRARY_WEIGHT_EXTENSIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['stable-baselines3', new Set(['zip'])],
  ['sklearn', new Set(['pkl', 'joblib', 'skops'])],
  ['scikit-learn', new Set(['pkl', 'joblib', 'skops'])],
  ['fastai', new Set(['pkl'])],
  ['spacy', new Set(['whl'])],
]);

const NO_EXTENSIONS: ReadonlySet<string> = new Set();

/** The extra weight extensions of a repository's library (`library_name`). */
export function libraryWeightExtensions(library: string | null): ReadonlySet<string> {
  return library === null ? NO_EXTENSIONS : (LIBRARY_WEIGHT_EXTENSIONS.get(library) ?? NO_EXTENSIONS);
}

/**
 * Files with a weight extension that hold training state, not the model: the Trainer's
 * `training_args.bin`, optimizer / scheduler / scaler states and RNG states (`rng_state_0.pth`).
 */
const NON_WEIGHT_FILE_NAMES: ReadonlySet<string> = new Set([
  'training_args.bin',
  'optimizer.pt',
  'optimizer.bin',
  'scheduler.pt',
  'scheduler.bin',
  'scaler.pt',
]);

/**
 * The weight format of a repository path, or null when the file is not a weight file. Sharded
 * weights (`model-00001-of-00004.safetensors`, `pytorch_model-00001-of-00002.bin`) keep their
 * extension; split files (`model.gguf.part1of2`) take the extension before the part suffix;
 * every file of a Core ML `.mlpackage` directory counts as `mlpackage`. Indexes
 * (`model.safetensors.index.json`) are JSON, not weights. `libraryExtensions` adds the
 * repository library's own containers (see LIBRARY_WEIGHT_EXTENSIONS).
 */
export function weightFileFormat(path: string, libraryExtensions: ReadonlySet<string> = NO_EXTENSIONS): string | null {
  // Hot path (every file of every record): no regular expressions, lowercase only short slices.
  const slash = path.lastIndexOf('/');
  if (slash > 0 && insideMlpackage(path)) return 'mlpackage';
  let dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return null;
  let extension = path.slice(dot + 1).toLowerCase();
  if (extension.startsWith('part')) {
    const end = dot;
    dot = path.lastIndexOf('.', end - 1);
    if (dot <= slash + 1) return null;
    extension = path.slice(dot + 1, end).toLowerCase();
  }
  if (extension === 'mlpackage') return 'mlpackage';
  if (!WEIGHT_EXTENSIONS.has(extension) && !libraryExtensions.has(extension)) return null;
  const base = path.slice(slash + 1).toLowerCase();
  if (NON_WEIGHT_FILE_NAMES.has(base) || base.startsWith('rng_state') || base.includes('optim_states')) return null;
  return extension;
}

/** A path inside a Core ML `.mlpackage` directory (any case). */
function insideMlpackage(path: string): boolean {
  if (path.includes('.mlpackage/')) return true;
  return (path.includes('ACKAGE/') || path.includes('ackage/')) && path.toLowerCase().includes('.mlpackage/');
}

export interface WeightsFiles {
  /** Sorted, deduplicated weight formats. */
  readonly formats: readonly string[];
  readonly weightFileCount: number;
  /** The first weight file, for evidence. */
  readonly firstWeightFile: string | null;
}

export function scanWeightFiles(
  files: readonly string[],
  libraryExtensions: ReadonlySet<string> = NO_EXTENSIONS,
): WeightsFiles {
  const formats: string[] = [];
  let weightFileCount = 0;
  let firstWeightFile: string | null = null;
  for (const file of files) {
    const format = weightFileFormat(file, libraryExtensions);
    if (format === null) continue;
    weightFileCount++;
    firstWeightFile ??= file;
    if (!formats.includes(format)) formats.push(format);
  }
  formats.sort();
  return { formats, weightFileCount, firstWeightFile };
}

export interface WeightsAssessment {
  readonly availability: WeightsAvailability;
  readonly formats: readonly string[];
  readonly evidence: Evidence;
}

const GATED_AVAILABILITY = {
  none: 'OPEN',
  missing: 'OPEN',
  auto: 'GATED_AUTO',
  manual: 'GATED_MANUAL',
  // A gate we cannot read is treated as the stricter one.
  unrecognized: 'GATED_MANUAL',
} as const satisfies Record<HfFacts['gated'], WeightsAvailability>;

const GATED_RULE = {
  none: 'weights.open',
  // The field is only absent when a list call did not expand it; such repositories are ungated
  // far more often than not, and the rule id says the gate was not reported.
  missing: 'weights.open-gate-unreported',
  auto: 'weights.gated-auto',
  manual: 'weights.gated-manual',
  unrecognized: 'weights.gated-unrecognized',
} as const satisfies Record<HfFacts['gated'], string>;

/** What `gated` says about obtaining a repository's weights, ignoring the file list. */
export function availabilityFromGate(gated: HfFacts['gated']): 'OPEN' | 'GATED_AUTO' | 'GATED_MANUAL' {
  return GATED_AVAILABILITY[gated];
}

export function classifyWeights(facts: HfFacts): WeightsAssessment {
  if (facts.disabled) {
    return {
      availability: 'REMOVED',
      formats: [],
      evidence: evidence('weights', 'REMOVED', 'disabled', 'true', 'weights.disabled'),
    };
  }
  if (facts.files === null) {
    return {
      availability: 'UNKNOWN',
      formats: [],
      evidence: evidence('weights', 'UNKNOWN', 'siblings', null, 'weights.files-unknown'),
    };
  }
  const scan = scanWeightFiles(facts.files, libraryWeightExtensions(facts.library?.value ?? null));
  if (scan.weightFileCount === 0) {
    return {
      availability: 'UNRELEASED',
      formats: [],
      evidence: evidence(
        'weights',
        'UNRELEASED',
        'siblings',
        `${facts.files.length} files, none a weight file`,
        'weights.no-weight-files',
      ),
    };
  }
  const availability = GATED_AVAILABILITY[facts.gated];
  const files = `${scan.weightFileCount} weight files (${scan.formats.join(', ')}), e.g. ${scan.firstWeightFile ?? ''}`;
  return {
    availability,
    formats: scan.formats,
    evidence: evidence(
      'weights',
      availability,
      'gated, siblings',
      `gated=${facts.gatedValue ?? 'absent'}; ${files}`,
      GATED_RULE[facts.gated],
    ),
  };
}

export interface ParameterAssessment {
  readonly parameterCount: number | null;
  readonly evidence: Evidence;
}

/** `safetensors.total`, else the sum of `safetensors.parameters`, else `gguf.total`; null (never 0) otherwise. */
export function classifyParameterCount(facts: HfFacts): ParameterAssessment {
  if (facts.safetensorsTotal !== null) {
    return found(facts.safetensorsTotal, 'safetensors.total', 'parameters.safetensors-total');
  }
  if (facts.safetensorsParameterSum !== null) {
    return found(facts.safetensorsParameterSum, 'safetensors.parameters', 'parameters.safetensors-sum');
  }
  if (facts.ggufTotal !== null) return found(facts.ggufTotal, 'gguf.total', 'parameters.gguf-total');
  return {
    parameterCount: null,
    evidence: evidence('parameters', 'UNKNOWN', 'safetensors, gguf', null, 'parameters.unknown'),
  };
}

function found(count: number, source: string, rule: string): ParameterAssessment {
  return { parameterCount: count, evidence: evidence('parameters', 'KNOWN', source, String(count), rule) };
}
