/**
 * `openness_references`: expert judgments, attached to catalog models by Hugging Face repo id
 * (`models.repo_id` = `openness_references.hf_repo_id` for hub `huggingface`).
 *
 * A source's references are replaced set-based, in one transaction: one INSERT … SELECT FROM
 * jsonb_to_recordset … ON CONFLICT DO UPDATE for all rows (raw SQL through the shared pool, as
 * ingest does: a loop of Prisma upserts costs a round trip per row), then one DELETE of the rows
 * the source no longer publishes.
 */
import type pg from 'pg';
import type { Json, OpennessReference, ReferenceSource } from './reference.types.js';

export interface ReplaceCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly removed: number;
}

export interface StoredReference {
  readonly id: string;
  readonly source: ReferenceSource;
  readonly externalId: string;
  readonly name: string;
  readonly hfRepoId: string | null;
  /** See OpennessReference.class. */
  readonly class: string | null;
  readonly score: number | null;
  readonly grades: Json;
  readonly url: string | null;
  readonly sourceVersion: string | null;
  readonly fetchedAt: Date;
}

interface ReferenceRow {
  id: string;
  source: ReferenceSource;
  external_id: string;
  name: string;
  hf_repo_id: string | null;
  class: string | null;
  score: number | null;
  grades: Json;
  url: string | null;
  source_version: string | null;
  fetched_at: Date;
}

const UPSERT = `
INSERT INTO openness_references AS t
  (source, external_id, name, hf_repo_id, class, score, grades, url, source_version, fetched_at)
SELECT r.source::"ReferenceSource", r.external_id, r.name, r.hf_repo_id, r.class, r.score,
       COALESCE(r.grades, '{}'::jsonb), r.url, r.source_version, $2
FROM jsonb_to_recordset($1::jsonb) AS r(
  source text, external_id text, name text, hf_repo_id text, class text, score double precision,
  grades jsonb, url text, source_version text)
ON CONFLICT (source, external_id) DO UPDATE SET
  name = EXCLUDED.name,
  hf_repo_id = EXCLUDED.hf_repo_id,
  class = EXCLUDED.class,
  score = EXCLUDED.score,
  grades = EXCLUDED.grades,
  url = EXCLUDED.url,
  source_version = EXCLUDED.source_version,
  fetched_at = EXCLUDED.fetched_at
RETURNING (xmax = 0) AS inserted`;

function toStored(row: ReferenceRow): StoredReference {
  return {
    id: String(row.id),
    source: row.source,
    externalId: row.external_id,
    name: row.name,
    hfRepoId: row.hf_repo_id,
    class: row.class,
    score: row.score,
    grades: row.grades,
    url: row.url,
    sourceVersion: row.source_version,
    fetchedAt: row.fetched_at,
  };
}

export class ReferenceRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Make the stored references of `source` exactly `references` (the source's complete current
   * set): upsert them and delete the ones it no longer publishes. References of another source
   * are refused.
   */
  async replaceSource(
    source: ReferenceSource,
    references: readonly OpennessReference[],
    fetchedAt: Date = new Date(),
  ): Promise<ReplaceCounts> {
    const byId = new Map<string, OpennessReference>();
    for (const reference of references) {
      if (reference.source !== source) throw new Error(`a ${reference.source} reference in a ${source} replace`);
      byId.set(reference.externalId, reference);
    }
    const rows = [...byId.values()]
      .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0))
      .map((reference) => ({
        source: reference.source,
        external_id: reference.externalId,
        name: reference.name,
        hf_repo_id: reference.hfRepoId,
        class: reference.class,
        score: reference.score,
        grades: reference.grades,
        url: reference.url,
        source_version: reference.sourceVersion,
      }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const upserted = await client.query<{ inserted: boolean }>(UPSERT, [JSON.stringify(rows), fetchedAt]);
      const removed = await client.query(
        'DELETE FROM openness_references WHERE source = $1::"ReferenceSource" AND NOT (external_id = ANY($2::text[]))',
        [source, rows.map((row) => row.external_id)],
      );
      await client.query('COMMIT');
      const inserted = upserted.rows.filter((row) => row.inserted).length;
      return { inserted, updated: upserted.rows.length - inserted, removed: removed.rowCount ?? 0 };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The references attached to these Hugging Face repo ids, by source then external id. */
  async findByHfRepoIds(repoIds: readonly string[]): Promise<StoredReference[]> {
    if (repoIds.length === 0) return [];
    const result = await this.pool.query<ReferenceRow>(
      `SELECT id, source, external_id, name, hf_repo_id, class, score, grades, url, source_version, fetched_at
       FROM openness_references WHERE hf_repo_id = ANY($1::text[]) ORDER BY source, external_id`,
      [repoIds],
    );
    return result.rows.map(toStored);
  }

  async listBySource(source: ReferenceSource): Promise<StoredReference[]> {
    const result = await this.pool.query<ReferenceRow>(
      `SELECT id, source, external_id, name, hf_repo_id, class, score, grades, url, source_version, fetched_at
       FROM openness_references WHERE source = $1::"ReferenceSource" ORDER BY external_id`,
      [source],
    );
    return result.rows.map(toStored);
  }

  /** How many of a source's references name a Hugging Face repo, and how many of those the catalog holds. */
  async attachmentCounts(source: ReferenceSource): Promise<{ withRepoId: number; inCatalog: number }> {
    const result = await this.pool.query<{ with_repo_id: string; in_catalog: string }>(
      `SELECT count(*) FILTER (WHERE r.hf_repo_id IS NOT NULL) AS with_repo_id,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM models m WHERE m.hub_id = 'huggingface' AND m.repo_id = r.hf_repo_id)) AS in_catalog
       FROM openness_references r WHERE r.source = $1::"ReferenceSource"`,
      [source],
    );
    const row = result.rows[0];
    return { withRepoId: Number(row?.with_repo_id ?? 0), inCatalog: Number(row?.in_catalog ?? 0) };
  }
}
