/**
 * The classifier for Civitai (docs/hubs.md, "Civitai"): one validated model record of
 * `GET /api/v1/models` → each dimension's status and evidence → `assembleOpenness`, which derives
 * the level, the MOF class and the score with the same rules as every hub.
 *
 * **License.** Civitai publishes no license id. What a record carries are the four permission
 * flags its creator set: `allowCommercialUse` (an array of `Image`, `RentCivit`, `Rent`, `Sell`,
 * `SellMerge`, or `None`; records of the older API give a string, either one enum value or a
 * Postgres array literal such as `{Image,Rent,Sell}`, and clients have passed on the array as a
 * plain list, `Image,Rent,Sell`), `allowDerivatives`, `allowDifferentLicense`
 * and `allowNoCredit`. They are an addendum to the license of the model's base model (CreativeML
 * OpenRAIL-M for Stable Diffusion 1.x, OpenRAIL++-M for SDXL, …), which carries use-based
 * restrictions of its own and which the API does not name. So each combination of flags is its own
 * license, `LicenseRef-civitai-<commercial>-<derivatives>-<relicensing>-<credit>` (one `licenses`
 * row per combination, its name spelling the permissions out), categorized:
 *
 * - no commercial use at all (`[]`, `None`) → `NON_COMMERCIAL`;
 * - else derivatives forbidden → `NO_DERIVATIVES`;
 * - else → `OPEN_RAIL`: the most a Civitai grant can be, since the base model's terms still
 *   restrict use; never `PERMISSIVE`;
 * - a flag the record lacks, or only values we do not know, where it decides → `UNKNOWN` (so is
 *   a blank string, and an array element that is not a string: neither says "none").
 *
 * Commercial use follows the flags, not the category: `ALLOWED` when the model may be sold or
 * rented (`Sell`, `Rent`), `CONDITIONAL` when only part of it is (images, Civitai's own generator,
 * merges), `PROHIBITED` for none. The legacy single value was a scale (`Sell` included renting and
 * images), and is read so. Each flag is an evidence item with its value.
 *
 * **Weights.** A file of a published version with a `downloadUrl` (the API lists public files
 * only) that is a model file (`Model`, `Pruned Model`, `Negative`, `VAE`) makes the weights `OPEN`;
 * if only early-access versions have them, they are `GATED_MANUAL` (a purchase gate: a version's
 * `availability: EarlyAccess` in older records; in the current API `availability` stays `Public`
 * and the gate is the version's `paidAccess` or `earlyAccessDeadline`). The classifier has no
 * clock: a gate counts while the hub lists it, and its end date is evidence. `mode`
 * `Archived` (the creator withdrew the files: the API drops them) and `TakenDown` (moderation
 * removed the model) are `REMOVED`: published once, not downloadable now. `availability: Private`
 * is `UNRELEASED`; so are records with no model file at all (workflows, wildcards, poses).
 *
 * **Documentation and code.** The model page's description is its model card; links in it are
 * read as Hugging Face's README links are (`scanReadme`): a code repository opens inference code,
 * one tied to training opens training code, an arXiv link is a paper. A `Training Data` file
 * discloses the training data (`PARTIAL`: its license is not known). Parameter counts and
 * evaluations are not reported: `UNKNOWN`.
 */
import { assembleOpenness } from './assemble.js';
import { componentAssessment as component } from './component-assessment.js';
import { weightFileFormat } from './dimensions/weights.js';
import { evidence } from './evidence.js';
import { scanReadme } from './huggingface-input.js';
import type {
  CommercialUse,
  Evidence,
  LicenseAssessment,
  LicenseCategory,
  OpennessResult,
  ResolvedLicense,
  WeightsAvailability,
} from './types.js';

export interface CivitaiFileInput {
  readonly name?: string | undefined;
  /** `Model`, `Pruned Model`, `Negative`, `VAE`, `Training Data`, `Config`, `Archive`, … */
  readonly type?: string | undefined;
  readonly downloadUrl?: string | undefined;
  /** `format`: `SafeTensor`, `PickleTensor`, `GGUF`, `Diffusers`, `Core ML`, `ONNX`, `Other`. */
  readonly metadata?: { readonly format?: string | undefined } | null | undefined;
}

