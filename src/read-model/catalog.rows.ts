/**
 * Rows the catalog read side returns, shaped by the SQL (camelCase aliases) so resolvers map
 * nothing. They are the parent types of the GraphQL resolvers (codegen `mappers` in codegen.ts).
 */
import type { StoredReference } from '../references/reference.repository.js';
import type {
  ComponentStatus,
  Evidence,
  MofClass,
  OpennessLevel,
  ResolvedLicense,
  WeightsAvailability,
} from '../openness/types.js';
import type { BaseModelRelation, ChangeKind, Gating } from '../catalog/catalog-model.js';

/** A `models` row as the API reads it (no snapshot, no search document). */
export interface ModelRow {
  readonly id: string;
  readonly hubId: string;
  readonly repoId: string;
  readonly author: string | null;
  readonly name: string;
  readonly task: string | null;
  readonly library: string | null;
  readonly tags: string[];
  readonly baseModels: string[];
  readonly gating: Gating | null;
  readonly licenseId: string | null;
  readonly licenseHubValue: string | null;
  /** int8 comes back from pg as a decimal string; the BigInt scalar serializes it. */
  readonly parameterCount: string | null;
  readonly downloads: number;
  readonly downloadsAllTime: string | null;
  readonly likes: number;
  readonly createdAt: Date | null;
  readonly lastModified: Date | null;
  readonly removedAt: Date | null;
  readonly cardSummary: string | null;
  readonly formats: string[];
  readonly quantizations: string[];
  readonly localApps: string[];
  readonly inferenceProviders: string[];
  readonly spaces: number | null;
  readonly baseModelRelation: BaseModelRelation | null;
  /** The hub's facts without a field of their own (`Model.hubData`). */
  readonly hubData: Record<string, unknown> | null;
  /**
   * The assessment's headline, denormalized onto the model by ingest in the same transaction (null
   * only for a model without an assessment): `openness { level score mofClass }` needs no other read.
   */
  readonly opennessLevel: OpennessLevel | null;
  readonly opennessScore: number | null;
  readonly mofClass: MofClass | null;
  readonly weightsAvailability: WeightsAvailability | null;
}

/**
 * A model's headline: the columns both page indexes hold (models.sql.ts, MODEL_HEAD_COLUMNS). A
 * page whose selection asks for nothing more (model-projection.ts) reads only these; a field that
 * needs more completes the row through the request's `modelById` loader (one statement for all the
 * page's heads), so a head is never wrong, at worst one statement dearer.
 */
export interface ModelHead extends Pick<
  ModelRow,
  'id' | 'hubId' | 'repoId' | 'licenseId' | 'downloads' | 'removedAt' | 'opennessLevel' | 'opennessScore' | 'mofClass'
> {
  readonly head: true;
}

/** The parent of `Model` fields: a whole row, or a head read by a page. */
export type ModelParent = ModelRow | ModelHead;

export const isHead = (model: ModelParent): model is ModelHead => 'head' in model;

/** The sort key of a page's row (for its cursor), as the page statement returns it. */
export interface SortKeyed {
  readonly sortKey: string | number | Date | null;
}

/** A row of a `models` page: the model plus the value of the order's sort key. */
export type ModelPageRow = ModelRow & SortKeyed;

/** A row of a head page (`id` is `<hub>:<repoId>`; hub and repo id are split from it). */
export type ModelHeadPageRow = Omit<ModelHead, 'head' | 'hubId' | 'repoId'> & SortKeyed;

/** A `licenses` row: the normalized license without the per-model hub value. */
export type LicenseRow = Omit<ResolvedLicense, 'hubValue'>;

/**
 * `Model.license`: the license row plus the value the model's hub gave — a function when the model
 * is a head (graphql-js calls a function-valued property), so that it completes the row only when
 * `hubValue` is selected.
 */
export interface LicenseParent extends LicenseRow {
  readonly hubValue: string | null | (() => Promise<string | null>);
}

export interface AssessmentRow {
  readonly modelId: string;
  readonly rulesVersion: string;
  readonly level: OpennessLevel;
  readonly score: number;
  readonly mofClass: MofClass;
  readonly missingComponents: string[];
  readonly weightsAvailability: WeightsAvailability;
  readonly weightsFormats: string[];
  readonly codeInference: ComponentStatus;
  readonly codeTraining: ComponentStatus;
  readonly dataTraining: ComponentStatus;
  readonly docModelCard: ComponentStatus;
  readonly docPaper: ComponentStatus;
  readonly docEvaluation: ComponentStatus;
  readonly evidence: Evidence[];
  readonly assessedAt: Date;
}

/**
 * `Model.openness`: the model (headline fields, parameter count, repo id for references) and its
 * assessment, read (batched per page) only by the fields that need more than the headline.
 */
export interface OpennessParent {
  readonly model: ModelParent;
  readonly assessment: () => Promise<AssessmentRow>;
}

export type ReferenceRow = StoredReference;

export interface ChangeRow {
  readonly id: string;
  readonly modelId: string;
  readonly kind: ChangeKind;
  readonly occurredAt: Date;
  readonly changedFields: string[];
  readonly before: unknown;
  readonly after: unknown;
  /** The crawl run that committed it (history and the change feed select it). */
  readonly crawlRunId?: string | null;
  /** The model as it is now, when the reader already has it (live subscriptions). */
  readonly model?: ModelRow | null;
}

export interface HubUrlRow {
  readonly id: string;
  readonly baseUrl: string;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

/** A Relay connection whose `totalCount` is computed only when selected. */
export interface ConnectionParent<Node> {
  readonly edges: readonly { readonly cursor: string; readonly node: Node }[];
  readonly pageInfo: PageInfo;
  readonly totalCount: () => Promise<number>;
}

export type ModelConnectionParent = ConnectionParent<ModelParent>;
export type ChangeConnectionParent = ConnectionParent<ChangeRow>;
