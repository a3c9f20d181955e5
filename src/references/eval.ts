/**
 * `eval openness`: how far the automatic classification agrees with the experts, on the
 * reference models of ground_truth.csv (openness-frameworks.md §5) that name a Hugging Face repo.
 *
 * For each reference model a hub-shaped record is built from what the reference data states
 * (`buildReferenceRecord`); where a recorded hub response exists for the repo, every field it
 * carries replaces the built one (`mergeHubResponse`). The record goes through
 * `classifyHuggingFace`, and four verdicts are compared:
 *
 * | comparison        | expert                                         | ours                                  |
 * | ----------------- | ---------------------------------------------- | ------------------------------------- |
 * | license vs MOT    | `mot_weights_license_is_open`                  | license openness (below)              |
 * | MOF class vs MOT  | `mof_class`                                    | `mofClass`                            |
 * | license vs Index  | `osai_license` (open / partial / closed)       | license grade (below)                 |
 * | weights vs Index  | `osai_weights` (open / partial / closed)       | weights grade (below)                 |
 *
 * Our license openness: the license category is PERMISSIVE, COPYLEFT or PUBLIC_DOMAIN (the "open"
 * tier of level.ts, which is the MOT rule: OSI, FSF-libre or open-data licenses).
 * Our license grade: open when the license is open; closed otherwise (community, RAIL,
 * non-commercial, proprietary, undeclared, unknown licenses: the Index's "no clear or open
 * license"). The Index's `partial` says that two of weights, training code and data are openly
 * licensed: a model's license is consistent with it whether open or not, so `partial` rows are
 * not a verdict on the model license; they are counted apart ("not comparable") and kept out of
 * the agreement figure.
 * Our weights grade, from the weights availability alone (the Index grades access, not the
 * license: 88 of its `open` weights are under community, RAIL or non-commercial licenses):
 * OPEN → open; GATED_AUTO, GATED_MANUAL → partial (the Index's "partially shared, e.g. gated
 * downloads"); API_ONLY, UNRELEASED, REMOVED → closed; UNKNOWN (no file list) → graded on the
 * availability the level assumes from `gated`.
 *
 * "License known": the expert recorded a license string for the weights that is not a
 * placeholder for "none" or "unknown" (see LICENSE_PLACEHOLDER). The license figures are over
 * these rows; the issue's targets are on them.
 *
 * Every disagreement gets exactly one reason, by the first rule that applies (see `reasonFor*`).
 */
import parseSpdxExpression from 'spdx-expression-parse';
import { classifyHuggingFace } from '../openness/classify.js';
import { resolveLicenseText } from '../openness/licenses/index.js';
import { effectiveAvailability, licenseTier } from '../openness/level.js';
import type { MofClass, OpennessResult } from '../openness/types.js';
import { toCsv } from './csv.js';
import { MOT_COMPONENTS } from './mot.mapping.js';
import { OSAI_GRADES, type OsaiGrade } from './reference.types.js';

// ---------------------------------------------------------------------------------------------
// Reference models, from ground_truth.csv rows

export type ExpertSource = 'mot' | 'osai' | 'osai_legacy';

export interface MotVerdicts {
  readonly mofClass: MofClass | null;
  readonly weightsLicenseIsOpen: boolean | null;
  /** Components MOT lists as included (by MOF name). */
  readonly components: ReadonlySet<string>;
  /** `notes` names license strings MOT counted as not open ("non-SPDX/non-open license strings"). */
  readonly nonOpenLicenseStrings: readonly string[];
}

export interface OsaiVerdicts {
  readonly license: OsaiGrade | null;
  readonly weights: OsaiGrade | null;
  readonly trainingCode: OsaiGrade | null;
  readonly baseData: OsaiGrade | null;
  readonly modelCard: OsaiGrade | null;
  /** The more open of `paper` and `preprint`. */
  readonly paper: OsaiGrade | null;
}

export interface ReferenceModel {
  readonly name: string;
  readonly hfRepoId: string;
  readonly source: ExpertSource;
  readonly sourceFile: string;
  /** The weights license as the expert recorded it (trimmed); null when none was recorded. */
  readonly licenseString: string | null;
  readonly mot: MotVerdicts | null;
  readonly osai: OsaiVerdicts | null;
}

const EXPERT_SOURCES: readonly ExpertSource[] = ['mot', 'osai', 'osai_legacy'];

function grade(value: string | undefined): OsaiGrade | null {
  const normalized = (value ?? '').trim().toLowerCase();
  return OSAI_GRADES.find((candidate) => candidate === normalized) ?? null;
}

const GRADE_ORDER: readonly (OsaiGrade | null)[] = [null, 'closed', 'partial', 'open'];

/** The more open of two grades (a paper or a preprint: either is a paper for a hub record). */
function bestGrade(a: OsaiGrade | null, b: OsaiGrade | null): OsaiGrade | null {
  return GRADE_ORDER.indexOf(a) >= GRADE_ORDER.indexOf(b) ? a : b;
}

