/**
 * One Postgres pool per process, shared by Prisma (through @prisma/adapter-pg) and by the
 * repositories' set-based raw SQL, so both count against the same connection budget.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../lib/logger.js';

export interface Database {
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

export function createDatabase(config: Pick<Config, 'database'>, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: config.database.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (Postgres restarted) must not crash the process. Logged
  // without the client pg attaches to the error (its connection parameters, a password among them).
  pool.on('error', (error: Error & { code?: string }) =>
    logger.warn(
      { reason: error.message, code: error.code },
      'idle Postgres client lost its connection (the pool reconnects on next use)',
    ),
  );
  // A client checked out of the pool has lost the pool's listener: its connection failing between
  // two queries (Postgres stopped mid-transaction) would be an unheard 'error' event, which crashes
  // the process. With this one, its next query fails instead, and whoever runs it reports that.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => logger.debug({ reason: error.message }, 'Postgres client error'));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    pool,
    prisma,
    close() {
      closed ??= prisma.$disconnect().then(() => pool.end());
      return closed;
    },
  };
}

/** Cheapest round trip that proves the database answers. */
export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
