/**
 * Applies the migrations in prisma/migrations/ the way `prisma migrate deploy` does, without the
 * Prisma schema engine (which cannot be downloaded on our build machines): each applied migration
 * is recorded in `_prisma_migrations` with the same columns and the same SHA-256 checksum, so
 * `prisma migrate deploy` and `prisma migrate status` agree with us wherever the engine exists.
 *
 * Differences from Prisma, on purpose:
 * - each migration runs in one transaction with its bookkeeping row, so a failed migration
 *   leaves nothing behind and the next run retries it (do not use CREATE INDEX CONCURRENTLY);
 * - the database itself is created when it does not exist.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/logger.js';

/** The advisory lock key Prisma's migrate uses, so our migrator and Prisma's exclude each other. */
export const MIGRATION_LOCK_KEY = 72707369;

export type MigrationErrorCode = 'CHECKSUM_MISMATCH' | 'FAILED_MIGRATION' | 'MIGRATION_SQL_ERROR';

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface LocalMigration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

export async function readLocalMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

/** Create the database named in `databaseUrl` when it does not exist (safe when racing). */
export async function ensureDatabase(databaseUrl: string, logger: Logger): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redactUrl(databaseUrl)}`);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = name === 'postgres' ? '/template1' : '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04 duplicate_database, 23505 unique_violation: another instance created it first.
      const code = (error as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
    logger.info({ database: name }, 'created database');
    return true;
  } finally {
    await client.end();
  }
}

function verifyApplied(local: readonly LocalMigration[], applied: readonly AppliedRow[]): Set<string> {
  const done = new Set<string>();
  const localByName = new Map(local.map((migration) => [migration.name, migration]));
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new MigrationError(
        'FAILED_MIGRATION',
        `migration ${row.migration_name} started but did not finish${row.logs ? `: ${row.logs}` : ''}. ` +
          `Repair the database, then mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name}).`,
      );
    }
    const migration = localByName.get(row.migration_name);
    if (migration && migration.checksum !== row.checksum) {
      throw new MigrationError(
        'CHECKSUM_MISMATCH',
        `migration ${row.migration_name} was modified after it was applied ` +
          `(applied checksum ${row.checksum}, file checksum ${migration.checksum}). ` +
          'Applied migrations are immutable: revert the file and add a new migration instead.',
      );
    }
    done.add(row.migration_name);
  }
  return done;
}

async function readApplied(client: pg.ClientBase): Promise<AppliedRow[]> {
  const result = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at, migration_name',
  );
  return result.rows;
}

/**
 * Apply every pending migration under a session advisory lock, so several instances starting at
 * once apply each migration exactly once. Refuses to run when an applied migration's file changed.
 */
export async function migrate(options: {
  databaseUrl: string;
  migrationsDir: string;
  logger: Logger;
}): Promise<MigrateResult> {
  const { databaseUrl, migrationsDir, logger } = options;
  const local = await readLocalMigrations(migrationsDir);
  await ensureDatabase(databaseUrl, logger);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const appliedRows = await readApplied(client);
      const done = verifyApplied(local, appliedRows);
      const unknown = [...done].filter((name) => !local.some((migration) => migration.name === name));
      if (unknown.length > 0) {
        logger.warn({ migrations: unknown }, 'database has migrations that are not in prisma/migrations');
      }
      const applied: string[] = [];
      for (const migration of local) {
        if (done.has(migration.name)) continue;
        await applyOne(client, migration);
        logger.info({ migration: migration.name }, 'applied migration');
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: [...done] };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(
      'MIGRATION_SQL_ERROR',
      `migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
    );
  }
}

/** Names of local migrations not yet applied (for readiness); throws if the table is missing. */
export async function pendingMigrations(pool: pg.Pool, migrationsDir: string): Promise<string[]> {
  const local = await readLocalMigrations(migrationsDir);
  const table = await pool.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`,
  );
  if (!table.rows[0]?.exists) return local.map((migration) => migration.name);
  const result = await pool.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(result.rows.map((row) => row.migration_name));
  return local.map((migration) => migration.name).filter((name) => !applied.has(name));
}
