/**
 * Reading the change log in id order: the feed (`changes`), catch-up of subscriptions, the live
 * stream's follower, webhook dispatch and the Atom feed all read it through here.
 *
 * Ids are assigned in commit order (ingest.repository.ts takes a transaction-scoped advisory lock
 * before inserting change rows), so once a reader has seen id N, every row with a smaller id is
 * either visible already or never will be (its transaction rolled back): following `id > last`
 * never skips a row that commits late.
 */
import type pg from 'pg';
import type { ChangeKind } from '../catalog/catalog-model.js';
import { CatalogError } from '../lib/errors.js';
import type { ModelRow } from '../read-model/catalog.rows.js';
import type { LicenseCategory, OpennessLevel } from '../openness/types.js';
import { changeFilterConditions, type ChangeFacts, type ChangeFilter } from './change-filter.js';

/** A change-log row as readers see it. `id` is a decimal string (bigint). */
export interface LoggedChange extends ChangeFacts {
  readonly id: string;
  readonly kind: ChangeKind;
  readonly changedFields: string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly crawlRunId: string | null;
  readonly licenseId: string | null;
  readonly licenseCategory: LicenseCategory | null;
  readonly opennessLevel: OpennessLevel | null;
  /** The model as it is now, when a reader attached it (the live stream does, once per batch). */
  model?: ModelRow | null;
}

export const CHANGE_LOG_COLUMNS = `c.id::text AS id, c.model_id AS "modelId", c.kind, c.occurred_at AS "occurredAt",
  coalesce(c.changed_fields, '{}') AS "changedFields", c.before, c.after, c.crawl_run_id::text AS "crawlRunId",
  c.hub_id AS "hubId", c.author, c.license_id AS "licenseId", c.license_category AS "licenseCategory",
  c.openness_level AS "opennessLevel"`;

/** The largest id a bigint column holds. */
const MAX_ID = 9_223_372_036_854_775_807n;

/**
 * A change id given by a client (`after`): the decimal id of a change (also its cursor). `0`
 * means "before the first change". Throws INVALID_CURSOR for anything else; whether such a change
 * exists is `ChangeLog.requireKnown`'s business.
 */
export function parseChangeId(text: string, argument = 'after'): string {
  if (!/^\d{1,19}$/.test(text) || BigInt(text) > MAX_ID) {
    throw new CatalogError(
      'INVALID_CURSOR',
      `\`${argument}\` must be the id of a change (a decimal number, as \`ModelChange.id\` returns it), or "0" for the start of the log`,
      { argument },
    );
  }
  return BigInt(text).toString();
}

/** The columns of a change export (`GET /export/changes.csv|jsonl|json`), in order. */
export const CHANGE_EXPORT_COLUMNS = [
  'id',
  'occurred_at',
  'kind',
  'model_id',
  'hub',
  'author',
  'changed_fields',
  'license_id',
  'license_category',
  'openness_level',
  'crawl_run_id',
] as const;

/**
 * The change rows after `afterId` that match `filter`, in id order, for a streamed export: the
 * changed fields joined by `;` (one cell), the facts as the change recorded them.
 */
export function changesExportSql(filter: ChangeFilter, afterId: string): { text: string; values: unknown[] } {
  const values: unknown[] = [afterId];
  const where = ['c.id > $1::bigint', ...changeFilterConditions(filter, values)];
  return {
    text: `SELECT c.id::text AS id, c.occurred_at, c.kind, c.model_id, c.hub_id AS hub, c.author,
  array_to_string(coalesce(c.changed_fields, '{}'), ';') AS changed_fields, c.license_id, c.license_category,
  c.openness_level, c.crawl_run_id::text AS crawl_run_id
FROM model_changes c WHERE ${where.join(' AND ')}
ORDER BY c.id`,
    values,
  };
}

export class ChangeLog {
  constructor(private readonly pool: pg.Pool) {}

  /** The newest committed id, "0" when the log is empty. */
  async latestId(): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT coalesce(max(id), 0)::text AS id FROM model_changes',
    );
    return rows[0]?.id ?? '0';
  }

  /**
   * Refuse an `after` that names no change: a client resuming from an id the log never handed out
   * must hear so, not be silently restarted from "now" or from the beginning.
   */
  async requireKnown(id: string, argument = 'after'): Promise<void> {
    if (id === '0') return;
    const { rowCount } = await this.pool.query('SELECT 1 FROM model_changes WHERE id = $1::bigint', [id]);
    if (rowCount === 0) {
      throw new CatalogError(
        'INVALID_CURSOR',
        `\`${argument}\`: no change has id ${id}; pass the id of a change you received (or "0" for the start of the log)`,
        { argument },
      );
    }
  }

  /** The newest `limit` rows matching `filter`, newest first (the Atom feed). */
  async latest(filter: ChangeFilter, limit: number): Promise<LoggedChange[]> {
    const values: unknown[] = [];
    const where = changeFilterConditions(filter, values);
    values.push(limit);
    const { rows } = await this.pool.query<LoggedChange>(
      `SELECT ${CHANGE_LOG_COLUMNS} FROM model_changes c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.id DESC LIMIT $${values.length}`,
      values,
    );
    return rows;
  }

  /** How many rows match `filter` (the whole log). */
  async count(filter: ChangeFilter): Promise<number> {
    const values: unknown[] = [];
    const where = changeFilterConditions(filter, values);
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model_changes c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
      values,
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Up to `limit` rows with `afterId < id ≤ throughId` (no upper bound when null) that match
   * `filter`, in id order.
   */
  async read(
    afterId: string,
    filter: ChangeFilter,
    limit: number,
    throughId: string | null = null,
  ): Promise<LoggedChange[]> {
    const values: unknown[] = [afterId];
    const where = ['c.id > $1::bigint', ...changeFilterConditions(filter, values)];
    if (throughId !== null) {
      values.push(throughId);
      where.push(`c.id <= $${values.length}::bigint`);
    }
    values.push(limit);
    const { rows } = await this.pool.query<LoggedChange>(
      `SELECT ${CHANGE_LOG_COLUMNS} FROM model_changes c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT $${values.length}`,
      values,
    );
    return rows;
  }
}
