/**
 * `Model.deployment` and `Model.ecosystem` (schema/deployment.graphql): the memory estimate and
 * its inverse for the `maxMemoryGb` filter, and the two views built from a model row and its
 * derivative counts. The estimate is one formula, used both to answer and to filter, so a model a
 * filter returns always shows an estimate within the bound.
 */
import type { ModelRow } from './catalog.rows.js';

export type Precision = 'BITS16' | 'BITS8' | 'BITS4';

export const PRECISION_BITS: Readonly<Record<Precision, number>> = { BITS16: 16, BITS8: 8, BITS4: 4 };

/**
 * What a runtime needs beyond the weights themselves (activations, KV cache for a short context,
 * framework buffers): 20 %, the usual rule of thumb for inference.
 */
export const MEMORY_OVERHEAD = 1.2;

/** GB are 10^9 bytes. */
const BYTES_PER_GB = 1e9;

/** parameters × bits / 8 bytes × 1.2, in GB of 10^9 bytes, rounded to two decimals (10 MB). */
export function estimateMemoryGb(parameterCount: number, bits: number): number {
  const gb = (((parameterCount * bits) / 8) * MEMORY_OVERHEAD) / BYTES_PER_GB;
  return Math.round(gb * 100) / 100;
}

/** Above this, float arithmetic no longer counts single parameters; no model comes near. */
const EXACT_LIMIT = Number.MAX_SAFE_INTEGER;
const BIGINT_MAX = 9_223_372_036_854_775_807n;

/**
 * The largest parameter count whose estimate at `bits` is at most `maxGb`: the `maxMemoryGb`
 * filter as a `parameter_count` bound, so the (parameter_count, id) index serves it. The estimate
 * is monotonic in the count, so the bound is exact: a count matches iff its estimate ≤ maxGb.
 */
export function maxParametersForMemory(maxGb: number, bits: number): bigint {
  // The rounded estimate reaches maxGb up to half a unit of its last decimal above it.
  const approximate = Math.floor(((maxGb + 0.005) * BYTES_PER_GB) / ((bits / 8) * MEMORY_OVERHEAD));
  if (approximate >= EXACT_LIMIT) return approximate >= Number(BIGINT_MAX) ? BIGINT_MAX : BigInt(approximate);
  let count = Math.max(approximate, -1);
  while (count >= 0 && estimateMemoryGb(count, bits) > maxGb) count--;
  while (count + 1 < EXACT_LIMIT && estimateMemoryGb(count + 1, bits) <= maxGb) count++;
  return BigInt(count);
}

export interface DerivativeCounts {
  readonly total: number;
  readonly finetunes: number;
  readonly adapters: number;
  readonly quantizations: number;
  readonly merges: number;
}

/** A `model_lineage_counts` row, by base model id. */
export interface LineageCountRow extends DerivativeCounts {
  readonly modelId: string;
}

export const NO_DERIVATIVES: DerivativeCounts = { total: 0, finetunes: 0, adapters: 0, quantizations: 0, merges: 0 };

export function deploymentOf(model: ModelRow) {
  const parameters = model.parameterCount === null ? null : Number(model.parameterCount);
  return {
    parameterCount: model.parameterCount,
    estimatedMemoryGb:
      parameters === null
        ? null
        : {
            bits16: estimateMemoryGb(parameters, PRECISION_BITS.BITS16),
            bits8: estimateMemoryGb(parameters, PRECISION_BITS.BITS8),
            bits4: estimateMemoryGb(parameters, PRECISION_BITS.BITS4),
          },
    formats: model.formats,
    quantizations: model.quantizations,
    localApps: model.localApps,
    inferenceProviders: model.inferenceProviders,
  };
}

const DAY_MS = 86_400_000;

/** Whole days from `createdAt` to `now`; null when the creation time is unknown. */
export function ageDays(createdAt: Date | null, now: Date): number | null {
  return createdAt === null ? null : Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS));
}

export function ecosystemOf(model: ModelRow, derivatives: DerivativeCounts, now: Date) {
  return {
    downloads: model.downloads,
    downloadsAllTime: model.downloadsAllTime,
    likes: model.likes,
    derivatives,
    spaces: model.spaces,
    ageDays: ageDays(model.createdAt, now),
    lastModified: model.lastModified,
  };
}
