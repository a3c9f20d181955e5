import type { Command } from 'commander';
import { migrate, MigrationError } from '../../db/migrate.js';
import { redactUrl } from '../../lib/logger.js';
import { MIGRATIONS_DIR } from '../../lib/project-root.js';
import { cliContext } from '../context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Create the database if needed and apply pending migrations from prisma/migrations (safe to run concurrently)',
    )
    .action(async () => {
      const { config, logger } = cliContext();
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
}
