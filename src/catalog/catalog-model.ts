/**
 * A catalog model as ingest writes it: hub-neutral, already normalized and classified. The
 * snapshot is the set of normalized fields whose change is a *change* (a change-log row); volatile
 * counters (downloads, likes) are refreshed in place and never produce change rows, or every
 * re-crawl would flood subscribers.
 */
import { createHash } from 'node:crypto';
import type { OpennessResult, ResolvedLicense } from '../openness/types.js';

export type Gating = 'NONE' | 'AUTO' | 'MANUAL';

/** How a model derives from its base models (Hugging Face's `base_model_relation`). */
export type BaseModelRelation = 'FINETUNE' | 'ADAPTER' | 'QUANTIZED' | 'MERGE';

export interface CatalogModel {
  /** `<hub>:<repoId>` */
  readonly id: string;
  readonly hubId: string;
  readonly repoId: string;
  readonly author: string | null;
  readonly name: string;
  readonly task: string | null;
  readonly library: string | null;
  readonly tags: readonly string[];
  readonly baseModels: readonly string[];
  readonly sha: string | null;
  readonly gating: Gating | null;
  readonly license: ResolvedLicense;
  readonly parameterCount: number | null;
  readonly downloads: number;
  readonly downloadsAllTime: number | null;
  readonly likes: number;
  readonly createdAt: Date | null;
  readonly lastModified: Date | null;
  readonly openness: OpennessResult;
  // Deployment and ecosystem (docs/openness.md), all outside the snapshot: formats are already in it (as
  // `weights.formats`); quantizations and the base-model relation only change with a new commit,
  // whose sha is in it; local apps, inference providers and Spaces move with the Hub's app table and
  // with providers and Spaces coming and going. Keeping them out means that a new way of reading
  // them (a rules change) never re-announces the whole catalog as UPDATED. Ingest writes them with
  // the row and refreshes them in place on every sighting, like the counters.
  /** Weight file formats published (`safetensors`, `gguf`, …): the classifier's `weights.formats`. */
  readonly formats: readonly string[];
  /** GGUF file types (`Q4_K_M`) and quantization methods (`gptq`, `bitsandbytes-4bit`), sorted. */
  readonly quantizations: readonly string[];
  /** Local apps that run the model (`llama.cpp`, `ollama`, `vllm`, …), sorted. */
  readonly localApps: readonly string[];
  /** Hosted inference providers serving it live, sorted. */
  readonly inferenceProviders: readonly string[];
  /** Spaces using it; null when the hub record does not say. */
  readonly spaces: number | null;
  /** Its relation to its base models; null when it has none. */
  readonly baseModelRelation: BaseModelRelation | null;
  /**
   * Facts of this hub that have no column of their own, as a flat JSON object (Civitai's `nsfw`,
   * OpenRouter's pricing and context length, …): outside the snapshot like the counters, so a price
   * change never makes a change row; refreshed in place on every sighting.
   */
  readonly hubData?: Readonly<Record<string, string | number | boolean | null | readonly string[]>> | null;
  /** The validated hub record the model was built from (kept for reclassification). */
  readonly raw: Record<string, unknown>;
}

/**
 * The key that finds a model's mirrors on other hubs: `author/name`, lowercase, letters and digits
 * only (`meta-llama/Llama-3.1-8B` and `Meta-Llama/llama_3.1_8b` meet at `metallama/llama318b`).
 * Null without an author or when nothing of the name is left: such a model is linked only by
 * declared links.
 */
export function mirrorKeyOf(model: Pick<CatalogModel, 'author' | 'name'>): string | null {
  if (!model.author) return null;
  const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const author = clean(model.author);
  const name = clean(model.name);
  return author && name ? `${author}/${name}` : null;
}

/** The ids of the same model on other hubs that the hub record itself declares (`hubData.sameAs`). */
export function declaredSameAs(model: Pick<CatalogModel, 'id' | 'hubData'>): string[] {
  const declared = model.hubData?.sameAs;
  if (!Array.isArray(declared)) return [];
  return [
    ...new Set(declared.filter((id): id is string => typeof id === 'string' && id.includes(':') && id !== model.id)),
  ].sort();
}

export type SnapshotValue = string | number | boolean | null | readonly string[];
export type Snapshot = Readonly<Record<string, SnapshotValue>>;

/** The normalized fields, named as the GraphQL API names them. */
export function snapshotOf(model: CatalogModel): Snapshot {
  const o = model.openness;
  return {
    author: model.author,
    name: model.name,
    task: model.task,
    library: model.library,
    tags: model.tags,
    baseModels: model.baseModels,
    sha: model.sha,
    gated: model.gating,
    license: model.license.id,
    licenseCategory: model.license.category,
    commercialUse: model.license.commercialUse,
    licenseHubValue: model.license.hubValue,
    parameterCount: model.parameterCount,
    createdAt: model.createdAt?.toISOString() ?? null,
    lastModified: model.lastModified?.toISOString() ?? null,
    'openness.level': o.level,
    'openness.mofClass': o.mofClass,
    'openness.score': o.score,
    'openness.missingComponents': o.missingComponents,
    'weights.availability': o.weights.availability,
    'weights.formats': o.weights.formats,
    'code.inference': o.code.inference,
    'code.training': o.code.training,
    'data.training': o.data.training,
    'documentation.modelCard': o.documentation.modelCard,
    'documentation.paper': o.documentation.paper,
    'documentation.evaluation': o.documentation.evaluation,
  };
}

/** Stable hash of a snapshot (keys in insertion order, which snapshotOf fixes). */
export function contentHash(snapshot: Snapshot): string {
  return createHash('sha1').update(JSON.stringify(snapshot)).digest('base64url');
}

export type ChangeKind =
  'CREATED' | 'UPDATED' | 'LICENSE_CHANGED' | 'GATING_CHANGED' | 'OPENNESS_CHANGED' | 'REMOVED' | 'RESTORED';

export interface SnapshotDiff {
  readonly changedFields: string[];
  readonly before: Record<string, SnapshotValue>;
  readonly after: Record<string, SnapshotValue>;
}

function same(a: SnapshotValue | undefined, b: SnapshotValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => item === b[index]);
  return a === b;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const changedFields: string[] = [];
  const b: Record<string, SnapshotValue> = {};
  const a: Record<string, SnapshotValue> = {};
  // The order of `after` (snapshotOf's order), whatever order a stored `before` comes back in.
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    if (same(before[key], after[key])) continue;
    changedFields.push(key);
    b[key] = before[key] ?? null;
    a[key] = after[key] ?? null;
  }
  return { changedFields, before: b, after: a };
}

const OPENNESS_FIELDS = ['openness.level', 'openness.mofClass', 'openness.score', 'weights.availability'];

/**
 * The most significant kind for a change, in the order the crawler issue fixes: CREATED, REMOVED,
 * RESTORED, LICENSE_CHANGED, GATING_CHANGED, OPENNESS_CHANGED, UPDATED. A license change that also
 * moves the openness level is one LICENSE_CHANGED row listing both fields.
 */
export function changeKind(event: {
  created: boolean;
  removed: boolean;
  restored: boolean;
  changedFields: readonly string[];
}): ChangeKind {
  if (event.created) return 'CREATED';
  if (event.removed) return 'REMOVED';
  if (event.restored) return 'RESTORED';
  const changed = new Set(event.changedFields);
  if (changed.has('license')) return 'LICENSE_CHANGED';
  if (changed.has('gated')) return 'GATING_CHANGED';
  if (OPENNESS_FIELDS.some((field) => changed.has(field))) return 'OPENNESS_CHANGED';
  return 'UPDATED';
}
