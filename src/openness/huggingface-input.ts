/**
 * Defensive extraction of the facts the openness rules need from a Hugging Face model record, as
 * `GET /api/models/{repo}` or `GET /api/models?expand[]=…` returns it. Any field may be missing,
 * wrong-typed, huge or binary: a field that is not what the API documents is treated as missing,
 * and nothing here throws on JSON-shaped input.
 *
 * Absence is kept distinct from emptiness: `files` is null when the record has no `siblings`
 * (a list call without that expand), and `[]` only when the hub reported an empty repository.
 */

/** `gated` as the hub reports it; `missing` when the field is absent, `unrecognized` when it is not one of the documented values. */
export type GatedFact = 'none' | 'auto' | 'manual' | 'missing' | 'unrecognized';

export type EvaluationFact = 'results' | 'empty' | 'absent';

export interface SourcedValue {
  readonly value: string;
  readonly source: string;
}

export interface HfFacts {
  readonly repoId: string | null;
  /** The declared license: `cardData.license` when usable, else the `license:` tags; null when neither is. */
  readonly license: string | readonly string[] | null;
  readonly licenseSource: string;
  /** False when the record holds neither `cardData` nor `tags`, so whether a license is declared is unknown. */
  readonly licenseObserved: boolean;
  readonly licenseName: unknown;
  readonly licenseLink: unknown;
  readonly gated: GatedFact;
  /** The raw `gated` value as text, for evidence. */
  readonly gatedValue: string | null;
  readonly disabled: boolean;
  /** `siblings[].rfilename`; null when the record has no file list. */
  readonly files: readonly string[] | null;
  readonly safetensorsTotal: number | null;
  readonly safetensorsParameterSum: number | null;
  readonly ggufTotal: number | null;
  /** `library_name`, else `cardData.library_name` (lowercased). */
  readonly library: SourcedValue | null;
  /** Tags other than the prefixed kinds below (lowercased), e.g. `transformers`, `gguf`, `generated_from_trainer`. */
  readonly plainTags: readonly string[];
  readonly arxivIds: readonly string[];
  /** `doi:` tags other than Hugging Face's own repository DOIs. */
  readonly dois: readonly string[];
  readonly datasets: readonly string[];
  readonly datasetsSource: string | null;
  readonly evaluation: EvaluationFact;
  readonly evaluationSource: string | null;
  readonly cardDataPresent: boolean;
  /** README.md is in the file list, or a non-blank README text was given. */
  readonly readmePresent: boolean;
  readonly readmeSource: string | null;
  /** `config.json` in the file list or a non-empty `config` object: the architecture is described. */
  readonly configPresent: boolean;
  /** A link to a code repository in the card metadata or README (inference code, any purpose). */
  readonly codeLink: SourcedValue | null;
  /** A code link the card or README ties to training. */
  readonly trainingCodeLink: SourcedValue | null;
  /** A paper link (arxiv.org) in the README when no `arxiv:` tag is present. */
  readonly paperLink: SourcedValue | null;
  /** Fields present with a type the API does not document (treated as missing), e.g. `siblings`. */
  readonly wrongTypedFields: readonly string[];
}

export interface HfExtra {
  readonly licenseText?: string | null;
  readonly readme?: string | null;
  readonly repoId?: string;
}

/** Longest string we read as a tag, file name or id; longer values are not what the hub produces. */
const MAX_TOKEN_LENGTH = 1_024;
/** How much of a README we scan for links. */
const README_SCAN_LIMIT = 200_000;
/** At most this many code-host links are examined per README. */
const MAX_README_LINKS = 100;
/** Hugging Face mints `doi:10.57967/hf/…` for repositories themselves; those are not papers. */
const HF_DOI_PREFIX = '10.57967/hf/';

const CODE_HOSTS = ['github.com/', 'gitlab.com/', 'codeberg.org/', 'bitbucket.org/'] as const;
/** Card metadata keys some authors use for the code repository; none is standardized by the hub. */
const CARD_CODE_KEYS: ReadonlySet<string> = new Set([
  'repository',
  'repo',
  'code',
  'code_repository',
  'source_code',
  'github',
]);
const CARD_TRAINING_CODE_KEYS: ReadonlySet<string> = new Set(['training_code', 'train_code', 'training_repository']);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwnKeys(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

function usableToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH;
}