export interface CivitaiVersionInput {
  /** `Public`, `EarlyAccess`, `Unsearchable`, `Private`; absent: the model's. */
  readonly availability?: string | undefined;
  /** The current API's purchase gate; null or absent on a free version. */
  readonly paidAccess?: { readonly permanent?: boolean | null; readonly endsAt?: string | null } | null | undefined;
  /** When the version's early access ends; absent on a free version. */
  readonly earlyAccessDeadline?: string | null | undefined;
  readonly baseModel?: string | undefined;
  readonly files?: readonly CivitaiFileInput[] | undefined;
}

/** What the classifier reads of one validated Civitai record (src/catalog/civitai/civitai-record.ts). */
export interface CivitaiInput {
  readonly type?: string | undefined;
  /** `Archived`, `TakenDown`, or null / absent for a live model. */
  readonly mode?: string | null | undefined;
  readonly availability?: string | undefined;
  readonly allowNoCredit?: boolean | undefined;
  readonly allowCommercialUse?: readonly string[] | string | undefined;
  readonly allowDerivatives?: boolean | undefined;
  readonly allowDifferentLicense?: boolean | undefined;
  /** The model page's description as text (HTML reduced by the record builder); null when it has none. */
  readonly description?: string | null | undefined;
  /** Published versions, newest first. */
  readonly modelVersions?: readonly CivitaiVersionInput[] | undefined;
}

// ---------------------------------------------------------------------------------------------
// License: the permission flags.

/** Civitai's `CommercialUse` values, in the order the ids and names list them. */
export const COMMERCIAL_USE_VALUES = ['Image', 'RentCivit', 'Rent', 'Sell', 'SellMerge'] as const;
type CommercialUseValue = (typeof COMMERCIAL_USE_VALUES)[number];

const COMMERCIAL_USE_LABELS: Readonly<Record<CommercialUseValue, string>> = {
  Image: 'sell generated images',
  RentCivit: "run on Civitai's generator",
  Rent: 'run on generation services',
  Sell: 'sell the model',
  SellMerge: 'sell merges',
};

/** The old single-value `allowCommercialUse` was a scale: each value included the ones below it. */
const LEGACY_SCALE: Readonly<Record<string, readonly CommercialUseValue[]>> = {
  none: [],
  image: ['Image'],
  rent: ['Image', 'RentCivit', 'Rent'],
  sell: ['Image', 'RentCivit', 'Rent', 'Sell'],
};

export interface CommercialUseReading {
  /** How the record gave the flag: the API's array, the older string, or not at all. */
  readonly form: 'array' | 'legacy-string' | 'missing';
  /** Known values granted, in COMMERCIAL_USE_VALUES order (`None` grants nothing and is dropped). */
  readonly granted: readonly CommercialUseValue[];
  /** Values we do not know, cleaned to `[a-z0-9]`, sorted (at most 5). */
  readonly unknown: readonly string[];
  readonly commercialUse: CommercialUse;
}

function knownValue(token: string): CommercialUseValue | 'None' | null {
  const lower = token.trim().toLowerCase();
  if (lower === 'none') return 'None';
  return COMMERCIAL_USE_VALUES.find((value) => value.toLowerCase() === lower) ?? null;
}

