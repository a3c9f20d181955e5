import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { createDatabase } from '../../src/db/database.js';
import { loadConfig } from '../../src/config/config.js';
import { HUB_IDS, HUBS } from '../../src/config/hubs.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { dropDatabase, scratchDatabaseUrl, silentLogger, useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { PrivateRedis } from '../helpers/redis-server.js';

const db = useTestDatabase();
let redis: PrivateRedis;
const apis: RunningApi[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterEach(async () => {
  while (apis.length) await apis.pop()?.stop();
});
afterAll(() => redis.stop());

async function api(options: Parameters<typeof startApi>[0]): Promise<RunningApi> {
  const running = await startApi(options);
  apis.push(running);
  return running;
}

interface ReadyzBody {
  status: string;
  checks: Record<'postgres' | 'redis' | 'migrations', { ok: boolean; error?: string; pending?: string[] }>;
}

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadyzBody };
}

describe('/healthz and /readyz', () => {
  it('/healthz answers while the process is up, and every response carries a request id', async () => {
    const { url } = await api({ db, redisUrl: redis.url });
    const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const minted = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/readyz is 200 when Postgres and Redis answer and migrations are applied', async () => {
    const { url } = await api({ db, redisUrl: redis.url });
    const { status, body } = await readyz(url);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, redis: { ok: true }, migrations: { ok: true, pending: [] } },
    });
  });

  it('/readyz turns unready naming Redis while Redis is stopped, and ready again when it returns', async () => {
    const { url } = await api({ db, redisUrl: redis.url });
    expect((await readyz(url)).status).toBe(200);

    await redis.stop();
    const down = await expectEventually(async () => {
      const result = await readyz(url);
      expect(result.status).toBe(503);
      return result.body;
    });
    expect(down).toMatchObject({ status: 'unready', checks: { redis: { ok: false }, postgres: { ok: true } } });
    expect(typeof down.checks.redis.error).toBe('string');

    await redis.start();
    await expectEventually(async () => expect((await readyz(url)).status).toBe(200), 15_000);
  });

  it('/readyz names Postgres when the database cannot be reached', async () => {
    const unreachable = createDatabase(
      { database: { url: 'postgresql://postgres@127.0.0.1:1/catalog', poolSize: 1 } },
      silentLogger,
    );
    try {
      const { url } = await api({ db: unreachable, redisUrl: redis.url });
      const { status, body } = await readyz(url);
      expect(status).toBe(503);
      expect(body.checks.postgres.ok).toBe(false);
      expect(body.checks.postgres.error).toMatch(/ECONNREFUSED|connect/);
      expect(body.checks.redis.ok).toBe(true);
    } finally {
      await unreachable.close();
    }
  });

  it('/readyz says which migrations are missing on an unmigrated database', async () => {
    const url = scratchDatabaseUrl('unmigrated');
    const admin = createDatabase({ database: { url: inject('databaseUrl'), poolSize: 1 } }, silentLogger);
    await admin.pool.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
    await admin.close();
    const empty = createDatabase({ database: { url, poolSize: 1 } }, silentLogger);
    try {
      const running = await api({ db: empty, redisUrl: redis.url });
      const { status, body } = await readyz(running.url);
      expect(status).toBe(503);
      expect(body.checks.migrations.ok).toBe(false);
      expect(body.checks.migrations.pending?.length).toBeGreaterThan(0);
      expect(body.checks.migrations.error).toContain('catalog migrate');
    } finally {
      await empty.close();
      await dropDatabase(url);
    }
    // Creating and dropping a database waits on checkpoints: slow on a loaded machine.
  }, 90_000);
});

describe('/graphql', () => {
  it('serves the SDL schema: hubs after seeding', async () => {
    await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'http://127.0.0.1:9/' })));
    const { url } = await api({ db, redisUrl: redis.url });
    const { status, body } = await graphql(
      url,
      '{ hubs { id name kind url modelCount } missing: hub(id: "nope") { id } }',
    );
    expect(status).toBe(200);
    // Every hub of this build, by id, at its configured endpoint (Hugging Face's set above).
    const expected = [...HUB_IDS].sort().map((id) => ({
      id,
      name: HUBS[id].name,
      kind: HUBS[id].kind,
      url: id === 'huggingface' ? 'http://127.0.0.1:9' : `${HUBS[id].defaultEndpoint}${HUBS[id].modelPagesPath}`,
      modelCount: 0,
    }));
    expect(expected.map((hub) => hub.name)).toContain('Hugging Face');
    expect(body).toEqual({ data: { hubs: expected, missing: null } });
  });

  it('answers a malformed query with an error code', async () => {
    const { url } = await api({ db, redisUrl: redis.url });
    const { status, body } = await graphql(url, '{ hubs { nope } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.extensions?.['stacktrace']).toBeUndefined();
  });
});
