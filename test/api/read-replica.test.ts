/**
 * The API with DATABASE_READ_URL (docs/replicas.md), against a real streaming replica: a private
 * primary and a hot standby made from it with `pg_basebackup -R` (test/helpers/replica-pair.ts),
 * migrated and seeded on the primary. Pausing the standby's replay makes the two tell apart: a row
 * committed on the primary meanwhile is missing from what the replica serves and present in what
 * the primary serves. Promised: catalog reads come from the replica; the change log (the feed, a
 * subscription, the change export, the Atom feed) and the models it names come from the primary;
 * writes succeed beside a read-only standby and read their own writes; with the replica down,
 * catalog reads fail with SERVICE_UNAVAILABLE and no internals, /readyz says `replica`, and
 * everything else keeps working until it returns.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { freePort } from '../bench/child-server.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { runCli, startProcess, type RunningProcess } from '../helpers/processes.js';
import { ReplicaPair } from '../helpers/replica-pair.js';
import { subscribe } from '../helpers/subscriptions.js';
import { ChangeWriter } from '../webhooks/harness.js';

const SEEDED = ['huggingface:org/alpha', 'huggingface:org/beta', 'huggingface:org/gamma'];

let pair: ReplicaPair;
let primaryDb: Database;
let writer: ChangeWriter;
/** The newest change id after seeding (`after` for the feed and subscriptions). */
let seededThrough: string;
const prefix = `test-replica-${randomBytes(4).toString('hex')}`;
/** Undone in reverse order after the file, whatever failed. */
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  pair = await ReplicaPair.start();
  cleanup.push(() => pair.destroy());
  const databaseUrl = pair.primaryUrl('catalog');
  await migrate({ databaseUrl, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
  primaryDb = createDatabase({ database: { url: databaseUrl, poolSize: 2 } }, silentLogger);
  cleanup.push(() => primaryDb.close());
  await new HubRepository(primaryDb.prisma).upsertAll(knownHubs(loadConfig({})));
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  cleanup.push(() => Promise.resolve(redis.disconnect()));
  writer = new ChangeWriter(primaryDb, redis, prefix);
  const changes = await writer.write(SEEDED.map((id) => buildCatalogModel(id.slice('huggingface:'.length))));
  seededThrough = changes.at(-1)!.id;
  await pair.caughtUp();
}, 120_000);

afterAll(async () => {
  while (cleanup.length > 0) await cleanup.pop()!().catch(() => undefined);
}, 60_000);

/** The API in-process (test/helpers/api.ts) on a Database with both pools, as createDatabase makes it from the config. */
async function startReplicaApi(): Promise<RunningApi> {
  const config = loadConfig({
    DATABASE_URL: pair.primaryUrl('catalog'),
    DATABASE_READ_URL: pair.replicaUrl('catalog'),
    DATABASE_POOL_SIZE: '4',
  });
  expect(config.database.read).toEqual({ url: pair.replicaUrl('catalog'), poolSize: 4 });
  const db = createDatabase(config, silentLogger);
  cleanup.push(() => db.close());
  const api = await startApi({
    db,
    redisUrl: inject('redisUrl'),
    queuePrefix: prefix,
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' },
  });
  cleanup.push(() => api.stop());
  return api;
}

interface Answer<T> {
  readonly status: number;
  readonly text: string;
  readonly body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post<T>(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; key?: string } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Answer<T>['body'] };
}

/** The ids `models` lists (sorted), and its totalCount. */
async function listedModels(url: string): Promise<{ ids: string[]; totalCount: number }> {
  const answer = await post<{ models: { totalCount: number; nodes: { id: string }[] } }>(
    url,
    '{ models(first: 50) { totalCount nodes { id } } }',
  );
  expect(answer.body.errors, answer.text).toBeUndefined();
  const { models } = answer.body.data!;
  return { ids: models.nodes.map((node) => node.id).sort(), totalCount: models.totalCount };
}

