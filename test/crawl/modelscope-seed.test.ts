/** The hand-written ModelScope records of prisma/seed/modelscope/: read, built and seeded as `catalog seed` does. */
import { describe, expect, it } from 'vitest';
import { modelScopeRecords } from '../../src/catalog/modelscope/modelscope.records.js';
import { useCrawlTests } from '../helpers/crawl.js';

const t = useCrawlTests('modelscope');

describe('ModelScope seed records', () => {
  it('every record is accepted by buildModel, with no dropped field', async () => {
    const records = await t.seedRecords();
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
    const harness = await t.harnessAt('http://127.0.0.1:9');
    const adapter = harness.crawl.adapter('modelscope');
    const first = await t.seed(adapter);
    expect(first).toMatchObject({ fixtures: 6, generated: 0, created: 6, skipped: false });
    expect(await t.countRows('model_changes')).toBe(6);

    expect(await t.seed(adapter)).toMatchObject({ created: 0 });
    expect(await t.countRows('model_changes')).toBe(6);
    const llama = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:LLM-Research/Meta-Llama-3-8B-Instruct' },
      include: { license: true },
    });
    expect([
      llama.licenseId,
      llama.license?.commercialUse,
      llama.opennessLevel,
      llama.createdAt?.toISOString(),
    ]).toEqual(['LicenseRef-llama3', 'CONDITIONAL', 'OPEN_WEIGHTS_CONDITIONAL', '2024-04-18T16:00:00.000Z']);
  });
});
