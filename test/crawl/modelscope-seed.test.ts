/** The hand-written ModelScope records of prisma/seed/modelscope/: read, built and seeded as `catalog seed` does. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { modelScopeRecords } from '../../src/catalog/modelscope/modelscope.records.js';
import { readSeedRecords, seedCatalog } from '../../src/catalog/seed/seed.service.js';
import { SEED_DIR } from '../../src/lib/project-root.js';
import { crawlHarness } from '../helpers/crawl.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();

describe('ModelScope seed records', () => {
  it('every record is accepted by buildModel, with no dropped field', async () => {
    const records = await readSeedRecords(join(SEED_DIR, 'modelscope'));
    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(records.length).toBeLessThanOrEqual(6);
    for (const record of records) {
      const built = modelScopeRecords.buildModel(record);
      expect(built.ok, JSON.stringify(record).slice(0, 80)).toBe(true);
      if (!built.ok) continue;
      expect(built.model.openness.evidence.filter((item) => item.dimension === 'input')).toEqual([]);
      expect(built.model.createdAt).not.toBeNull();
      expect(built.model.lastModified).not.toBeNull();
    }
  });

  it('seeds through the crawl path, idempotently: seeding twice writes no change rows', async () => {
    // The hub row (crawlHarness inserts it); the endpoint is never called.
    const harness = await crawlHarness(db, 'http://127.0.0.1:9', { hub: 'modelscope' });
    try {
      const deps = {
        pool: db.pool,
        ingest: new IngestRepository(db.pool),
        adapter: harness.crawl.adapter('modelscope'),
        publisher: silentPublisher,
        demo: 0,
        ifEmpty: false,
      };
      const first = await seedCatalog(deps);
      expect(first).toMatchObject({ fixtures: 6, generated: 0, created: 6, skipped: false });
      const changes = async () =>
        (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM model_changes')).rows[0]?.n;
      expect(await changes()).toBe(6);

      expect(await seedCatalog(deps)).toMatchObject({ created: 0 });
      expect(await changes()).toBe(6);
      const llama = await db.prisma.model.findUniqueOrThrow({
        where: { id: 'modelscope:LLM-Research/Meta-Llama-3-8B-Instruct' },
        include: { license: true },
      });
      expect([
        llama.licenseId,
        llama.license?.commercialUse,
        llama.opennessLevel,
        llama.createdAt?.toISOString(),
      ]).toEqual(['LicenseRef-llama3', 'CONDITIONAL', 'OPEN_WEIGHTS_CONDITIONAL', '2024-04-18T16:00:00.000Z']);
    } finally {
      await harness.close();
    }
  });
});
