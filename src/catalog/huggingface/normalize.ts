/** Hugging Face record → catalog model: pure, after boundary validation. */
import type { CatalogModel, Gating } from '../catalog-model.js';
import { problemEvidence } from '../record-problems.js';
import { classifyHuggingFace } from '../../openness/classify.js';
import type { OpennessResult } from '../../openness/types.js';
import {
  baseModelRelationOf,
  inferenceProvidersOf,
  localAppsOf,
  quantizationsOf,
  spacesOf,
} from './deployment-facts.js';
import type { FieldProblem, HfRecord } from './hf-record.js';

export const HUB_ID = 'huggingface';

/** Hugging Face stamps every repo created before it stored creation dates with this instant. */
const UNKNOWN_CREATED_AT = '2022-03-02T23:29:04.000Z';

const BASE_MODEL_TAG = /^base_model:(?:(?:finetune|adapter|quantized|merge):)?(.+)$/;

function date(value: string | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

function gatingOf(gated: HfRecord['gated']): Gating | null {
  if (gated === undefined) return null;
  if (gated === false) return 'NONE';
  return gated === 'manual' ? 'MANUAL' : 'AUTO';
}

function baseModelsOf(record: HfRecord): string[] {
  const found = new Set<string>();
  for (const tag of record.tags ?? []) {
    const match = BASE_MODEL_TAG.exec(tag);
    if (match?.[1]) found.add(match[1]);
  }
  const declared = record.cardData?.['base_model'];
  for (const value of Array.isArray(declared) ? declared : [declared]) {
    if (typeof value === 'string' && value.trim()) found.add(value.trim());
  }
  return [...found].sort();
}

export function normalizeHfRecord(
  record: HfRecord,
  problems: readonly FieldProblem[],
  details: { readme?: string | null; licenseText?: string | null } = {},
): CatalogModel {
  const repoId = record.id;
  const slash = repoId.indexOf('/');
  const classified = classifyHuggingFace(record, { ...details, repoId });
  const openness: OpennessResult =
    problems.length > 0
      ? { ...classified, evidence: [...classified.evidence, ...problemEvidence(problems)] }
      : classified;
  const baseModels = baseModelsOf(record);
  const formats = openness.weights.formats;
  const quantizations = quantizationsOf(record);
  return {
    id: `${HUB_ID}:${repoId}`,
    hubId: HUB_ID,
    repoId,
    author: record.author ?? (slash > 0 ? repoId.slice(0, slash) : null),
    name: slash > 0 ? repoId.slice(slash + 1) : repoId,
    task: record.pipeline_tag ?? null,
    library: record.library_name ?? null,
    tags: [...new Set(record.tags ?? [])].sort(),
    baseModels,
    sha: record.sha ?? null,
    gating: gatingOf(record.gated),
    license: openness.license,
    parameterCount: openness.weights.parameterCount,
    downloads: Math.min(record.downloads ?? 0, 2_147_483_647),
    downloadsAllTime: record.downloadsAllTime ?? null,
    likes: Math.min(record.likes ?? 0, 2_147_483_647),
    createdAt: record.createdAt === UNKNOWN_CREATED_AT ? null : date(record.createdAt),
    lastModified: date(record.lastModified),
    openness,
    formats,
    quantizations,
    localApps: localAppsOf(record),
    inferenceProviders: inferenceProvidersOf(record),
    spaces: spacesOf(record),
    baseModelRelation: baseModelRelationOf(record, baseModels, { formats, quantizations }),
    raw: record,
  };
}
