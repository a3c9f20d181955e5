/**
 * Reads of the stored hub records (`raw_records`, beside `models` and `openness_assessments`):
 * the work lists of reclassification (models whose assessment is at another rules version) and of
 * enrichment (listed models whose details are missing or stale). Writes go through
 * IngestRepository (ingest.repository.ts).
 */
import type pg from 'pg';
import type { ModelTexts } from './hub-records.js';

/** A stored record to rebuild a model from: the listing payload and the fetched texts, if any. */
export interface StoredRecord {
  readonly model_id: string;
  readonly hub_id: string;
  readonly payload: unknown;
  readonly detail: ModelTexts | null;
}

/** What enrichment stored beside a raw record (`raw_records.detail`). */
export interface StoredDetails extends ModelTexts {
  /** The revision the details were fetched at (null for a hub without revisions). */
  readonly sha?: string | null;
  /** The hub's full record of the model at that revision. */
  readonly info?: Record<string, unknown> | null;
}

/** A listed model whose details are worth fetching. */
export interface StaleDetails {
  readonly id: string;
  readonly repo_id: string;
  readonly sha: string | null;
}

export class RawRecordRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Models (not removed) whose assessment is not at `rulesVersion`. */
  async countStale(rulesVersion: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM openness_assessments a JOIN models m ON m.id = a.model_id
       WHERE a.rules_version <> $1 AND m.removed_at IS NULL`,
      [rulesVersion],
    );
    return rows[0]?.n ?? 0;
  }

  /** Whether any model (not removed) awaits reclassification: an index-friendly EXISTS, for start-up. */
  async anyStale(rulesVersion: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM openness_assessments a JOIN models m ON m.id = a.model_id
         WHERE a.rules_version <> $1 AND m.removed_at IS NULL) AS pending`,
      [rulesVersion],
    );
    return rows[0]?.pending ?? false;
  }

  /** The next `limit` stale models after model id `after` (ids ascending), with their stored records. */
  async staleBatch(rulesVersion: string, after: string, limit: number): Promise<StoredRecord[]> {
    const { rows } = await this.pool.query<StoredRecord>(
      `SELECT a.model_id, m.hub_id, r.payload, r.detail
       FROM openness_assessments a JOIN models m ON m.id = a.model_id JOIN raw_records r ON r.model_id = a.model_id
       WHERE a.rules_version <> $1 AND m.removed_at IS NULL AND a.model_id > $2
       ORDER BY a.model_id LIMIT $3`,
      [rulesVersion, after, limit],
    );
    return rows;
  }

  /**
   * Of `modelIds`, the models that matter (downloads or likes at the thresholds) and whose details
   * are missing or stale (the stored details' sha is not the listing's), most downloaded first.
   */
  async staleDetails(
    modelIds: readonly string[],
    thresholds: { readonly minDownloads: number; readonly minLikes: number },
  ): Promise<StaleDetails[]> {
    const { rows } = await this.pool.query<StaleDetails>(
      `SELECT m.id, m.repo_id, m.sha FROM models m LEFT JOIN raw_records r ON r.model_id = m.id
       WHERE m.id = ANY($1::text[]) AND m.removed_at IS NULL AND (m.downloads >= $2 OR m.likes >= $3)
         AND (r.detail IS NULL OR (r.detail->>'sha') IS DISTINCT FROM m.sha)
       ORDER BY m.downloads DESC`,
      [modelIds, thresholds.minDownloads, thresholds.minLikes],
    );
    return rows;
  }

  /**
   * The details enrichment stored for each of `modelIds` that has them: the revision they were
   * fetched at (`sha`), the hub's full record (`info`) and the texts.
   */
  async storedDetails(modelIds: readonly string[]): Promise<Map<string, StoredDetails>> {
    if (modelIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ model_id: string; detail: StoredDetails }>(
      'SELECT model_id, detail FROM raw_records WHERE model_id = ANY($1::text[]) AND detail IS NOT NULL',
      [modelIds],
    );
    return new Map(rows.map((row) => [row.model_id, row.detail]));
  }

  /** The stored listing record of a model; null when there is none. */
  async payloadOf(modelId: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.pool.query<{ payload: Record<string, unknown> }>(
      'SELECT payload FROM raw_records WHERE model_id = $1',
      [modelId],
    );
    return rows[0]?.payload ?? null;
  }

  /** Whether the hub has any model (the seed's "only into an empty catalog"). */
  async hubHasModels(hubId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ exists: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM models WHERE hub_id = $1) AS exists',
      [hubId],
    );
    return rows[0]?.exists ?? false;
  }
}