/** `allowCommercialUse` in any of its forms → the uses granted and the commercial use they amount to. */
export function readCommercialUse(value: unknown): CommercialUseReading {
  let tokens: string[];
  let form: CommercialUseReading['form'];
  let granted = new Set<CommercialUseValue>();
  if (Array.isArray(value)) {
    form = 'array';
    // An element that is not a string is a value we cannot read, never a silent "none".
    tokens = value.map((item) => (typeof item === 'string' ? item : `invalid-${item === null ? 'null' : typeof item}`));
  } else if (typeof value === 'string' && value.trim() !== '') {
    form = 'legacy-string';
    const text = value.trim();
    const braced = text.startsWith('{') && text.endsWith('}');
    if (braced || text.includes(',')) {
      // A Postgres array literal, as the column once leaked through (`{Image,Rent,Sell}`, `{}`),
      // or the array passed on as a plain list (`Image,Rent,Sell`): each value read as itself.
      tokens = (braced ? text.slice(1, -1) : text).split(',').map((token) => token.trim().replace(/^"|"$/g, ''));
    } else {
      const scale = LEGACY_SCALE[text.toLowerCase()];
      if (scale !== undefined) granted = new Set(scale);
      tokens = scale === undefined ? [text] : [];
    }
  } else {
    return { form: 'missing', granted: [], unknown: [], commercialUse: 'UNKNOWN' };
  }
  const unknown = new Set<string>();
  for (const token of tokens) {
    if (token.trim() === '') continue;
    const known = knownValue(token);
    if (known === 'None') continue;
    if (known !== null) granted.add(known);
    else {
      const cleaned = token
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')
        .slice(0, 24);
      if (cleaned !== '') unknown.add(cleaned);
    }
  }
  const ordered = COMMERCIAL_USE_VALUES.filter((value) => granted.has(value));
  const commercialUse: CommercialUse =
    granted.has('Sell') || granted.has('Rent')
      ? 'ALLOWED'
      : ordered.length > 0
        ? 'CONDITIONAL'
        : unknown.size > 0
          ? 'UNKNOWN'
          : 'PROHIBITED';
  return { form, granted: ordered, unknown: [...unknown].sort().slice(0, 5), commercialUse };
}

const PERMISSION_FIELDS = 'allowCommercialUse, allowDerivatives, allowDifferentLicense, allowNoCredit';

