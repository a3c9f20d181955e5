/**
 * The change log's monthly partitions (migration 20261208000000_change_log_partitions): what they
 * are, creating one (with `change_log_ensure_partition`, which moves the month's rows out of the
 * default partition first), and dropping expired ones together with the horizon they move.
 *
 * DDL on a partitioned table takes strong locks: attaching a partition locks the default
 * partition, dropping one locks the whole table, so that readers queue behind it while it waits.
 * Every statement here waits at most `lockTimeoutMs` for its locks (a long export holds the table
 * for its whole stream), and fails with LockNotAvailable rather than stall the API; the
 * maintenance job tries again on its next run.
 */
import pg from 'pg';
import type { ChangeLogHorizon } from './change-log.repository.js';

/** The partitioned table and its default partition. */
export const CHANGE_LOG_TABLE = 'model_changes';
export const DEFAULT_PARTITION = 'model_changes_default';

/** One maintenance run at a time, across processes (a session advisory lock on its own client). */
const MAINTENANCE_LOCK = 7716002;

/** Postgres' lock_not_available: a lock was not granted within lock_timeout. */
export const LOCK_NOT_AVAILABLE = '55P03';

/** A partition of the change log, with the ids it holds. */
export interface ChangePartition {
  readonly name: string;
  /** The UTC month it holds, `[from, to)`; both null for the default partition. */
  readonly from: Date | null;
  readonly to: Date | null;
  /** Its smallest and largest change id; null when it is empty. */
  readonly minId: string | null;
  readonly maxId: string | null;
}

/** A partition retention drops, with the largest id it held when it was chosen. */
export interface ExpiredPartition {
  readonly name: string;
  readonly to: Date;
  readonly maxId: string | null;
}

/** What a drop did: the partitions it dropped and the horizon after it; null when it dropped nothing. */
export interface DropResult {
  readonly dropped: readonly string[];
  readonly horizon: ChangeLogHorizon;
}

export function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE;
}

