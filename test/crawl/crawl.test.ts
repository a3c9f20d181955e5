/**
 * The Hugging Face crawl against a fake hub that speaks the real API (Link cursors, RateLimit
 * headers, 429s, faults), into the real Postgres, with the real Redis budget.
 */
import { describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { generateHfRecord } from '../../src/catalog/seed/demo/record-generator.js';
import { FakeHub, malformed, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { LISTING_FAULTS, useCrawlTests, type CrawlHarness, type CrawlHarnessOptions } from '../helpers/crawl.js';

const t = useCrawlTests();

const APACHE_LICENSE =
  'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\nTERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n';
const MIT_LICENSE =
  'MIT License\n\nCopyright (c) 2025 acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n' +
  'of this software and associated documentation files (the "Software"), to deal\nin the Software without restriction.\n\n' +
  'The above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n';

async function setup(
  records = 250,
  options: CrawlHarnessOptions = {},
): Promise<{ hub: FakeHub; harness: CrawlHarness }> {
  const store = MemoryModelStore.fromFixtures();
  store.add(...MemoryModelStore.fromGenerated(records).all());
  const hub = t.started(await FakeHub.start({ store }));
  return { hub, harness: await t.harnessAt(hub.url, options) };
}

/**
 * A model whose metadata leaves its license open (`license: other`) and whose LICENSE file is
 * Apache's, crawled once with enrichment on: its details pin Apache-2.0.
 */
async function licensedByFile(): Promise<{ hub: FakeHub; harness: CrawlHarness; repoId: string; modelId: string }> {
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
  const hub = t.started(await FakeHub.start({ store: new MemoryModelStore([record]) }));
  hub.setFile(record.id, 'LICENSE', APACHE_LICENSE);
  hub.setFile(record.id, 'README.md', '# licensed-by-file\n');
  const harness = await t.harnessAt(hub.url, { enrich: true });

  const summary = await crawlOnce(harness.crawl, t.full);

  expect(summary).toMatch(/enriched 1/);
  const model = await t.db.prisma.model.findUniqueOrThrow({
    where: { id: 'huggingface:acme/licensed-by-file' },
    include: { rawRecord: true },
  });
  expect(model.licenseId).toBe('Apache-2.0');
  expect((model.rawRecord?.detail as { licenseText?: string }).licenseText).toMatch(/Apache License/);
  expect((await changesOf(model.id)).map((change) => change.kind)).toEqual(['CREATED', 'LICENSE_CHANGED']);
  return { hub, harness, repoId: record.id, modelId: model.id };
}

/** A model's change rows, oldest first: each one's kind and the license the model had after it. */
async function changesOf(modelId: string): Promise<{ kind: string; licenseId: string | null }[]> {
  return t.db.prisma.modelChange.findMany({
    where: { modelId },
    orderBy: { id: 'asc' },
    select: { kind: true, licenseId: true },
  });
}

async function licenseOf(modelId: string): Promise<string | null> {
  return (await t.db.prisma.model.findUniqueOrThrow({ where: { id: modelId } })).licenseId;
}

/** The revision (sha) the model's stored details were fetched at. */
async function detailShaOf(modelId: string): Promise<string | undefined> {
  const raw = await t.db.prisma.rawRecord.findUniqueOrThrow({ where: { modelId } });
  return (raw.detail as { sha?: string } | null)?.sha;
}

describe('crawl', () => {
  it('a full crawl fills the catalog, one CREATED change per model, and records the run', async () => {
    const { hub, harness } = await setup();
    const expected = hub.models.all().length;

    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows('models')).toBe(expected);
    expect(await t.countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(expected);
    const run = await t.lastRun();
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
    const llama = await t.db.prisma.model.findUniqueOrThrow({
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
    const hubRow = await t.db.prisma.hub.findUniqueOrThrow({ where: { id: 'huggingface' } });
    expect(hubRow.incrementalWatermark).not.toBeNull();
    expect(hubRow.lastFullSweepAt).not.toBeNull();
  });

  it('the same data twice writes no change rows', async () => {
    const { harness } = await setup();
    await t.expectRecrawlUnchanged(harness.crawl);
  });

  it('an incremental crawl reads newest-first down to the watermark and records what changed', async () => {
    const { hub, harness } = await setup(600);
    await crawlOnce(harness.crawl, t.full);
    const [a, b, c] = hub.models
      .all()
      .slice(10, 13)
      .map((record) => record.id);
    hub.models.commit(a!);
    hub.models.setLicense(b!, 'cc-by-nc-4.0');
    hub.models.mutate(c!, 'commit', 1);
    hub.models.setGated(c!, 'manual');

    await crawlOnce(harness.crawl, t.incremental);

    const run = await t.lastRun();
    expect(run).toMatchObject({ mode: 'INCREMENTAL', status: 'COMPLETED', pages: 1 });
    expect(await t.changesOf(run.id)).toEqual(
      [
        { model_id: `huggingface:${a}`, kind: 'UPDATED' },
        { model_id: `huggingface:${b}`, kind: 'LICENSE_CHANGED' },
        { model_id: `huggingface:${c}`, kind: 'GATING_CHANGED' },
      ].sort((x, y) => x.model_id.localeCompare(y.model_id)),
    );
  });

  it('marks a model removed only after a full sweep completed without it, and restores it when it returns', async () => {
    const { hub, harness } = await setup();
    await crawlOnce(harness.crawl, t.full);
    const gone = hub.models.all()[5]!;
    hub.models.remove(gone.id);

    // A limited sweep and an interrupted one remove nothing.
    await crawlOnce(harness.crawl, { ...t.full, limit: 150 });
    const interrupted = await harness.crawl.startRun({ hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(interrupted.run.id.toString(), 0);
    expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);

    // Completing that sweep (resuming it) does.
    await crawlOnce(harness.crawl, t.full);
    expect((await t.lastRun()).modelsRemoved).toBe(1);
    const { rows } = await t.db.pool.query<{ model_id: string }>(
      `SELECT model_id FROM model_changes WHERE kind = 'REMOVED'`,
    );
    expect(rows).toEqual([{ model_id: `huggingface:${gone.id}` }]);

    hub.models.add(gone);
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows(`model_changes WHERE kind = 'RESTORED'`)).toBe(1);
    expect(
      (await t.db.prisma.model.findUniqueOrThrow({ where: { id: `huggingface:${gone.id}` } })).removedAt,
    ).toBeNull();
  });

  it('follows the RateLimit headers: no 429 over several windows, and no faster than the policy allows', async () => {
    const { hub, harness } = await setup(390, { pageSize: 10 });
    hub.setRateLimit({ quota: 10, windowMs: 1_000 });
    const started = Date.now();

    await crawlOnce(harness.crawl, t.full);

    const requests = (await t.lastRun()).requests;
    expect(requests).toBeGreaterThanOrEqual(40);
    expect(hub.counters().throttled).toBe(0);
    expect((await t.lastRun()).throttled).toBe(0);
    const floorMs = (Math.ceil(requests / 10) - 1) * 1_000;
    expect(Date.now() - started).toBeGreaterThanOrEqual(floorMs - 200);
  });

  // Every listing fault but a reset (the Hugging Face crawl meets one on a README: enrichment.test.ts).
  it.each(LISTING_FAULTS.filter(([name]) => name !== 'a reset connection'))(
    'recovers from %s by retrying, with the full catalog and no duplicate change rows',
    async (_name, fault) => {
      const { hub, harness } = await setup(250, { timeoutMs: 500 });
      const expected = hub.models.all().length;
      fault(hub);

      await crawlOnce(harness.crawl, t.full);

      const run = await t.expectRecovered(expected);
      expect(run.errors).toBeGreaterThanOrEqual(1);
    },
  );

  it('a page that keeps failing commits nothing and is retried later from the same checkpoint', async () => {
    const { hub, harness } = await setup(250);
    const { run } = await harness.crawl.startRun({ hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(run.id.toString(), 0);
    const stuck = hub.failPath('/api/models', 500);

    await expect(harness.crawl.processPage(run.id.toString(), 1)).rejects.toThrow(/500/);
    const after = await t.db.prisma.crawlRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([after.pages, after.status, await t.countRows('models')]).toEqual([1, 'RUNNING', 100]);
    expect(after.errors).toBeGreaterThan(0);
    expect(after.lastError).toMatch(/500/);

    stuck.cancel();
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('models')).toBe(hub.models.all().length);
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

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    const quarantined = await t.quarantinedIn(run.id);
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
      const assessment = await t.db.prisma.opennessAssessment.findUniqueOrThrow({
        where: { modelId: `huggingface:${record.id}` },
      });
      expect(JSON.stringify(assessment.evidence)).toMatch(rule);
    }
    expect(await t.countRows('models')).toBe(run.modelsSeen - run.modelsQuarantined);
  });

  it('enriches models that matter: the LICENSE file pins a license the metadata left open', async () => {
    const { hub, harness, repoId, modelId } = await licensedByFile();

    // Enriched once per sha: crawling again fetches no details, and keeps what they said — the
    // listing alone would read `license: other` again and flip the license back and forth.
    hub.resetLog();
    await crawlOnce(harness.crawl, t.full);
    expect(hub.counters().byRoute['info'] ?? 0).toBe(0);
    expect(await licenseOf(modelId)).toBe('Apache-2.0');
    expect(await changesOf(modelId)).toEqual([
      { kind: 'CREATED', licenseId: 'LicenseRef-other' },
      { kind: 'LICENSE_CHANGED', licenseId: 'Apache-2.0' },
    ]);

    // A new commit, its LICENSE still Apache's: the details are stale by their sha and fetched
    // again, once. Until then the stored ones stand under the new listing, so the license never
    // goes back to the listing's `other` and returns (a LICENSE_CHANGED or OPENNESS_CHANGED row
    // each way): the commit is one UPDATED row, at Apache-2.0.
    const commit = hub.models.commit(repoId);
    hub.resetLog();
    await crawlOnce(harness.crawl, t.full);

    expect(hub.counters().byRoute['info'] ?? 0).toBe(1);
    expect(await licenseOf(modelId)).toBe('Apache-2.0');
    expect(await changesOf(modelId)).toEqual([
      { kind: 'CREATED', licenseId: 'LicenseRef-other' },
      { kind: 'LICENSE_CHANGED', licenseId: 'Apache-2.0' },
      { kind: 'UPDATED', licenseId: 'Apache-2.0' },
    ]);
    expect(await detailShaOf(modelId)).toBe(commit.sha);
  });

  it('a new commit whose LICENSE names another license changes the model once, to it', async () => {
    const { hub, harness, repoId, modelId } = await licensedByFile();
    hub.models.commit(repoId);
    hub.setFile(repoId, 'LICENSE', MIT_LICENSE);
    hub.resetLog();

    await crawlOnce(harness.crawl, t.full);

    expect(hub.counters().byRoute['info'] ?? 0).toBe(1);
    expect(await licenseOf(modelId)).toBe('MIT');
    // The listing's pass keeps the stored (Apache) details, so the commit is an UPDATED row at
    // Apache-2.0; the new details then move the license, once, with no detour through `other`.
    expect((await changesOf(modelId)).slice(2)).toEqual([
      { kind: 'UPDATED', licenseId: 'Apache-2.0' },
      { kind: 'LICENSE_CHANGED', licenseId: 'MIT' },
    ]);
  });
});