function flagText(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

function yesNo(value: boolean | undefined, yes: string, no: string, unknown: string): string {
  return value === undefined ? unknown : value ? yes : no;
}

/** The license a record's permission flags make (see the header), with one evidence item per flag. */
export function civitaiLicense(input: CivitaiInput): LicenseAssessment {
  const commercial = readCommercialUse(input.allowCommercialUse);
  const { allowDerivatives: derivatives, allowDifferentLicense: relicense, allowNoCredit: noCredit } = input;
  const observed =
    commercial.form !== 'missing' || derivatives !== undefined || relicense !== undefined || noCredit !== undefined;
  const hubValue = observed
    ? `allowCommercialUse=${flagText(input.allowCommercialUse)}; allowDerivatives=${flagText(derivatives)}; ` +
      `allowDifferentLicense=${flagText(relicense)}; allowNoCredit=${flagText(noCredit)}`
    : null;

  let category: LicenseCategory;
  let reason: string;
  if (!observed) {
    category = 'UNKNOWN';
    reason = 'no permission flag in the record';
  } else if (commercial.commercialUse === 'PROHIBITED') {
    category = 'NON_COMMERCIAL';
    reason = 'no commercial use granted';
  } else if (derivatives === false) {
    category = 'NO_DERIVATIVES';
    reason = 'derivatives forbidden';
  } else if (commercial.commercialUse === 'UNKNOWN' || derivatives === undefined) {
    category = 'UNKNOWN';
    reason =
      commercial.commercialUse === 'UNKNOWN'
        ? 'commercial use not readable'
        : 'whether derivatives are allowed is not said';
  } else {
    category = 'OPEN_RAIL';
    reason = "derivatives and some commercial use granted, under the base model's use restrictions";
  }

  const commercialPart =
    commercial.form === 'missing'
      ? 'unknown'
      : [...commercial.granted.map((value) => value.toLowerCase()), ...commercial.unknown].join('.') || 'none';
  const id = observed
    ? `LicenseRef-civitai-${commercialPart}-${yesNo(derivatives, 'deriv', 'noderiv', 'derivunknown')}-` +
      `${yesNo(relicense, 'relicense', 'samelicense', 'relicenseunknown')}-` +
      `${yesNo(noCredit, 'nocredit', 'credit', 'creditunknown')}`
    : 'LicenseRef-civitai-permissions-unknown';
  const commercialName =
    commercial.form === 'missing'
      ? 'commercial use not stated'
      : commercial.granted.length + commercial.unknown.length === 0
        ? 'no commercial use'
        : `commercial use: ${[...commercial.granted.map((value) => COMMERCIAL_USE_LABELS[value]), ...commercial.unknown].join(', ')}`;
  const name = observed
    ? `Civitai permissions (${commercialName}; ${yesNo(derivatives, 'derivatives allowed', 'no derivatives', 'derivatives not stated')}; ` +
      `${yesNo(relicense, 'derivatives may change these permissions', 'derivatives keep these permissions', 'relicensing not stated')}; ` +
      `${yesNo(noCredit, 'no credit required', 'credit required', 'credit not stated')})`
    : 'Civitai permissions (not in the record)';
  const license: ResolvedLicense = {
    id,
    name,
    url: null,
    category,
    commercialUse: commercial.commercialUse,
    osiApproved: false,
    hubValue,
  };

  const items: Evidence[] = [
    evidence(
      'license',
      category,
      PERMISSION_FIELDS,
      `${reason}: ${hubValue ?? 'absent'}`,
      'license.civitai-permissions',
    ),
    evidence(
      'license',
      commercial.commercialUse,
      'allowCommercialUse',
      flagText(input.allowCommercialUse),
      commercial.form === 'legacy-string' ? 'license.civitai-commercial-use-legacy' : 'license.civitai-commercial-use',
    ),
    evidence(
      'license',
      yesNo(derivatives, 'ALLOWED', 'PROHIBITED', 'UNKNOWN'),
      'allowDerivatives',
      flagText(derivatives),
      'license.civitai-derivatives',
    ),
    evidence(
      'license',
      yesNo(relicense, 'ALLOWED', 'PROHIBITED', 'UNKNOWN'),
      'allowDifferentLicense',
      flagText(relicense),
      'license.civitai-different-license',
    ),
    evidence(
      'license',
      yesNo(noCredit, 'NOT_REQUIRED', 'REQUIRED', 'UNKNOWN'),
      'allowNoCredit',
      flagText(noCredit),
      'license.civitai-credit',
    ),
  ];
  const baseModel = input.modelVersions?.[0]?.baseModel;
  if (observed && baseModel !== undefined && baseModel !== '') {
    items.push(
      evidence(
        'license',
        'ADDITIONAL_TERMS',
        'modelVersions[0].baseModel',
        `${baseModel}: the base model's own license applies as well`,
        'license.civitai-base-model-terms',
      ),
    );
  }
  return { license, evidence: items };
}

// ---------------------------------------------------------------------------------------------
// Weights.

/** File types that hold the model (or a part a user loads: a VAE, a negative embedding). */
const WEIGHT_FILE_TYPES: ReadonlySet<string> = new Set(['model', 'pruned model', 'negative', 'vae']);
const TRAINING_DATA_FILE_TYPE = 'training data';
/** Pickled weights keep their own extension as their format; anything else pickled is `ckpt`. */
const PICKLE_EXTENSIONS: ReadonlySet<string> = new Set(['ckpt', 'pt', 'pth', 'bin']);

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  safetensor: 'safetensors',
  safetensors: 'safetensors',
  gguf: 'gguf',
  onnx: 'onnx',
  'core ml': 'mlmodel',
  coreml: 'mlmodel',
  diffusers: 'diffusers',
};

/** A model file's format: `metadata.format`, else its name's extension; null when neither tells. */
export function civitaiFileFormat(file: CivitaiFileInput): string | null {
  const declared = file.metadata?.format?.trim().toLowerCase();
  const byName = typeof file.name === 'string' ? weightFileFormat(file.name) : null;
  if (declared === 'pickletensor') return byName !== null && PICKLE_EXTENSIONS.has(byName) ? byName : 'ckpt';
  if (declared !== undefined) {
    const named = FORMAT_NAMES[declared];
    if (named !== undefined) return named;
  }
  return byName;
}

function isWeightFile(file: CivitaiFileInput): boolean {
  const type = file.type?.trim().toLowerCase();
  return type === undefined ? civitaiFileFormat(file) !== null : WEIGHT_FILE_TYPES.has(type);
}

