/**
 * The OpenRouter crawl (docs/hubs.md) against a fake OpenRouter speaking the real listing API
 * (`output_modalities`, offset paging with `links.next`, faults), into the real Postgres, with the
 * real Redis budget, through the same `crawlOnce` as `catalog crawl --hub openrouter --once`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { openRouterRecords } from '../../src/catalog/openrouter/openrouter.records.js';
import { readSeedRecords } from '../../src/catalog/seed/seed.service.js';
import { SEED_DIR } from '../../src/lib/project-root.js';
import { FakeOpenRouter, type FakeOpenRouterOptions } from '../fake-hub/openrouter/fake-openrouter.js';
import { generateOpenRouterRecords, openRouterRecord } from '../fake-hub/openrouter/records.js';
import { LISTING_FAULTS, useCrawlTests, type CrawlHarness, type CrawlHarnessOptions } from '../helpers/crawl.js';

const t = useCrawlTests('openrouter');

/** A listing in the hub's shapes: generated models, the seed records, and the quirks. */
async function listing(count: number): Promise<unknown[]> {
  return [
    ...generateOpenRouterRecords(count),
    ...(await readSeedRecords(join(SEED_DIR, 'openrouter'))),
    openRouterRecord('acme/no-architecture', { architecture: undefined }),
    openRouterRecord('acme/image-only', {
      architecture: {
        modality: 'text->image',
        input_modalities: ['text'],
        output_modalities: ['image'],
        tokenizer: null,
        instruct_type: null,
      },
    }),
    // The entry the hub once listed without an id: quarantined, counted, never fatal.
    openRouterRecord('acme/lost-its-id', { id: undefined }),
  ];
}

async function setup(
  options: FakeOpenRouterOptions & { count?: number; harness?: CrawlHarnessOptions } = {},
): Promise<{ hub: FakeOpenRouter; harness: CrawlHarness }> {
  const hub = t.started(await FakeOpenRouter.start({ records: await listing(options.count ?? 230), ...options }));
  return { hub, harness: await t.harnessAt(hub.url, options.harness) };
}

describe('the fake OpenRouter', () => {
  it('lists text-output models only unless asked for every output modality', async () => {
    const { hub } = await setup({ count: 20 });
    const ids = async (query: string) => {
      const body = (await (await fetch(`${hub.url}/api/v1/models${query}`)).json()) as { data: { id?: string }[] };
      return body.data.map((record) => record.id);
    };
    const text = await ids('');
    const all = await ids('?output_modalities=all');
    expect(all).toHaveLength(hub.all().length);
    expect(text).not.toContain('acme/image-only');
    expect(text).not.toContain('acme/no-architecture');
    expect(text.length).toBeLessThan(all.length - 2);
    expect(await ids('?output_modalities=image')).toContain('acme/image-only');
    expect((await fetch(`${hub.url}/api/v1/models?output_modalities=smell`)).status).toBe(400);
  });

  it('points links.next on, at the same offset, or at the same request reordered, as told', async () => {
    const { hub } = await setup({ count: 20 });
    const next = async () => {
      const response = await fetch(`${hub.url}/api/v1/models?output_modalities=all&offset=10&limit=5`);
      return ((await response.json()) as { links?: { next?: string } }).links?.next;
    };
    expect(await next()).toBe('/api/v1/models?offset=15&limit=5');
    hub.setNextLink('same-offset');
    expect(await next()).toBe('/api/v1/models?offset=10&limit=5');
    hub.setNextLink('reordered');
    expect(await next()).toBe('/api/v1/models?limit=5&offset=10&output_modalities=all');
  });
});

