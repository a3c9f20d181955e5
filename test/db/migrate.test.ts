import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  migrationChecksum,
  MigrationError,
  pendingMigrations,
  readLocalMigrations,
} from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { dropDatabase, scratchDatabaseUrl, silentLogger } from '../helpers/database.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function scratch(label: string): string {
  const url = scratchDatabaseUrl(label);
  cleanups.push(() => dropDatabase(url));
  return url;
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'catalog-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow extends pg.QueryResultRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
  started_at: Date;
}

const migrationRows = (url: string) =>
  query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');

describe('migrate', () => {
  it('creates the missing database, applies every migration and records it as Prisma does', async () => {
    const url = scratch('fresh');
    const local = await readLocalMigrations(MIGRATIONS_DIR);

    const result = await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });

    expect(result.applied).toEqual(local.map((m) => m.name));
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(local.map((m) => m.name));
    for (const [index, row] of rows.entries()) {
      const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(migrationChecksum(sql));
      expect(row.checksum).toBe(local[index]?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('is a no-op when run again', async () => {
    const url = scratch('twice');
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
    const before = await migrationRows(url);

    const second = await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });

    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toHaveLength(before.length);
    expect(await migrationRows(url)).toEqual(before);
  });

  it('refuses to run when an applied migration file has changed', async () => {
    const url = scratch('changed');
    const dir = await copyOfMigrations();
    await migrate({ databaseUrl: url, migrationsDir: dir, logger: silentLogger });
    const [first] = await readLocalMigrations(dir);
    if (!first) throw new Error('no migrations');
    await writeFile(join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited after it was applied\n`);
    // A new migration beside it must not be applied either.
    await mkdir(join(dir, '29990101000000_later'));
    await writeFile(join(dir, '29990101000000_later', 'migration.sql'), 'CREATE TABLE later_table (id int);');

    const run = migrate({ databaseUrl: url, migrationsDir: dir, logger: silentLogger });

    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    await expect(run).rejects.toThrow(first.name);
    const later = await query<{ exists: boolean }>(url, `SELECT to_regclass('later_table') IS NOT NULL AS exists`);
    expect(later[0]?.exists).toBe(false);
  });

  it('applies each migration once when several instances start at the same time', async () => {
    const url = scratch('concurrent');
    const local = await readLocalMigrations(MIGRATIONS_DIR);

    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger }),
      ),
    );

    expect(results.flatMap((result) => result.applied).sort()).toEqual(local.map((m) => m.name).sort());
    expect(await migrationRows(url)).toHaveLength(local.length);
  });

  it('rolls back a failing migration completely and applies it once it is fixed', async () => {
    const url = scratch('failing');
    const dir = await copyOfMigrations();
    const name = '29990101000000_broken';
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');

    await expect(migrate({ databaseUrl: url, migrationsDir: dir, logger: silentLogger })).rejects.toMatchObject({
      code: 'MIGRATION_SQL_ERROR',
    });
    const halfDone = await query<{ exists: boolean }>(url, `SELECT to_regclass('half_done') IS NOT NULL AS exists`);
    expect(halfDone[0]?.exists).toBe(false);
    expect((await migrationRows(url)).map((row) => row.migration_name)).not.toContain(name);

    await writeFile(join(dir, name, 'migration.sql'), 'CREATE TABLE half_done (id int);');
    const fixed = await migrate({ databaseUrl: url, migrationsDir: dir, logger: silentLogger });
    expect(fixed.applied).toEqual([name]);
  });

  it('refuses to run over a migration that Prisma recorded as started but not finished', async () => {
    const url = scratch('unfinished');
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ('x', 'y', '29990101000000_crashed', 'boom')`,
    );

    await expect(
      migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger }),
    ).rejects.toMatchObject({
      code: 'FAILED_MIGRATION',
    });
  });

  it('reports pending migrations for readiness', async () => {
    const url = scratch('pending');
    const local = await readLocalMigrations(MIGRATIONS_DIR);
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
    const pool = new pg.Pool({ connectionString: url });
    try {
      expect(await pendingMigrations(pool, MIGRATIONS_DIR)).toEqual([]);
      await pool.query('DELETE FROM "_prisma_migrations"');
      expect(await pendingMigrations(pool, MIGRATIONS_DIR)).toEqual(local.map((m) => m.name));
      await pool.query('DROP TABLE "_prisma_migrations"');
      expect(await pendingMigrations(pool, MIGRATIONS_DIR)).toEqual(local.map((m) => m.name));
    } finally {
      await pool.end();
    }
  });
});
