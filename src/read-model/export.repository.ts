/**
 * Bulk reads for the exports: rows streamed from a server-side cursor (pg-query-stream) on a
 * connection of their own, so a million-row export never sits in memory, and the newest change
 * (its id and time), which versions every export for conditional requests.
 */
import type { Readable } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { SqlStatement } from './models.sql.js';

/** Rows fetched per round trip: large enough to keep the connection busy, small enough to stay flat. */
const BATCH_SIZE = 500;

export interface LatestChange {
  readonly id: string;
  readonly at: Date;
}

export class ExportRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** The newest change-log row, or null when the log is empty. */
  async latestChange(): Promise<LatestChange | null> {
    const { rows } = await this.pool.query<{ id: string; at: Date }>(
      // By the bigint column, not the text alias (which would order '99' after '386').
      'SELECT c.id::text AS id, c.occurred_at AS at FROM model_changes c ORDER BY c.id DESC LIMIT 1',
    );
    return rows[0] ?? null;
  }

  /**
   * The rows of `statement`, in object mode. The connection goes back to the pool when the stream
   * ends, and is discarded (closing its cursor with it) when the stream is destroyed early: a
   * client that hangs up mid-export leaks nothing.
   */
  async stream(statement: SqlStatement): Promise<Readable> {
    const client = await this.pool.connect();
    const rows = client.query(new QueryStream(statement.text, [...statement.values], { batchSize: BATCH_SIZE }));
    let released = false;
    const release = (discard: boolean) => {
      if (released) return;
      released = true;
      client.release(discard);
    };
    rows.once('end', () => release(false));
    rows.once('error', () => release(true));
    rows.once('close', () => release(!rows.readableEnded));
    return rows;
  }
}
