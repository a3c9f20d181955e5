/**
 * Bulk reads for the exports: rows streamed from a server-side cursor on a connection of their
 * own, so a million-row export never sits in memory, and the newest change (its id and time),
 * which versions every export for conditional requests.
 *
 * The cursor is a SQL cursor (`DECLARE … CURSOR` in a read-only transaction, then `FETCH` a batch
 * at a time), not a protocol-level portal (pg-query-stream), because Postgres plans only a
 * declared cursor for its first rows (`cursor_tuple_fraction`). A portal is planned for its last
 * row: for an unfiltered models export that is a full scan and a sort by id that spills to disk,
 * and the first byte waits for the whole sort (about a second at 200,000 models, growing with the
 * catalog). Planned for a fast start, the same statement walks the id index (models_pkey,
 * model_changes_pkey) with nested-loop lookups that keep its order, and the first rows come at once
 * whatever the catalog's size; a filter that matches only a few rows still gets its own index and
 * a small sort, which is fast too.
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { SqlStatement } from './models.sql.js';
import { searchTermsOf } from './search-terms.repository.js';
import type { SearchQuery } from './search.js';

/** Rows fetched per round trip: large enough to keep the connection busy, small enough to stay flat. */
const BATCH_SIZE = 500;

/** The name of an export's cursor (one a connection), which also finds its session in pg_stat_activity. */
export const EXPORT_CURSOR = 'export_rows';

/**
 * The transaction of an export's cursor. `cursor_tuple_fraction`, the share of the rows the planner
 * optimizes the first rows for, is set here rather than left to the server's setting: small enough
 * that a plan that must sort everything before its first row loses to an index walk in id order.
 * JIT is off: Postgres would decide it on the cost of the whole export and compile before the first
 * row (30–100 ms, more on a connection that has not loaded LLVM yet), for rows it only has to read.
 */
export const EXPORT_TRANSACTION = 'BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 0.1; SET LOCAL jit = off';

/** The cursor of an export over `statement` (run inside EXPORT_TRANSACTION). */
export function declareExportCursor(statement: SqlStatement): SqlStatement {
  return { text: `DECLARE ${EXPORT_CURSOR} NO SCROLL CURSOR FOR ${statement.text}`, values: statement.values };
}

export interface LatestChange {
  readonly id: string;
  readonly at: Date;
}

/**
 * The rows of a declared cursor, in object mode, a batch per FETCH as the reader asks for more.
 * Ending commits the transaction (closing the cursor) and gives the connection back; destroying
 * the stream first (a client that hangs up mid-export) discards the connection, which ends the
 * transaction and its cursor in Postgres: nothing leaks.
 */
class CursorRows extends Readable {
  private fetching = false;
  private released = false;

  constructor(private readonly client: pg.PoolClient) {
    super({ objectMode: true, highWaterMark: BATCH_SIZE });
  }

  override _read(): void {
    // Node asks again after the pushes of the batch in flight, if it still wants rows.
    if (this.fetching || this.released) return;
    this.fetching = true;
    this.fetchBatch().catch((error: unknown) => this.destroy(error as Error));
  }

  private async fetchBatch(): Promise<void> {
    const { rows } = await this.client.query(`FETCH ${BATCH_SIZE} FROM ${EXPORT_CURSOR}`);
    const last = rows.length < BATCH_SIZE;
    if (last && !this.destroyed) {
      await this.client.query('COMMIT');
      this.release(false);
    }
    if (this.destroyed) return;
    this.fetching = false;
    for (const row of rows) this.push(row);
    if (last) this.push(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed before the last row: discarding the connection ends its transaction and cursor.
    this.release(true);
    callback(error);
  }

  private release(discard: boolean): void {
    if (this.released) return;
    this.released = true;
    this.client.release(discard);
  }
}

export class ExportRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** `filter` with its search expanded as `models` expands it (search-terms.repository.ts). */
  expandFilter<F extends { readonly search: SearchQuery | null }>(filter: F): Promise<F> {
    return searchTermsOf(this.pool).expandFilter(filter);
  }

  /** The newest change-log row, or null when the log is empty. */
  async latestChange(): Promise<LatestChange | null> {
    const { rows } = await this.pool.query<{ id: string; at: Date }>(
      // By the bigint column, not the text alias (which would order '99' after '386').
      'SELECT c.id::text AS id, c.occurred_at AS at FROM model_changes c ORDER BY c.id DESC LIMIT 1',
    );
    return rows[0] ?? null;
  }

  /**
   * The rows of `statement`, in object mode, from a cursor planned for its first rows. The
   * statement is planned (and a mistake in it thrown) before this resolves; its rows are read as
   * the stream is.
   */
  async stream(statement: SqlStatement): Promise<Readable> {
    const client = await this.pool.connect();
    try {
      await client.query(EXPORT_TRANSACTION);
      const cursor = declareExportCursor(statement);
      await client.query(cursor.text, [...cursor.values]);
    } catch (error) {
      client.release(true);
      throw error;
    }
    return new CursorRows(client);
  }
}
