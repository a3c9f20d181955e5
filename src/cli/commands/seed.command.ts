import { InvalidArgumentError, type Command } from 'commander';
import { HubRepository, knownHubs } from '../../catalog/hub.repository.js';
import { IngestRepository } from '../../catalog/ingest.repository.js';
import { seedCatalog } from '../../catalog/seed/seed.service.js';
import { createCrawlRuntime } from '../../crawl/crawl.runtime.js';
import { createDatabase } from '../../db/database.js';
import { closeRedis, createRedis } from '../../queue/redis.js';
import { cliContext } from '../context.js';

const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description(
      'Load the reference data (hubs) and the seed snapshot (hand-written real models, plus generated demo models with --demo); idempotent',
    )
    .option('--demo <n>', 'also add this many generated demo models (deterministic)', count, 0)
    .option('--if-empty', 'load models only when the catalog has none yet (hubs are always refreshed)')
    .action(async (options: { demo: number; ifEmpty?: boolean }) => {
      const { config, logger } = cliContext();
      const db = createDatabase(config, logger);
      // Publishing the seed's changes is best effort: seeding works without Redis.
      const redis = createRedis(config.redis.url, 'client', logger);
      try {
        const hubs = knownHubs(config);
        await new HubRepository(db.prisma).upsertAll(hubs);
        const { crawl, publisher } = createCrawlRuntime({ config, db, redis, logger, enrich: false });
        // Each hub's hand-written records (prisma/seed/<hub>/); the generated demo models are Hugging Face's.
        const lines: string[] = [];
        for (const hub of hubs) {
          const result = await seedCatalog({
            pool: db.pool,
            ingest: new IngestRepository(db.pool),
            adapter: crawl.adapter(hub.id),
            publisher,
            demo: hub.id === 'huggingface' ? options.demo : 0,
            ifEmpty: options.ifEmpty ?? false,
          });
          lines.push(
            result.skipped
              ? `${hub.id}: the hub already has models, seed snapshot skipped (--if-empty).`
              : `${hub.id}: ${result.fixtures} hand-written + ${result.generated} generated models (${result.created} new).`,
          );
        }
        process.stdout.write(
          `Seeded ${hubs.length} hub(s): ${hubs.map((hub) => hub.id).join(', ')}\n` +
            lines.map((line) => `Seed snapshot, ${line}\n`).join(''),
        );
      } finally {
        await closeRedis(redis);
        await db.close();
      }
    });
}
