/**
 * Crash safety of the real worker process: SIGKILL it at random points of a full crawl (after the
 * first committed page and before the last, read from the checkpoint), restart it, and the result
 * is the same catalog and the same set of change rows as an uninterrupted crawl.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { CRAWL_JOBS } from '../../src/queue/contracts.js';

import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { crawlHarness } from '../helpers/crawl.js';
import { dropDatabase, scratchDatabaseUrl, silentLogger, useTestDatabase } from '../helpers/database.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';

const crawlStartJob = CRAWL_JOBS.huggingface.start;

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const PAGE_SIZE = 50;
const RECORDS = 1_500;

/** The catalog and the change log, as comparable values (no ids or timestamps). */
async function catalogState(database: Database) {
  const models = await database.pool.query<{
    id: string;
    content_hash: string;
    license_id: string;
    level: string;
    removed: boolean;
  }>(
    `SELECT id, content_hash, license_id, openness_level AS level, removed_at IS NOT NULL AS removed FROM models ORDER BY id`,
  );
  const changes = await database.pool.query<{ change: string }>(
    `SELECT model_id || ' ' || kind || ' ' || coalesce(before::text, '') || ' ' || coalesce(after::text, '') AS change
     FROM model_changes ORDER BY 1`,
  );
  return { models: models.rows, changes: changes.rows.map((row) => row.change) };
}

describe('crawl resume after SIGKILL', () => {
  it('killed 5 times mid-crawl, the worker ends with the same catalog and change rows as an uninterrupted crawl', async () => {
    const store = MemoryModelStore.fromFixtures();
    store.add(...MemoryModelStore.fromGenerated(RECORDS).all());
    const hub = await FakeHub.start({ store, latencyMs: 15 });
    const referenceUrl = scratchDatabaseUrl('reference');
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    let worker: RunningProcess | undefined;
    try {
      // The reference: one uninterrupted crawl, in-process, into its own database.
      await migrate({ databaseUrl: referenceUrl, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
      const reference = createDatabase({ database: { url: referenceUrl, poolSize: 4 } }, silentLogger);
      const harness = await crawlHarness(reference, hub.url, { pageSize: PAGE_SIZE });
      await crawlOnce(harness.crawl, { hubId: 'huggingface', mode: 'FULL', limit: null });
      await harness.close();
      const expected = await catalogState(reference);
      await reference.close();
      const totalPages = Math.ceil(store.all().length / PAGE_SIZE);
      expect(totalPages).toBeGreaterThan(20);

      const env = {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        HF_ENDPOINT: hub.url,
        HF_PAGE_SIZE: String(PAGE_SIZE),
        CRAWL_SCHEDULE: 'off',
        ENRICH: 'off',
        JOB_LOCK_MS: '2000',
        JOB_STALLED_CHECK_MS: '500',
        LOG_LEVEL: 'warn',
      };
      await db.pool.query(
        `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', $1)`,
        [hub.url],
      );
      const queue = new Queue(crawlStartJob.queue, { connection: redis, prefix });
      await queue.add(crawlStartJob.name, { hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
      await queue.close();

      const pages = async () =>
        (await db.pool.query<{ pages: number }>('SELECT pages FROM crawl_runs ORDER BY id DESC LIMIT 1')).rows[0]
          ?.pages ?? 0;
      const status = async () =>
        (await db.pool.query<{ status: string }>('SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1')).rows[0]
          ?.status;
      // Kill points spread over the crawl: after the first committed page, before the last.
      const killAt = [2, 6, 10, 14, 18].map((base) => base + Math.floor(Math.random() * 3));
      const killedAt: number[] = [];
      for (const target of killAt) {
        worker = startProcess('jobs/worker.ts', env);
        for (let waited = 0; (await pages()) < target; waited += 20) {
          if (waited > 60_000) throw new Error(`crawl stuck before page ${target}; worker stderr:\n${worker.stderr}`);
          await sleep(20);
        }
        await worker.stop('SIGKILL');
        const at = await pages();
        expect(at).toBeLessThan(totalPages);
        killedAt.push(at);
      }
      expect(killedAt).toHaveLength(5);

      worker = startProcess('jobs/worker.ts', env);
      for (let waited = 0; (await status()) !== 'COMPLETED'; waited += 100) {
        if (waited > 90_000)
          throw new Error(`crawl did not complete; at page ${await pages()}; stderr:\n${worker.stderr}`);
        await sleep(100);
      }
      await worker.stop('SIGTERM');

      const actual = await catalogState(db);
      expect(actual.models).toEqual(expected.models);
      expect(actual.changes).toEqual(expected.changes);
      expect(new Set(actual.changes).size).toBe(actual.changes.length);
    } finally {
      await worker?.stop('SIGKILL');
      await hub.stop();
      await dropDatabase(referenceUrl);
      const queue = new Queue(crawlStartJob.queue, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }, 240_000);
});
