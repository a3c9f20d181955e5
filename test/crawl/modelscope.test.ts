/**
 * The ModelScope crawl against a fake ModelScope that speaks its OpenAPI (page numbers,
 * `{success, data}` envelopes, 429 with Retry-After, faults), into the real Postgres, with the real
 * Redis budget (test/fake-hub/modelscope/).
 */
import { describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { MAX_BACKTRACK_PAGES } from '../../src/crawl/modelscope/modelscope.adapter.js';
import {
  FakeModelScope,
  generateModelScopeRecord,
  generateModelScopeRecords,
  GENERATED_LICENSES,
  loadSeedRecords,
  type MsRecord,
} from '../fake-hub/modelscope/fake-modelscope.js';
import { useCrawlTests, type CrawlHarness, type CrawlHarnessOptions } from '../helpers/crawl.js';

const t = useCrawlTests('modelscope');

async function setup(
  generated = 250,
  options: CrawlHarnessOptions & { maxPageSize?: number; records?: MsRecord[] } = {},
): Promise<{ hub: FakeModelScope; harness: CrawlHarness }> {
  const { maxPageSize, records, ...harnessOptions } = options;
  const hub = t.started(
    await FakeModelScope.start({
      records: records ?? [...loadSeedRecords(), ...generateModelScopeRecords(generated)],
      ...(maxPageSize === undefined ? {} : { maxPageSize }),
    }),
  );
  return { hub, harness: await t.harnessAt(hub.url, harnessOptions) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('ModelScope crawl', () => {
  it('a full crawl reaches the end: every listed model in the catalog, one CREATED each, the run recorded', async () => {
    const { hub, harness } = await setup();
    const expected = hub.size;

    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows(`models WHERE hub_id = 'modelscope'`)).toBe(expected);
    expect(await t.countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(expected);
    expect(await t.countRows('model_changes')).toBe(expected);
    const run = await t.lastRun();
    // The listing's pages, then the head pass: one page, which ends at the first unchanged model.
    const listingPages = Math.ceil(expected / 100);
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      pages: listingPages + 1,
      modelsSeen: expected,
      modelsCreated: expected,
      modelsQuarantined: 0,
      modelsRemoved: 0,
      throttled: 0,
    });
    expect(run.requests).toBe(listingPages + 1);
    const urls = hub.requests('list').map((entry) => entry.url);
    expect(urls[0]).toBe('/openapi/v1/models?page_number=1&page_size=100&sort=last_modified');
    expect(urls.at(-1)).toBe('/openapi/v1/models?page_number=1&page_size=100&sort=last_modified');
    expect(urls.slice(0, listingPages).map((url) => new URL(url, hub.url).searchParams.get('page_number'))).toEqual(
      Array.from({ length: listingPages }, (_, i) => String(i + 1)),
    );

    const qwen = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:Qwen/Qwen2.5-7B-Instruct' },
      include: { license: true },
    });
    expect([
      qwen.author,
      qwen.name,
      qwen.task,
      qwen.licenseId,
      qwen.licenseHubValue,
      qwen.license?.commercialUse,
      qwen.weightsAvailability,
      qwen.opennessLevel,
      qwen.parameterCount,
      qwen.createdAt?.toISOString(),
    ]).toEqual([
      'Qwen',
      'Qwen2.5-7B-Instruct',
      'text-generation',
      'Apache-2.0',
      'Apache License 2.0',
      'ALLOWED',
      'OPEN',
      'OPEN_WEIGHTS',
      7_615_616_512n,
      '2024-09-18T09:00:00.000Z',
    ]);
    // Owner and name apart beside a numeric id; tasks as objects; a zoneless time.
    const paraformer = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:iic/speech_paraformer-large_asr_nat-zh-cn-16k-common-vocab8404-pytorch' },
    });
    expect([paraformer.author, paraformer.task, paraformer.createdAt?.toISOString()]).toEqual([
      'iic',
      'auto-speech-recognition',
      '2023-01-12T10:26:05.000Z',
    ]);
  });

  it('commercial use and weights availability follow the license text and the hub terms', async () => {
    const privateModel = { ...generateModelScopeRecord(9_000), id: 'acme-lab/private-model', private: true };
    const { harness } = await setup(GENERATED_LICENSES.length, {
      records: [...loadSeedRecords(), ...generateModelScopeRecords(GENERATED_LICENSES.length), privateModel],
    });

    await crawlOnce(harness.crawl, t.full);

    const { rows } = await t.db.pool.query<{
      license_hub_value: string | null;
      license_id: string;
      category: string;
      commercial_use: string;
      weights_availability: string;
      openness_level: string;
    }>(
      `SELECT m.license_hub_value, m.license_id, l.category, l.commercial_use, m.weights_availability, m.openness_level
       FROM models m JOIN licenses l ON l.id = m.license_id WHERE m.repo_id LIKE '%/model-%' OR m.repo_id = 'acme-lab/private-model'
       ORDER BY m.repo_id`,
    );
    const byHubValue = (value: string | null) =>
      rows
        .filter((row) => row.license_hub_value === value)
        .map((row) => [row.license_id, row.category, row.commercial_use, row.weights_availability, row.openness_level]);
    expect(byHubValue('Apache License 2.0')).toContainEqual([
      'Apache-2.0',
      'PERMISSIVE',
      'ALLOWED',
      'OPEN',
      'OPEN_WEIGHTS',
    ]);
    expect(byHubValue('GPL-3.0')).toEqual([['GPL-3.0-only', 'COPYLEFT', 'ALLOWED', 'OPEN', 'OPEN_WEIGHTS']]);
    expect(byHubValue('cc-by-nc-4.0')).toEqual([
      ['CC-BY-NC-4.0', 'NON_COMMERCIAL', 'PROHIBITED', 'OPEN', 'WEIGHTS_RESTRICTED'],
    ]);
    expect(byHubValue('Llama 3 Community License')).toEqual([
      ['LicenseRef-llama3', 'COMMUNITY', 'CONDITIONAL', 'OPEN', 'OPEN_WEIGHTS_CONDITIONAL'],
    ]);
    expect(byHubValue('other')).toEqual([['LicenseRef-other', 'UNKNOWN', 'UNKNOWN', 'OPEN', 'WEIGHTS_RESTRICTED']]);
    expect(byHubValue('')).toEqual([['NONE', 'UNSPECIFIED', 'UNKNOWN', 'OPEN', 'WEIGHTS_RESTRICTED']]);
    // No `license` field at all (and `license: null` is the hub saying none).
    expect(byHubValue(null).map((row) => row[1])).toEqual(expect.arrayContaining(['UNKNOWN', 'UNSPECIFIED']));
    const privateRow = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:acme-lab/private-model' },
    });
    expect([privateRow.weightsAvailability, privateRow.opennessLevel]).toEqual(['UNRELEASED', 'CLOSED']);
  });

  it('quarantines records without an owner and name, keeps records with bad fields, and counts both', async () => {
    const { hub, harness } = await setup(30);
    const wrongTyped: MsRecord = { ...generateModelScopeRecord(9_001), downloads: 'many', tasks: 7 };
    hub.inject({
      route: 'list',
      kind: 'malformed',
      entries: [42, null, { license: 'MIT', downloads: 3 }, { id: 30_517, name: 'orphan' }, wrongTyped],
    });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect(run.modelsQuarantined).toBe(4);
    const quarantined = await t.quarantinedIn(run.id);
    expect(quarantined.map((q) => q.reason)).toEqual([
      'record is number, not an object',
      'record is null, not an object',
      'no owner/name (id is undefined, owner is undefined, name is undefined)',
      'no owner/name (id is number, owner is undefined, name is string)',
    ]);
    expect(quarantined[3]?.payload).toEqual({ id: 30_517, name: 'orphan' });
    const assessment = await t.db.prisma.opennessAssessment.findUniqueOrThrow({
      where: { modelId: `modelscope:${String(wrongTyped['id'])}` },
    });
    expect(JSON.stringify(assessment.evidence)).toMatch(/input\.wrong-type/);
    expect(await t.countRows('models')).toBe(hub.size + 1);
    expect(await t.countRows('models')).toBe(run.modelsSeen - run.modelsQuarantined);
  });

  it.each([
    ['5xx answers', (hub: FakeModelScope) => hub.failNext(2, 503, { route: 'list' })],
    ['a hung request', (hub: FakeModelScope) => hub.inject({ route: 'list', kind: 'hang', skip: 1 })],
    ['a truncated JSON body', (hub: FakeModelScope) => hub.inject({ route: 'list', kind: 'truncate', skip: 1 })],
    [
      '429 with Retry-After',
      (hub: FakeModelScope) => hub.inject({ route: 'list', kind: 'rate-limit', retryAfterSeconds: 1, times: 2 }),
    ],
    [
      'answers with success: false',
      (hub: FakeModelScope) => hub.inject({ route: 'list', kind: 'unsuccessful', skip: 1, times: 2 }),
    ],
  ])('recovers from %s by retrying, with the full catalog and no duplicate change rows', async (_name, fault) => {
    const { hub, harness } = await setup(250, { timeoutMs: 500 });
    fault(hub);

    await crawlOnce(harness.crawl, t.full);

    const run = await t.expectRecovered(hub.size);
    expect(run.errors).toBeGreaterThanOrEqual(1);
  });

  it('429s are waited out for their Retry-After', async () => {
    const { hub, harness } = await setup(20);
    hub.inject({ route: 'list', kind: 'rate-limit', retryAfterSeconds: 1 });
    const started = Date.now();

    await crawlOnce(harness.crawl, t.full);

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await t.lastRun()).throttled).toBe(1);
  });

  it('a page that keeps answering success: false commits nothing, names the hub message, and resumes later', async () => {
    const { hub, harness } = await setup(250);
    const { run } = await harness.crawl.startRun({ hubId: 'modelscope', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(run.id.toString(), 0);
    hub.inject({ route: 'list', kind: 'unsuccessful', message: '系统繁忙，请稍后再试', times: Infinity });

    await expect(harness.crawl.processPage(run.id.toString(), 1)).rejects.toThrow(/success=false: 系统繁忙/);
    const after = await t.db.prisma.crawlRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([after.pages, after.status, await t.countRows('models')]).toEqual([1, 'RUNNING', 100]);
    expect(after.lastError).toMatch(/系统繁忙/);
    expect(hub.requests('list').length).toBe(1 + 3);

    hub.clearFaults();
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('models')).toBe(hub.size);
    expect((await t.lastRun()).modelsRemoved).toBe(0);
  });

  it('re-crawling an unchanged hub writes no change rows, nor do new download and like counts', async () => {
    const { hub, harness } = await setup(250);
    const before = await t.expectRecrawlUnchanged(harness.crawl);

    for (const id of hub.ids()) {
      const record = hub.get(id);
      hub.update(id, { downloads: Number(record['downloads'] ?? 0) + 1_000, likes: 5_000 });
    }
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('model_changes')).toBe(before);
    const qwen = await t.db.prisma.model.findUniqueOrThrow({ where: { id: 'modelscope:Qwen/Qwen2.5-7B-Instruct' } });
    expect([qwen.downloads, qwen.likes]).toEqual([1_843_207 + 1_000, 5_000]);
  });

  it('a model inserted at the head during the crawl: nothing lost, nothing twice in the change log', async () => {
    const { hub, harness } = await setup(250);
    const inserted: string[] = [];
    hub.beforeListing((request) => {
      // Before pages 2 and 3: each pushes every later model one place down.
      if (request === 2 || request === 3) {
        const record = { ...generateModelScopeRecord(8_000 + request), last_modified: nowSeconds() + request };
        inserted.push(hub.add(record));
      }
    });

    await crawlOnce(harness.crawl, t.full);

    expect(inserted).toHaveLength(2);
    const ids = (await t.db.pool.query<{ repo_id: string }>('SELECT repo_id FROM models ORDER BY repo_id')).rows.map(
      (row) => row.repo_id,
    );
    expect(ids).toEqual(hub.ids().sort());
    expect(await t.countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(hub.size);
    expect(await t.countRows('model_changes')).toBe(hub.size);
    expect(await t.duplicatedChanges()).toBe(0);
    // Each page after an insertion starts with a model of the page before: dropped, not seen twice.
    const run = await t.lastRun();
    expect(run.modelsSeen).toBe(hub.size);

    // The next sweep finds the same hub: nothing removed, nothing changed.
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('model_changes')).toBe(hub.size);
  });

  it('a model deleted from pages already read: those pages are read again, so no model slips and is marked removed', async () => {
    const { hub, harness } = await setup(250);
    await crawlOnce(harness.crawl, t.full);
    const firstPage = hub.ids().slice(0, 100);
    const deleted = firstPage[10]!;
    const slipping = hub.ids()[100]!; // first of page 2, moves to page 1 when a page-1 model goes
    hub.resetLog();
    hub.beforeListing((request) => {
      if (request === 2) hub.remove(deleted);
    });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect([run.status, run.modelsRemoved]).toEqual(['COMPLETED', 0]);
    // Every model once (the deleted one was read before it went), the re-read adding only what slipped.
    expect(run.modelsSeen).toBe(hub.size + 1);
    const pageOneReads = hub.requests('list').filter((entry) => /[?&]page_number=1&/.test(entry.url)).length;
    // The sweep's first page, its re-read after the count dropped, and the head pass.
    expect(pageOneReads).toBe(3);
    expect(MAX_BACKTRACK_PAGES).toBeGreaterThanOrEqual(1);
    const kept = await t.db.prisma.model.findUniqueOrThrow({ where: { id: `modelscope:${slipping}` } });
    expect(kept.removedAt).toBeNull();

    // The deleted model was seen earlier in that sweep; the next one marks it, and only it, removed.
    await crawlOnce(harness.crawl, t.full);
    const { rows } = await t.db.pool.query<{ model_id: string }>(
      `SELECT model_id FROM model_changes WHERE kind = 'REMOVED'`,
    );
    expect(rows).toEqual([{ model_id: `modelscope:${deleted}` }]);
  });

  it('a model changed during the sweep moves to the head: the closing head pass reads it', async () => {
    const { hub, harness } = await setup(250);
    await crawlOnce(harness.crawl, t.full);
    const moved = hub.ids()[220]!; // on page 3, unread when it moves
    hub.beforeListing((request) => {
      if (request === 2) hub.update(moved, { license: 'cc-by-nc-4.0', last_modified: nowSeconds() });
    });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect([run.status, run.modelsRemoved]).toEqual(['COMPLETED', 0]);
    expect(await t.changesOf(run.id)).toEqual([{ model_id: `modelscope:${moved}`, kind: 'LICENSE_CHANGED' }]);
  });

  it('an incremental crawl reads newest first down to the watermark', async () => {
    const { hub, harness } = await setup(250);
    await crawlOnce(harness.crawl, t.full);
    const [a, b] = hub.ids().slice(40, 42);
    hub.update(a!, { license: 'MIT', last_modified: nowSeconds() });
    hub.update(b!, { tasks: 'image-segmentation', last_modified: new Date().toISOString() });
    hub.resetLog();

    await crawlOnce(harness.crawl, t.incremental);

    const run = await t.lastRun();
    expect(run).toMatchObject({ mode: 'INCREMENTAL', status: 'COMPLETED', pages: 1 });
    expect(hub.requests('list')).toHaveLength(1);
    const byModel = (x: { model_id: string }, y: { model_id: string }) => (x.model_id < y.model_id ? -1 : 1);
    expect((await t.changesOf(run.id)).sort(byModel)).toEqual(
      [
        { model_id: `modelscope:${a}`, kind: 'LICENSE_CHANGED' },
        { model_id: `modelscope:${b}`, kind: 'UPDATED' },
      ].sort(byModel),
    );
  });

  it('a hub that ignores page_number fails the page that repeats page 1: no sweep completes, no model is removed', async () => {
    const { hub, harness } = await setup(250);
    await crawlOnce(harness.crawl, t.full);
    hub.ignorePageNumber();
    hub.resetLog();

    // Page 2 is page 1 again; read on, every page would be, and the sweep's end would mark every
    // model past page 1 removed.
    await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(
      /page 2 ends with the same \d+ models as page 1: the hub ignores page_number/,
    );
    // Resumed, the run meets the same page again: it never completes.
    await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(/the hub ignores page_number/);

    const run = await t.lastRun();
    expect([run.status, run.pages, run.modelsRemoved]).toEqual(['RUNNING', 1, 0]);
    expect(run.errors).toBeGreaterThanOrEqual(2);
    expect(hub.requests('list').every((entry) => /[?&]page_number=[12]&/.test(entry.url))).toBe(true);
    expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
    expect(await t.countRows(`models WHERE hub_id = 'modelscope' AND removed_at IS NULL`)).toBe(hub.size);

    // Once the hub reads page_number again, the same run completes the sweep, and removes nothing.
    hub.ignorePageNumber(false);
    await crawlOnce(harness.crawl, t.full);
    expect(await t.lastRun()).toMatchObject({ id: run.id, status: 'COMPLETED', modelsRemoved: 0 });
    expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
  });

  it('a hub that caps page_size below ours fails the crawl loudly instead of skipping records', async () => {
    const { harness } = await setup(250, { maxPageSize: 50 });

    await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(/caps page_size; set MODELSCOPE_PAGE_SIZE lower/);
    expect(await t.countRows('models')).toBe(0);
    expect((await t.lastRun()).status).toBe('RUNNING');
  });

  it('crawls with the page size the hub allows when configured so', async () => {
    const { hub, harness } = await setup(120, { maxPageSize: 50, pageSize: 50 });
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('models')).toBe(hub.size);
    expect((await t.lastRun()).pages).toBe(Math.ceil(hub.size / 50) + 1);
  });
});

