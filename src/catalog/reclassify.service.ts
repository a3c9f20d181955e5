/**
 * Reclassification: when the rules version changes, every model is classified again from the raw
 * hub record (and the enrichment details) stored at its last crawl — no re-crawl — in batches, and
 * change-log rows are written only for models whose result actually changed (ingest decides that
 * by content hash). Unchanged models just get their assessment restamped with the new version.
 */
import type pg from 'pg';
import type { ChangePublisher } from './change-publisher.js';
import type { HubRecords } from './hub-records.js';
import type { Logger } from '../lib/logger.js';
import type { CatalogModel } from './catalog-model.js';
import type { IngestRepository } from './ingest.repository.js';

export interface ReclassifyBatch {
  readonly processed: number;
  readonly changed: number;
  /** Where the next batch starts; null when this was the last one. */
  readonly nextAfter: string | null;
}

interface StoredRecord {
  model_id: string;
  hub_id: string;
  payload: unknown;
  detail: { readme?: string | null; licenseText?: string | null } | null;
}

export class ReclassifyService {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      ingest: IngestRepository;
      adapters: ReadonlyMap<string, HubRecords>;
      publisher: ChangePublisher;
      logger: Logger;
    },
  ) {}

  /** Models (not removed) whose assessment is not at `rulesVersion`. */
  async pending(rulesVersion: string): Promise<number> {
    const { rows } = await this.deps.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM openness_assessments a JOIN models m ON m.id = a.model_id
       WHERE a.rules_version <> $1 AND m.removed_at IS NULL`,
      [rulesVersion],
    );
    return rows[0]?.n ?? 0;
  }

  /** Whether any model (not removed) awaits reclassification: an index-friendly EXISTS, for start-up. */
  async anyPending(rulesVersion: string): Promise<boolean> {
    const { rows } = await this.deps.pool.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM openness_assessments a JOIN models m ON m.id = a.model_id
         WHERE a.rules_version <> $1 AND m.removed_at IS NULL) AS pending`,
      [rulesVersion],
    );
    return rows[0]?.pending ?? false;
  }

  /** Reclassify the next `limit` stale models after model id `after` (ids ascending). */
  async batch(rulesVersion: string, after: string, limit = 1_000): Promise<ReclassifyBatch> {
    const { rows } = await this.deps.pool.query<StoredRecord>(
      `SELECT a.model_id, m.hub_id, r.payload, r.detail
       FROM openness_assessments a JOIN models m ON m.id = a.model_id JOIN raw_records r ON r.model_id = a.model_id
       WHERE a.rules_version <> $1 AND m.removed_at IS NULL AND a.model_id > $2
       ORDER BY a.model_id LIMIT $3`,
      [rulesVersion, after, limit],
    );
    const models: CatalogModel[] = [];
    for (const row of rows) {
      const adapter = this.deps.adapters.get(row.hub_id);
      const built = adapter?.buildModel(row.payload, {
        readme: row.detail?.readme ?? null,
        licenseText: row.detail?.licenseText ?? null,
      });
      if (built?.ok) models.push(built.model);
      else
        this.deps.logger.warn(
          { modelId: row.model_id, reason: built?.ok === false ? built.reason : 'no adapter' },
          'cannot reclassify',
        );
    }
    const result = await this.deps.ingest.ingestPage(models, { reclassify: true });
    if (result) await this.deps.publisher.publish(result.changes);
    return {
      processed: rows.length,
      changed: result?.changes.length ?? 0,
      nextAfter: rows.length === limit ? (rows.at(-1)?.model_id ?? null) : null,
    };
  }
}
