/**
 * Expert openness judgments from reference sources, as stored in `openness_references` and shown
 * beside the automatic result of the catalog model with the same Hugging Face repo id.
 */
/** Equal to the Prisma enum `ReferenceSource`. */
export const REFERENCE_SOURCES = ['MOT', 'OSAI'] as const;
export type ReferenceSource = (typeof REFERENCE_SOURCES)[number];

/** The European Open Source AI Index's three-way grade; null in a grade slot means "empty" (not applicable). */
export const OSAI_GRADES = ['open', 'partial', 'closed'] as const;
export type OsaiGrade = (typeof OSAI_GRADES)[number];

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export interface OpennessReference {
  readonly source: ReferenceSource;
  /** The source's own id: the MOT model id, the Index's file name. */
  readonly externalId: string;
  readonly name: string;
  /** `owner/name` on Hugging Face when the source links a usable model repository. */
  readonly hfRepoId: string | null;
  /** MOT: the MOF class (a MofClass: `CLASS_I` … `NONE`); OSAI: the rank, `rank N/M`. */
  readonly class: string | null;
  /** In [0, 1]; null when the source has no score for the record. */
  readonly score: number | null;
  /** Per-component grades and licenses as the source states them. */
  readonly grades: { readonly [key: string]: Json };
  readonly url: string | null;
  readonly sourceVersion: string | null;
}

/** A record the source served that could not be mapped, with why. */
export interface SkippedRecord {
  readonly externalId: string;
  readonly reason: string;
}

export interface ReferenceFetch {
  readonly references: readonly OpennessReference[];
  readonly skipped: readonly SkippedRecord[];
}

/** One adapter per reference source (like one adapter per hub): fetch everything the source publishes now. */
export interface ReferenceAdapter {
  readonly source: ReferenceSource;
  fetchAll(signal?: AbortSignal): Promise<ReferenceFetch>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty trimmed string, or null. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}
