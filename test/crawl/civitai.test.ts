/**
 * The Civitai crawl against the fake Civitai (test/fake-hub/civitai/), which speaks the real API
 * (cursor pages, the NSFW and archived filters, the page-number and search rules, a cursor that
 * can skip models, faults), into the real Postgres with the real Redis budget.
 */
import { describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { civitaiRecords as civitaiHubRecords } from '../../src/catalog/civitai/civitai.records.js';
import type { CivitaiAdapter } from '../../src/crawl/civitai/civitai.adapter.js';
import {
  CivitaiFakeHub,
  civitaiRecord,
  civitaiRecords,
  civitaiSeedRecords,
  lastVersionAt,
  type MetadataBug,
} from '../fake-hub/civitai/civitai-fake.js';
import { LISTING_FAULTS, useCrawlTests, type CrawlHarness, type CrawlHarnessOptions } from '../helpers/crawl.js';

const t = useCrawlTests('civitai');

const PAGE = 25;

async function setup(
  generated = 150,
  options: CrawlHarnessOptions = {},
): Promise<{ hub: CivitaiFakeHub; harness: CrawlHarness; adapter: CivitaiAdapter }> {
  const hub = t.started(
    await CivitaiFakeHub.start({ records: [...civitaiSeedRecords(), ...civitaiRecords(generated)] }),
  );
  const harness = await t.harnessAt(hub.url, { pageSize: PAGE, ...options });
  return { hub, harness, adapter: harness.crawl.adapter('civitai') as CivitaiAdapter };
}

const model = (id: number) =>
  t.db.prisma.model.findUniqueOrThrow({ where: { id: `civitai:${id}` }, include: { license: true } });

describe('civitai crawl', () => {
  it('a full crawl lists everything, NSFW and archived included and flagged, one CREATED change per model', async () => {
    const { hub, harness, adapter } = await setup();
    const expected = hub.listable().length;

    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(expected);
    expect(await t.countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(expected);
    const run = await t.lastRun();
    expect(run).toMatchObject({
      status: 'COMPLETED',
      modelsSeen: expected,
      modelsCreated: expected,
      modelsQuarantined: 0,
    });
    expect(run.pages).toBe(Math.ceil(expected / PAGE));
    expect(run.requests).toBe(run.pages);
    const first = new URL(hub.requests('list')[0]!.url, hub.url);
    expect(Object.fromEntries(first.searchParams)).toEqual({
      limit: String(PAGE),
      sort: 'Oldest',
      nsfw: 'true',
      archived: 'true',
    });
    // Every later page is a cursor page, never a page number.
    expect(
      hub
        .requests('list')
        .slice(1)
        .every((entry) => /[?&]cursor=/.test(entry.url) && !/[?&]page=/.test(entry.url)),
    ).toBe(true);

    const nsfw = hub.listable().filter((record) => record.nsfw);
    expect(nsfw.length).toBeGreaterThan(10);
    expect(await t.countRows(`models WHERE hub_id = 'civitai' AND 'nsfw' = ANY(tags)`)).toBe(nsfw.length);
    const { rows } = await t.db.pool.query<{ hub_data: Record<string, unknown> }>(
      `SELECT hub_data FROM models WHERE id = 'civitai:4120077'`,
    );
    expect(rows[0]?.hub_data).toMatchObject({ nsfw: true, nsfwLevel: 28, type: 'LORA', baseModel: 'Pony' });
    expect(await t.countRows(`models WHERE hub_id = 'civitai' AND weights_availability = 'REMOVED'`)).toBe(
      hub.listable().filter((record) => record.mode === 'Archived' || record.mode === 'TakenDown').length,
    );
    expect(adapter.cursorChecks).toEqual({ checked: run.pages - 1, gaps: 0, vanished: 0 });
  });

  it('commercial use and weights availability follow the permission flags and the files', async () => {
    const { harness } = await setup(0);
    await crawlOnce(harness.crawl, t.full);

    const rows = await Promise.all(
      [4402187, 3890412, 4120077, 1187330, 4500921, 2950066].map(async (id) => {
        const m = await model(id);
        return [
          id,
          m.licenseId,
          m.license?.category,
          m.license?.commercialUse,
          m.weightsAvailability,
          m.opennessLevel,
          m.gating,
          m.task,
        ];
      }),
    );
    expect(rows).toEqual([
      [
        4402187,
        'LicenseRef-civitai-image.rentcivit.rent.sell-deriv-relicense-credit',
        'OPEN_RAIL',
        'ALLOWED',
        'OPEN',
        'OPEN_WEIGHTS_CONDITIONAL',
        'NONE',
        'text-to-image',
      ],
      [
        3890412,
        'LicenseRef-civitai-image-deriv-samelicense-nocredit',
        'OPEN_RAIL',
        'CONDITIONAL',
        'OPEN',
        'OPEN_WEIGHTS_CONDITIONAL',
        'NONE',
        'text-to-image',
      ],
      [
        4120077,
        'LicenseRef-civitai-none-deriv-samelicense-credit',
        'NON_COMMERCIAL',
        'PROHIBITED',
        'OPEN',
        'WEIGHTS_RESTRICTED',
        'NONE',
        'text-to-image',
      ],
      // The older string form, and an archived model: published once, no longer downloadable.
      [
        1187330,
        'LicenseRef-civitai-image.rent.sell-deriv-relicense-nocredit',
        'OPEN_RAIL',
        'ALLOWED',
        'REMOVED',
        'CLOSED',
        'NONE',
        'text-to-image',
      ],
      [
        4500921,
        'LicenseRef-civitai-image.rentcivit-noderiv-samelicense-nocredit',
        'NO_DERIVATIVES',
        'CONDITIONAL',
        'GATED_MANUAL',
        'WEIGHTS_RESTRICTED',
        'MANUAL',
        'text-to-video',
      ],
      // Legacy `Sell` is the whole scale; a workflow has no model file.
      [
        2950066,
        'LicenseRef-civitai-image.rentcivit.rent.sell-deriv-relicense-nocredit',
        'OPEN_RAIL',
        'ALLOWED',
        'UNRELEASED',
        'CLOSED',
        'NONE',
        null,
      ],
    ]);
    const velvet = await model(4120077);
    expect([velvet.downloads, velvet.downloadsAllTime, velvet.likes]).toEqual([0, null, 0]);
    expect((await model(1187330)).likes).toBe(3_120);
    const paper = await t.db.prisma.opennessAssessment.findUniqueOrThrow({ where: { modelId: 'civitai:3890412' } });
    expect([paper.dataTraining, paper.codeTraining]).toEqual(['PARTIAL', 'OPEN']);
    const evidence = JSON.stringify(
      (await t.db.prisma.opennessAssessment.findUniqueOrThrow({ where: { modelId: 'civitai:1187330' } })).evidence,
    );
    expect(evidence).toContain('license.civitai-commercial-use-legacy');
    expect(evidence).toContain('weights.civitai-archived');
    const license = await t.db.prisma.license.findUniqueOrThrow({
      where: { id: 'LicenseRef-civitai-none-deriv-samelicense-credit' },
    });
    expect([license.category, license.commercialUse, license.name]).toEqual([
      'NON_COMMERCIAL',
      'PROHIBITED',
      'Civitai permissions (no commercial use; derivatives allowed; derivatives keep these permissions; credit required)',
    ]);
  });

  // The current API keeps `availability: Public` on a version sold in early access: the gate is
  // its `paidAccess` (or `earlyAccessDeadline`).
  it.each([
    [
      'paidAccess with an end date',
      { paidAccess: { permanent: false, endsAt: '2099-01-01T00:00:00.000Z' } },
      /paidAccess until 2099-01-01/,
    ],
    ['a permanent paidAccess', { paidAccess: { permanent: true, endsAt: null } }, /paidAccess: permanent/],
    ['an earlyAccessDeadline', { earlyAccessDeadline: '2099-01-01T00:00:00.000Z' }, /earlyAccessDeadline 2099-01-01/],
  ])('a Public version gated by %s has GATED_MANUAL weights', async (_name, gate, evidence) => {
    // Two public checkpoints of one version each, with a model file: one free, one gated.
    const [free, gated] = [civitaiRecord(9), civitaiRecord(27)];
    for (const version of gated.modelVersions) Object.assign(version, gate);
    expect([...free.modelVersions, ...gated.modelVersions].map((version) => version['availability'])).toEqual([
      'Public',
      'Public',
    ]);
    const hub = t.started(await CivitaiFakeHub.start({ records: [free, gated] }));
    const harness = await t.harnessAt(hub.url, { pageSize: PAGE });

    await crawlOnce(harness.crawl, t.full);

    const weights = async (id: number) => {
      const m = await model(id);
      return [m.weightsAvailability, m.gating];
    };
    expect(await weights(free.id)).toEqual(['OPEN', 'NONE']);
    expect(await weights(gated.id)).toEqual(['GATED_MANUAL', 'MANUAL']);
    const assessment = await t.db.prisma.opennessAssessment.findUniqueOrThrow({
      where: { modelId: `civitai:${gated.id}` },
    });
    expect(JSON.stringify(assessment.evidence)).toMatch(evidence);
  });

  it('quarantines records without a usable id, keeps records with bad fields, and counts both', async () => {
    const { hub, harness } = await setup(40);
    const [noId, wrong] = civitaiRecords(2, 9_000);
    const { id: _id, ...withoutId } = noId!;
    hub.injectMalformed([42, null, withoutId, { ...wrong!, stats: 'many', nsfw: 'perhaps', tags: 5 }], {
      position: 'start',
    });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect(run.modelsQuarantined).toBe(3);
    const quarantined = await t.quarantinedIn(run.id);
    expect(quarantined.map((q) => q.reason)).toEqual([
      'record is number, not an object',
      'record is null, not an object',
      'no numeric id (id is undefined)',
    ]);
    expect(quarantined[2]?.payload).toMatchObject({ name: noId!.name });
    const assessment = await t.db.prisma.opennessAssessment.findUniqueOrThrow({
      where: { modelId: `civitai:${wrong!.id}` },
    });
    expect(JSON.stringify(assessment.evidence)).toMatch(/input\.wrong-type/);
    expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(run.modelsSeen - run.modelsQuarantined);
  });

  describe('cursor gaps', () => {
    it('detects the models a buggy cursor skips, counts and logs each gap, and recovers the model', async () => {
      const { hub, harness, adapter } = await setup();
      const expected = hub.listable().length;
      hub.skipCursorItems(3);

      const summary = await crawlOnce(harness.crawl, t.full);
      expect(summary).toContain('cursor gaps 3 (recovered)');

      expect(hub.cursorItemsSkipped).toBe(3);
      expect(adapter.cursorChecks).toMatchObject({ gaps: 3, vanished: 0 });
      expect(adapter.recentGaps).toHaveLength(3);
      const recovered = adapter.recentGaps.map((gap) => gap.expectedId);
      for (const gap of adapter.recentGaps) {
        expect(gap.cursor.endsWith(`|${gap.expectedId}`)).toBe(true);
        expect(gap.firstId).not.toBe(gap.expectedId);
      }
      expect(hub.requests('model').map((entry) => Number(entry.path.split('/').pop()))).toEqual(recovered);
      // Nothing is missing from the catalog, so a completed sweep marks nothing removed.
      expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(expected);
      expect(await t.countRows(`models WHERE id = ANY($1::text[])`, [recovered.map((id) => `civitai:${id}`)])).toBe(3);
      const run = await t.lastRun();
      expect([run.modelsSeen, run.modelsRemoved, run.cursorGaps]).toEqual([expected, 0, 3]);

      // A second sweep with a sound cursor finds no gap and changes nothing.
      const second = await crawlOnce(harness.crawl, t.full);
      expect(second).not.toContain('cursor gaps');
      expect(adapter.cursorChecks.gaps).toBe(3);
      expect((await t.lastRun()).cursorGaps).toBe(0);
      expect([(await t.lastRun()).modelsRemoved, await t.countRows('model_changes')]).toEqual([0, expected]);
    });

    it('a model gone between two pages is no gap', async () => {
      const { hub, harness, adapter } = await setup(60);
      const { run } = await harness.crawl.startRun({ hubId: 'civitai', mode: 'FULL', trigger: 'CLI' });
      await harness.crawl.processPage(run.id.toString(), 0);
      const cursor = new URL((await harness.crawl.runState(run.id.toString()))!.cursor!).searchParams.get('cursor')!;
      const named = Number(cursor.split('|').pop());
      hub.remove(named);

      await crawlOnce(harness.crawl, t.full);

      expect(adapter.cursorChecks).toMatchObject({ gaps: 0, vanished: 1 });
      expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(hub.listable().length);
    });

    // The listing reads a model's row, then drops its versions that are neither Public nor
    // EarlyAccess, and the model with them when none is left; the detail endpoint still shows it.
    it.each([
      ['the listing drops it after reading its row', (_hub: CivitaiFakeHub) => undefined],
      ['the cursor skips it too', (hub: CivitaiFakeHub) => hub.skipCursorItems(1)],
    ])(
      'a model named by a cursor whose versions are all Private is no gap (%s): counted vanished, not added',
      async (_name, inject) => {
        const { hub, harness, adapter } = await setup(60);
        const order = [...hub.listable()].sort((a, b) => lastVersionAt(a) - lastVersionAt(b) || a.id - b.id);
        // The first model of page 2, which page 1's cursor names.
        const hidden = order[PAGE]!;
        hub.update(hidden.id, (record) => {
          for (const version of record.modelVersions) version['availability'] = 'Private';
        });
        inject(hub);

        await crawlOnce(harness.crawl, t.full);

        const run = await t.lastRun();
        expect(adapter.cursorChecks).toEqual({ checked: run.pages - 1, gaps: 0, vanished: 1 });
        expect(adapter.recentGaps).toEqual([]);
        expect(hub.requests('model').map((entry) => entry.path)).toEqual([`/api/v1/models/${hidden.id}`]);
        expect([run.status, run.cursorGaps, run.modelsRemoved]).toEqual(['COMPLETED', 0, 0]);
        expect(await t.countRows('models WHERE id = $1', [`civitai:${hidden.id}`])).toBe(0);
        expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(hub.listable().length);
        expect(hub.listable().length).toBe(order.length - 1);
      },
    );

    it('a gap check that fails at first is retried with the page', async () => {
      const { hub, harness, adapter } = await setup(60);
      hub.skipCursorItems(1);
      hub.failNext(2, 503, { route: 'model' });

      await crawlOnce(harness.crawl, t.full);

      expect(adapter.cursorChecks.gaps).toBe(1);
      expect(await t.countRows(`models WHERE hub_id = 'civitai'`)).toBe(hub.listable().length);
    });
  });

  it.each(LISTING_FAULTS)(
    'recovers from %s by retrying, with the full catalog and no duplicate change rows',
    async (name, fault) => {
      const { hub, harness } = await setup(100, { timeoutMs: 500 });
      const expected = hub.listable().length;
      fault(hub);

      await crawlOnce(harness.crawl, t.full);

      const run = await t.expectRecovered(expected);
      expect(run.errors).toBeGreaterThanOrEqual(1);
      if (name.startsWith('429')) expect(run.throttled).toBe(2);
    },
  );

  it.each([
    ['a nextPage by page number', 'page-number', /nextPage "http:.* has no cursor/],
    ['no metadata at all', 'missing', /metadata is undefined, not an object/],
  ] as const satisfies readonly (readonly [string, MetadataBug, RegExp])[])(
    'a page whose metadata gives no cursor (%s) fails: the sweep never completes early, so nothing is removed',
    async (_name, bug, message) => {
      const { hub, harness } = await setup();
      await crawlOnce(harness.crawl, t.full);
      const expected = hub.listable().length;
      // Page 2 (of 7), its items all there; read as the last page, it would end the sweep and mark
      // every model after it removed.
      hub.breakMetadata(bug, { skip: 1, count: Infinity });

      await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(message);
      await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(message);

      const run = await t.lastRun();
      expect([run.status, run.pages, run.modelsRemoved]).toEqual(['RUNNING', 1, 0]);
      expect(run.lastError).toMatch(message);
      expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
      expect(await t.countRows(`models WHERE hub_id = 'civitai' AND removed_at IS NULL`)).toBe(expected);

      // Once the hub answers with cursors again, the same run completes the sweep and removes nothing.
      hub.clearFaults();
      await crawlOnce(harness.crawl, t.full);
      expect(await t.lastRun()).toMatchObject({ id: run.id, status: 'COMPLETED', modelsRemoved: 0 });
      expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
    },
  );

  it('re-crawling writes no change rows, even when counters, images and NSFW levels moved', async () => {
    const { hub, harness } = await setup();
    const before = await t.expectRecrawlUnchanged(harness.crawl);

    const volatile = hub.listable().slice(0, 40);
    for (const record of volatile) {
      hub.setStats(record.id, { downloadCount: 1_000_000 + record.id, thumbsUpCount: 77, thumbsDownCount: 1 });
      hub.setImages(
        record.id,
        [{ id: record.id, url: `https://image.civitai.com/new/${record.id}.jpeg`, nsfwLevel: 2 }],
        2,
      );
    }
    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows('model_changes')).toBe(before);
    const moved = await model(volatile[0]!.id);
    expect([moved.downloads, moved.likes]).toEqual([1_000_000 + volatile[0]!.id, 77]);
    const { rows } = await t.db.pool.query<{ hub_data: Record<string, unknown> }>(
      `SELECT hub_data FROM models WHERE id = $1`,
      [`civitai:${volatile[0]!.id}`],
    );
    expect(rows[0]?.hub_data['nsfwLevel']).toBe(2);
  });

  it('an incremental crawl reads newest first down to the watermark; permission changes without a version wait for a full sweep', async () => {
    const { hub, harness } = await setup(120);
    await crawlOnce(harness.crawl, t.full);
    // Two of the oldest models: the first page of `Newest` does not reach them.
    const [quiet, republished] = hub
      .listable()
      .filter((record) => !record.mode && record.modelVersions[0]?.availability === 'Public')
      .sort((a, b) => lastVersionAt(a) - lastVersionAt(b) || a.id - b.id);
    hub.publishVersion(republished!.id);
    hub.update(republished!.id, (record) => {
      record['allowCommercialUse'] = [];
    });
    hub.update(quiet!.id, (record) => {
      record['allowDerivatives'] = false;
    });

    await crawlOnce(harness.crawl, t.incremental);

    const run = await t.lastRun();
    expect(run).toMatchObject({ mode: 'INCREMENTAL', status: 'COMPLETED', pages: 1 });
    expect(new URL(hub.requests('list').at(-1)!.url, hub.url).searchParams.get('sort')).toBe('Newest');
    expect(await t.changesOf(run.id)).toEqual([{ model_id: `civitai:${republished!.id}`, kind: 'LICENSE_CHANGED' }]);

    await crawlOnce(harness.crawl, t.full);
    expect(await t.changesOf((await t.lastRun()).id)).toEqual([
      { model_id: `civitai:${quiet!.id}`, kind: 'LICENSE_CHANGED' },
    ]);
  });

  it('a model republished during a full sweep is still seen (sort=Oldest moves it ahead of the sweep; Newest would move it behind)', async () => {
    const { hub, harness } = await setup(120);
    await crawlOnce(harness.crawl, t.full);
    const { run } = await harness.crawl.startRun({ hubId: 'civitai', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(run.id.toString(), 0);
    // A model in the middle of the catalog, not read yet (in either order), gets a new version:
    // under `Oldest` it moves to the end, still ahead of the sweep; under `Newest` it would jump to
    // the head, behind the sweep, be missed, and be marked removed.
    const order = [...hub.listable()].sort((a, b) => lastVersionAt(a) - lastVersionAt(b) || a.id - b.id);
    const middle = order[Math.floor(order.length / 2)]!;
    hub.publishVersion(middle.id);

    await crawlOnce(harness.crawl, t.full);

    expect((await t.lastRun()).modelsRemoved).toBe(0);
    expect(await t.countRows(`models WHERE hub_id = 'civitai' AND removed_at IS NOT NULL`)).toBe(0);
    expect((await model(middle.id)).lastModified?.getTime()).toBe(lastVersionAt(hub.get(middle.id)));
  });

  it('enrichment reads /api/v1/models/{id}, which builds the same model as the listing: no change row', async () => {
    const { hub, harness } = await setup(60, { enrich: true, minDownloads: 1_000 });
    const popular = hub
      .listable()
      .filter(
        (record) => (record.stats?.['downloadCount'] ?? 0) >= 1_000 || (record.stats?.['thumbsUpCount'] ?? 0) >= 1e6,
      );

    expect(popular.length).toBeGreaterThan(5);
    const summary = await crawlOnce(harness.crawl, t.full);

    expect(summary).toMatch(new RegExp(`enriched ${popular.length}\\b`));
    expect(hub.requests('model')).toHaveLength(popular.length);
    expect(await t.countRows('model_changes')).toBe(hub.listable().length);
    const { rows } = await t.db.pool.query<{ detail: { info: Record<string, unknown> } }>(
      `SELECT detail FROM raw_records WHERE model_id = 'civitai:4402187'`,
    );
    expect(rows[0]?.detail.info).toMatchObject({ id: 4402187, name: 'Harbor Light XL' });
    expect(JSON.stringify(rows[0]?.detail)).not.toMatch(/"images"/);

    // Listing again builds what the details built; and a model is enriched again only with a new version.
    hub.resetLog();
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('model_changes')).toBe(hub.listable().length);
    expect(hub.requests('model')).toHaveLength(0);
  });

  it('the seed records are accepted by the record builder and seed idempotently', async () => {
    const records = await t.seedRecords();
    for (const record of records) {
      const built = civitaiHubRecords.buildModel(record);
      expect(built.ok, built.ok ? '' : built.reason).toBe(true);
    }
    await t.db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('civitai', 'Civitai', 'MODEL_HUB', 'https://civitai.com') ON CONFLICT DO NOTHING`,
    );
    expect((await t.seed(civitaiHubRecords)).created).toBe(records.length);
    const changes = await t.countRows('model_changes');
    expect((await t.seed(civitaiHubRecords)).created).toBe(0);
    expect(await t.countRows('model_changes')).toBe(changes);
  });
});
