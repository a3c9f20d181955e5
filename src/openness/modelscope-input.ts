/**
 * The ModelScope classifier: a ModelScope model record (as the OpenAPI's listing or detail answer
 * gives it, after the boundary of src/catalog/modelscope/) → each dimension's status and evidence →
 * `assembleOpenness`, which derives the level, MOF class and score like every hub's (docs/hubs.md).
 *
 * What a ModelScope record can tell (docs/hubs.md, "ModelScope"):
 * - `license` is free text ("Apache License 2.0", "apache-2.0", "GPL-3.0", "other", Chinese text,
 *   "" …), resolved by the shared license resolver with `license` as the evidence source. A record
 *   without the field cannot tell whether a license is declared (UNKNOWN); `""` or `null` says none
 *   is (UNSPECIFIED).
 * - Weights: ModelScope model repositories are public git repositories whose files anyone can
 *   download, so the weights are OPEN unless the record says otherwise (`private: true`, a `gated`
 *   value). Formats come only from a file list, which enrichment adds (`files`); with one, a
 *   repository without any weight file is UNRELEASED.
 * - `params`: the parameter count, when it is a plausible number.
 * - Documentation and code: from the file list (README.md), the README text, the library and
 *   `arxiv:`/`dataset:` tags when present. The listing carries none of these; without them the
 *   statuses stay UNKNOWN, never CLOSED.
 *
 * Pure and total: never throws on JSON-shaped input.
 */
import { assembleOpenness } from './assemble.js';
import { componentAssessment } from './component-assessment.js';
import { OPEN_SOURCE_LIBRARIES } from './dimensions/code.js';
import { KNOWN_OPEN_DATASETS } from './dimensions/data.js';
import { availabilityFromGate, libraryWeightExtensions, scanWeightFiles } from './dimensions/weights.js';
import { evidence } from './evidence.js';
import { isRecord, scanReadme, type GatedFact, type SourcedValue } from './huggingface-input.js';
import { resolveLicense } from './licenses/index.js';
import type { ComponentAssessment, Evidence, LicenseAssessment, OpennessResult, WeightsAvailability } from './types.js';

/** Where the license is read from: ModelScope's one `license` field. */
export const MODELSCOPE_LICENSE_SOURCE = 'license';

/**
 * Below this, `params` is not a parameter count: some hubs write billions (`7`, `0.5`), and no
 * published model has fewer than a thousand parameters. Such values are read as unknown.
 */
export const MIN_PARAMETER_COUNT = 1_000;

export interface ModelScopeExtra {
  readonly readme?: string | null;
  readonly licenseText?: string | null;
}

/** What the classifier reads of a record; each field as the hub gave it, or absent. */
export interface ModelScopeFacts {
  /** `license` as given (any type); `undefined` when the record has no such field. */
  readonly license: unknown;
  readonly licenseObserved: boolean;
  readonly private: boolean | null;
  /** `gated`: false/'none', 'auto' (or true), 'manual'; `missing` when absent (the hub has no gates). */
  readonly gated: GatedFact;
  readonly gatedValue: string | null;
  /** Repository file paths; null when the record has no file list (every listing record). */
  readonly files: readonly string[] | null;
  readonly parameterCount: number | null;
  readonly paramsValue: string | null;
  readonly library: string | null;
  /** Lowercased tags without a `prefix:`. */
  readonly plainTags: readonly string[];
  readonly arxivIds: readonly string[];
  readonly datasets: readonly string[];
}

/** A field's value as evidence text: scalars as they are, anything else as JSON; null when absent. */
function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string' && item.length > 0 && item.length <= 1_024);
}

function gatedOf(value: unknown): GatedFact {
  if (value === undefined || value === null) return 'missing';
  if (value === false || value === 'none' || value === 'false') return 'none';
  if (value === true || value === 'auto' || value === 'true') return 'auto';
  if (value === 'manual') return 'manual';
  return 'unrecognized';
}

function parameterCountOf(value: unknown): number | null {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(number) || number < MIN_PARAMETER_COUNT) return null;
  const rounded = Math.round(number);
  return Number.isSafeInteger(rounded) ? rounded : null;
}

function fileList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const files: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.length > 0) files.push(item);
    else if (isRecord(item) && typeof item['Path'] === 'string') files.push(item['Path']);
    else if (isRecord(item) && typeof item['path'] === 'string') files.push(item['path']);
  }
  return files;
}

