/**
 * Notifications end to end, as deployed: one worker process and two API processes (real entry
 * points), one Postgres, one Redis, and the fake Hugging Face hub. A crawl requested through API
 * instance A, run by the worker, that finds a license change in the hub, reaches a subscriber of
 * instance B (and of A) as one LICENSE_CHANGED change.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import { freePort } from '../bench/child-server.js';
import { QUEUE_NAMES } from '../../src/queue/contracts.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { subscribe } from '../helpers/subscriptions.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const REQUEST_CRAWL = `mutation($input: RequestCrawlInput!) { requestCrawl(input: $input) { run { id } errors { message } } }`;

async function requestCrawl(apiUrl: string, key: string, full: boolean): Promise<string> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: REQUEST_CRAWL, variables: { input: { hub: 'huggingface', full } } }),
  });
  const body = (await response.json()) as { data?: { requestCrawl: { run: { id: string } | null } }; errors?: unknown };
  const run = body.data?.requestCrawl.run;
  if (!run) throw new Error(`requestCrawl failed: ${JSON.stringify(body)}`);
  return run.id;
}

async function completed(runId: string): Promise<void> {
  await expectEventually(
    async () => {
      const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM crawl_runs WHERE id = $1', [runId]);
      expect(rows[0]?.status).toBe('COMPLETED');
    },
    60_000,
    100,
  );
}

describe('notifications across processes', () => {
  it('a license change in the hub, crawled by the worker, reaches subscribers of both API instances', async () => {
    const store = MemoryModelStore.fromFixtures();
    const hub = await FakeHub.start({ store });
    const prefix = `test-e2e-${randomBytes(4).toString('hex')}`;
    const processes: RunningProcess[] = [];
    try {
      await db.pool.query(
        `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', $1)`,
        [hub.url],
      );
      const env = {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        HF_ENDPOINT: hub.url,
        CRAWL_SCHEDULE: 'off',
        ENRICH: 'off',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        // Only announcements can deliver within the test's time: the safety-net poll is far off.
        CHANGE_STREAM_POLL_MS: '600000',
      };
      const worker = startProcess('jobs/worker.ts', env);
      processes.push(worker);
      const apis = await Promise.all(
        ['a', 'b'].map(async () => {
          const port = await freePort();
          const api = startProcess('src/main.ts', { ...env, PORT: String(port) });
          processes.push(api);
          await api.waitForLog((line) => line.msg === 'API listening', 30_000);
          return `http://127.0.0.1:${port}`;
        }),
      );
      const [apiA, apiB] = apis as [string, string];
      await worker.waitForLog((line) => typeof line.msg === 'string' && /worker ready/.test(line.msg), 30_000);
      const { key } = await new ApiKeyRepository(db.prisma).create({ name: 'e2e', scopes: ['crawl'] });

      await completed(await requestCrawl(apiA, key, true));
      const { rows } = await db.pool.query<{ id: string; n: number }>(
        'SELECT max(id)::text AS id, count(*)::int AS n FROM model_changes',
      );
      expect(rows[0]?.n).toBe(store.all().length);
      const after = rows[0]?.id as string;

      const relicensed = store.all()[0]!.id;
      const onB = subscribe(apiB, { after, filter: { kinds: ['LICENSE_CHANGED'] } });
      const onA = subscribe(apiA, { after });
      try {
        store.setLicense(relicensed, 'cc-by-nc-4.0');
        await completed(await requestCrawl(apiA, key, false));

        const [event] = await onB.waitFor(1, 20_000);
        expect(event).toMatchObject({
          kind: 'LICENSE_CHANGED',
          modelId: `huggingface:${relicensed}`,
          after: { license: 'CC-BY-NC-4.0', licenseCategory: 'NON_COMMERCIAL' },
          model: { id: `huggingface:${relicensed}`, license: { id: 'CC-BY-NC-4.0', category: 'NON_COMMERCIAL' } },
        });
        // Instance A saw the same change (and nothing else changed).
        const [same] = await onA.waitFor(1, 20_000);
        expect(same?.id).toBe(event?.id);
        expect(onA.events).toHaveLength(1);
        expect(onB.events).toHaveLength(1);
      } finally {
        await Promise.all([onA.close(), onB.close()]);
      }
    } finally {
      await Promise.all(processes.map((process) => process.stop()));
      await hub.stop();
      for (const name of QUEUE_NAMES) {
        const queue = new Queue(name, { connection: redis, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }
  }, 120_000);
});
