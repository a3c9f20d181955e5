/**
 * Integration-test setup: checks that the real Postgres and Redis of this machine answer (failing
 * with a message naming the URL tried), then creates a fresh test database and migrates it with
 * the project's own migrator.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/config.js';
import { migrate } from '../../src/db/migrate.js';
import { redactUrl } from '../../src/lib/logger.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { silentLogger, withDatabase } from '../helpers/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const START_REDIS =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

async function assertPostgres(url: string): Promise<void> {
  const maintenance = withDatabase(url, 'postgres');
  const client = new pg.Client({ connectionString: maintenance, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL, which is not reachable at ${redactUrl(maintenance)}: ${(error as Error).message}.\n` +
        `Set DATABASE_URL to a reachable server, or start the local one: ${START_POSTGRES}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function assertRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Integration tests need Redis, which is not reachable at ${redactUrl(url)}: ${(error as Error).message}.\n` +
        `Set REDIS_URL to a reachable server, or start the local one: ${START_REDIS}`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig();
  await assertPostgres(config.database.url);
  await assertRedis(config.redis.url);

  // A separate database beside the configured one, named after this run's process so that
  // concurrent runs on one machine never share (or drop) each other's database.
  const base = `${new URL(config.database.url).pathname.slice(1) || 'catalog'}_test`;
  const name = `${base}_${process.pid}`;
  const databaseUrl = withDatabase(config.database.url, name);
  const admin = new pg.Client({ connectionString: withDatabase(config.database.url, 'postgres') });
  await admin.connect();
  try {
    // Databases of earlier runs that did not get to clean up (their process is gone).
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ ('^' || $1 || '_[0-9]+(_s_.*)?$')`,
      [base],
    );
    for (const { datname } of stale.rows) {
      const pid = Number(/_(\d+)(?:_s_.*)?$/.exec(datname)?.[1]);
      if (!isAlive(pid) || pid === process.pid) {
        await admin
          .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`)
          .catch(() => undefined);
      }
    }
  } finally {
    await admin.end();
  }
  await migrate({ databaseUrl, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', config.redis.url);

  return async () => {
    const client = new pg.Client({ connectionString: withDatabase(config.database.url, 'postgres') });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
