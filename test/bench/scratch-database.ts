/** Benchmarks create their own scratch database on the configured server, migrate it, and drop it. */
import pg from 'pg';
import type { Config } from '../../src/config/config.js';
import { HUBS } from '../../src/config/hubs.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { Logger } from '../../src/lib/logger.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';

export interface ScratchDatabase {
  readonly url: string;
  readonly db: Database;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  config: Config,
  name: string,
  logger: Logger,
  poolSize = 8,
  options: { readonly reuse?: boolean } = {},
): Promise<ScratchDatabase> {
  const base = new URL(config.database.url);
  const url = new URL(config.database.url);
  url.pathname = `/${name}`;
  const admin = new URL(config.database.url);
  admin.pathname = base.pathname === '/postgres' ? '/template1' : '/postgres';
  const dropIt = async () => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  // Reuse keeps what an earlier `--keep` run left (migrate brings it up to date); else start empty.
  if (!options.reuse) await dropIt();
  await migrate({ databaseUrl: url.toString(), migrationsDir: MIGRATIONS_DIR, logger });
  const db = createDatabase({ database: { url: url.toString(), poolSize } }, logger);
  for (const hub of Object.values(HUBS))
    await db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ($1, $2, $3::"HubKind", $4) ON CONFLICT DO NOTHING`,
      [hub.id, hub.name, hub.kind, config.hubs[hub.id].endpoint],
    );
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      await dropIt();
    },
  };
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