/** The facts of a record; a non-object yields the facts of an empty one. */
export function extractModelScopeFacts(record: unknown): ModelScopeFacts {
  const r = isRecord(record) ? record : {};
  const plainTags: string[] = [];
  const arxivIds: string[] = [];
  const datasets: string[] = [];
  for (const tag of strings(r['tags'])) {
    const lower = tag.trim().toLowerCase();
    if (lower.startsWith('arxiv:') && lower.length > 6) {
      if (!arxivIds.includes(lower.slice(6))) arxivIds.push(lower.slice(6));
    } else if (lower.startsWith('dataset:') && lower.length > 8) {
      if (!datasets.includes(tag.trim().slice(8))) datasets.push(tag.trim().slice(8));
    } else if (!lower.includes(':')) plainTags.push(lower);
  }
  const library = typeof r['library'] === 'string' && r['library'].trim() !== '' ? r['library'].trim() : null;
  const params = r['params'];
  return {
    license: r['license'],
    licenseObserved: 'license' in r && r['license'] !== undefined,
    private: typeof r['private'] === 'boolean' ? r['private'] : null,
    gated: gatedOf(r['gated']),
    gatedValue: textOf(r['gated']),
    files: fileList(r['files']),
    parameterCount: parameterCountOf(params),
    paramsValue: textOf(params),
    library: library?.toLowerCase() ?? null,
    plainTags,
    arxivIds,
    datasets,
  };
}

// ---------------------------------------------------------------------------------------------
// Dimensions

function licenseOf(facts: ModelScopeFacts, licenseText: string | null): LicenseAssessment {
  if (!facts.licenseObserved && licenseText === null) {
    // The registry's own "unknown" license, as for a Hugging Face record without card data.
    return {
      license: {
        ...resolveLicense({ hubLicense: 'unknown', source: MODELSCOPE_LICENSE_SOURCE }).license,
        hubValue: null,
      },
      evidence: [evidence('license', 'UNKNOWN', MODELSCOPE_LICENSE_SOURCE, null, 'license.not-in-record')],
    };
  }
  // A string is resolved as free text (ids, names and aliases in any case); `other` and `""` turn
  // to the LICENSE file's text when enrichment fetched it.
  return resolveLicense({
    hubLicense: facts.licenseObserved ? facts.license : null,
    source: MODELSCOPE_LICENSE_SOURCE,
    licenseText,
  });
}

interface WeightsResult {
  readonly availability: WeightsAvailability;
  readonly formats: readonly string[];
  readonly evidence: Evidence;
}

function weightsOf(facts: ModelScopeFacts): WeightsResult {
  if (facts.private === true) {
    return {
      availability: 'UNRELEASED',
      formats: [],
      evidence: evidence('weights', 'UNRELEASED', 'private', 'true', 'weights.private'),
    };
  }
  // As on Hugging Face: a gate we cannot read is the stricter one; no gate at all is open.
  const gate = availabilityFromGate(facts.gated);
  const ungated = facts.gated === 'missing' || facts.gated === 'none';
  const gateText = `gated=${facts.gatedValue ?? 'absent'}, private=${facts.private ?? 'absent'}`;
  if (facts.files === null) {
    return {
      availability: gate,
      formats: [],
      evidence: evidence(
        'weights',
        gate,
        'private, gated',
        `${gateText}; a ModelScope model repository is downloadable by anyone unless private or gated (no file list read)`,
        ungated ? 'weights.hub-public-repository' : `weights.gated-${facts.gated}`,
      ),
    };
  }
  // A library's own containers (scikit-learn pickles, spaCy wheels, …) count as weights, as on Hugging Face.
  const scan = scanWeightFiles(facts.files, libraryWeightExtensions(facts.library));
  if (scan.weightFileCount === 0) {
    return {
      availability: 'UNRELEASED',
      formats: [],
      evidence: evidence(
        'weights',
        'UNRELEASED',
        'files',
        `${facts.files.length} files, none a weight file`,
        'weights.no-weight-files',
      ),
    };
  }
  const files = `${scan.weightFileCount} weight files (${scan.formats.join(', ')}), e.g. ${scan.firstWeightFile ?? ''}`;
  return {
    availability: gate,
    formats: scan.formats,
    evidence: evidence(
      'weights',
      gate,
      'gated, files',
      `${gateText}; ${files}`,
      ungated ? 'weights.open' : `weights.gated-${facts.gated}`,
    ),
  };
}

/** OPEN on a link the README gives (a code repository, a paper); null without one. */
function linked(
  dimension: Evidence['dimension'],
  link: SourcedValue | null | undefined,
  rule: string,
): ComponentAssessment | null {
  return link ? componentAssessment(dimension, 'OPEN', link.source, link.value, rule) : null;
}

