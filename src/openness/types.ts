/**
 * The openness schema (v1): the contract between the classifier (src/openness), the crawler's
 * ingest (src/crawl, src/catalog), the GraphQL API and the `classify` CLI. Names here are the
 * names the API and the `classify` JSON output use.
 *
 * Enum values equal the Prisma enums of the same names (prisma/schema.prisma), so a result can be
 * written to the database without mapping.
 */

export const LICENSE_CATEGORIES = [
  'PERMISSIVE',
  'COPYLEFT',
  'PUBLIC_DOMAIN',
  'OPEN_RAIL',
  'COMMUNITY',
  'NON_COMMERCIAL',
  'NO_DERIVATIVES',
  'PROPRIETARY',
  'UNSPECIFIED',
  'UNKNOWN',
] as const;
export type LicenseCategory = (typeof LICENSE_CATEGORIES)[number];

export const COMMERCIAL_USE = ['ALLOWED', 'CONDITIONAL', 'PROHIBITED', 'UNKNOWN'] as const;
export type CommercialUse = (typeof COMMERCIAL_USE)[number];

export const WEIGHTS_AVAILABILITY = [
  'OPEN',
  'GATED_AUTO',
  'GATED_MANUAL',
  'API_ONLY',
  'UNRELEASED',
  'REMOVED',
  'UNKNOWN',
] as const;
export type WeightsAvailability = (typeof WEIGHTS_AVAILABILITY)[number];

/** Status of a code, data or documentation component. UNKNOWN (no evidence) is not CLOSED. */
export const COMPONENT_STATUS = ['OPEN', 'PARTIAL', 'CLOSED', 'UNKNOWN'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUS)[number];

/** Ordered, lowest first. */
export const OPENNESS_LEVELS = [
  'CLOSED',
  'WEIGHTS_RESTRICTED',
  'OPEN_WEIGHTS_CONDITIONAL',
  'OPEN_WEIGHTS',
  'OPEN_TOOLING',
  'OPEN_SCIENCE',
] as const;
export type OpennessLevel = (typeof OPENNESS_LEVELS)[number];

export const MOF_CLASSES = ['CLASS_I', 'CLASS_II', 'CLASS_III', 'NONE'] as const;
export type MofClass = (typeof MOF_CLASSES)[number];

/** A normalized license, as stored in the `licenses` table plus the per-model hub value. */
export interface ResolvedLicense {
  /** Current SPDX id (or expression), `LicenseRef-<name>` (letters, digits, `.`, `-`), or `NONE` when none is declared. */
  readonly id: string;
  readonly name: string;
  readonly url: string | null;
  readonly category: LicenseCategory;
  readonly commercialUse: CommercialUse;
  readonly osiApproved: boolean;
  /** The value exactly as the hub gave it (null when the hub gave none). */
  readonly hubValue: string | null;
}

/** Which part of the assessment a piece of evidence decided. */
export type EvidenceDimension =
  | 'license'
  | 'weights'
  | 'parameters'
  | 'code.inference'
  | 'code.training'
  | 'data.training'
  | 'documentation.modelCard'
  | 'documentation.paper'
  | 'documentation.evaluation'
  | 'level'
  | 'mofClass'
  | 'input';

export interface Evidence {
  readonly dimension: EvidenceDimension;
  /** The status this evidence supports (e.g. `OPEN`, `GATED_MANUAL`, `PERMISSIVE`). */
  readonly status: string;
  /** Where it came from: a hub field path such as `tags[license:]`, `cardData.license`, `siblings`, `gated`. */
  readonly source: string;
  /** The value seen there (truncated when long), or null when the field was missing. */
  readonly value: string | null;
  /** Stable rule id, e.g. `license.hf-id`, `weights.gated-manual`. */
  readonly rule: string;
}

/** The classifier's result for one model; the shape of one `classify` output line (plus `id`). */
export interface OpennessResult {
  readonly license: ResolvedLicense;
  readonly weights: {
    readonly availability: WeightsAvailability;
    readonly formats: readonly string[];
    /** Null when unknown, never 0. */
    readonly parameterCount: number | null;
  };
  readonly code: { readonly inference: ComponentStatus; readonly training: ComponentStatus };
  readonly data: { readonly training: ComponentStatus };
  readonly documentation: {
    readonly modelCard: ComponentStatus;
    readonly paper: ComponentStatus;
    readonly evaluation: ComponentStatus;
  };
  readonly level: OpennessLevel;
  readonly mofClass: MofClass;
  readonly missingComponents: readonly string[];
  /** OSAI-style score in [0, 1]. */
  readonly score: number;
  readonly rulesVersion: string;
  readonly evidence: readonly Evidence[];
}

/** A resolved license with the evidence that decided it (the license resolver's result). */
export interface LicenseAssessment {
  readonly license: ResolvedLicense;
  readonly evidence: readonly Evidence[];
}

/**
 * One component's status and the evidence that decided it: what each hub's classifier hands
 * `assembleOpenness` (assemble.ts) for code, data and documentation.
 */
export interface ComponentAssessment {
  readonly status: ComponentStatus;
  readonly evidence: Evidence;
}
