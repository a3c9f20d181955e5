/**
 * A validated Civitai record → a catalog model (pure). How the fields map (docs/hubs.md, "Civitai"):
 *
 * - id `civitai:<model id>`, repoId the id as a string, name the record's `name`, author
 *   `creator.username` (null for a deleted account);
 * - task from `type` (HF-style pipeline names): checkpoints and the adapters trained on them
 *   (LoRA, LoCon, DoRA, embeddings, hypernetworks) are `text-to-image`, or `text-to-video` when the
 *   latest version's base model is a video model; ControlNets and upscalers `image-to-image`;
 *   motion modules `text-to-video`; detection models `object-detection`; VAEs, workflows,
 *   wildcards, poses and the rest none (they are parts or not models);
 * - tags: the hub's tags, `nsfw` for a model flagged NSFW (filterable like any tag), the type
 *   (`lora`, `checkpoint`, …) and `base_model:<base model of the latest version>`. Base models
 *   are family names (`SDXL 1.0`), not catalog ids, so `baseModels` stays empty;
 * - sha: the SHA256 of the latest version's primary file, which moves with each new version;
 * - downloads and downloadsAllTime: `stats.downloadCount` (Civitai counts all time and has no
 *   recent window); likes: `stats.thumbsUpCount`, else the older `favoriteCount`; a missing
 *   `stats` or a null counter is 0;
 * - createdAt: the first version's `publishedAt`; lastModified: the latest version's, which is
 *   what `sort=Newest` orders by (the listing has no `lastVersionAt`);
 * - gating `MANUAL` for early access (a purchase gate), `NONE` otherwise;
 * - inference providers: `civitai` when the model runs on Civitai's own generator;
 * - hubData (outside the snapshot, refreshed in place): `nsfw`, `nsfwLevel` (moves with the
 *   images), `type`, `mode`, `availability`, the latest version's base model and id, the version
 *   count, `commercialUse` (the flags as read).
 *
 * Counters, `nsfwLevel` and image lists never reach the snapshot, so a re-crawl that sees only
 * them change writes no change row.
 */
import type { CatalogModel, Gating } from '../catalog-model.js';
import { problemEvidence } from '../record-problems.js';
import { classifyCivitai, readCommercialUse } from '../../openness/civitai-input.js';
import { ggufQuantTypes } from '../huggingface/deployment-facts.js';
import type { CivitaiRecord, CivitaiVersion, FieldProblem } from './civitai-record.js';

export const HUB_ID = 'civitai';

const INT_MAX = 2_147_483_647;

/** Adapters trained on a base model, which generate what their base model does. */
const ADAPTER_TYPES: ReadonlySet<string> = new Set([
  'checkpoint',
  'lora',
  'locon',
  'lycoris',
  'dora',
  'textualinversion',
  'hypernetwork',
  'aestheticgradient',
]);
const TASK_BY_TYPE: Readonly<Record<string, string>> = {
  controlnet: 'image-to-image',
  upscaler: 'image-to-image',
  motionmodule: 'text-to-video',
  detection: 'object-detection',
};
/** Base-model families of video models (Civitai's `baseModel` names). */
const VIDEO_BASE_MODEL = /video|\bwan\b|wan ?2|hunyuan|ltxv|mochi|cogvideo|\bsvd\b|animatediff/i;

export function taskOf(type: string | undefined, baseModel: string | undefined): string | null {
  const key = type?.trim().toLowerCase() ?? '';
  if (ADAPTER_TYPES.has(key))
    return baseModel !== undefined && VIDEO_BASE_MODEL.test(baseModel) ? 'text-to-video' : 'text-to-image';
  return TASK_BY_TYPE[key] ?? null;
}

