/** Start the API in-process on an ephemeral port, against the test database and a given Redis. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createReadinessCheck } from '../../src/api/readiness.js';
import { createApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { closeRedis, createRedis } from '../../src/queue/redis.js';
import { silentLogger } from './database.js';

export interface RunningApi {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `env` sets configuration variables (API_RATE_LIMIT, CORS_ORIGINS, …) as the process would read
 * them. The rate limit is huge unless a test sets one, so tests that send many requests are not
 * refused by counts that other tests left in the shared Redis. Every document runs compiled from
 * its first run (GRAPHQL_COMPILE_AFTER_RUNS=0), so that every API test checks the compiled path
 * (execution/compiled-executor.ts); test/api/compiled-execution.test.ts compares it with graphql-js.
 */
export async function startApi(options: {
  db: Database;
  redisUrl: string;
  queuePrefix?: string;
  env?: Record<string, string>;
}): Promise<RunningApi> {
  const config = loadConfig({
    NODE_ENV: 'test',
    QUEUE_PREFIX: options.queuePrefix ?? 'catalog-test',
    API_RATE_LIMIT: '100000000',
    GRAPHQL_COMPILE_AFTER_RUNS: '0',
    ...options.env,
  });
  const redis = createRedis(options.redisUrl, 'client', silentLogger);
  const producerRedis = createRedis(options.redisUrl, 'producer', silentLogger);
  const subscriberRedis = createRedis(options.redisUrl, 'subscriber', silentLogger);
  const readiness = createReadinessCheck({
    pool: options.db.pool,
    replicaPool: options.db.replica,
    redis,
    migrationsDir: MIGRATIONS_DIR,
    queuePrefix: config.redis.queuePrefix,
    timeoutMs: 1_000,
    exposeDetails: config.env !== 'production',
  });
  const server = await createApiServer({
    config,
    logger: silentLogger,
    db: options.db,
    readiness,
    redis,
    producerRedis,
    subscriberRedis,
  });
  server.httpServer.listen(0, '127.0.0.1');
  await once(server.httpServer, 'listening');
  // The change stream's start-up reads happen now, not inside a request a test measures.
  await server.changeStream.following();
  const { port } = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      await Promise.all([closeRedis(redis), closeRedis(producerRedis), closeRedis(subscriberRedis)]);
    },
  };
}

export async function graphql<T = unknown>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
