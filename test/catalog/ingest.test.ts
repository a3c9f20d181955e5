/** Ingest against the real Postgres: set-based upserts, change rows, commit order. */
import { describe, expect, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { seedCatalog } from '../../src/catalog/seed/seed.service.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCatalogModel, buildLicense, buildOpenness } from '../helpers/catalog-models.js';
import { expectEventually } from '../helpers/eventually.js';

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

  it('two pages creating the same new model at once: both commit, one CREATED row, the other page an update', async () => {
    await seedHub();
    const first = buildCatalogModel('race/same', { downloads: 1 });
    const second = buildCatalogModel('race/same', { downloads: 1, name: 'same, renamed' });
    let releaseFirst: () => void = () => undefined;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    // The first page holds its uncommitted insert until the second page waits on it.
    const writingFirst = ingest().ingestPage([first], { beforeCommit: () => firstMayCommit });
    await expectEventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'idle in transaction'`,
      );
      expect(rows[0]?.n).toBe(1);
    });
    const writingSecond = ingest().ingestPage([second]);
    await expectEventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      expect(rows[0]?.n).toBe(1);
    });
    releaseFirst();
    const [a, b] = await Promise.all([writingFirst, writingSecond]);
    expect(a).toMatchObject({ created: 1 });
    expect(b).toMatchObject({ created: 0, updated: 1 });
    expect((await changes()).map((change) => change.kind)).toEqual(['CREATED', 'UPDATED']);
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

describe('what ingest writes passes the one sanitizer (src/lib/text.ts)', () => {
  it('stores a model whose strings hold NUL, lone surrogates and oversized values: cleaned, recorded as input evidence', async () => {
    await seedHub();
    const license = buildLicense({ hubValue: 'mit\u0000\ud800', name: 'MIT\u0000 License' });
    const openness = buildOpenness({ license });
    const model = buildCatalogModel('acme/dirty', {
      author: 'ac\u0000me',
      task: 'text-\udc00generation',
      tags: ['ok', 'ta\u0000g', 'x'.repeat(5_000)],
      license,
      openness: {
        ...openness,
        evidence: [...openness.evidence, { ...openness.evidence[0]!, value: 'seen\u0000 here' }],
      },
      raw: { id: 'acme/dirty', cardData: { 'li\u0000cense': 'mit\u0000', nested: [{ v: '\ud800' }] } },
    });

    const result = await ingest().ingestPage([model]);

    expect(result).toMatchObject({ created: 1 });
    const { rows } = await db.pool.query<{
      author: string;
      task: string;
      tags: string[];
      license_hub_value: string;
      license_name: string;
      payload: unknown;
      evidence: { source: string; value: string | null; rule: string }[];
      after: Record<string, unknown>;
    }>(
      `SELECT m.author, m.task, m.tags, m.license_hub_value, l.name AS license_name, r.payload, a.evidence, c.after
       FROM models m JOIN licenses l ON l.id = m.license_id JOIN raw_records r ON r.model_id = m.id
       JOIN openness_assessments a ON a.model_id = m.id JOIN model_changes c ON c.model_id = m.id`,
    );
    const row = rows[0]!;
    expect(row).toMatchObject({
      author: 'acme',
      task: 'text-\ufffdgeneration',
      license_hub_value: 'mit\ufffd',
      license_name: 'MIT License',
      payload: { id: 'acme/dirty', cardData: { license: 'mit', nested: [{ v: '\ufffd' }] } },
    });
    expect(row.tags).toEqual(['ok', 'tag', 'x'.repeat(256)]);
    expect(row.after).toMatchObject({ author: 'acme', licenseHubValue: 'mit\ufffd' });
    expect(row.evidence).toContainEqual(expect.objectContaining({ rule: 'license.hf-id', value: 'seen here' }));
    expect(row.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'author', rule: 'input.binary' }),
        expect.objectContaining({ source: 'raw.cardData.license', rule: 'input.binary' }),
        expect.objectContaining({ source: 'tags[2]', rule: 'input.truncated' }),
      ]),
    );
    // The same model again is unchanged: the cleaned form is what is compared.
    expect(await ingest().ingestPage([model])).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it('stores enrichment details cleaned: README and LICENSE text, and every string and key of the model info', async () => {
    await seedHub();
    await ingest().ingestPage([buildCatalogModel('acme/a')]);

    await ingest().ingestPage([buildCatalogModel('acme/a')], {
      details: [
        {
          modelId: 'huggingface:acme/a',
          sha: 'a'.repeat(40),
          info: { cardData: { 'license\u0000_name': 'Acme\u0000 \udfff' }, tags: ['\u0000'] },
          readme: '# card\u0000\n',
          licenseText: 'x'.repeat(70_000),
        },
      ],
    });

    const { rows } = await db.pool.query<{ detail: Record<string, unknown>; enriched: boolean }>(
      `SELECT detail, enriched_at IS NOT NULL AS enriched FROM raw_records WHERE model_id = 'huggingface:acme/a'`,
    );
    expect(rows[0]?.enriched).toBe(true);
    expect(rows[0]?.detail).toEqual({
      sha: 'a'.repeat(40),
      info: { cardData: { license_name: 'Acme \ufffd' }, tags: [''] },
      readme: '# card\n',
      licenseText: 'x'.repeat(65_536),
    });
  });

  it('seeds records with NUL bytes and lone surrogates through the same path', async () => {
    await seedHub();
    const record = {
      id: 'acme/seeded',
      author: 'acme',
      sha: 'b'.repeat(40),
      tags: ['license:mit', 'bad\u0000tag'],
      cardData: { license: 'mit\u0000', license_name: 'MIT\ud800' },
    };

    const result = await seedCatalog({
      pool: db.pool,
      ingest: ingest(),
      adapter: new HuggingFaceAdapter({ endpoint: 'http://unused', createClient: () => undefined as never }),
      publisher: silentPublisher,
      demo: 0,
      ifEmpty: false,
      fixtures: [record],
    });

    expect(result).toMatchObject({ fixtures: 1, created: 1 });
    const model = await db.prisma.model.findUniqueOrThrow({ where: { id: 'huggingface:acme/seeded' } });
    expect(model).toMatchObject({ licenseId: 'MIT', licenseHubValue: 'mit', tags: ['badtag', 'license:mit'] });
  });
});