/** A plausible repository id: non-empty, bounded, no whitespace or control characters. */
function usableRepoId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** The repository id of a record: its `id`, else its `modelId`; null when neither is usable. */
export function parseHfRecordId(record: unknown): string | null {
  if (!isRecord(record)) return null;
  if (usableRepoId(record.id)) return record.id;
  if (usableRepoId(record.modelId)) return record.modelId;
  return null;
}

/** A count the hub reported: a finite positive number, rounded; null otherwise (never 0). */
export function positiveCount(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const rounded = Math.round(value);
  return rounded > 0 && Number.isSafeInteger(rounded) ? rounded : null;
}

function parameterSum(value: unknown): number | null {
  if (!isRecord(value)) return null;
  let sum = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const count = positiveCount(value[key]);
    if (count !== null) sum += count;
  }
  return sum > 0 && Number.isSafeInteger(sum) ? sum : null;
}

function gatedFact(value: unknown): GatedFact {
  if (value === undefined || value === null) return 'missing';
  if (value === false) return 'none';
  // `true` is what older API versions and some mirrors send for click-through gates.
  if (value === true || value === 'auto') return 'auto';
  if (value === 'manual') return 'manual';
  return 'unrecognized';
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

function licenseValue(value: unknown): string | readonly string[] | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (Array.isArray(value)) {
    const strings: string[] = [];
    for (const item of value) if (typeof item === 'string' && item.length > 0) strings.push(item);
    if (strings.length === 0) return null;
    return strings.length === 1 ? (strings[0] ?? null) : strings;
  }
  return null;
}

function fileList(siblings: unknown): string[] | null {
  if (!Array.isArray(siblings)) return null;
  const files: string[] = [];
  for (const sibling of siblings) {
    if (isRecord(sibling) && usableToken(sibling.rfilename)) files.push(sibling.rfilename);
  }
  return files;
}

function addDataset(datasets: string[], value: unknown): void {
  if (!usableToken(value)) return;
  const id = value.trim();
  if (id.length > 0 && !datasets.includes(id)) datasets.push(id);
}

function modelIndexState(value: unknown): EvaluationFact {
  if (!Array.isArray(value) || value.length === 0) return 'absent';
  for (const entry of value) {
    if (isRecord(entry) && Array.isArray(entry.results) && entry.results.length > 0) return 'results';
  }
  return 'empty';
}

