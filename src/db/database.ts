/**
 * One Postgres pool per process, shared by Prisma (through @prisma/adapter-pg) and by the
 * repositories' set-based raw SQL, so both count against the same connection budget. With
 * DATABASE_READ_URL, a second pool on a streaming replica for the API's catalog reads
 * (docs/replicas.md); Prisma, every write and the change log stay on the primary.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../lib/logger.js';

export interface Database {
  /** The primary: every write, and every read that must see the latest commit. */
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  /** The replica's pool (DATABASE_READ_URL), or null when there is none. */
  readonly replica: pg.Pool | null;
  /**
   * Where reads that may lag go (the API's catalog, stats and model exports): `replica` when there
   * is one, else `pool` itself. Nothing that writes, or follows the change log, may use it.
   */
  readonly readPool: pg.Pool;
  close(): Promise<void>;
}

function createPool(url: string, size: number, role: 'primary' | 'replica', logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // No JIT: this service's statements are short, index-backed reads and page writes, and a
    // plan whose estimated cost passes jit_above_cost (a ranked search's tiers that never run, a
    // walk estimated over the whole index) paid up to 2 s of compilation to run in 10 ms
    // (EXPLAIN ANALYZE over a million models; docs/search.md).
    options: '-c jit=off',
  });
  // An idle client losing its connection (Postgres restarted) must not crash the process. Logged
  // without the client pg attaches to the error (its connection parameters, a password among them).
  pool.on('error', (error: Error & { code?: string }) =>
    logger.warn(
      { reason: error.message, code: error.code, pool: role },
      'idle Postgres client lost its connection (the pool reconnects on next use)',
    ),
  );
  // A client checked out of the pool has lost the pool's listener: its connection failing between
  // two queries (Postgres stopped mid-transaction) would be an unheard 'error' event, which crashes
  // the process. With this one, its next query fails instead, and whoever runs it reports that.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => logger.debug({ reason: error.message, pool: role }, 'Postgres client error'));
  });
  return pool;
}

export function createDatabase(config: Pick<Config, 'database'>, logger: Logger): Database {
  const { database } = config;
  const pool = createPool(database.url, database.poolSize, 'primary', logger);
  // pg connects on first use: a process that never reads through it (the worker, the CLI) opens
  // no connection to the replica.
  const replica = database.read ? createPool(database.read.url, database.read.poolSize, 'replica', logger) : null;
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    pool,
    prisma,
    replica,
    readPool: replica ?? pool,
    close() {
      closed ??= prisma
        .$disconnect()
        .then(() => Promise.all([pool.end(), replica?.end()]))
        .then(() => undefined);
      return closed;
    },
  };
}

/** Cheapest round trip that proves the database answers. */
export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
