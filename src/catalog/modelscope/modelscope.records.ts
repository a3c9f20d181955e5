/**
 * ModelScope records → catalog models: boundary validation (./modelscope-record.ts), then normalize
 * and classify (src/openness/modelscope-input.ts). Pure.
 *
 * The mapping (docs/hubs.md, "ModelScope"): id `modelscope:<owner>/<name>`, author the owner, task
 * the first of `tasks`, the license from `license` (free text), the parameter count from `params`,
 * the revision (`sha`, which keys enrichment) from `last_modified`.
 * ModelScope reports one download count, which the catalog reads as both the recent and the
 * all-time count. `tasks` (all of them) and `file_size` have no column: they go to `hubData`,
 * outside the snapshot like the counters, so they never make a change row.
 */
import { classifyModelScope } from '../../openness/modelscope-input.js';
import { problemEvidence } from '../record-problems.js';
import type { OpennessResult } from '../../openness/types.js';
import type { CatalogModel } from '../catalog-model.js';
import type { HubRecords, ModelTexts } from '../hub-records.js';
import { buildWithTexts, MAX_TEXT } from '../huggingface/huggingface.records.js';
import {
  parseHubTime,
  validateModelScopeRecord,
  type FieldProblem,
  type ModelScopeRecord,
} from './modelscope-record.js';

export const HUB_ID = 'modelscope';

/** The longest README or LICENSE text kept, as for Hugging Face. */
export { MAX_TEXT };

const MAX_INT = 2_147_483_647;

function gatingOf(gated: ModelScopeRecord['gated']): CatalogModel['gating'] {
  if (gated === undefined) return null;
  if (gated === false || gated === 'none') return 'NONE';
  return gated === 'manual' ? 'MANUAL' : 'AUTO';
}

function hubDataOf(record: ModelScopeRecord): CatalogModel['hubData'] {
  const data: Record<string, string | number | readonly string[]> = {};
  if (record.tasks && record.tasks.length > 0) data['tasks'] = record.tasks;
  if (record.file_size !== undefined) data['fileSize'] = record.file_size;
  if (record.chinese_name !== undefined && record.chinese_name.trim() !== '') data['chineseName'] = record.chinese_name;
  return Object.keys(data).length > 0 ? data : null;
}

/**
 * The revision enrichment is keyed on (`sha`: details are fetched again when it moves, and kept
 * beside the listing while it does not). ModelScope has no commit id in its records, so it is
 * `last_modified`, normalized (seconds, milliseconds and ISO text of one instant are one
 * revision); null without one.
 */
function revisionOf(record: ModelScopeRecord): string | null {
  return parseHubTime(record.last_modified)?.toISOString() ?? null;
}

export function normalizeModelScopeRecord(
  record: ModelScopeRecord,
  problems: readonly FieldProblem[],
  details: ModelTexts = {},
): CatalogModel {
  const repoId = record.id;
  const slash = repoId.indexOf('/');
  const classified = classifyModelScope(record, details);
  const openness: OpennessResult =
    problems.length > 0
      ? { ...classified, evidence: [...classified.evidence, ...problemEvidence(problems)] }
      : classified;
  const downloads = Math.min(record.downloads ?? 0, MAX_INT);
  return {
    id: `${HUB_ID}:${repoId}`,
    hubId: HUB_ID,
    repoId,
    author: repoId.slice(0, slash),
    name: repoId.slice(slash + 1),
    task: record.tasks?.[0] ?? null,
    library: record.library?.trim() || null,
    tags: [...new Set(record.tags ?? [])].sort(),
    baseModels: [],
    sha: revisionOf(record),
    gating: gatingOf(record.gated),
    license: openness.license,
    parameterCount: openness.weights.parameterCount,
    downloads,
    downloadsAllTime: record.downloads === undefined ? null : downloads,
    likes: Math.min(record.likes ?? 0, MAX_INT),
    createdAt: parseHubTime(record.created_at),
    lastModified: parseHubTime(record.last_modified),
    openness,
    formats: openness.weights.formats,
    quantizations: [],
    localApps: [],
    inferenceProviders: [],
    spaces: null,
    baseModelRelation: null,
    hubData: hubDataOf(record),
    raw: record,
  };
}

/** `last_modified` of a raw record (seconds, milliseconds or ISO), for incremental crawls. */
function lastModifiedOf(record: unknown): Date | null {
  if (typeof record !== 'object' || record === null) return null;
  return parseHubTime((record as { last_modified?: unknown }).last_modified);
}

export const modelScopeRecords: HubRecords = {
  hubId: HUB_ID,
  buildModel: buildWithTexts(validateModelScopeRecord, normalizeModelScopeRecord),
  lastModifiedOf,
};
