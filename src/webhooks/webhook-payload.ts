/**
 * The JSON body of a delivery: its id, its webhook and the changes it carries, each with the model
 * as it stood right after that change (the change-log row's own columns, so a retry sends the
 * same changes however the model moved on since). Read with one statement per delivery
 * (WebhookRepository.deliveryChanges).
 */
import type { ChangeKind } from '../catalog/catalog-model.js';
import type { CommercialUse, LicenseCategory, OpennessLevel } from '../openness/types.js';

export const WEBHOOK_EVENT = 'model.changed';

export interface WebhookChange {
  /** The change-log id (also a `changes(after:)` cursor). */
  readonly id: string;
  readonly kind: ChangeKind;
  readonly modelId: string;
  readonly occurredAt: string;
  readonly changedFields: string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly model: {
    readonly id: string;
    readonly hub: string;
    readonly repoId: string;
    readonly name: string;
    readonly author: string | null;
    readonly url: string;
    readonly license: {
      readonly id: string;
      readonly category: LicenseCategory | null;
      readonly commercialUse: CommercialUse | null;
    } | null;
    readonly opennessLevel: OpennessLevel | null;
  };
}

export interface WebhookBody {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly event: typeof WEBHOOK_EVENT;
  readonly changes: WebhookChange[];
}

export interface ChangeBodyRow {
  id: string;
  kind: ChangeKind;
  model_id: string;
  occurred_at: Date;
  changed_fields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hub_id: string;
  repo_id: string;
  name: string;
  author: string | null;
  base_url: string | null;
  license_id: string | null;
  license_category: LicenseCategory | null;
  commercial_use: CommercialUse | null;
  openness_level: OpennessLevel | null;
}

/** A change-log row of a delivery (WebhookRepository.deliveryChanges), shaped for its body. */
export function toWebhookChange(row: ChangeBodyRow): WebhookChange {
  return {
    id: row.id,
    kind: row.kind,
    modelId: row.model_id,
    occurredAt: row.occurred_at.toISOString(),
    changedFields: row.changed_fields,
    before: row.before,
    after: row.after,
    model: {
      id: row.model_id,
      hub: row.hub_id,
      repoId: row.repo_id,
      name: row.name,
      author: row.author,
      url: `${(row.base_url ?? '').replace(/\/+$/, '')}/${row.repo_id}`,
      license:
        row.license_id === null
          ? null
          : { id: row.license_id, category: row.license_category, commercialUse: row.commercial_use },
      opennessLevel: row.openness_level,
    },
  };
}