interface WeightsAssessment {
  readonly availability: WeightsAvailability;
  readonly formats: readonly string[];
  readonly evidence: Evidence;
}

function weightsOf(
  availability: WeightsAvailability,
  source: string,
  value: string | null,
  rule: string,
  formats: readonly string[] = [],
): WeightsAssessment {
  return { availability, formats, evidence: evidence('weights', availability, source, value, rule) };
}

function filesSummary(files: readonly CivitaiFileInput[], formats: readonly string[]): string {
  const first = files[0]?.name ?? 'unnamed';
  return `${files.length} model files${formats.length > 0 ? ` (${formats.join(', ')})` : ''}, e.g. ${first}`;
}

/** How a version is gated (for the evidence), or null when its files are free to download. */
function versionGate(version: CivitaiVersionInput, availability: string): string | null {
  const paid = version.paidAccess;
  if (typeof paid === 'object' && paid !== null) {
    if (paid.permanent === true) return 'paidAccess: permanent';
    return `paidAccess until ${typeof paid.endsAt === 'string' ? paid.endsAt : 'no end date'}`;
  }
  if (typeof version.earlyAccessDeadline === 'string' && version.earlyAccessDeadline !== '') {
    return `earlyAccessDeadline ${version.earlyAccessDeadline}`;
  }
  return availability === 'earlyaccess' ? 'EarlyAccess' : null;
}

export function civitaiWeights(input: CivitaiInput): WeightsAssessment {
  const mode = input.mode?.trim().toLowerCase();
  if (mode === 'takendown') return weightsOf('REMOVED', 'mode', input.mode ?? null, 'weights.civitai-taken-down');
  if (mode === 'archived') return weightsOf('REMOVED', 'mode', input.mode ?? null, 'weights.civitai-archived');
  const modelAvailability = input.availability?.trim().toLowerCase();
  if (modelAvailability === 'private') {
    return weightsOf('UNRELEASED', 'availability', input.availability ?? null, 'weights.civitai-private');
  }
  const versions = input.modelVersions;
  if (versions === undefined) return weightsOf('UNKNOWN', 'modelVersions', null, 'weights.files-unknown');

  const open: CivitaiFileInput[] = [];
  const earlyAccess: CivitaiFileInput[] = [];
  const gates = new Set<string>();
  for (const version of versions) {
    const availability = (version.availability ?? input.availability ?? 'Public').trim().toLowerCase();
    if (availability === 'private') continue;
    const gate = versionGate(version, availability);
    for (const file of version.files ?? []) {
      if (typeof file.downloadUrl !== 'string' || file.downloadUrl === '' || !isWeightFile(file)) continue;
      (gate === null ? open : earlyAccess).push(file);
      if (gate !== null) gates.add(gate);
    }
  }
  const formatsOf = (files: readonly CivitaiFileInput[]) =>
    [...new Set(files.map(civitaiFileFormat).filter((format): format is string => format !== null))].sort();
  if (open.length > 0) {
    const formats = formatsOf([...open, ...earlyAccess]);
    return weightsOf(
      'OPEN',
      'modelVersions[].files[]',
      filesSummary(open, formats),
      'weights.civitai-public-file',
      formats,
    );
  }
  if (earlyAccess.length > 0) {
    const formats = formatsOf(earlyAccess);
    return weightsOf(
      'GATED_MANUAL',
      'modelVersions[].availability, modelVersions[].paidAccess, modelVersions[].files[]',
      `${[...gates].sort().join('; ')}; ${filesSummary(earlyAccess, formats)}`,
      'weights.civitai-early-access',
      formats,
    );
  }
  const fileCount = versions.reduce((sum, version) => sum + (version.files?.length ?? 0), 0);
  return weightsOf(
    'UNRELEASED',
    'modelVersions[].files[]',
    `${versions.length} versions, ${fileCount} files, none a downloadable model file`,
    'weights.no-weight-files',
  );
}

// ---------------------------------------------------------------------------------------------
// Code, data, documentation.

