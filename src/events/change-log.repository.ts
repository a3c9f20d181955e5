/**
 * Reading the change log in id order: the feed (`changes`), catch-up of subscriptions, the live
 * stream's follower, webhook dispatch and the Atom feed all read it through here.
 *
 * Ids are assigned in commit order (ingest.repository.ts takes a transaction-scoped advisory lock
 * before inserting change rows), so once a reader has seen id N, every row with a smaller id is
 * either visible already or never will be (its transaction rolled back): following `id > last`
 * never skips a row that commits late.
 *
 * Retention (docs/changes.md) removes whole months of the log. What it removed is its horizon
 * (`change_log_horizon`): every id at or below `expired_through_id` may be gone. Reads start above
 * it, so a reader never sees a partial past, and a cursor (or `since`) below it is refused with
 * CHANGES_EXPIRED — checked after the read, so a month dropped while the read ran is caught too.
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

/** What retention removed from the log. */
export interface ChangeLogHorizon {
  /**
   * Every change with an id at or below this may be gone; "0" when nothing was removed. Also the
   * oldest cursor a client may resume from: everything after it is still in the log.
   */
  readonly throughId: string;
  /** Every change that occurred before this instant may be gone; null when nothing was removed. */
  readonly before: Date | null;
}

export const NO_HORIZON: ChangeLogHorizon = { throughId: '0', before: null };

/**
 * The horizon's id as a scalar subquery (0 when nothing was removed): reads start above it. Rows
 * below it that retention kept (a month it could not drop yet) are no longer part of the log.
 */
const HORIZON_ID = 'coalesce((SELECT h.expired_through_id FROM change_log_horizon h WHERE h.id = 1), 0)';

/** `a < b` for canonical decimal ids. */
const idBelow = (a: string, b: string) => BigInt(a) < BigInt(b);

/**
 * The refusal of a cursor (or `since`) older than the horizon: the client is to resync its state
 * from the catalog itself, then follow the log from `oldestCursor`.
 */
export function changesExpired(
  horizon: ChangeLogHorizon,
  given: { readonly argument: string; readonly value: string },
): CatalogError {
  const before = horizon.before?.toISOString() ?? null;
  return new CatalogError(
    'CHANGES_EXPIRED',
    `\`${given.argument}\` (${given.value}) is older than the change log keeps: retention removed the changes ` +
      `through id ${horizon.throughId}${before === null ? '' : ` (those that occurred before ${before})`}, so the ` +
      `changes after it cannot all be returned. Resync from \`models\` (or GET /export/models.jsonl), then ` +
      `follow the log with \`after: "${horizon.throughId}"\`.`,
    { argument: given.argument, oldestCursor: horizon.throughId, expiredBefore: before },
  );
}

/** The largest id a bigint column holds. */
const MAX_ID = 9_223_372_036_854_775_807n;

/**
 * A change id given by a client (`after`): the decimal id of a change (also its cursor). `0`
 * means "before the first change". Throws INVALID_CURSOR for anything else; whether such a change
 * exists is `ChangeLog.requireRetained`'s business.
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
 * changed fields joined by `;` (one cell), the facts as the change recorded them. From the start
 * ("0"), the export starts above the retention horizon; from an `afterId` below it, it has no rows
 * rather than rows with a gap before them (the route cannot refuse it yet: docs/changes.md).
 */
export function changesExportSql(filter: ChangeFilter, afterId: string): { text: string; values: unknown[] } {
  const values: unknown[] = [afterId];
  const where = [
    `c.id > GREATEST($1::bigint, ${HORIZON_ID})`,
    `($1::bigint = 0 OR $1::bigint >= ${HORIZON_ID})`,
    ...changeFilterConditions(filter, values),
  ];
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

  /** What retention has removed so far. */
  async horizon(): Promise<ChangeLogHorizon> {
    const { rows } = await this.pool.query<{ through: string; before: Date }>(
      'SELECT expired_through_id::text AS through, expired_before AS before FROM change_log_horizon WHERE id = 1',
    );
    const row = rows[0];
    return row ? { throughId: row.through, before: row.before } : NO_HORIZON;
  }

  /**
   * Refuse a position the log cannot continue from without a gap. An `after` below the horizon, or,
   * when reading from the start, a `since` before it, is CHANGES_EXPIRED. An `after` that names no
   * change (other than the horizon itself) is INVALID_CURSOR: a client resuming from an id the log
   * never handed out must hear so, not be silently restarted from "now" or from the beginning.
   * `after` null or "0" is the start of the log: its oldest change still kept.
   */
  async requireRetained(
    after: string | null,
    options: { readonly since?: Date | null; readonly argument?: string } = {},
  ): Promise<void> {
    const argument = options.argument ?? 'after';
    const position = after ?? '0';
    const { rows } = await this.pool.query<{ through: string | null; before: Date | null; known: boolean }>(
      `SELECT h.expired_through_id::text AS through, h.expired_before AS before,
         $1::bigint = 0 OR EXISTS (SELECT 1 FROM model_changes c WHERE c.id = $1::bigint) AS known
       FROM (SELECT 1) AS one LEFT JOIN change_log_horizon h ON h.id = 1`,
      [position],
    );
    const row = rows[0];
    const horizon: ChangeLogHorizon =
      row && row.through !== null ? { throughId: row.through, before: row.before } : NO_HORIZON;
    if (position !== '0') {
      if (idBelow(position, horizon.throughId)) throw changesExpired(horizon, { argument, value: position });
      if (position === horizon.throughId || row?.known) return;
      throw new CatalogError(
        'INVALID_CURSOR',
        `\`${argument}\`: no change has id ${position}; pass the id of a change you received (or "0" for the start of the log)`,
        { argument },
      );
    }
    const since = options.since ?? null;
    if (since !== null && horizon.before !== null && since.getTime() < horizon.before.getTime()) {
      throw changesExpired(horizon, { argument: 'filter.since', value: since.toISOString() });
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
      `SELECT count(*)::int AS n FROM model_changes c WHERE ${[`c.id > ${HORIZON_ID}`, ...where].join(' AND ')}`,
      values,
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Up to `limit` rows with `afterId < id ≤ throughId` (no upper bound when null) that match
   * `filter`, in id order, above the retention horizon.
   */
  async read(
    afterId: string,
    filter: ChangeFilter,
    limit: number,
    throughId: string | null = null,
  ): Promise<LoggedChange[]> {
    const values: unknown[] = [afterId];
    const where = [`c.id > GREATEST($1::bigint, ${HORIZON_ID})`, ...changeFilterConditions(filter, values)];
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
