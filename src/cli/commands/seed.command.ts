import type { Command } from 'commander';
import { HubRepository, knownHubs } from '../../catalog/hub.repository.js';
import { createDatabase } from '../../db/database.js';
import { cliContext } from '../context.js';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('Load the reference data (hubs) into a migrated database; idempotent')
    .action(async () => {
      const { config, logger } = cliContext();
      const db = createDatabase(config, logger);
      try {
        const hubs = knownHubs(config);
        await new HubRepository(db.prisma).upsertAll(hubs);
        process.stdout.write(`Seeded ${hubs.length} hub(s): ${hubs.map((hub) => hub.id).join(', ')}\n`);
      } finally {
        await db.close();
      }
    });
}