describe('crawl --hub openrouter', () => {
  it('a full crawl fills the catalog with every listed model, all API-only and CLOSED, the id-less entry quarantined', async () => {
    const { hub, harness } = await setup();
    const expected = hub.ids().length;

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      modelsSeen: expected + 1,
      modelsCreated: expected,
      modelsQuarantined: 1,
      throttled: 0,
    });
    // Pages of 100 (the harness's page size) by `links.next`, which drops the filter: put back.
    expect(run.pages).toBe(Math.ceil((expected + 1) / 100));
    expect(hub.log.every((entry) => entry.url.includes('output_modalities=all'))).toBe(true);
    expect(await t.countRows(`models WHERE hub_id = 'openrouter'`)).toBe(expected);
    expect(await t.countRows(`model_changes WHERE kind = 'CREATED'`)).toBe(expected);
    const quarantined = await t.quarantinedIn(run.id);
    expect(quarantined.map((q) => [q.hubId, q.reason])).toEqual([['openrouter', 'no string id (id is undefined)']]);
    expect(quarantined[0]?.payload).toMatchObject({ name: 'Acme: lost its id' });

    // The hub's terms: no weights to download (API_ONLY, so CLOSED), commercial use per provider (UNKNOWN).
    const { rows } = await t.db.pool.query<{
      weights_availability: string;
      openness_level: string;
      license_id: string;
      category: string;
      commercial_use: string;
      n: number;
    }>(
      `SELECT m.weights_availability, m.openness_level, m.license_id, l.category, l.commercial_use, count(*)::int AS n
         FROM models m JOIN licenses l ON l.id = m.license_id
        GROUP BY 1, 2, 3, 4, 5`,
    );
    expect(rows).toEqual([
      {
        weights_availability: 'API_ONLY',
        openness_level: 'CLOSED',
        license_id: 'LicenseRef-openrouter-api-terms',
        category: 'PROPRIETARY',
        commercial_use: 'UNKNOWN',
        n: expected,
      },
    ]);
    const llama = await t.db.prisma.model.findUniqueOrThrow({
      where: { id: 'openrouter:meta-llama/llama-3.3-70b-instruct' },
    });
    expect([llama.author, llama.name, llama.task, llama.tags, llama.gating]).toEqual([
      'meta-llama',
      'llama-3.3-70b-instruct',
      'text-generation',
      ['input:text', 'output:text'],
      null,
    ]);
    const image = await t.db.prisma.model.findUniqueOrThrow({ where: { id: 'openrouter:acme/image-only' } });
    expect(image.task).toBe('text-to-image');
    const bare = await t.db.prisma.model.findUniqueOrThrow({ where: { id: 'openrouter:acme/no-architecture' } });
    expect([bare.task, bare.tags]).toEqual([null, []]);
  });

  it('reads the historical single answer in one request when the hub ignores offset and limit', async () => {
    const { hub, harness } = await setup({ paging: 'none' });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect([run.status, run.pages, run.requests, hub.counters().requests]).toEqual(['COMPLETED', 1, 1, 1]);
    expect(await t.countRows('models')).toBe(hub.ids().length);
  });

  it('pages by totalCount when the hub gives no links.next', async () => {
    const { hub, harness } = await setup({ nextLinks: false });

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect(run.status).toBe('COMPLETED');
    expect(run.pages).toBe(Math.ceil((hub.ids().length + 1) / 100));
    expect(await t.countRows('models')).toBe(hub.ids().length);
  });

  it('re-crawling with new prices, limits and texts writes no change rows, and refreshes the hub data', async () => {
    const { hub, harness } = await setup();
    await crawlOnce(harness.crawl, t.full);
    const before = await t.countRows('model_changes');
    hub.updateAll((record) => ({
      ...record,
      pricing: { prompt: '0.0000042', completion: '0.0000084', request: '0.001' },
      context_length: 4_096,
      top_provider: { context_length: 4_096, max_completion_tokens: 512, is_moderated: true },
      name: `${String(record['name'])} (updated)`,
      description: 'Rewritten by the hub.',
      supported_parameters: ['seed'],
      expiration_date: '2027-01-01',
      benchmarks: { design_arena: [{ elo: 1200 }] },
    }));

    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows('model_changes')).toBe(before);
    const run = await t.lastRun();
    expect([run.modelsCreated, run.modelsUpdated, run.modelsUnchanged]).toEqual([0, 0, hub.ids().length]);
    const { rows } = await t.db.pool.query<{ price: string; context: number; description: string }>(
      `SELECT hub_data->>'pricing.prompt' AS price, (hub_data->>'contextLength')::int AS context,
              hub_data->>'description' AS description
         FROM models WHERE id = 'openrouter:openai/gpt-4o-mini'`,
    );
    expect(rows).toEqual([{ price: '0.0000042', context: 4_096, description: 'Rewritten by the hub.' }]);
  });

  it('a change of modalities is a change row; a model the hub stops listing is removed after a full sweep only', async () => {
    const { hub, harness } = await setup({ count: 40 });
    await crawlOnce(harness.crawl, t.full);
    hub.update('openai/gpt-4o-mini', (record) => ({
      ...record,
      architecture: {
        modality: 'text+image+audio->text',
        input_modalities: ['text', 'image', 'audio'],
        output_modalities: ['text'],
        tokenizer: 'GPT',
        instruct_type: null,
      },
    }));
    hub.remove('acme/model-0006');

    await crawlOnce(harness.crawl, t.incremental);
    const afterIncremental = await t.db.prisma.modelChange.findMany({
      where: { crawlRunId: (await t.lastRun()).id },
      select: { modelId: true, kind: true, changedFields: true },
    });
    expect(afterIncremental).toEqual([
      { modelId: 'openrouter:openai/gpt-4o-mini', kind: 'UPDATED', changedFields: ['task', 'tags'] },
    ]);

    await crawlOnce(harness.crawl, t.full);
    const removed = await t.db.prisma.modelChange.findMany({ where: { kind: 'REMOVED' }, select: { modelId: true } });
    expect(removed).toEqual([{ modelId: 'openrouter:acme/model-0006' }]);
  });

  it.each(LISTING_FAULTS)(
    'recovers from %s by retrying, with the full catalog and no duplicate change rows',
    async (_name, fault) => {
      const { hub, harness } = await setup({ harness: { timeoutMs: 500 } });
      const expected = hub.ids().length;
      fault(hub);

      await crawlOnce(harness.crawl, t.full);

      const run = await t.expectRecovered(expected);
      expect(run.errors + run.throttled).toBeGreaterThanOrEqual(1);
      expect(run.modelsQuarantined).toBe(1);
    },
  );

  it('an answer without its data array fails the page, which a later crawl reads again', async () => {
    const { hub, harness } = await setup();
    hub.inject({ kind: 'body', body: { error: { code: 200, message: 'overloaded' } } });

    await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(/has no "data" array/);
    expect(await t.countRows('models')).toBe(0);

    await crawlOnce(harness.crawl, t.full);
    expect((await t.lastRun()).status).toBe('COMPLETED');
    expect(await t.countRows('models')).toBe(hub.ids().length);
  });

  // `same-offset` keeps the request's parameters, so the link is this very request: taken as the
  // end it would complete the sweep after one page; `reordered` is the same page in other words.
  it.each([
    ['names the same offset again', 'same-offset'],
    ['is this very request, its parameters reordered', 'reordered'],
  ] as const)(
    'a links.next that %s fails the page: no sweep completes, no model is removed',
    async (_name, nextLink) => {
      const { hub, harness } = await setup({ nextLinkKeepsFilters: true });
      await crawlOnce(harness.crawl, t.full);
      const expected = hub.ids().length;
      hub.setNextLink(nextLink);

      await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(/links\.next .* does not move past/);
      // Resumed, the run meets the same page again: it never completes.
      await expect(crawlOnce(harness.crawl, t.full)).rejects.toThrow(/does not move past/);

      const run = await t.lastRun();
      expect([run.status, run.pages, run.modelsRemoved]).toEqual(['RUNNING', 0, 0]);
      expect(run.lastError).toMatch(/does not move past/);
      expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
      expect(await t.countRows(`models WHERE hub_id = 'openrouter' AND removed_at IS NULL`)).toBe(expected);

      // Once the links advance again, the same run completes the sweep and removes nothing.
      hub.setNextLink('advance');
      await crawlOnce(harness.crawl, t.full);
      expect(await t.lastRun()).toMatchObject({ id: run.id, status: 'COMPLETED', modelsRemoved: 0 });
      expect(await t.countRows(`model_changes WHERE kind = 'REMOVED'`)).toBe(0);
    },
  );

  it('waits out Retry-After before asking again', async () => {
    const { hub, harness } = await setup({ count: 10 });
    hub.rateLimitBurst(1, 2);
    const started = Date.now();

    await crawlOnce(harness.crawl, t.full);

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    const run = await t.lastRun();
    expect([run.status, run.throttled]).toEqual(['COMPLETED', 1]);
    expect(hub.counters().byStatus.get(429)).toBe(1);
  });

  it('a page that keeps failing commits nothing, and the crawl resumes from the same page later', async () => {
    const { hub, harness } = await setup();
    const { run } = await harness.crawl.startRun({ hubId: 'openrouter', mode: 'FULL', trigger: 'CLI' });
    await harness.crawl.processPage(run.id.toString(), 0);
    const stuck = hub.inject({ kind: 'status', status: 502, times: Infinity });

    await expect(harness.crawl.processPage(run.id.toString(), 1)).rejects.toThrow(/502/);
    const after = await t.db.prisma.crawlRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([after.pages, after.status]).toEqual([1, 'RUNNING']);
    expect(await t.countRows('models')).toBeLessThanOrEqual(100);

    stuck.cancel();
    await crawlOnce(harness.crawl, t.full);
    expect(await t.countRows('models')).toBe(hub.ids().length);
  });

  it('quarantines malformed entries of a page and keeps the page; a duplicated entry is written once', async () => {
    const { hub, harness } = await setup({ count: 30 });
    const listed = hub.all().length;
    // At the end of the page: the duplicate of acme/model-0006 is listed after it.
    hub.injectMalformed(
      [
        42,
        'x',
        null,
        { ...openRouterRecord('acme/typo'), id: 'acme / typo' },
        openRouterRecord('acme/model-0006', { name: 'A duplicate of a listed model' }),
        openRouterRecord('acme/wrong-types', { pricing: 'cheap' as never, created: 'yesterday' as never }),
      ],
      { position: 'end' },
    );

    await crawlOnce(harness.crawl, t.full);

    const run = await t.lastRun();
    expect(run.pages).toBe(1);
    // Every entry is seen, both of acme/model-0006's among them; the one listed last is written.
    expect(run.modelsSeen).toBe(listed + 6);
    const { rows } = await t.db.pool.query<{ display_name: string }>(
      `SELECT hub_data->>'displayName' AS display_name FROM models WHERE id = 'openrouter:acme/model-0006'`,
    );
    expect(rows).toEqual([{ display_name: 'A duplicate of a listed model' }]);
    expect(await t.countRows(`model_changes WHERE model_id = 'openrouter:acme/model-0006'`)).toBe(1);
    const reasons = (await t.quarantinedIn(run.id)).map((q) => q.reason);
    expect(reasons.sort()).toEqual(
      [
        'no string id (id is undefined)',
        'record is null, not an object',
        'record is number, not an object',
        'record is string, not an object',
        'unusable id "acme / typo"',
      ].sort(),
    );
    expect(run.modelsQuarantined).toBe(5);
    expect(await t.countRows('models')).toBe(hub.ids().length + 1);
    const assessment = await t.db.prisma.opennessAssessment.findUniqueOrThrow({
      where: { modelId: 'openrouter:acme/wrong-types' },
    });
    expect(JSON.stringify(assessment.evidence)).toMatch(/input\.wrong-type/);
  });

  it("fetchDetails asks the hub nothing: a model's details are its listing entry, stored at every sighting", async () => {
    const { hub, harness } = await setup({ count: 250 });
    const adapter = harness.crawl.adapter('openrouter');
    hub.resetLog();

    expect(await adapter.fetchDetails('acme/model-0000')).toMatchObject({
      record: {},
      readme: null,
      licenseText: null,
    });
    expect(await adapter.fetchDetails('acme/never-listed')).toMatchObject({ record: {} });
    expect(hub.log).toHaveLength(0);
  });
});

describe('seed records (prisma/seed/openrouter)', () => {
  it('are accepted by the record builder, and seeding then crawling the same records writes no change rows', async () => {
    const records = await t.seedRecords();
    for (const record of records) expect(openRouterRecords.buildModel(record)).toMatchObject({ ok: true });

    const hub = t.started(await FakeOpenRouter.start({ records }));
    const harness = await t.harnessAt(hub.url);
    const seeded = await t.seed(openRouterRecords);
    expect([seeded.fixtures, seeded.created]).toEqual([records.length, records.length]);
    const changes = await t.countRows('model_changes');

    await crawlOnce(harness.crawl, t.full);

    expect(await t.countRows('model_changes')).toBe(changes);
    expect((await t.lastRun()).modelsUnchanged).toBe(records.length);
  });
});