function hasTrainingData(input: CivitaiInput): string | null {
  for (const version of input.modelVersions ?? []) {
    for (const file of version.files ?? []) {
      if (file.type?.trim().toLowerCase() === TRAINING_DATA_FILE_TYPE && typeof file.downloadUrl === 'string') {
        return file.name ?? 'Training Data';
      }
    }
  }
  return null;
}

function usableDescription(description: unknown): string | null {
  return typeof description === 'string' && description.trim() !== '' ? description : null;
}

/**
 * Classify a validated Civitai record. Pure and total: a bug in a rule becomes evidence on an
 * all-UNKNOWN result, never an exception that stops a page.
 */
export function classifyCivitai(input: CivitaiInput, inputEvidence: readonly Evidence[] = []): OpennessResult {
  try {
    return assess(input, inputEvidence);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return assess({}, [...inputEvidence, evidence('input', 'ERROR', 'classifier', message, 'input.classifier-error')]);
  }
}

function assess(input: CivitaiInput, inputEvidence: readonly Evidence[]): OpennessResult {
  const weights = civitaiWeights(input);
  const description = usableDescription(input.description);
  const links = description === null ? null : scanReadme(description);
  const codeLink = links?.codeLink ?? null;
  const trainingCodeLink = links?.trainingCodeLink ?? null;
  const paperLink = links?.paperLink ?? null;
  const early = input.availability?.trim().toLowerCase() === 'earlyaccess';

  const modelCard =
    description !== null
      ? component(
          'documentation.modelCard',
          'OPEN',
          'description',
          'model page description',
          'documentation.model-card.civitai-description',
        )
      : input.description === undefined
        ? component('documentation.modelCard', 'UNKNOWN', 'description', null, 'documentation.model-card.unknown')
        : component(
            'documentation.modelCard',
            'CLOSED',
            'description',
            'empty',
            'documentation.model-card.civitai-no-description',
          );
  const trainingDataFile = hasTrainingData(input);

  return assembleOpenness({
    license: civitaiLicense(input),
    weights,
    assumedAvailability:
      weights.availability === 'UNKNOWN'
        ? {
            availability: early ? 'GATED_MANUAL' : 'OPEN',
            evidence: evidence(
              'weights',
              early ? 'GATED_MANUAL' : 'OPEN',
              'availability',
              `availability=${input.availability ?? 'absent'}; no version list, level decided as if the weights were ${early ? 'GATED_MANUAL' : 'OPEN'}`,
              'level.weights-assumed-from-availability',
            ),
          }
        : null,
    parameters: {
      parameterCount: null,
      evidence: evidence('parameters', 'UNKNOWN', 'modelVersions[].files[]', null, 'parameters.civitai-not-reported'),
    },
    inferenceCode:
      codeLink !== null
        ? component('code.inference', 'OPEN', 'description', codeLink.value, 'code.inference.civitai-description-link')
        : component('code.inference', 'UNKNOWN', 'description', null, 'code.inference.no-evidence'),
    trainingCode:
      trainingCodeLink !== null
        ? component(
            'code.training',
            'OPEN',
            'description',
            trainingCodeLink.value,
            'code.training.civitai-description-link',
          )
        : component('code.training', 'UNKNOWN', 'description', null, 'code.training.no-evidence'),
    trainingData:
      trainingDataFile !== null
        ? component(
            'data.training',
            'PARTIAL',
            'modelVersions[].files[type=Training Data]',
            trainingDataFile,
            'data.training.civitai-training-data-file',
          )
        : component('data.training', 'UNKNOWN', 'modelVersions[].files[]', null, 'data.training.none-declared'),
    modelCard,
    paper:
      paperLink !== null
        ? component(
            'documentation.paper',
            'OPEN',
            'description',
            paperLink.value,
            'documentation.paper.civitai-description-link',
          )
        : component('documentation.paper', 'UNKNOWN', 'description', null, 'documentation.paper.none'),
    evaluation: component(
      'documentation.evaluation',
      'UNKNOWN',
      'civitai record',
      null,
      'documentation.evaluation.none',
    ),
    inputEvidence,
  });
}
