/** The API process: HTTP server with /healthz, /readyz and /graphql. */
import { once } from 'node:events';
import { createReadinessCheck } from './api/readiness.js';
import { createApiServer } from './api/server.js';
import { loadConfigOrExit } from './config/config.js';
import { createDatabase } from './db/database.js';
import { Lifecycle } from './lib/lifecycle.js';
import { captureProcessOutput, createLogger } from './lib/logger.js';
import { MIGRATIONS_DIR } from './lib/project-root.js';
import { watchDependencies } from './lib/dependencies.js';
import { closeRedis, createRedis } from './queue/redis.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');
// Every line on stdout and stderr is JSON from here on, whatever a library prints.
captureProcessOutput(logger);
const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
lifecycle.installSignalHandlers();
lifecycle.installFaultHandlers();

const db = createDatabase(config, logger);
lifecycle.onShutdown('postgres', () => db.close());
const redis = createRedis(config.redis.url, 'client', logger);
// Mutations queue jobs on their own connection, set up as BullMQ advises for producers.
const producerRedis = createRedis(config.redis.url, 'producer', logger);
// The change stream's own connection: a subscribed connection can run no other command.
const subscriberRedis = createRedis(config.redis.url, 'subscriber', logger);
lifecycle.onShutdown('redis', () =>
  Promise.all([closeRedis(redis), closeRedis(producerRedis), closeRedis(subscriberRedis)]),
);

await lifecycle.run(async () => {
  const checks = {
    pool: db.pool,
    // DATABASE_READ_URL: the read replica is checked too (docs/replicas.md).
    replicaPool: db.replica,
    redis,
    migrationsDir: MIGRATIONS_DIR,
    queuePrefix: config.redis.queuePrefix,
  };
  // /readyz is public: in production a failed check says what failed, not the driver's message.
  const readiness = createReadinessCheck({ ...checks, exposeDetails: config.env !== 'production' });
  const server = await createApiServer({ config, logger, db, readiness, redis, producerRedis, subscriberRedis });
  lifecycle.onShutdown('http', () => server.stop());

  server.httpServer.listen(config.http.port, config.http.host);
  await once(server.httpServer, 'listening');
  const address = server.httpServer.address();
  logger.info({ address, env: config.env }, 'API listening');

  // Serve /healthz and /readyz at once; report (with backoff) until the dependencies answer.
  // The log may say where it tried (host, port): the same checks, with the drivers' messages.
  watchDependencies({
    readiness: createReadinessCheck({ ...checks, exposeDetails: true }),
    logger,
    signal: lifecycle.signal,
  });
});
