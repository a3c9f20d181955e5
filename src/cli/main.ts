#!/usr/bin/env node
/** `catalog`: the one CLI (migrate, seed; crawl, classify, eval and bench land with their issues). */
import { Command } from 'commander';
import { loadConfigOrExit, type Config } from '../config/config.js';
import { HubRepository, knownHubs } from '../catalog/hub.repository.js';
import { createDatabase } from '../db/database.js';
import { migrate, MigrationError } from '../db/migrate.js';
import { createLogger, redactUrl, type Logger } from '../lib/logger.js';
import { MIGRATIONS_DIR } from '../lib/project-root.js';
import { heartbeatKey } from '../queue/contracts.js';
import { closeRedis, createRedis, pingRedis } from '../queue/redis.js';

function context(): { config: Config; logger: Logger } {
  const config = loadConfigOrExit();
  // The CLI talks to people: logs go to stderr so stdout stays machine-readable.
  const logger = createLogger(config, 'cli', 'stderr');
  return { config, logger };
}

const program = new Command()
  .name('catalog')
  .description('The open-model catalog: how open is this AI model, really?')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('migrate')
  .description(
    'Create the database if needed and apply pending migrations from prisma/migrations (safe to run concurrently)',
  )
  .action(async () => {
    const { config, logger } = context();
    try {
      const result = await migrate({ databaseUrl: config.database.url, migrationsDir: MIGRATIONS_DIR, logger });
      process.stdout.write(
        result.applied.length
          ? `Applied ${result.applied.length} migration(s) to ${redactUrl(config.database.url)}: ${result.applied.join(', ')}\n`
          : `Database ${redactUrl(config.database.url)} is up to date (${result.alreadyApplied.length} migration(s) applied).\n`,
      );
    } catch (error) {
      if (error instanceof MigrationError) {
        process.stderr.write(`migrate: ${error.code}: ${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
  });

program
  .command('seed')
  .description('Load the reference data (hubs) into a migrated database; idempotent')
  .action(async () => {
    const { config, logger } = context();
    const db = createDatabase(config, logger);
    try {
      const hubs = knownHubs(config);
      await new HubRepository(db.prisma).upsertAll(hubs);
      process.stdout.write(`Seeded ${hubs.length} hub(s): ${hubs.map((hub) => hub.id).join(', ')}\n`);
    } finally {
      await db.close();
    }
  });

program
  .command('worker-status')
  .description('Exit 0 when a worker has beaten its heartbeat recently (for container health checks)')
  .action(async () => {
    const { config, logger } = context();
    const redis = createRedis(config.redis.url, 'client', logger);
    try {
      await pingRedis(redis);
      const beat = await redis.get(heartbeatKey(config.redis.queuePrefix));
      process.stdout.write(`${beat ?? 'no worker heartbeat'}\n`);
      process.exitCode = beat ? 0 : 1;
    } finally {
      await closeRedis(redis);
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`catalog: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
