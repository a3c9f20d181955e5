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
import { RawRecordRepository } from './raw-record.repository.js';

export interface ReclassifyBatch {
  readonly processed: number;
  readonly changed: number;
  /** Where the next batch starts; null when this was the last one. */
  readonly nextAfter: string | null;
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
  ) {
    this.records = new RawRecordRepository(deps.pool);
  }

  private readonly records: RawRecordRepository;

  /** Models (not removed) whose assessment is not at `rulesVersion`. */
  pending(rulesVersion: string): Promise<number> {
    return this.records.countStale(rulesVersion);
  }

  /** Whether any model (not removed) awaits reclassification (for start-up). */
  anyPending(rulesVersion: string): Promise<boolean> {
    return this.records.anyStale(rulesVersion);
  }

  /** Reclassify the next `limit` stale models after model id `after` (ids ascending). */
  async batch(rulesVersion: string, after: string, limit = 1_000): Promise<ReclassifyBatch> {
    const rows = await this.records.staleBatch(rulesVersion, after, limit);
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