function mofClassOf(value: string | undefined): MofClass | null {
  switch ((value ?? '').trim().toLowerCase()) {
    case 'class i':
      return 'CLASS_I';
    case 'class ii':
      return 'CLASS_II';
    case 'class iii':
      return 'CLASS_III';
    case 'none':
      return 'NONE';
    default:
      return null;
  }
}

function booleanOf(value: string | undefined): boolean | null {
  const normalized = (value ?? '').trim().toLowerCase();
  return normalized === 'true' ? true : normalized === 'false' ? false : null;
}

/** `"16/17: Model architecture, Data preprocessing code, …"` → the names. */
export function parseComponentList(value: string | undefined): Set<string> {
  const text = value ?? '';
  const colon = text.indexOf(':');
  const list = colon === -1 ? text : text.slice(colon + 1);
  return new Set(
    list
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
  );
}

/** The strings after "non-SPDX/non-open license strings (MOT counts them as not open):" in `notes`, up to the next `;`. */
export function parseNonOpenLicenseStrings(notes: string | undefined): string[] {
  const match = /non-SPDX\/non-open license strings \(MOT counts them as not open\):([^;]*)/.exec(notes ?? '');
  if (match === null) return [];
  return (match[1] ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** Reference models from ground_truth.csv records; rows without an HF repo id are counted, not returned. */
export function referenceModelsFromRows(rows: readonly Readonly<Record<string, string>>[]): {
  models: ReferenceModel[];
  withoutRepoId: number;
} {
  const models: ReferenceModel[] = [];
  let withoutRepoId = 0;
  for (const row of rows) {
    const source = EXPERT_SOURCES.find((candidate) => candidate === row.source?.trim());
    if (source === undefined) continue;
    const hfRepoId = (row.hf_repo_id ?? '').trim();
    if (hfRepoId === '') {
      withoutRepoId++;
      continue;
    }
    const weightsLicense = (row.weights_license ?? '').trim();
    const distribution = (row.mot_distribution_license ?? '').trim();
    models.push({
      name: (row.model_name ?? '').trim() || hfRepoId,
      hfRepoId,
      source,
      sourceFile: (row.source_file ?? '').trim(),
      licenseString: weightsLicense !== '' ? weightsLicense : distribution !== '' ? distribution : null,
      mot:
        source === 'mot'
          ? {
              mofClass: mofClassOf(row.mof_class),
              weightsLicenseIsOpen: booleanOf(row.mot_weights_license_is_open),
              components: parseComponentList(row.mot_components_included),
              nonOpenLicenseStrings: parseNonOpenLicenseStrings(row.notes),
            }
          : null,
      osai:
        source === 'mot'
          ? null
          : {
              license: grade(row.osai_license),
              weights: grade(row.osai_weights),
              trainingCode: grade(row.osai_code),
              baseData: grade(row.osai_data),
              modelCard: grade(row.osai_p_modelcard),
              paper: bestGrade(grade(row.osai_p_paper), grade(row.osai_p_preprint)),
            },
    });
  }
  return { models, withoutRepoId };
}

/** A Hugging Face license id with the reference map's verdicts (hf_license_map.csv). */
export interface MappedLicense {
  readonly hfId: string;
  readonly osiApproved: boolean;
  /** `mot_counts_as_open`: OSI or FSF-libre, MOT's open-data list, or OpenMDW. */
  readonly motOpen: boolean;
}

/**
 * hf_license_map.csv by what an expert might write for a license: the HF id itself and the SPDX
 * id the map gives it, both lowercased.
 */
export function hfLicenseIdsFromMap(rows: readonly Readonly<Record<string, string>>[]): Map<string, MappedLicense> {
  const ids = new Map<string, MappedLicense>();
  const flag = (value: string | undefined): boolean => (value ?? '').trim().toLowerCase() === 'true';
  for (const row of rows) {
    const hfId = (row.hf_license_id ?? '').trim();
    if (hfId === '') continue;
    const mapped = { hfId, osiApproved: flag(row.osi_approved), motOpen: flag(row.mot_counts_as_open) };
    ids.set(hfId.toLowerCase(), mapped);
    const spdx = (row.spdx_id ?? '').trim().toLowerCase();
    if (spdx !== '' && !ids.has(spdx)) ids.set(spdx, mapped);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Hub-shaped records from what the reference data states

/**
 * Strings the sources write where no license is known: nothing, "not included", "unlicensed"
 * (MOT: included without a license), MOT's "Component not included" variants, "unknown…",
 * "unclear", "not available", "N/A", "undisclosed", "various", "mixed", "purposely left
 * ambiguous", "other license".
 */
export const LICENSE_PLACEHOLDER =
  /^(|not included|unlicensed|component( component)? not include[ds]?\.?|unknown.*|unclear|not available|n\/?a|none|undisclosed|various|mixed|purposely left ambiguous|other license)$/i;

export function isLicenseKnown(licenseString: string | null): licenseString is string {
  return licenseString !== null && !LICENSE_PLACEHOLDER.test(licenseString.trim());
}

/**
 * How a stated component shows on a hub. The URLs are placeholders on the reserved `.invalid`
 * domain: the rules only need to see that a link is there; its value is never fetched.
 */
const STATED = {
  codeLink: 'https://reference.invalid/code',
  trainingCodeLink: 'https://reference.invalid/training-code',
  dataset: 'reference-invalid/stated-training-data',
  arxiv: 'arxiv:0000.00000',
  weightFile: 'model.safetensors',
  readme: 'README.md',
  config: 'config.json',
} as const;

/** `cardData.license` (and `license_name`) for the expert's license string. */
export function licenseDeclaration(
  licenseString: string | null,
  hfLicenseIds: ReadonlyMap<string, MappedLicense>,
): Record<string, string> {
  if (!isLicenseKnown(licenseString)) return {};
  const mapped = hfLicenseIds.get(licenseString.trim().toLowerCase());
  return mapped === undefined ? { license: 'other', license_name: licenseString } : { license: mapped.hfId };
}

/**
 * The hub record a repository would show for what the reference data states:
 * - id: the HF repo id; cardData.license: the expert's license string as an HF id when it is one
 *   (or the SPDX id hf_license_map.csv gives one), else `other` with `license_name` = the string;
 *   no license when the string is a placeholder.
 * - MOT (its component list is complete: a component not listed is not included): siblings
 *   README.md (Model card), config.json (Model architecture), model.safetensors (Model parameters
 *   (Final)); a code link (Model architecture or Inference code); a training-code link (Training
 *   code); a declared dataset (Datasets or Data card: a data card documents the datasets the card
 *   then names); an arXiv tag (Technical report or Research paper); a model-index with a result
 *   (Evaluation results). Evaluation code and data, preprocessing code, intermediate parameters and
 *   the optional components have no hub field and are left out.
 * - Index: weights_endmodel open → a weight file; partial ("partially shared, e.g. gated
 *   downloads") → a weight file behind `gated: manual`, the hub's form of "accept the terms
 *   first"; closed → a file list without weights; empty → no file list. modelcard open/partial → README.md; trainingcode open → a training-code link,
 *   open/partial → a code link; base-model data open/partial → a declared dataset; paper or
 *   preprint open/partial → an arXiv tag.
 */
export function buildReferenceRecord(
  model: ReferenceModel,
  hfLicenseIds: ReadonlyMap<string, MappedLicense>,
): Record<string, unknown> {
  const cardData: Record<string, unknown> = licenseDeclaration(model.licenseString, hfLicenseIds);
  const tags: string[] = [];
  let siblings: string[] | null = null;
  let gated: false | 'manual' = false;
  const { mot, osai } = model;
  if (mot !== null) {
    const has = (name: string): boolean => mot.components.has(name);
    siblings = [];
    if (has('Model card')) siblings.push(STATED.readme);
    if (has('Model architecture')) siblings.push(STATED.config);
    if (has('Model parameters (Final)')) siblings.push(STATED.weightFile);
    if (has('Model architecture') || has('Inference code')) cardData.repository = STATED.codeLink;
    if (has('Training code')) cardData.training_code = STATED.trainingCodeLink;
    if (has('Datasets') || has('Data card')) cardData.datasets = [STATED.dataset];
    if (has('Technical report') || has('Research paper')) tags.push(STATED.arxiv);
    if (has('Evaluation results')) {
      cardData['model-index'] = [{ name: model.hfRepoId, results: [{ task: { type: 'stated-by-reference' } }] }];
    }
  }
  if (osai !== null) {
    const shown = (value: OsaiGrade | null): boolean => value === 'open' || value === 'partial';
    if (osai.weights !== null) {
      siblings = [];
      if (shown(osai.weights)) siblings.push(STATED.weightFile);
      if (shown(osai.modelCard)) siblings.push(STATED.readme);
      if (osai.weights === 'partial') gated = 'manual';
    }
    if (shown(osai.trainingCode)) cardData.repository = STATED.codeLink;
    if (osai.trainingCode === 'open') cardData.training_code = STATED.trainingCodeLink;
    if (shown(osai.baseData)) cardData.datasets = [STATED.dataset];
    if (shown(osai.paper)) tags.push(STATED.arxiv);
  }
  const record: Record<string, unknown> = { id: model.hfRepoId, cardData, tags, gated };
  if (siblings !== null) record.siblings = siblings.map((rfilename) => ({ rfilename }));
  return record;
}

// ---------------------------------------------------------------------------------------------
// Our verdicts, in the experts' terms

export function licenseIsOpen(result: OpennessResult): boolean {
  return licenseTier(result.license.category) === 'open';
}

export function ourLicenseGrade(result: OpennessResult): OsaiGrade {
  return licenseIsOpen(result) ? 'open' : 'closed';
}

export function ourWeightsGrade(result: OpennessResult): OsaiGrade {
  const assumed = result.evidence.find((item) => item.rule === 'level.weights-assumed-from-gated');
  const availability = effectiveAvailability(
    result.weights.availability,
    assumed === undefined ? null : (assumed.status as 'OPEN' | 'GATED_AUTO' | 'GATED_MANUAL'),
  );
  switch (availability) {
    case 'API_ONLY':
    case 'UNRELEASED':
    case 'REMOVED':
      return 'closed';
    case 'GATED_AUTO':
    case 'GATED_MANUAL':
      return 'partial';
    case 'OPEN':
      return 'open';
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons and reasons

export const COMPARISONS = ['license-vs-mot', 'mof-class-vs-mot', 'license-vs-osai', 'weights-vs-osai'] as const;
export type ComparisonId = (typeof COMPARISONS)[number];

export const REASONS = [
  'expert-free-text-license',
  'metadata-cannot-tell',
  'expert-data-inconsistent',
  'our-error',
] as const;
export type Reason = (typeof REASONS)[number];

/** Which top-level fields of the classified record came from a recorded hub response (none: all from the reference data). */
export interface RecordOrigin {
  readonly hubFields: readonly string[];
}

export const licenseFromHub = (origin: RecordOrigin): boolean =>
  origin.hubFields.includes('cardData') || origin.hubFields.includes('tags');
export const weightsFromHub = (origin: RecordOrigin): boolean =>
  origin.hubFields.includes('siblings') || origin.hubFields.includes('gated');

export function describeOrigin(origin: RecordOrigin): string {
  return origin.hubFields.length === 0 ? 'reference-data' : `hub-response (${origin.hubFields.join(' ')})`;
}

/**
 * The record to classify: the reference-data record with every top-level field the recorded hub
 * response carries replaced by the hub's (a response recorded with a narrow `expand` lacks most
 * fields; those stay as the reference data states them).
 */
export function mergeHubResponse(
  reference: Record<string, unknown>,
  hubResponse: unknown,
): { record: Record<string, unknown>; origin: RecordOrigin } {
  if (typeof hubResponse !== 'object' || hubResponse === null || Array.isArray(hubResponse)) {
    return { record: reference, origin: { hubFields: [] } };
  }
  const record = { ...reference };
  const hubFields: string[] = [];
  for (const [key, value] of Object.entries(hubResponse as Record<string, unknown>)) {
    if (value === undefined) continue;
    record[key] = value;
    if (key !== 'id' && key !== '_id' && key !== 'modelId') hubFields.push(key);
  }
  return { record, origin: { hubFields: hubFields.sort() } };
}

export interface Outcome {
  readonly comparison: ComparisonId;
  readonly model: ReferenceModel;
  readonly origin: RecordOrigin;
  readonly licenseKnown: boolean;
  readonly expert: string;
  readonly ours: string;
  readonly agree: boolean;
  /** Not a verdict on what we compare (the Index's `partial` license grade): kept out of the figures. */
  readonly comparable: boolean;
  readonly reason: Reason | null;
  readonly detail: string;
  readonly ourLicense: string;
}

/** A string that is not a valid SPDX license expression (MOT only recognizes SPDX ids, case and all). */
export function isFreeTextLicense(value: string): boolean {
  try {
    parseSpdxExpression(value.trim());
    return false;
  } catch {
    return true;
  }
}

/** Every expert verdict on license openness for a repo, for cross-source consistency checks. */
export interface ExpertLicenseVerdict {
  readonly source: ExpertSource;
  readonly name: string;
  readonly open: boolean;
}

export function licenseVerdicts(models: readonly ReferenceModel[]): Map<string, ExpertLicenseVerdict[]> {
  const byRepo = new Map<string, ExpertLicenseVerdict[]>();
  for (const model of models) {
    let open: boolean | null = null;
    if (model.mot !== null) open = model.mot.weightsLicenseIsOpen;
    else if (model.osai?.license === 'open') open = true;
    else if (model.osai?.license === 'closed') open = false;
    if (open === null || !isLicenseKnown(model.licenseString)) continue;
    const key = model.hfRepoId.toLowerCase();
    const list = byRepo.get(key) ?? [];
    list.push({ source: model.source, name: model.name, open });
    byRepo.set(key, list);
  }
  return byRepo;
}

export interface ReasonContext {
  readonly verdicts: ReadonlyMap<string, readonly ExpertLicenseVerdict[]>;
  readonly hfLicenseIds: ReadonlyMap<string, MappedLicense>;
}

export interface Explanation {
  readonly reason: Reason;
  readonly detail: string;
}

function describeLicense(result: OpennessResult): string {
  return `${result.license.id} (${result.license.category})`;
}

/** The other experts' verdicts on the same repo that agree with us. */
function supportingVerdicts(model: ReferenceModel, oursOpen: boolean, context: ReasonContext): ExpertLicenseVerdict[] {
  return (context.verdicts.get(model.hfRepoId.toLowerCase()) ?? []).filter(
    (verdict) => verdict.open === oursOpen && !(verdict.source === model.source && verdict.name === model.name),
  );
}

/**
 * Why our license openness differs from the expert's verdict; the first rule that applies:
 * 1. expert-free-text-license: MOT says not open, we say open, our verdict is on the very string
 *    MOT judged (a reference-data record), and that string is not an SPDX expression: MOT
 *    recognizes exact SPDX ids only, so it rejects "BSD" or "Apache 2.0".
 * 2. A recorded hub response declares a license other than the expert's string: the expert
 *    recorded none (a placeholder) → expert-data-inconsistent (the expert's record says no
 *    license or no weights where the repository it names declares one); the expert recorded
 *    another → metadata-cannot-tell.
 * 3. The expert recorded no license (a placeholder) → metadata-cannot-tell: the verdict rests on
 *    something the data does not state, so the record cannot carry it.
 * 4. The Index says open, we say not open, and its own record contradicts that grade (open =
 *    weights, training code and data all openly licensed): it grades the training code or the
 *    data closed, or the weights license it recorded is one hf_license_map.csv marks neither
 *    OSI-approved nor open for MOT → expert-data-inconsistent.
 * 5. The Index says closed, we say open, and it grades the training code or the data other than
 *    open → metadata-cannot-tell: its grade covers the code and data licenses, which a hub model
 *    record does not carry; the model license itself is open.
 * 6. Another expert record of the same repository judges its license as we do →
 *    expert-data-inconsistent.
 * 7. Otherwise our-error.
 */
export function reasonForLicense(
  model: ReferenceModel,
  expertOpen: boolean,
  result: OpennessResult,
  origin: RecordOrigin,
  context: ReasonContext,
): Explanation {
  const oursOpen = licenseIsOpen(result);
  const license = model.licenseString ?? '';
  const known = isLicenseKnown(model.licenseString);
  if (
    model.source === 'mot' &&
    !expertOpen &&
    oursOpen &&
    !licenseFromHub(origin) &&
    known &&
    isFreeTextLicense(license)
  ) {
    return {
      reason: 'expert-free-text-license',
      detail: `MOT recognizes exact SPDX ids only; "${license}" is ${describeLicense(result)}`,
    };
  }
  if (licenseFromHub(origin) && (result.license.hubValue ?? '').toLowerCase() !== license.toLowerCase()) {
    const declared = result.license.hubValue ?? 'no license';
    return known
      ? {
          reason: 'metadata-cannot-tell',
          detail: `the hub declares ${declared}; the expert judged "${license}"`,
        }
      : {
          reason: 'expert-data-inconsistent',
          detail: `the expert records "${license}" for a repository whose hub record declares ${declared}`,
        };
  }
  if (!known) {
    return {
      reason: 'metadata-cannot-tell',
      detail: `the reference data names no license for the weights ("${license}"); the verdict rests on what it does not state`,
    };
  }
  const osai = model.osai;
  if (osai !== null && expertOpen && !oursOpen) {
    const mapped = context.hfLicenseIds.get(license.toLowerCase());
    const closedParts = [
      osai.trainingCode === 'closed' ? 'training code' : null,
      osai.baseData === 'closed' ? 'data' : null,
    ].filter((part): part is string => part !== null);
    if (closedParts.length > 0) {
      return {
        reason: 'expert-data-inconsistent',
        detail: `the Index grades the license open (weights, code and data openly licensed) but its ${closedParts.join(' and ')} closed; weights license "${license}" is ${describeLicense(result)}`,
      };
    }
    if (mapped !== undefined && !mapped.osiApproved && !mapped.motOpen) {
      return {
        reason: 'expert-data-inconsistent',
        detail: `the Index grades the license open but records the weights license "${license}" (${mapped.hfId}), neither OSI-approved nor open in hf_license_map.csv`,
      };
    }
  }
  if (osai !== null && !expertOpen && oursOpen && (osai.trainingCode !== 'open' || osai.baseData !== 'open')) {
    return {
      reason: 'metadata-cannot-tell',
      detail: `the Index's closed covers the training code (${osai.trainingCode ?? 'empty'}) and data (${osai.baseData ?? 'empty'}) licenses, not in a hub record; the model license "${license}" is ${describeLicense(result)}`,
    };
  }
  const support = supportingVerdicts(model, oursOpen, context);
  if (support.length > 0) {
    const names = support.map((verdict) => `${verdict.source}:${verdict.name}`).join(', ');
    return {
      reason: 'expert-data-inconsistent',
      detail: `other expert records of ${model.hfRepoId} judge the license ${oursOpen ? 'open' : 'not open'} (${names})`,
    };
  }
  return { reason: 'our-error', detail: `"${license}" resolved to ${describeLicense(result)}` };
}

/** Required MOF components a hub model record has no field for, or whose openness depends on licenses it does not carry. */
export const NOT_IN_HUB_METADATA: ReadonlyMap<string, string> = new Map([
  ['Evaluation code', 'no hub field'],
  ['Evaluation data', 'no hub field'],
  ['Data preprocessing code', 'no hub field'],
  ['Model parameters (Intermediate)', 'no hub field (revisions are not in the record)'],
  ['Datasets', "the datasets' licenses are not in the model record"],
]);

const CLASS_ORDER: readonly MofClass[] = ['NONE', 'CLASS_III', 'CLASS_II', 'CLASS_I'];

/** The required components of a class and the classes below it. */
export function requiredComponents(mofClass: MofClass): string[] {
  const rank = CLASS_ORDER.indexOf(mofClass);
  return MOT_COMPONENTS.filter(
    (component) => component.required && CLASS_ORDER.indexOf(component.mofClass) <= rank,
  ).map((component) => component.name);
}

/**
 * Why our MOF class differs from MOT's; the first rule that applies:
 * 1. MOT's class is higher, the license we read is open, and every component of MOT's class
 *    that we miss is in NOT_IN_HUB_METADATA → metadata-cannot-tell (our estimate tops out at
 *    CLASS_III for that reason).
 * 2. Ours is higher, MOT lists every Class III component as included, so MOT failed the class on
 *    per-component licenses: when one of the license strings MOT counted not open is free text
 *    naming an open license → expert-free-text-license; otherwise → metadata-cannot-tell (a hub
 *    record carries one license for the repository, MOT judges each component's own: an
 *    "unlicensed" technical report, an arXiv paper license).
 * 3. Otherwise our-error.
 */
export function reasonForMofClass(mot: MotVerdicts, result: OpennessResult): Explanation {
  const expert = mot.mofClass ?? 'NONE';
  const expertRank = CLASS_ORDER.indexOf(expert);
  const oursRank = CLASS_ORDER.indexOf(result.mofClass);
  if (expertRank > oursRank && licenseIsOpen(result)) {
    const needed = new Set(requiredComponents(expert));
    const missing = result.missingComponents.filter((name) => needed.has(name));
    if (missing.length > 0 && missing.every((name) => NOT_IN_HUB_METADATA.has(name))) {
      return {
        reason: 'metadata-cannot-tell',
        detail: `${expert} needs ${missing.map((name) => `${name} (${NOT_IN_HUB_METADATA.get(name) ?? ''})`).join(', ')}`,
      };
    }
  }
  if (oursRank > expertRank && requiredComponents('CLASS_III').every((name) => mot.components.has(name))) {
    const freeTextOpen = mot.nonOpenLicenseStrings.filter(
      (value) => isFreeTextLicense(value) && licenseTier(resolveLicenseText(value, 'mot').license.category) === 'open',
    );
    if (freeTextOpen.length > 0) {
      return {
        reason: 'expert-free-text-license',
        detail: `MOT rejects the component license string(s) ${freeTextOpen.map((value) => `"${value}"`).join(', ')}, which name open licenses`,
      };
    }
    const strings = mot.nonOpenLicenseStrings.map((value) => `"${value}"`).join(', ');
    return {
      reason: 'metadata-cannot-tell',
      detail: `every Class III component is included; MOT failed it on per-component licenses (${strings === '' ? 'unlicensed components' : strings}), which a hub record does not carry`,
    };
  }
  return { reason: 'our-error', detail: `ours missing: ${result.missingComponents.join(', ') || 'none'}` };
}

/**
 * Why our weights grade differs from the Index's; the first rule that applies:
 * 1. The weights fields come from a recorded hub response → metadata-cannot-tell when the Index judged a
 *    restriction the hub does not show as a gate (partial vs an ungated repository: license
 *    terms accepted elsewhere, some sizes only); expert-data-inconsistent when the Index says
 *    closed for a repository that lists weight files.
 * 2. Otherwise our-error.
 */
export function reasonForWeights(
  expert: OsaiGrade,
  ours: OsaiGrade,
  result: OpennessResult,
  origin: RecordOrigin,
): Explanation {
  const basis = `weights ${result.weights.availability}${result.weights.formats.length > 0 ? ` (${result.weights.formats.join(', ')})` : ''}`;
  if (weightsFromHub(origin)) {
    if (expert === 'closed' && result.weights.formats.length > 0) {
      return {
        reason: 'expert-data-inconsistent',
        detail: `the Index says not shared; the hub lists weight files: ${basis}`,
      };
    }
    if (expert === 'partial' && ours === 'open') {
      return { reason: 'metadata-cannot-tell', detail: `the Index's partial is not a hub gate here: ${basis}` };
    }
  }
  return { reason: 'our-error', detail: `expert ${expert}, ours ${ours}: ${basis}` };
}

// ---------------------------------------------------------------------------------------------
// The run

export interface EvalInput {
  readonly models: readonly ReferenceModel[];
  /** Recorded hub responses by repo id (lowercase). */
  readonly hubResponses: ReadonlyMap<string, unknown>;
  readonly hfLicenseIds: ReadonlyMap<string, MappedLicense>;
  /** Rows of ground_truth.csv without an HF repo id (reported, not evaluated). */
  readonly withoutRepoId?: number;
}

export interface EvaluatedModel {
  readonly model: ReferenceModel;
  readonly origin: RecordOrigin;
  readonly result: OpennessResult;
}

export interface EvalReport {
  readonly evaluated: readonly EvaluatedModel[];
  readonly outcomes: readonly Outcome[];
  readonly withoutRepoId: number;
}

function evaluateModel(entry: EvaluatedModel, context: ReasonContext): Outcome[] {
  const { model, origin, result } = entry;
  const outcomes: Outcome[] = [];
  const licenseKnown = isLicenseKnown(model.licenseString);
  const base = { model, origin, licenseKnown, ourLicense: describeLicense(result) };
  const oursOpen = licenseIsOpen(result);
  if (model.mot !== null && model.mot.weightsLicenseIsOpen !== null) {
    const expertOpen = model.mot.weightsLicenseIsOpen;
    const agree = expertOpen === oursOpen;
    const why = agree ? null : reasonForLicense(model, expertOpen, result, origin, context);
    outcomes.push({
      ...base,
      comparison: 'license-vs-mot',
      expert: expertOpen ? 'open' : 'not open',
      ours: oursOpen ? 'open' : 'not open',
      agree,
      comparable: true,
      reason: why?.reason ?? null,
      detail: why?.detail ?? '',
    });
  }
  if (model.mot !== null && model.mot.mofClass !== null) {
    const agree = model.mot.mofClass === result.mofClass;
    const why = agree ? null : reasonForMofClass(model.mot, result);
    outcomes.push({
      ...base,
      comparison: 'mof-class-vs-mot',
      expert: model.mot.mofClass,
      ours: result.mofClass,
      agree,
      comparable: true,
      reason: why?.reason ?? null,
      detail: why?.detail ?? '',
    });
  }
  if (model.osai !== null && model.osai.license !== null) {
    const expert = model.osai.license;
    const ours = ourLicenseGrade(result);
    const comparable = expert !== 'partial';
    const agree = !comparable || expert === ours;
    const why = agree ? null : reasonForLicense(model, expert === 'open', result, origin, context);
    outcomes.push({
      ...base,
      comparison: 'license-vs-osai',
      expert,
      ours,
      agree,
      comparable,
      reason: why?.reason ?? null,
      detail: comparable
        ? (why?.detail ?? '')
        : 'partial: two of weights, code and data openly licensed; not a verdict on the model license',
    });
  }
  if (model.osai !== null && model.osai.weights !== null) {
    const expert = model.osai.weights;
    const ours = ourWeightsGrade(result);
    const agree = expert === ours;
    const why = agree ? null : reasonForWeights(expert, ours, result, origin);
    outcomes.push({
      ...base,
      comparison: 'weights-vs-osai',
      expert,
      ours,
      agree,
      comparable: true,
      reason: why?.reason ?? null,
      detail: why?.detail ?? '',
    });
  }
  return outcomes;
}

export function runOpennessEval(input: EvalInput): EvalReport {
  const evaluated: EvaluatedModel[] = input.models.map((model) => {
    const reference = buildReferenceRecord(model, input.hfLicenseIds);
    const { record, origin } = mergeHubResponse(reference, input.hubResponses.get(model.hfRepoId.toLowerCase()));
    return { model, origin, result: classifyHuggingFace(record) };
  });
  const context: ReasonContext = { verdicts: licenseVerdicts(input.models), hfLicenseIds: input.hfLicenseIds };
  const outcomes = evaluated.flatMap((entry) => evaluateModel(entry, context));
  return { evaluated, outcomes, withoutRepoId: input.withoutRepoId ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Figures and output

export interface Figure {
  readonly agreed: number;
  readonly total: number;
  /** Agreed plus disagreements tagged expert-free-text-license (we are right there). */
  readonly agreedOrExplained: number;
  readonly notComparable: number;
  readonly byReason: Readonly<Record<Reason, number>>;
}

export function figure(outcomes: readonly Outcome[]): Figure {
  const byReason: Record<Reason, number> = {
    'expert-free-text-license': 0,
    'metadata-cannot-tell': 0,
    'expert-data-inconsistent': 0,
    'our-error': 0,
  };
  let agreed = 0;
  let total = 0;
  let notComparable = 0;
  for (const outcome of outcomes) {
    if (!outcome.comparable) {
      notComparable++;
      continue;
    }
    total++;
    if (outcome.agree) agreed++;
    else if (outcome.reason !== null) byReason[outcome.reason]++;
  }
  return { agreed, total, agreedOrExplained: agreed + byReason['expert-free-text-license'], notComparable, byReason };
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((part / whole) * 100).toFixed(1)}%`;
}

export interface Figures {
  readonly licenseVsMot: Figure;
  readonly licenseVsMotAll: Figure;
  readonly mofClassVsMot: Figure;
  readonly licenseVsOsai: Figure;
  readonly licenseVsOsaiAll: Figure;
  readonly weightsVsOsai: Figure;
}

export function figures(report: EvalReport): Figures {
  const of = (comparison: ComparisonId, knownOnly: boolean): Outcome[] =>
    report.outcomes.filter((outcome) => outcome.comparison === comparison && (!knownOnly || outcome.licenseKnown));
  return {
    licenseVsMot: figure(of('license-vs-mot', true)),
    licenseVsMotAll: figure(of('license-vs-mot', false)),
    mofClassVsMot: figure(of('mof-class-vs-mot', false)),
    licenseVsOsai: figure(of('license-vs-osai', true)),
    licenseVsOsaiAll: figure(of('license-vs-osai', false)),
    weightsVsOsai: figure(of('weights-vs-osai', false)),
  };
}

/** The issue's targets, on license-known rows, with expert-free-text-license counted as agreement. */
export const TARGETS = { licenseVsMot: 0.95, licenseVsOsai: 0.9 } as const;

function reasonSummary(f: Figure): string {
  const parts = REASONS.filter((reason) => f.byReason[reason] > 0).map((reason) => `${reason} ${f.byReason[reason]}`);
  return parts.length === 0 ? 'no disagreements' : parts.join(', ');
}

function line(label: string, f: Figure): string {
  return `${label}: ${percent(f.agreed, f.total)} (${f.agreed}/${f.total})`;
}

export function formatReport(report: EvalReport): string {
  const f = figures(report);
  const fromHub = report.evaluated.filter((entry) => entry.origin.hubFields.length > 0).length;
  const bySource = (source: ExpertSource): number =>
    report.evaluated.filter((entry) => entry.model.source === source).length;
  const target = (value: Figure, goal: number): string =>
    `${value.total > 0 && value.agreedOrExplained / value.total >= goal ? 'met' : 'NOT met'} (target ${goal * 100}%)`;
  const explained = (value: Figure): string =>
    `${percent(value.agreedOrExplained, value.total)} (${value.agreedOrExplained}/${value.total}) explained`;
  const weightsFromHubOutcomes = report.outcomes.filter(
    (outcome) => outcome.comparison === 'weights-vs-osai' && weightsFromHub(outcome.origin),
  );
  const weightsFromHubAgreed = weightsFromHubOutcomes.filter((outcome) => outcome.agree).length;
  return [
    `eval openness: ${report.evaluated.length} reference models with a Hugging Face repo id (MOT ${bySource('mot')}, Index ${bySource('osai')}, legacy Index ${bySource('osai_legacy')}); ${report.withoutRepoId} rows without one skipped; ${fromHub} take fields from a recorded hub response, the rest are built from the reference data`,
    'raw = agreements / rows compared; explained = also counting expert-free-text-license disagreements (MOT rejects a plainly open free-text license string) as ours right',
    '',
    'License known (the expert recorded a license for the weights):',
    `  ${line('license openness vs MOT', f.licenseVsMot)} raw; ${explained(f.licenseVsMot)} — ${target(f.licenseVsMot, TARGETS.licenseVsMot)}`,
    `    disagreements: ${reasonSummary(f.licenseVsMot)}`,
    `  ${line('license openness vs Index license grade', f.licenseVsOsai)} raw; ${explained(f.licenseVsOsai)} — ${target(f.licenseVsOsai, TARGETS.licenseVsOsai)}; ${f.licenseVsOsai.notComparable} partial grades not comparable`,
    `    disagreements: ${reasonSummary(f.licenseVsOsai)}`,
    '',
    'All rows with a verdict:',
    `  ${line('license openness vs MOT', f.licenseVsMotAll)} raw; ${explained(f.licenseVsMotAll)}; disagreements: ${reasonSummary(f.licenseVsMotAll)}`,
    `  ${line('license openness vs Index license grade', f.licenseVsOsaiAll)} raw (${f.licenseVsOsaiAll.notComparable} partial not comparable); disagreements: ${reasonSummary(f.licenseVsOsaiAll)}`,
    `  ${line('MOF class vs MOT', f.mofClassVsMot)}; disagreements: ${reasonSummary(f.mofClassVsMot)}`,
    `  ${line('weights grade vs Index', f.weightsVsOsai)}; disagreements: ${reasonSummary(f.weightsVsOsai)}`,
    `    weights from a recorded hub response: ${percent(weightsFromHubAgreed, weightsFromHubOutcomes.length)} (${weightsFromHubAgreed}/${weightsFromHubOutcomes.length}); the others state the weights as the Index grades them, so they check the grade mapping only`,
  ].join('\n');
}

export const DISAGREEMENT_COLUMNS = [
  'comparison',
  'reason',
  'model_name',
  'hf_repo_id',
  'source',
  'source_file',
  'record',
  'license_known',
  'expert_license',
  'our_license',
  'expert',
  'ours',
  'detail',
] as const;

export function disagreementsCsv(report: EvalReport): string {
  const rows = report.outcomes
    .filter((outcome) => outcome.comparable && !outcome.agree)
    .map((outcome) => ({
      comparison: outcome.comparison,
      reason: outcome.reason,
      model_name: outcome.model.name,
      hf_repo_id: outcome.model.hfRepoId,
      source: outcome.model.source,
      source_file: outcome.model.sourceFile,
      record: describeOrigin(outcome.origin),
      license_known: outcome.licenseKnown,
      expert_license: outcome.model.licenseString,
      our_license: outcome.ourLicense,
      expert: outcome.expert,
      ours: outcome.ours,
      detail: outcome.detail,
    }));
  return toCsv(DISAGREEMENT_COLUMNS, rows);
}
