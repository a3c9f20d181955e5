/**
 * The seed snapshot: a usable catalog without network access. It is built at seed time from the
 * project's own hand-written records of each hub (prisma/seed/<hub>/*.json, real response shapes
 * of real models) plus, on request, deterministic generated Hugging Face records — written through
 * the same validate → normalize → classify → ingest path as a crawl, so it is idempotent (seeding
 * twice writes no change rows) and classified under the current rules.
 *
 * Generated records are demo data under hub `huggingface` with made-up repo ids: the first
 * completed full sweep of the real hub marks them removed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { generateHfRecords } from './demo/record-generator.js';
import type { ChangePublisher } from '../change-publisher.js';
import type { HubRecords } from '../hub-records.js';
import { SEED_DIR } from '../../lib/project-root.js';
import type { CatalogModel } from '../catalog-model.js';
import type { IngestRepository } from '../ingest.repository.js';
import { RawRecordRepository } from '../raw-record.repository.js';

export interface SeedResult {
  readonly fixtures: number;
  readonly generated: number;
  readonly created: number;
  readonly skipped: boolean;
}

/** A hub's hand-written records (prisma/seed/<hub>/*.json, one record per file); none when it has no folder. */
export async function readSeedRecords(dir = join(SEED_DIR, 'huggingface')): Promise<unknown[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((file) => file.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown));
}

export async function seedCatalog(deps: {
  pool: pg.Pool;
  ingest: IngestRepository;
  adapter: HubRecords;
  publisher: ChangePublisher;
  /** How many generated demo records to add (0: only the hand-written ones). */
  demo: number;
  /** Do nothing when the hub already has models (so a restarted container never re-seeds). */
  ifEmpty: boolean;
  /** The hand-written records; default the files of prisma/seed/<hub>/. */
  fixtures?: readonly unknown[];
}): Promise<SeedResult> {
  if (deps.ifEmpty) {
    if (await new RawRecordRepository(deps.pool).hubHasModels(deps.adapter.hubId))
      return { fixtures: 0, generated: 0, created: 0, skipped: true };
  }
  let created = 0;
  const write = async (records: readonly unknown[]) => {
    const models: CatalogModel[] = [];
    for (const record of records) {
      const built = deps.adapter.buildModel(record);
      if (!built.ok) throw new Error(`seed record rejected: ${built.reason}`);
      models.push(built.model);
    }
    const result = await deps.ingest.ingestPage(models);
    if (result) {
      created += result.created;
      await deps.publisher.publish(result.changes);
    }
  };
  // Seed records take the crawl's path, sanitizer included (ingest cleans every string it writes).
  const fixtures = deps.fixtures ?? (await readSeedRecords(join(SEED_DIR, deps.adapter.hubId)));
  await write(fixtures);
  let page: unknown[] = [];
  for (const record of generateHfRecords(deps.demo)) {
    page.push(record);
    if (page.length === 1_000) {
      await write(page);
      page = [];
    }
  }
  if (page.length) await write(page);
  return { fixtures: fixtures.length, generated: deps.demo, created, skipped: false };
}