function hasNonBlank(text: string): boolean {
  const end = Math.min(text.length, 4_096);
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

/** The first URL under one of `keys` in the card; one pass over the card's own keys (usually few). */
function cardLink(card: Record<string, unknown>, keys: ReadonlySet<string>): SourcedValue | null {
  for (const key in card) {
    if (!keys.has(key)) continue;
    const value = card[key];
    if (usableToken(value) && value.includes('://')) return { value, source: `cardData.${key}` };
  }
  return null;
}

const URL_TERMINATORS = new Set([' ', '\t', '\n', '\r', '(', ')', '[', ']', '<', '>', '"', "'", '`', '|']);
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?']);

function urlAround(text: string, hostAt: number): string {
  let start = hostAt;
  while (start > 0 && !URL_TERMINATORS.has(text[start - 1] ?? ' ') && hostAt - start < 16) start--;
  let end = hostAt;
  while (end < text.length && !URL_TERMINATORS.has(text[end] ?? ' ') && end - hostAt < 300) end++;
  while (end > hostAt && TRAILING_PUNCTUATION.has(text[end - 1] ?? ' ')) end--;
  return text.slice(start, end);
}

/** True when the URL's path after the host has an owner and a repository segment. */
function isRepositoryPath(lower: string, pathAt: number): boolean {
  const slash = lower.indexOf('/', pathAt);
  if (slash <= pathAt) return false;
  for (let i = pathAt; i < slash; i++) if (URL_TERMINATORS.has(lower[i] ?? ' ')) return false;
  const after = lower[slash + 1];
  return after !== undefined && !URL_TERMINATORS.has(after);
}

/** "pretrained" alone ("load the pretrained model") says nothing about training code. */
function mentionsTraining(text: string): boolean {
  const relevant = text.includes('pretrained') ? text.replaceAll('pretrained', '') : text;
  return relevant.includes('train') || relevant.includes('fine-tun') || relevant.includes('finetun');
}

interface ReadmeLinks {
  codeLink: SourcedValue | null;
  trainingCodeLink: SourcedValue | null;
  paperLink: SourcedValue | null;
}

/**
 * Links in a README: any code-host repository link is a code link; one on a line, or under a
 * heading, that mentions training is a training-code link; an arxiv.org link is a paper link.
 */
export function scanReadme(readme: string): ReadmeLinks {
  const text = readme.length > README_SCAN_LIMIT ? readme.slice(0, README_SCAN_LIMIT) : readme;
  const lower = text.toLowerCase();
  const links: ReadmeLinks = { codeLink: null, trainingCodeLink: null, paperLink: null };
  const arxiv = lower.indexOf('arxiv.org/');
  if (arxiv !== -1) links.paperLink = { value: urlAround(text, arxiv), source: 'README.md' };
  let examined = 0;
  for (const host of CODE_HOSTS) {
    let at = lower.indexOf(host);
    while (at !== -1 && examined < MAX_README_LINKS && links.trainingCodeLink === null) {
      examined++;
      if (isRepositoryPath(lower, at + host.length)) {
        const url = urlAround(text, at);
        links.codeLink ??= { value: url, source: 'README.md' };
        const lineStart = lower.lastIndexOf('\n', at) + 1;
        const lineEnd = lower.indexOf('\n', at);
        const line = lower.slice(lineStart, lineEnd === -1 ? lower.length : lineEnd);
        let headingAt = lower.lastIndexOf('\n#', at);
        if (headingAt === -1 && lower.startsWith('#')) headingAt = 0;
        const heading = headingAt === -1 ? '' : lower.slice(headingAt, lower.indexOf('\n', headingAt + 1));
        if (mentionsTraining(line) || mentionsTraining(heading)) {
          links.trainingCodeLink = { value: url, source: 'README.md' };
        }
      }
      at = lower.indexOf(host, at + host.length);
    }
  }
  return links;
}

const NO_README_LINKS: ReadmeLinks = { codeLink: null, trainingCodeLink: null, paperLink: null };

/** Top-level fields we read, with the JSON type the API gives them. */
const FIELD_TYPES: readonly (readonly [string, 'string' | 'boolean' | 'object' | 'array' | 'gated'])[] = [
  ['id', 'string'],
  ['modelId', 'string'],
  ['cardData', 'object'],
  ['tags', 'array'],
  ['siblings', 'array'],
  ['gated', 'gated'],
  ['disabled', 'boolean'],
  ['library_name', 'string'],
  ['safetensors', 'object'],
  ['gguf', 'object'],
  ['model-index', 'array'],
  ['evalResults', 'array'],
];

function wrongTypedFields(r: Record<string, unknown>): string[] {
  const wrong: string[] = [];
  for (const [field, type] of FIELD_TYPES) {
    const value = r[field];
    if (value === undefined || value === null) continue;
    const ok =
      type === 'array'
        ? Array.isArray(value)
        : type === 'object'
          ? isRecord(value)
          : type === 'gated'
            ? gatedFact(value) !== 'unrecognized'
            : typeof value === type;
    if (!ok) wrong.push(field);
  }
  return wrong;
}

/** The facts of a record. Non-object records yield the facts of an empty one. */
export function extractHfFacts(record: unknown, extra: HfExtra = {}): HfFacts {
  const r: Record<string, unknown> = isRecord(record) ? record : {};
  const card = isRecord(r.cardData) ? r.cardData : null;

  const arxivIds: string[] = [];
  const dois: string[] = [];
  const datasets: string[] = [];
  const licenseTags: string[] = [];
  const plainTags: string[] = [];
  let modelIndexTag = false;
  const tags = Array.isArray(r.tags) ? (r.tags as unknown[]) : null;
  if (tags !== null) {
    for (const tag of tags) {
      if (!usableToken(tag)) continue;
      const colon = tag.indexOf(':');
      if (colon === -1) {
        const lower = tag.toLowerCase();
        if (lower === 'model-index') modelIndexTag = true;
        else plainTags.push(lower);
        continue;
      }
      // Prefixes matched by position and startsWith: no slicing of tags we do not keep.
      if (colon === tag.length - 1) continue;
      if (colon === 7) {
        if (tag.startsWith('license:')) licenseTags.push(tag.slice(8));
        else if (tag.startsWith('dataset:')) addDataset(datasets, tag.slice(8));
      } else if (colon === 5) {
        if (tag.startsWith('arxiv:')) {
          const id = tag.slice(6);
          if (!arxivIds.includes(id)) arxivIds.push(id);
        }
      } else if (colon === 3) {
        if (tag.startsWith('doi:') && !tag.startsWith(HF_DOI_PREFIX, 4)) dois.push(tag.slice(4));
      }
      // `base_model:`, `region:`, `diffusers:` … are not openness evidence.
    }
  }
  const tagDatasetCount = datasets.length;
  if (card !== null) {
    const cardDatasets = card.datasets;
    if (Array.isArray(cardDatasets)) for (const dataset of cardDatasets) addDataset(datasets, dataset);
    else addDataset(datasets, cardDatasets);
  }
  const datasetsSource =
    tagDatasetCount === 0
      ? datasets.length === 0
        ? null
        : 'cardData.datasets'
      : datasets.length > tagDatasetCount
        ? 'tags[dataset:], cardData.datasets'
        : 'tags[dataset:]';

  const cardLicense = card === null ? null : licenseValue(card.license);
  const tagLicense =
    licenseTags.length === 0 ? null : licenseTags.length === 1 ? (licenseTags[0] ?? null) : licenseTags;
  const license = cardLicense ?? tagLicense;

  const files = fileList(r.siblings);
  let readmeInFiles = false;
  let configInFiles = false;
  if (files !== null) {
    for (const file of files) {
      if (file.length === 9 && file.toLowerCase() === 'readme.md') readmeInFiles = true;
      else if (file === 'config.json' || file === 'model_index.json' || file === 'params.json') configInFiles = true;
    }
  }
  const readme = typeof extra.readme === 'string' && hasNonBlank(extra.readme) ? extra.readme : null;

  let evaluation = modelIndexState(r['model-index']);
  let evaluationSource: string | null = evaluation === 'absent' ? null : 'model-index';
  if (evaluation !== 'results' && card !== null) {
    const fromCard = modelIndexState(card['model-index']);
    if (fromCard === 'results' || (fromCard === 'empty' && evaluation === 'absent')) {
      evaluation = fromCard;
      evaluationSource = 'cardData.model-index';
    }
  }
  if (evaluation !== 'results' && Array.isArray(r.evalResults) && r.evalResults.length > 0) {
    evaluation = 'results';
    evaluationSource = 'evalResults';
  }
  if (evaluation !== 'results' && modelIndexTag) {
    evaluation = 'results';
    evaluationSource = 'tags[model-index]';
  }

  const libraryName = usableToken(r.library_name)
    ? { value: r.library_name.toLowerCase(), source: 'library_name' }
    : card !== null && usableToken(card.library_name)
      ? { value: card.library_name.toLowerCase(), source: 'cardData.library_name' }
      : null;

  const readmeLinks = readme === null ? NO_README_LINKS : scanReadme(readme);
  const cardCodeLink = card === null ? null : cardLink(card, CARD_CODE_KEYS);
  const cardTrainingLink = card === null ? null : cardLink(card, CARD_TRAINING_CODE_KEYS);

  const safetensors = isRecord(r.safetensors) ? r.safetensors : null;
  const gguf = isRecord(r.gguf) ? r.gguf : null;

  return {
    repoId: parseHfRecordId(r) ?? (usableRepoId(extra.repoId) ? extra.repoId : null),
    license,
    licenseSource:
      cardLicense !== null ? 'cardData.license' : tagLicense !== null ? 'tags[license:]' : 'cardData.license',
    licenseObserved: card !== null || tags !== null,
    licenseName: card === null ? undefined : card.license_name,
    licenseLink: card === null ? undefined : card.license_link,
    gated: gatedFact(r.gated),
    gatedValue: textOf(r.gated),
    disabled: r.disabled === true,
    files,
    safetensorsTotal: safetensors === null ? null : positiveCount(safetensors.total),
    safetensorsParameterSum: safetensors === null ? null : parameterSum(safetensors.parameters),
    ggufTotal: gguf === null ? null : positiveCount(gguf.total),
    library: libraryName,
    plainTags,
    arxivIds,
    dois,
    datasets,
    datasetsSource,
    evaluation,
    evaluationSource,
    cardDataPresent: card !== null && hasOwnKeys(card),
    readmePresent: readmeInFiles || readme !== null,
    readmeSource: readmeInFiles ? 'siblings[README.md]' : readme !== null ? 'readme' : null,
    configPresent: configInFiles || (isRecord(r.config) && hasOwnKeys(r.config)),
    codeLink: cardCodeLink ?? readmeLinks.codeLink,
    trainingCodeLink: cardTrainingLink ?? readmeLinks.trainingCodeLink,
    paperLink: readmeLinks.paperLink,
    wrongTypedFields: wrongTypedFields(r),
  };
}