export class ChangePartitionRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly lockTimeoutMs: number,
  ) {}

  /**
   * Run `work` holding the maintenance lock, or return null at once when another run holds it.
   * The lock is a session lock on a client of its own, released before the client goes back.
   */
  async withMaintenanceLock<T>(work: () => Promise<T>): Promise<T | null> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        MAINTENANCE_LOCK,
      ]);
      if (!rows[0]?.locked) return null;
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  /** Every partition of the log, the default one included, with its bounds and id range. */
  async partitions(): Promise<ChangePartition[]> {
    const { rows: bounds } = await this.pool.query<{ name: string; from: Date | null; to: Date | null }>(
      `SELECT c.relname AS name,
         (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz AS "from",
         (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz AS "to"
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
       WHERE i.inhparent = $1::regclass
       ORDER BY 2 NULLS LAST`,
      [CHANGE_LOG_TABLE],
    );
    if (bounds.length === 0) return [];
    // One statement, each branch an index-only look at the ends of a partition's primary key.
    const { rows: ranges } = await this.pool.query<{ name: string; min: string | null; max: string | null }>(
      bounds
        .map(
          (partition, i) =>
            `SELECT $${i + 1}::text AS name, min(id)::text AS min, max(id)::text AS max FROM ${pg.escapeIdentifier(partition.name)}`,
        )
        .join(' UNION ALL '),
      bounds.map((partition) => partition.name),
    );
    const byName = new Map(ranges.map((range) => [range.name, range]));
    return bounds.map((partition) => ({
      ...partition,
      minId: byName.get(partition.name)?.min ?? null,
      maxId: byName.get(partition.name)?.max ?? null,
    }));
  }

  /** The UTC months of the rows waiting in the default partition (normally none). */
  async monthsInDefault(): Promise<Date[]> {
    const { rows } = await this.pool.query<{ month: Date }>(
      `SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month
       FROM ${pg.escapeIdentifier(DEFAULT_PARTITION)} ORDER BY 1`,
    );
    return rows.map((row) => row.month);
  }

  /** The partition of the UTC month holding `month`, created if missing; true when it was created. */
  async ensurePartition(month: Date): Promise<boolean> {
    const created = await this.transaction(async (client) => {
      const { rows } = await client.query<{ created: boolean }>(
        'SELECT change_log_ensure_partition($1::timestamptz) AS created',
        [month],
      );
      return rows[0]?.created === true;
    });
    return created === true;
  }

  /**
   * Drop `expired` and move the horizon past them, in one transaction that holds the whole table
   * (ACCESS EXCLUSIVE: DROP takes it anyway) while it checks that no partition received a change
   * with a larger id since it was chosen; if one did, nothing is dropped (null) and the next run
   * decides again.
   *
   * The horizon's id becomes the largest id dropped. Its time becomes the end of the latest month
   * dropped, or just after the latest change kept below the horizon's id (rows of a month kept while
   * a later one was dropped: reads start above the id, so those rows are gone for readers too),
   * whichever is later.
   */
  async dropExpired(expired: readonly ExpiredPartition[]): Promise<DropResult | null> {
    if (expired.length === 0) return null;
    return this.transaction(async (client) => {
      await client.query(`LOCK TABLE ${pg.escapeIdentifier(CHANGE_LOG_TABLE)} IN ACCESS EXCLUSIVE MODE`);
      const { rows: now } = await client.query<{ name: string; max: string | null }>(
        expired
          .map(
            (partition, i) =>
              `SELECT $${i + 1}::text AS name, max(id)::text AS max FROM ${pg.escapeIdentifier(partition.name)}`,
          )
          .join(' UNION ALL '),
        expired.map((partition) => partition.name),
      );
      const maxNow = new Map(now.map((row) => [row.name, row.max]));
      if (expired.some((partition) => (maxNow.get(partition.name) ?? null) !== partition.maxId)) return null;

      await client.query(`DROP TABLE ${expired.map((partition) => pg.escapeIdentifier(partition.name)).join(', ')}`);
      const holding = expired.filter((partition) => partition.maxId !== null);
      if (holding.length > 0) {
        const throughId = holding.map((partition) => BigInt(partition.maxId!)).reduce((a, b) => (a > b ? a : b));
        const before = new Date(Math.max(...holding.map((partition) => partition.to.getTime())));
        await client.query(
          `WITH moved AS (
             SELECT GREATEST($1::bigint, coalesce((SELECT expired_through_id FROM change_log_horizon WHERE id = 1), 0)) AS through
           )
           INSERT INTO change_log_horizon (id, expired_through_id, expired_before, updated_at)
           SELECT 1, moved.through,
             GREATEST($2::timestamptz,
               (SELECT max(c.occurred_at) + interval '1 millisecond' FROM ${pg.escapeIdentifier(CHANGE_LOG_TABLE)} c
                WHERE c.id <= moved.through)),
             now()
           FROM moved
           ON CONFLICT (id) DO UPDATE SET
             expired_through_id = GREATEST(change_log_horizon.expired_through_id, excluded.expired_through_id),
             expired_before = GREATEST(change_log_horizon.expired_before, excluded.expired_before),
             updated_at = excluded.updated_at`,
          [throughId.toString(), before],
        );
      }
      const { rows } = await client.query<{ through: string; before: Date }>(
        'SELECT expired_through_id::text AS through, expired_before AS before FROM change_log_horizon WHERE id = 1',
      );
      const horizon = rows[0];
      return {
        dropped: expired.map((partition) => partition.name),
        horizon: horizon ? { throughId: horizon.through, before: horizon.before } : { throughId: '0', before: null },
      };
    });
  }

  /** One transaction whose lock waits are bounded by `lockTimeoutMs`. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T | null>): Promise<T | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.lockTimeoutMs))}`);
      const result = await work(client);
      await client.query(result === null ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