describe('ModelScope enrichment', () => {
  it('reads the file list, README and LICENSE: formats, the model card, and a license the listing left open', async () => {
    const { hub, harness } = await setup(0, { enrich: true, minDownloads: 0 });
    hub.setFiles('ZhipuAI/chatglm3-6b', [
      { Path: 'README.md', Size: 3_000 },
      { Path: 'LICENSE', Size: 11_000 },
      { Path: 'config.json', Size: 1_000 },
      { Path: 'pytorch_model-00001-of-00007.bin', Size: 1_900_000_000 },
      { Path: 'model-00001-of-00007.safetensors', Size: 1_900_000_000 },
    ]);
    hub.setText(
      'ZhipuAI/chatglm3-6b',
      'LICENSE',
      'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\nTERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n',
    );
    hub.setFiles('AI-ModelScope/stable-diffusion-v1-5', [
      { Path: 'README.md', Size: 3_000 },
      { Path: 'app.py', Size: 100 },
    ]);

    const summary = await crawlOnce(harness.crawl, t.full);

    expect(summary).toMatch(/enriched 6, enrichment failed 0/);
    const glm = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:ZhipuAI/chatglm3-6b' },
      include: { rawRecord: true, assessment: true },
    });
    expect([glm.licenseId, glm.licenseHubValue, glm.weightsAvailability, glm.formats]).toEqual([
      'Apache-2.0',
      'other',
      'OPEN',
      ['bin', 'safetensors'],
    ]);
    expect(glm.assessment?.docModelCard).toBe('OPEN');
    expect((glm.rawRecord?.detail as { licenseText?: string }).licenseText).toMatch(/Apache License/);
    const kinds = (await t.db.prisma.modelChange.findMany({ where: { modelId: glm.id }, orderBy: { id: 'asc' } })).map(
      (change) => change.kind,
    );
    expect(kinds).toEqual(['CREATED', 'LICENSE_CHANGED']);
    const sd = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'modelscope:AI-ModelScope/stable-diffusion-v1-5' },
    });
    expect([sd.weightsAvailability, sd.opennessLevel]).toEqual(['UNRELEASED', 'CLOSED']);
    const files = hub.requests('files').map((entry) => entry.url);
    expect(files).toContain('/api/v1/models/ZhipuAI/chatglm3-6b/repo/files?Revision=master&Recursive=true');
    expect(hub.requests('file').map((entry) => entry.url)).toContain(
      '/api/v1/models/ZhipuAI/chatglm3-6b/repo?Revision=master&FilePath=LICENSE',
    );
  });

  it('keys enrichment on last_modified: a model whose last_modified moves is enriched again, once; one that stays, never', async () => {
    const { hub, harness } = await setup(0, { enrich: true, minDownloads: 0 });
    await crawlOnce(harness.crawl, t.full);
    expect(hub.requests('detail')).toHaveLength(hub.size);
    const moved = 'ZhipuAI/chatglm3-6b';
    const at = nowSeconds();
    hub.update(moved, { last_modified: at });
    hub.resetLog();

    const summary = await crawlOnce(harness.crawl, t.full);

    expect(summary).toMatch(/enriched 1, enrichment failed 0/);
    expect(hub.requests('detail').map((entry) => entry.path)).toEqual([`/openapi/v1/models/${moved}`]);
    // Stored at the listing's revision: its last_modified, whatever unit the hub gave it in.
    const raw = await t.db.prisma.rawRecord.findUniqueOrThrow({ where: { modelId: `modelscope:${moved}` } });
    expect((raw.detail as { sha?: string }).sha).toBe(new Date(at * 1000).toISOString());

    hub.resetLog();
    await crawlOnce(harness.crawl, t.full);
    expect((await t.lastRun()).status).toBe('COMPLETED');
    expect([hub.requests('detail'), hub.requests('files'), hub.requests('file')]).toEqual([[], [], []]);
  });

  it('a model gone before its details are read is left as listed; a failing detail is counted, not fatal', async () => {
    const { hub, harness } = await setup(0, { enrich: true, minDownloads: 0 });
    hub.beforeListing((request) => {
      if (request === 1) {
        // Listed on this page, then gone before enrichment asks for its details.
        setImmediate(() => hub.remove('AI-ModelScope/stable-diffusion-v1-5'));
      }
    });
    hub.inject({ route: 'files', kind: 'status', status: 500, times: Infinity, skip: 0 });

    const summary = await crawlOnce(harness.crawl, t.full);

    expect((await t.lastRun()).status).toBe('COMPLETED');
    expect(summary).toMatch(/enrichment failed 5/);
    expect(await t.countRows('models')).toBe(6);
  });
});
