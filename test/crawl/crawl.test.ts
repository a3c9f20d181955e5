/**
 * The Hugging Face crawl against a fake hub that speaks the real API (Link cursors, RateLimit
 * headers, 429s, faults), into the real Postgres, with the real Redis budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { generateHfRecord } from '../../src/catalog/seed/demo/record-generator.js';
import { FakeHub, malformed, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { crawlHarness, type CrawlHarness } from '../helpers/crawl.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(
  records = 250,
  options: Parameters<typeof crawlHarness>[2] = {},
): Promise<{ hub: FakeHub; harness: CrawlHarness }> {
  const store = MemoryModelStore.fromFixtures();
  store.add(...MemoryModelStore.fromGenerated(records).all());
  const hub = await FakeHub.start({ store });
  const harness = await crawlHarness(db, hub.url, options);
  cleanups.push(
    () => hub.stop(),
    () => harness.close(),
  );
  return { hub, harness };
}

const full = { hubId: 'huggingface', mode: 'FULL', limit: null } as const;
const incremental = { hubId: 'huggingface', mode: 'INCREMENTAL', limit: null } as const;
const countRows = async (sql: string, params: unknown[] = []) =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]?.n ?? 0;
const lastRun = () => db.prisma.crawlRun.findFirstOrThrow({ orderBy: { id: 'desc' } });

describe('crawl', () => {
  it('a full crawl fills the catalog, one CREATED change per model, and records the run', async () => {
    const { hub, harness } = await setup();
    const expected = hub.models.all().length;

    await crawlOnce(harness.crawl, full);

    expect(await countRows('models')).toBe(expected);
    expect(await countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(expected);
    const run = await lastRun();
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      modelsSeen: expected,
      modelsCreated: expected,
      modelsQuarantined: 0,
      throttled: 0,
    });
    expect(run.pages).toBe(Math.ceil(expected / 100));
    expect(run.requests).toBe(run.pages);
    const llama = await db.prisma.model.findUniqueOrThrow({
      where: { id: 'huggingface:meta-llama/Llama-3.1-8B-Instruct' },
      include: { license: true },
    });
    expect([
      llama.licenseId,
      llama.license?.category,
      llama.weightsAvailability,
      llama.opennessLevel,
      llama.parameterCount,
    ]).toEqual(['LicenseRef-llama3.1', 'COMMUNITY', 'GATED_MANUAL', 'OPEN_WEIGHTS_CONDITIONAL', 8_030_261_248n]);
    const hubRow = await db.prisma.hub.findUniqueOrThrow({ where: { id: 'huggingface' } });
    expect(hubRow.incrementalWatermark).not.toBeNull();
    expect(hubRow.lastFullSweepAt).not.toBeNull();
  });

  it('the same data twice writes no change rows', async () => {
    const { harness } = await setup();
    await crawlOnce(harness.crawl, full);
    const before = await countRows('model_changes');

    await crawlOnce(harness.crawl, full);

    expect(await countRows('model_changes')).toBe(before);
    const run = await lastRun();
    expect([run.modelsCreated, run.modelsUpdated, run.modelsUnchanged]).toEqual([0, 0, run.modelsSeen]);
  });

  it('an incremental crawl reads newest-first down to the watermark and records what changed', async () => {
    const { hub, harness } = await setup(600);
    await crawlOnce(harness.crawl, full);
    const [a, b, c] = hub.models
      .all()
      .slice(10, 13)
      .map((record) => record.id);
    hub.models.commit(a!);
    hub.models.setLicense(b!, 'cc-by-nc-4.0');
    hub.models.mutate(c!, 'commit', 1);
    hub.models.setGated(c!, 'manual');

    await crawlOnce(harness.crawl, incremental);

    const run = await lastRun();
    expect(run).toMatchObject({ mode: 'INCREMENTAL', status: 'COMPLETED', pages: 1 });
    const { rows } = await db.pool.query<{ model_id: string; kind: string }>(
      `SELECT model_id, kind FROM model_changes WHERE crawl_run_id = $1 ORDER BY model_id`,
      [run.id],
    );
    expect(rows).toEqual(
      [
        { model_id: `huggingface:${a}`, kind: 'UPDATED' },
        { model_id: `huggingface:${b}`, kind: 'LICENSE_CHANGED' },
        { model_id: `huggingface:${c}`, kind: 'GATING_CHANGED' },
      ].sort((x, y) => x.model_id.localeCompare(y.model_id)),
    );
  });

  it('marks a model removed only after a full sweep completed without it, and restores it when it returns', async () => {
    const { hub, harness } = await setup();
    await crawlOnce(harness.crawl, full);
    const gone = hub.models.all()[5]!;
    hub.models.remove(gone.id);

    // A limited sweep and an interrupted one remove nothing.
    await crawlOnce(harness.crawl, { ...full, limit: 150 });
    const interrupted = await harness.crawl.startRun({ hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(interrupted.run.id.toString(), 0);
    expect(await countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);

    // Completing that sweep (resuming it) does.
    await crawlOnce(harness.crawl, full);
    expect((await lastRun()).modelsRemoved).toBe(1);
    const { rows } = await db.pool.query<{ model_id: string }>(
      `SELECT model_id FROM model_changes WHERE kind = 'REMOVED'`,
    );
    expect(rows).toEqual([{ model_id: `huggingface:${gone.id}` }]);

    hub.models.add(gone);
    await crawlOnce(harness.crawl, full);
    expect(await countRows(`model_changes WHERE kind = 'RESTORED'`)).toBe(1);
    expect((await db.prisma.model.findUniqueOrThrow({ where: { id: `huggingface:${gone.id}` } })).removedAt).toBeNull();
  });

  it('follows the RateLimit headers: no 429 over several windows, and no faster than the policy allows', async () => {
    const { hub, harness } = await setup(390, { pageSize: 10 });
    hub.setRateLimit({ quota: 10, windowMs: 1_000 });
    const started = Date.now();

    await crawlOnce(harness.crawl, full);

    const requests = (await lastRun()).requests;
    expect(requests).toBeGreaterThanOrEqual(40);
    expect(hub.counters().throttled).toBe(0);
    expect((await lastRun()).throttled).toBe(0);
    const floorMs = (Math.ceil(requests / 10) - 1) * 1_000;
    expect(Date.now() - started).toBeGreaterThanOrEqual(floorMs - 200);
  });

  it.each([
    ['5xx answers', (hub: FakeHub) => hub.failNext(2, 503, { route: 'list' })],
    ['a hung request', (hub: FakeHub) => hub.hangNext(1, { route: 'list' })],
    ['a truncated JSON body', (hub: FakeHub) => hub.truncateNext(1, { route: 'list' })],
    ['429 bursts', (hub: FakeHub) => hub.rateLimitBurst(2, 1, { route: 'list' })],
  ])('recovers from %s by retrying, with the full catalog and no duplicate change rows', async (_name, fault) => {
    const { hub, harness } = await setup(250, { timeoutMs: 500 });
    const expected = hub.models.all().length;
    fault(hub);

    await crawlOnce(harness.crawl, full);

    const run = await lastRun();
    expect(run.status).toBe('COMPLETED');
    expect(run.errors).toBeGreaterThanOrEqual(1);
    expect(await countRows('models')).toBe(expected);
    expect(await countRows('model_changes')).toBe(expected);
    expect(await countRows('(SELECT model_id FROM model_changes GROUP BY model_id HAVING count(*) > 1) d')).toBe(0);
  });

  it('a page that keeps failing commits nothing and is retried later from the same checkpoint', async () => {
    const { hub, harness } = await setup(250);
    const { run } = await harness.crawl.startRun({ hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(run.id.toString(), 0);
    const stuck = hub.failPath('/api/models', 500);

    await expect(harness.crawl.processPage(run.id.toString(), 1)).rejects.toThrow(/500/);
    const after = await db.prisma.crawlRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([after.pages, after.status, await countRows('models')]).toEqual([1, 'RUNNING', 100]);
    expect(after.errors).toBeGreaterThan(0);
    expect(after.lastError).toMatch(/500/);

    stuck.cancel();
    await crawlOnce(harness.crawl, full);
    expect(await countRows('models')).toBe(hub.models.all().length);
  });

  it('quarantines records without a usable id, keeps records with bad fields, and counts both', async () => {
    const { hub, harness } = await setup(50);
    // Records that exist only as malformed entries of the listing (ids not otherwise in the store).
    const [noId, wrong, huge, binary] = [9_001, 9_002, 9_003, 9_004].map((index) => generateHfRecord(index));
    hub.injectMalformed([
      ...malformed.nonObjects(),
      malformed.withoutId(noId!),
      malformed.wrongTypes(wrong!),
      malformed.hugeString(huge!),
      malformed.binaryString(binary!),
    ]);

    await crawlOnce(harness.crawl, full);

    const run = await lastRun();
    const quarantined = await db.prisma.quarantinedRecord.findMany({
      where: { crawlRunId: run.id },
      orderBy: { id: 'asc' },
    });
    expect(run.modelsQuarantined).toBe(4);
    expect(quarantined.map((q) => q.reason)).toEqual([
      'record is number, not an object',
      'record is string, not an object',
      'record is null, not an object',
      'no string id (id is undefined)',
    ]);
    expect(quarantined.map((q) => q.payload)).toEqual([42, 'x', null, expect.objectContaining({ _id: noId!._id })]);
    for (const [record, rule] of [
      [wrong!, /input\.wrong-type/],
      [huge!, /input\.truncated/],
      [binary!, /input\.binary/],
    ] as const) {
      const assessment = await db.prisma.opennessAssessment.findUniqueOrThrow({
        where: { modelId: `huggingface:${record.id}` },
      });
      expect(JSON.stringify(assessment.evidence)).toMatch(rule);
    }
    expect(await countRows('models')).toBe(run.modelsSeen - run.modelsQuarantined);
  });

  it('enriches models that matter: the LICENSE file pins a license the metadata left open', async () => {
    const base = generateHfRecord(7);
    const record = {
      ...base,
      id: 'acme/licensed-by-file',
      modelId: 'acme/licensed-by-file',
      author: 'acme',
      downloads: 50_000,
      gated: false as const,
      tags: ['transformers', 'license:other'],
      cardData: { license: 'other' },
      siblings: [{ rfilename: 'README.md' }, { rfilename: 'LICENSE' }, { rfilename: 'model.safetensors' }],
    };
    const store = new MemoryModelStore([record]);
    const hub = await FakeHub.start({ store });
    hub.setFile(
      record.id,
      'LICENSE',
      'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\nTERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n',
    );
    hub.setFile(record.id, 'README.md', '# licensed-by-file\n');
    const harness = await crawlHarness(db, hub.url, { enrich: true });
    cleanups.push(
      () => hub.stop(),
      () => harness.close(),
    );

    const summary = await crawlOnce(harness.crawl, full);

    expect(summary).toMatch(/enriched 1/);
    const model = await db.prisma.model.findUniqueOrThrow({
      where: { id: 'huggingface:acme/licensed-by-file' },
      include: { rawRecord: true },
    });
    expect(model.licenseId).toBe('Apache-2.0');
    expect((model.rawRecord?.detail as { licenseText?: string }).licenseText).toMatch(/Apache License/);
    const kinds = (await db.prisma.modelChange.findMany({ where: { modelId: model.id }, orderBy: { id: 'asc' } })).map(
      (c) => c.kind,
    );
    expect(kinds).toEqual(['CREATED', 'LICENSE_CHANGED']);
    // Enriched once per sha: crawling again fetches no details, and keeps what they said — the
    // listing alone would read `license: other` again and flip the license back and forth.
    hub.resetCounters();
    await crawlOnce(harness.crawl, full);
    expect(hub.counters().byRoute['info'] ?? 0).toBe(0);
    const again = await db.prisma.model.findUniqueOrThrow({ where: { id: model.id } });
    expect(again.licenseId).toBe('Apache-2.0');
    const kindsAfter = (
      await db.prisma.modelChange.findMany({ where: { modelId: model.id }, orderBy: { id: 'asc' } })
    ).map((c) => c.kind);
    expect(kindsAfter).toEqual(['CREATED', 'LICENSE_CHANGED']);
  });
});