/** The `id` of each JSON line of an export. */
async function exportedIds(url: string, path: string): Promise<string[]> {
  const response = await fetch(`${url}${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => String((JSON.parse(line) as { id?: unknown; model_id?: unknown }).id));
}

describe('the API with DATABASE_READ_URL', () => {
  it('reads the catalog from the replica, and the change log and the models it names from the primary', async () => {
    const { url } = await startReplicaApi();
    expect(await listedModels(url)).toEqual({ ids: SEEDED, totalCount: 3 });

    // A subscription from the end of the seed: the live stream follows the log on the primary.
    const subscriber = subscribe(url, { after: seededThrough });
    cleanup.push(() => subscriber.close());

    await pair.pauseReplay();
    try {
      const [added] = await writer.write([buildCatalogModel('org/delta')]);
      const addedId = added!.id;

      // The replica has not replayed it: `models`, `model` and the models export do not know it.
      expect(await listedModels(url)).toEqual({ ids: SEEDED, totalCount: 3 });
      const one = await post<{ model: unknown }>(url, '{ model(id: "huggingface:org/delta") { id } }');
      expect(one.body).toEqual({ data: { model: null } });
      // A cursor export on the standby: `BEGIN READ ONLY`, `SET LOCAL`, `DECLARE … CURSOR`, `FETCH`.
      expect((await exportedIds(url, '/export/models.jsonl')).sort()).toEqual(SEEDED);

      // The change log is the primary's, and so is the model of each change, down to its assessment.
      const feed = await post<{ changes: { nodes: { id: string; model: Record<string, unknown> }[] } }>(
        url,
        `query ($after: String) {
          changes(after: $after) { nodes { id model { id name license { id } openness { level rulesVersion } } } }
        }`,
        { variables: { after: seededThrough } },
      );
      expect(feed.body.errors, feed.text).toBeUndefined();
      expect(feed.body.data!.changes.nodes).toEqual([
        {
          id: addedId,
          model: {
            id: 'huggingface:org/delta',
            name: 'delta',
            license: { id: 'MIT' },
            openness: { level: 'OPEN_WEIGHTS', rulesVersion: 'test' },
          },
        },
      ]);
      // A query that reads the change log reads everything from the primary, its other fields too.
      const mixed = await post<{ models: { totalCount: number }; changes: { nodes: unknown[] } }>(
        url,
        `query ($after: String) { models { totalCount } ...Feed }
         fragment Feed on Query { changes(after: $after) { nodes { id } } }`,
        { variables: { after: seededThrough } },
      );
      expect(mixed.body).toEqual({ data: { models: { totalCount: 4 }, changes: { nodes: [{ id: addedId }] } } });

      const [event] = await subscriber.waitFor(1);
      expect(event).toMatchObject({
        id: addedId,
        modelId: 'huggingface:org/delta',
        model: { id: 'huggingface:org/delta' },
      });
      expect(await exportedIds(url, `/export/changes.jsonl?after=${seededThrough}`)).toEqual([addedId]);
      const atom = await fetch(`${url}/feeds/changes.atom`);
      expect(await atom.text()).toContain('org/delta');
    } finally {
      await pair.resumeReplay();
    }

    // Replayed: the replica serves it too.
    await expectEventually(async () => expect((await listedModels(url)).totalCount).toBe(4), 20_000, 100);
  }, 90_000);

  it('writes go to the primary beside a read-only standby, and a mutation reads its own writes', async () => {
    // The standby refuses writes: a write routed to it would fail like this.
    const standby = new pg.Client({ connectionString: pair.replicaUrl('catalog') });
    await standby.connect();
    try {
      await expect(standby.query(`INSERT INTO hubs (id) VALUES ('nowhere')`)).rejects.toThrow(
        'cannot execute INSERT in a read-only transaction',
      );
    } finally {
      await standby.end();
    }

    // The CLI with both variables set (writes through Prisma, on the primary).
    const created = await runCli(['apikey', 'create', '--name', 'replica', '--scopes', 'webhooks'], {
      env: { DATABASE_URL: pair.primaryUrl('catalog'), DATABASE_READ_URL: pair.replicaUrl('catalog') },
    });
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();

    const { url } = await startReplicaApi();
    await pair.pauseReplay();
    try {
      const mutation = await post<{
        createWebhook: { webhook: { id: string; url: string } | null; errors: unknown[] };
      }>(
        url,
        `mutation ($input: CreateWebhookInput!) {
          createWebhook(input: $input) { webhook { id url pendingDeliveries } errors { code message } }
        }`,
        { key, variables: { input: { url: 'http://127.0.0.1:9/replica-hook' } } },
      );
      expect(mutation.body.errors, mutation.text).toBeUndefined();
      const { webhook, errors } = mutation.body.data!.createWebhook;
      expect(errors).toEqual([]);
      expect(webhook).toMatchObject({ url: 'http://127.0.0.1:9/replica-hook' });
      // Read back at once, while the replica has replayed none of it.
      const listed = await post<{ webhooks: { id: string }[] }>(url, '{ webhooks { id } }', { key });
      expect(listed.body).toEqual({ data: { webhooks: [{ id: webhook!.id }] } });
    } finally {
      await pair.resumeReplay();
    }
  }, 90_000);

  it(
    'the real entry point: /readyz checks the replica; while it is down, catalog reads get SERVICE_UNAVAILABLE ' +
      'and no internals, the rest keeps working, and reads resume once it is back',
    async () => {
      const port = await freePort();
      const api: RunningProcess = startProcess('src/main.ts', {
        NODE_ENV: 'production',
        DATABASE_URL: pair.primaryUrl('catalog'),
        DATABASE_READ_URL: pair.replicaUrl('catalog'),
        DATABASE_READ_POOL_SIZE: '2',
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        API_RATE_LIMIT: '0',
      });
      cleanup.push(() => api.stop('SIGKILL'));
      await api.waitForLog((line) => line.msg === 'API listening', 60_000);
      const url = `http://127.0.0.1:${port}`;
      const readiness = async () => {
        const response = await fetch(`${url}/readyz`);
        return { status: response.status, body: (await response.json()) as { checks: Record<string, unknown> } };
      };
      await expectEventually(async () => expect((await readiness()).status).toBe(200), 60_000, 200);
      expect((await readiness()).body.checks).toMatchObject({ postgres: { ok: true }, replica: { ok: true } });
      expect((await listedModels(url)).totalCount).toBe(4);

      await pair.stopReplica();
      try {
        const models = await post(url, '{ models(first: 5) { nodes { id } } }');
        expect(models.status, models.text).toBe(503);
        expect(models.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        for (const leak of [String(pair.replicaPort), '127.0.0.1', 'ECONNREFUSED', 'SELECT', 'connect ']) {
          expect(models.text).not.toContain(leak);
        }
        const exported = await fetch(`${url}/export/models.csv`);
        expect(exported.status).toBe(503);
        expect(await exported.json()).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });

        const down = await readiness();
        expect(down.status).toBe(503);
        expect(down.body.checks).toMatchObject({
          postgres: { ok: true },
          replica: { ok: false, error: 'unreachable' },
        });
        expect(JSON.stringify(down.body)).not.toContain(String(pair.replicaPort));

        // The primary's share is unaffected: hubs (Prisma), the change feed and its models.
        const rest = await post<{ hubs: unknown[]; changes: { nodes: { model: { id: string } }[] } }>(
          url,
          '{ hubs { id } changes(first: 1) { nodes { model { id } } } }',
        );
        expect(rest.body.errors, rest.text).toBeUndefined();
        expect(SEEDED).toContain(rest.body.data!.changes.nodes[0]?.model.id);
      } finally {
        await pair.startReplica();
      }
      await expectEventually(async () => expect((await listedModels(url)).totalCount).toBe(4), 30_000, 200);
      await expectEventually(async () => expect((await readiness()).status).toBe(200), 30_000, 200);
    },
    120_000,
  );
});
