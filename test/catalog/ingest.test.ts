/** Ingest against the real Postgres: set-based upserts, change rows, commit order. */
import { describe, expect, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCatalogModel, buildLicense, buildOpenness } from '../helpers/catalog-models.js';

const db = useTestDatabase();
const ingest = () => new IngestRepository(db.pool);

async function seedHub(): Promise<void> {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'http://x')`,
  );
}

async function changes() {
  const { rows } = await db.pool.query<{
    id: string;
    model_id: string;
    kind: string;
    changed_fields: string[];
    before: unknown;
    after: unknown;
  }>('SELECT id::text, model_id, kind, changed_fields, before, after FROM model_changes ORDER BY id');
  return rows;
}

describe('IngestRepository.ingestPage', () => {
  it('creates models, licenses, assessments, raw records and one CREATED row per model', async () => {
    await seedHub();
    const page = [buildCatalogModel('acme/a'), buildCatalogModel('acme/b', { parameterCount: 8_030_261_248 })];

    const result = await ingest().ingestPage(page);

    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, restored: 0 });
    expect(result?.changes.map((c) => [c.modelId, c.kind])).toEqual([
      ['huggingface:acme/a', 'CREATED'],
      ['huggingface:acme/b', 'CREATED'],
    ]);
    const models = await db.prisma.model.findMany({
      orderBy: { id: 'asc' },
      include: { assessment: true, rawRecord: true, license: true },
    });
    expect(models.map((m) => [m.id, m.licenseId, m.opennessLevel, m.parameterCount])).toEqual([
      ['huggingface:acme/a', 'MIT', 'OPEN_WEIGHTS', 124_000_000n],
      ['huggingface:acme/b', 'MIT', 'OPEN_WEIGHTS', 8_030_261_248n],
    ]);
    expect(models[0]?.license).toMatchObject({ category: 'PERMISSIVE', commercialUse: 'ALLOWED', osiApproved: true });
    expect(models[0]?.assessment).toMatchObject({
      level: 'OPEN_WEIGHTS',
      codeInference: 'OPEN',
      weightsFormats: ['safetensors'],
    });
    expect(models[0]?.rawRecord?.payload).toEqual({ id: 'acme/a' });
  });

  it('writes no change rows when the same data arrives again, but refreshes counters and last-seen', async () => {
    await seedHub();
    await ingest().ingestPage([buildCatalogModel('acme/a')], { seenAt: new Date('2026-01-01T00:00:00Z') });

    const again = await ingest().ingestPage([buildCatalogModel('acme/a', { downloads: 999, likes: 42 })], {
      seenAt: new Date('2026-02-01T00:00:00Z'),
    });

    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1, changes: [] });
    expect(await changes()).toHaveLength(1);
    const row = await db.prisma.model.findUniqueOrThrow({ where: { id: 'huggingface:acme/a' } });
    expect([row.downloads, row.likes, row.lastSeenAt.toISOString()]).toEqual([999, 42, '2026-02-01T00:00:00.000Z']);
  });

  it('records one row per changed model with every changed field, kind by precedence', async () => {
    await seedHub();
    await ingest().ingestPage([buildCatalogModel('acme/a'), buildCatalogModel('acme/b'), buildCatalogModel('acme/c')]);
    const llama = buildLicense({
      id: 'LicenseRef-llama3.1',
      name: 'Llama 3.1 Community License',
      category: 'COMMUNITY',
      commercialUse: 'CONDITIONAL',
      osiApproved: false,
      hubValue: 'llama3.1',
    });

    await ingest().ingestPage([
      buildCatalogModel('acme/a', {
        license: llama,
        openness: buildOpenness({ license: llama, level: 'OPEN_WEIGHTS_CONDITIONAL' }),
      }),
      buildCatalogModel('acme/b', { gating: 'MANUAL' }),
      buildCatalogModel('acme/c', { sha: 'b'.repeat(40) }),
    ]);

    const rows = (await changes()).slice(3);
    expect(rows.map((r) => [r.model_id, r.kind, r.changed_fields])).toEqual([
      [
        'huggingface:acme/a',
        'LICENSE_CHANGED',
        ['license', 'licenseCategory', 'commercialUse', 'licenseHubValue', 'openness.level'],
      ],
      ['huggingface:acme/b', 'GATING_CHANGED', ['gated']],
      ['huggingface:acme/c', 'UPDATED', ['sha']],
    ]);
    expect(rows[0]?.before).toMatchObject({ license: 'MIT', 'openness.level': 'OPEN_WEIGHTS' });
    expect(rows[0]?.after).toMatchObject({
      license: 'LicenseRef-llama3.1',
      'openness.level': 'OPEN_WEIGHTS_CONDITIONAL',
    });
  });

  it('rolls everything back when the checkpoint refuses the page', async () => {
    await seedHub();
    const result = await ingest().ingestPage([buildCatalogModel('acme/a')], {
      checkpoint: () => Promise.resolve(false),
    });
    expect(result).toBeNull();
    expect(await db.prisma.model.count()).toBe(0);
    expect(await changes()).toEqual([]);
  });

  it('marks unseen models removed (REMOVED rows) and restores them when seen again (RESTORED)', async () => {
    await seedHub();
    await ingest().ingestPage([buildCatalogModel('acme/a'), buildCatalogModel('acme/b')], {
      seenAt: new Date('2026-01-01T00:00:00Z'),
    });
    await ingest().ingestPage([buildCatalogModel('acme/a')], { seenAt: new Date('2026-01-03T00:00:00Z') });

    const removed = await ingest().markUnseenRemoved('huggingface', new Date('2026-01-02T00:00:00Z'), null, 1);
    expect(removed.map((c) => [c.modelId, c.kind])).toEqual([['huggingface:acme/b', 'REMOVED']]);
    expect((await db.prisma.model.findUniqueOrThrow({ where: { id: 'huggingface:acme/b' } })).removedAt).not.toBeNull();

    const back = await ingest().ingestPage([buildCatalogModel('acme/b')]);
    expect(back?.changes.map((c) => [c.modelId, c.kind])).toEqual([['huggingface:acme/b', 'RESTORED']]);
    expect((await db.prisma.model.findUniqueOrThrow({ where: { id: 'huggingface:acme/b' } })).removedAt).toBeNull();
  });

  it('concurrent writers: a reader following ids never sees a gap that fills later (ids in commit order)', async () => {
    await seedHub();
    const writers = 8;
    const pagesPerWriter = 6;
    let done = false;
    const seenGaps: string[] = [];
    // The reader polls like a feed client: everything after the last id it saw.
    const reader = (async () => {
      let last = 0n;
      const observed = new Set<bigint>();
      while (!done) {
        const { rows } = await db.pool.query<{ id: string }>(
          'SELECT id::text FROM model_changes WHERE id > $1 ORDER BY id',
          [last.toString()],
        );
        for (const row of rows) observed.add(BigInt(row.id));
        if (rows.length) last = BigInt(rows.at(-1)!.id);
      }
      // Any id below the reader's position it did not observe was committed after the reader passed it.
      const { rows } = await db.pool.query<{ id: string }>('SELECT id::text FROM model_changes ORDER BY id');
      for (const row of rows) if (BigInt(row.id) <= last && !observed.has(BigInt(row.id))) seenGaps.push(row.id);
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let p = 0; p < pagesPerWriter; p++) {
          const page = Array.from({ length: 40 }, (_, i) => buildCatalogModel(`w${w}/p${p}-m${i}`));
          // Hold the transaction open a random while after its change rows got their ids, as a
          // slow commit would: without the ordering lock, later ids would commit first.
          await ingest().ingestPage(page, {
            beforeCommit: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15)),
          });
        }
      }),
    );
    done = true;
    await reader;
    expect(
      await db.pool.query('SELECT count(*)::int AS n FROM model_changes').then((r) => (r.rows[0] as { n: number }).n),
    ).toBe(writers * pagesPerWriter * 40);
    expect(seenGaps).toEqual([]);
  });
});