function time(value: string | undefined): number | null {
  if (value === undefined) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** When a version came out: published, else created. */
function versionTime(version: CivitaiVersion): number | null {
  return time(version.publishedAt) ?? time(version.createdAt);
}

/**
 * Versions newest first: by `index` (0 is the newest) when every version has one, else by
 * publication time; the hub's order breaks ties.
 */
export function orderedVersions(versions: readonly CivitaiVersion[] | undefined): CivitaiVersion[] {
  const list = [...(versions ?? [])];
  if (list.length > 1 && list.every((version) => version.index !== undefined)) {
    return list.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  }
  return list
    .map((version, position) => ({ version, position, at: versionTime(version) ?? -Infinity }))
    .sort((a, b) => b.at - a.at || a.position - b.position)
    .map(({ version }) => version);
}

/** The latest version's publication: Civitai's `lastVersionAt`, which `sort=Newest` orders by. */
export function lastVersionTime(record: Pick<CivitaiRecord, 'modelVersions' | 'lastVersionAt'>): number | null {
  let latest: number | null = null;
  for (const version of record.modelVersions ?? []) {
    const at = versionTime(version);
    if (at !== null && (latest === null || at > latest)) latest = at;
  }
  return latest ?? time(record.lastVersionAt);
}

function firstVersionTime(record: CivitaiRecord): number | null {
  let first: number | null = null;
  for (const version of record.modelVersions ?? []) {
    const at = versionTime(version);
    if (at !== null && (first === null || at < first)) first = at;
  }
  return first ?? time(record.publishedAt) ?? time(record.createdAt);
}

function primaryFile(version: CivitaiVersion | undefined) {
  const files = version?.files ?? [];
  return files.find((file) => file.primary === true) ?? files.find((file) => file.type === 'Model') ?? files[0];
}

function quantizationsOf(versions: readonly CivitaiVersion[]): string[] {
  const found = new Set<string>();
  const ggufNames: string[] = [];
  for (const version of versions) {
    for (const file of version.files ?? []) {
      if (file.name !== undefined && /\.gguf$/i.test(file.name)) ggufNames.push(file.name);
      const fp = file.metadata?.fp?.toLowerCase();
      if (fp === 'fp8' || fp === 'nf4') found.add(fp);
    }
  }
  for (const type of ggufQuantTypes(ggufNames)) found.add(type);
  return [...found].sort();
}

function clampCount(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(0, Math.round(value)), INT_MAX) : 0;
}

export function normalizeCivitaiRecord(record: CivitaiRecord, problems: readonly FieldProblem[]): CatalogModel {
  const repoId = String(record.id);
  const versions = orderedVersions(record.modelVersions);
  const latest = versions[0];
  const openness = classifyCivitai({ ...record, modelVersions: versions }, problemEvidence(problems));
  const baseModel = latest?.baseModel?.trim() || undefined;
  const type = record.type?.trim() || undefined;

  const tags = new Set((record.tags ?? []).map((tag) => tag.trim()).filter((tag) => tag !== ''));
  if (record.nsfw === true) tags.add('nsfw');
  if (type !== undefined) tags.add(type.toLowerCase());
  if (baseModel !== undefined) tags.add(`base_model:${baseModel}`);

  const availability = openness.weights.availability;
  const gating: Gating | null = availability === 'UNKNOWN' ? null : availability === 'GATED_MANUAL' ? 'MANUAL' : 'NONE';
  const sha = primaryFile(latest)?.hashes?.SHA256?.trim().toLowerCase();
  const created = firstVersionTime(record);
  const modified = lastVersionTime(record);
  const downloads = record.stats?.downloadCount;
  const commercial = readCommercialUse(record.allowCommercialUse);

  return {
    id: `${HUB_ID}:${repoId}`,
    hubId: HUB_ID,
    repoId,
    author: record.creator?.username?.trim() || null,
    name: record.name?.trim() || repoId,
    task: taskOf(type, baseModel),
    library: null,
    tags: [...tags].sort(),
    baseModels: [],
    sha: sha && /^[0-9a-f]{64}$/.test(sha) ? sha : null,
    gating,
    license: openness.license,
    parameterCount: null,
    downloads: clampCount(downloads),
    downloadsAllTime: typeof downloads === 'number' ? clampCount(downloads) : null,
    likes: clampCount(record.stats?.thumbsUpCount ?? record.stats?.favoriteCount),
    createdAt: created === null ? null : new Date(created),
    lastModified: modified === null ? null : new Date(modified),
    openness,
    formats: openness.weights.formats,
    quantizations: quantizationsOf(versions),
    localApps: [],
    inferenceProviders: record.supportsGeneration === true ? ['civitai'] : [],
    spaces: null,
    baseModelRelation: null,
    hubData: {
      nsfw: record.nsfw ?? null,
      nsfwLevel: record.nsfwLevel ?? null,
      type: type ?? null,
      mode: record.mode ?? null,
      availability: record.availability ?? null,
      baseModel: baseModel ?? null,
      latestVersionId: latest?.id ?? null,
      versions: versions.length,
      commercialUse: commercial.form === 'missing' ? null : [...commercial.granted, ...commercial.unknown],
    },
    raw: record,
  };
}
