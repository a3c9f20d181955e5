/**
 * `model_lineage_counts` stays exact through everything ingest does to derivatives: insert, a change
 * of base or relation, removal (markUnseenRemoved) and restore, a base that arrives after its
 * derivatives, pages written concurrently. The expectation is computed here from the models the
 * test ingested, never read back from `models`.
 */
import { describe, expect, it } from 'vitest';
import type { BaseModelRelation, CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const ingest = () => new IngestRepository(db.pool);

async function seedHub(): Promise<void> {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'http://x')`,
  );
}

const derivative = (repoId: string, baseModels: string[], relation: BaseModelRelation | null, sha = 'a') =>
  buildCatalogModel(repoId, { baseModels, baseModelRelation: relation, sha: sha.repeat(40) });

/** The catalog as the test wrote it: the latest version of each model, and whether it is removed. */
class Expected {
  private readonly models = new Map<string, { model: CatalogModel; removed: boolean }>();

  wrote(...models: CatalogModel[]): void {
    for (const model of models) this.models.set(model.id, { model, removed: false });
  }

  removed(...ids: string[]): void {
    for (const id of ids) {
      const entry = this.models.get(id);
      if (entry) entry.removed = true;
    }
  }

  /** Non-zero counts by base id, as `{ id: [total, finetunes, adapters, quantizations, merges] }`. */
  counts(): Record<string, number[]> {
    const counts: Record<string, number[]> = {};
    const slot: Record<BaseModelRelation, number> = { FINETUNE: 1, ADAPTER: 2, QUANTIZED: 3, MERGE: 4 };
    for (const { model, removed } of this.models.values()) {
      if (removed) continue;
      for (const base of new Set(model.baseModels)) {
        if (base === model.repoId) continue;
        const row = (counts[`${model.hubId}:${base}`] ??= [0, 0, 0, 0, 0]);
        row[0] = (row[0] ?? 0) + 1;
        if (model.baseModelRelation) row[slot[model.baseModelRelation]] = (row[slot[model.baseModelRelation]] ?? 0) + 1;
      }
    }
    return counts;
  }
}

async function storedCounts(): Promise<Record<string, number[]>> {
  const { rows } = await db.pool.query<{ model_id: string; counts: number[] }>(
    `SELECT model_id, ARRAY[total, finetunes, adapters, quantizations, merges] AS counts FROM model_lineage_counts
     WHERE total <> 0 OR finetunes <> 0 OR adapters <> 0 OR quantizations <> 0 OR merges <> 0`,
  );
  return Object.fromEntries(rows.map((row) => [row.model_id, row.counts]));
}

describe('model_lineage_counts through IngestRepository', () => {
  it('stays exact through insert, base change, relation change, removal and restore', async () => {
    await seedHub();
    const expected = new Expected();
    const check = async () => expect(await storedCounts()).toEqual(expected.counts());

    const first = [
      buildCatalogModel('base/llm'),
      derivative('fans/chat', ['base/llm'], 'FINETUNE'),
      derivative('fans/lora', ['base/llm'], 'ADAPTER'),
      derivative('fans/gguf', ['base/llm'], 'QUANTIZED'),
      derivative('fans/merge', ['base/llm', 'base/other', 'base/llm'], 'MERGE'),
      derivative('fans/unknown', ['base/llm'], null),
      derivative('fans/self', ['fans/self', 'base/other'], 'FINETUNE'),
    ];
    await ingest().ingestPage(first, { seenAt: new Date('2026-01-01T00:00:00Z') });
    expected.wrote(...first);
    await check();
    expect((await storedCounts())['huggingface:base/llm']).toEqual([5, 1, 1, 1, 1]);

    // Base change and relation change (new commits), in the same page as unchanged models.
    const second = [
      derivative('fans/chat', ['base/other'], 'FINETUNE', 'b'),
      derivative('fans/lora', ['base/llm'], 'FINETUNE', 'b'),
      derivative('fans/gguf', ['base/llm'], 'QUANTIZED'),
    ];
    await ingest().ingestPage(second, { seenAt: new Date('2026-01-02T00:00:00Z') });
    expected.wrote(...second);
    await check();

    // Everything not seen since Jan 2 is removed (in batches of 2): those derivatives stop counting.
    const removed = await ingest().markUnseenRemoved('huggingface', new Date('2026-01-02T00:00:00Z'), null, 2);
    expected.removed(...removed.map((change) => change.modelId));
    expect(removed.map((change) => change.modelId).sort()).toEqual([
      'huggingface:base/llm',
      'huggingface:fans/merge',
      'huggingface:fans/self',
      'huggingface:fans/unknown',
    ]);
    await check();

    // Seen again: restored, counted again (with a changed base for one of them).
    const third = [
      derivative('fans/merge', ['base/llm', 'base/other'], 'MERGE'),
      derivative('fans/unknown', ['x/y'], null),
    ];
    await ingest().ingestPage(third, { seenAt: new Date('2026-01-03T00:00:00Z') });
    expected.wrote(...third);
    await check();

    // Reclassification rewrites rows from stored records: counts follow whatever it writes.
    const reclassified = [derivative('fans/gguf', ['base/llm'], 'ADAPTER')];
    await ingest().ingestPage(reclassified, { reclassify: true });
    expected.wrote(...reclassified);
    await check();

    // Deleting rows (not something ingest does, but the counts hold for any statement).
    const gone = ['huggingface:fans/lora', 'huggingface:fans/gguf'];
    await db.pool.query('DELETE FROM model_changes WHERE model_id = ANY($1::text[])', [gone]);
    await db.pool.query('DELETE FROM models WHERE id = ANY($1::text[])', [gone]);
    expected.removed(...gone);
    await check();
  });

  it('counts derivatives of a base the catalog does not hold yet, ready when it arrives', async () => {
    await seedHub();
    await ingest().ingestPage([derivative('fans/early', ['late/base'], 'FINETUNE')]);
    expect(await storedCounts()).toEqual({ 'huggingface:late/base': [1, 1, 0, 0, 0] });
    await ingest().ingestPage([buildCatalogModel('late/base')]);
    const { rows } = await db.pool.query<{ id: string; total: number }>(
      `SELECT m.id, c.total FROM models m JOIN model_lineage_counts c ON c.model_id = m.id`,
    );
    expect(rows).toEqual([{ id: 'huggingface:late/base', total: 1 }]);
  });

  it('locks counts rows in key order across both parts of an upsert (UPDATE part, then INSERT part)', async () => {
    await seedHub();
    // Existing counts rows for two bases, so the upsert below updates (locks) both.
    await ingest().ingestPage(
      [derivative('a/one', ['aa/base'], 'FINETUNE'), derivative('z/one', ['zz/base'], 'FINETUNE')],
      { seenAt: new Date('2026-01-01T00:00:00Z') },
    );
    await ingest().ingestPage([derivative('a/one', ['aa/base'], 'FINETUNE')], {
      seenAt: new Date('2026-01-03T00:00:00Z'),
    });
    await ingest().markUnseenRemoved('huggingface', new Date('2026-01-02T00:00:00Z'), null);

    // Record the order in which existing counts rows are updated (locked).
    await db.pool.query(`CREATE TABLE lineage_write_log (seq bigserial, model_id text)`);
    await db.pool.query(`CREATE FUNCTION lineage_write_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO lineage_write_log (model_id) VALUES (NEW.model_id); RETURN NEW; END $$`);
    await db.pool.query(`CREATE TRIGGER lineage_write_log BEFORE UPDATE ON model_lineage_counts
      FOR EACH ROW EXECUTE FUNCTION lineage_write_log()`);
    try {
      // One statement: restoring z/one (its UPDATE part, +zz) and inserting a/two (its INSERT part, +aa).
      await ingest().ingestPage([
        derivative('z/one', ['zz/base'], 'FINETUNE'),
        derivative('a/two', ['aa/base'], 'FINETUNE'),
      ]);
      const { rows } = await db.pool.query<{ model_id: string }>('SELECT model_id FROM lineage_write_log ORDER BY seq');
      expect(rows.map((row) => row.model_id)).toEqual(['huggingface:aa/base', 'huggingface:zz/base']);
      expect(await storedCounts()).toEqual({
        'huggingface:aa/base': [2, 2, 0, 0, 0],
        'huggingface:zz/base': [1, 1, 0, 0, 0],
      });
    } finally {
      await db.pool.query('DROP TABLE lineage_write_log');
      await db.pool.query('DROP TRIGGER lineage_write_log ON model_lineage_counts');
      await db.pool.query('DROP FUNCTION lineage_write_log()');
    }
  });

  it('pages in flight together on crossing lineage neither deadlock nor lose a count', async () => {
    await seedHub();
    const expected = new Expected();
    const bases = Array.from({ length: 6 }, (_, i) => `base/b${i}`);
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      // Each page restores or re-bases derivatives (UPDATE part) and adds new ones (INSERT part), the
      // two pages over the same bases in opposite roles; both hold their transaction open until the
      // other has written, or a moment passes (one may be waiting on the other's counts rows).
      let arrived = 0;
      const barrier = () =>
        new Promise<void>((resolve) => {
          arrived++;
          const started = Date.now();
          const poll = () => (arrived >= 2 || Date.now() - started > 200 ? resolve() : setTimeout(poll, 5));
          poll();
        });
      const page = (side: number) =>
        bases.flatMap((base, i) => [
          derivative(
            `side${side}/existing-${i}`,
            [bases[(i + side + round) % bases.length] ?? base],
            'FINETUNE',
            `${round % 2 ? 'c' : 'd'}`,
          ),
          derivative(`side${side}/r${round}-${i}`, [side ? base : (bases[bases.length - 1 - i] ?? base)], 'ADAPTER'),
        ]);
      const pages = [page(0), page(1)];
      await Promise.all(pages.map((models) => ingest().ingestPage(models, { beforeCommit: barrier })));
      for (const models of pages) expected.wrote(...models);
    }
    expect(await storedCounts()).toEqual(expected.counts());
  });
});
