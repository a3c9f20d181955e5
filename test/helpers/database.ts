/** Test helpers for the real Postgres: scratch databases and truncation between tests. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeEach, inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';

export const silentLogger = pino({ level: 'silent' });

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A uniquely named database URL on the test server (not created). The name starts with this run's
 * test database name, so the setup of a later run can tell which run left it behind.
 */
export function scratchDatabaseUrl(label: string): string {
  const testDatabase = new URL(inject('databaseUrl')).pathname.slice(1);
  return withDatabase(
    inject('databaseUrl'),
    `${testDatabase}_s_${label}_${randomBytes(4).toString('hex')}`.slice(0, 63),
  );
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Every application table (not the migrations table), read from the database itself. A partitioned
 * table counts once: its partitions (the change log's months) are part of it.
 */
export async function applicationTables(pool: pg.Pool): Promise<string[]> {
  const result = await pool.query<{ tablename: string }>(
    `SELECT c.relname AS tablename FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname <> '_prisma_migrations'
     ORDER BY c.relname`,
  );
  return result.rows.map((row) => row.tablename);
}

/**
 * Connect to the migrated test database for this file; every table is truncated before each test
 * and the pool is closed after the file.
 */
export function useTestDatabase(): Database {
  const db = createDatabase({ database: { url: inject('databaseUrl'), poolSize: 5 } }, silentLogger);
  beforeEach(async () => {
    const tables = await applicationTables(db.pool);
    if (tables.length > 0) {
      await db.pool.query(
        `TRUNCATE ${tables.map((table) => pg.escapeIdentifier(table)).join(', ')} RESTART IDENTITY CASCADE`,
      );
    }
  });
  afterAll(() => db.close());
  return db;
}