function hasNonBlank(text: string | null): text is string {
  return text !== null && text.trim() !== '';
}

/** Classify a ModelScope model record, with the README and LICENSE text when enrichment fetched them. */
export function classifyModelScope(record: unknown, extra: ModelScopeExtra = {}): OpennessResult {
  const facts = extractModelScopeFacts(record);
  const readme = typeof extra.readme === 'string' && hasNonBlank(extra.readme) ? extra.readme : null;
  const licenseText =
    typeof extra.licenseText === 'string' && hasNonBlank(extra.licenseText) ? extra.licenseText : null;
  const links = readme === null ? null : scanReadme(readme);
  const inputEvidence = isRecord(record)
    ? []
    : [evidence('input', 'UNKNOWN', 'record', record === null ? 'null' : typeof record, 'input.not-an-object')];

  const openLibrary =
    facts.library !== null && OPEN_SOURCE_LIBRARIES.has(facts.library)
      ? componentAssessment('code.inference', 'OPEN', 'library', facts.library, 'code.inference.open-library')
      : null;
  const libraryTag = facts.plainTags.find((tag) => OPEN_SOURCE_LIBRARIES.has(tag));
  const inferenceCode =
    openLibrary ??
    (libraryTag !== undefined
      ? componentAssessment('code.inference', 'OPEN', 'tags', libraryTag, 'code.inference.open-library-tag')
      : (linked('code.inference', links?.codeLink, 'code.inference.readme-link') ??
        componentAssessment('code.inference', 'UNKNOWN', 'library, tags, readme', null, 'code.inference.no-evidence')));

  const trainingCode =
    linked('code.training', links?.trainingCodeLink, 'code.training.readme-link') ??
    componentAssessment('code.training', 'UNKNOWN', 'readme', null, 'code.training.no-evidence');

  const trainingData =
    facts.datasets.length === 0
      ? componentAssessment('data.training', 'UNKNOWN', 'tags[dataset:]', null, 'data.training.none-declared')
      : facts.datasets.every((dataset) => KNOWN_OPEN_DATASETS.has(dataset.toLowerCase()))
        ? componentAssessment(
            'data.training',
            'OPEN',
            'tags[dataset:]',
            facts.datasets.join(', '),
            'data.training.known-open',
          )
        : componentAssessment(
            'data.training',
            'PARTIAL',
            'tags[dataset:]',
            facts.datasets.join(', '),
            'data.training.disclosed',
          );

  const readmeSource =
    readme !== null
      ? 'readme'
      : facts.files?.some((file) => file.toLowerCase() === 'readme.md')
        ? 'files[README.md]'
        : null;
  const modelCard =
    readmeSource !== null
      ? componentAssessment(
          'documentation.modelCard',
          'OPEN',
          readmeSource,
          'README.md',
          'documentation.model-card.readme',
        )
      : facts.files !== null
        ? componentAssessment(
            'documentation.modelCard',
            'CLOSED',
            'files',
            `${facts.files.length} files, no README.md`,
            'documentation.model-card.no-readme',
          )
        : componentAssessment('documentation.modelCard', 'UNKNOWN', 'files', null, 'documentation.model-card.unknown');

  const paper =
    facts.arxivIds.length > 0
      ? componentAssessment(
          'documentation.paper',
          'OPEN',
          'tags[arxiv:]',
          facts.arxivIds.join(', '),
          'documentation.paper.arxiv-tag',
        )
      : (linked('documentation.paper', links?.paperLink, 'documentation.paper.readme-link') ??
        componentAssessment(
          'documentation.paper',
          'UNKNOWN',
          'tags[arxiv:], readme',
          null,
          'documentation.paper.none',
        ));

  const parameters =
    facts.parameterCount !== null
      ? {
          parameterCount: facts.parameterCount,
          evidence: evidence('parameters', 'KNOWN', 'params', String(facts.parameterCount), 'parameters.params'),
        }
      : {
          parameterCount: null,
          evidence: evidence('parameters', 'UNKNOWN', 'params', facts.paramsValue, 'parameters.unknown'),
        };

  return assembleOpenness({
    license: licenseOf(facts, licenseText),
    weights: weightsOf(facts),
    parameters,
    inferenceCode,
    trainingCode,
    trainingData,
    modelCard,
    paper,
    // ModelScope records carry no evaluation results.
    evaluation: componentAssessment(
      'documentation.evaluation',
      'UNKNOWN',
      'record',
      null,
      'documentation.evaluation.absent',
    ),
    inputEvidence,
  });
}
