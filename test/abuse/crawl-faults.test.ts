/**
 * Faults and hostile content from the hub, through the real `catalog crawl --once` (as a user runs
 * it, against a fake hub through HF_ENDPOINT). Each case states what the hub does and what the
 * crawl promises:
 *
 * - a detail page whose license (and license name, a tag, a card key) holds a NUL byte and a lone
 *   UTF-16 surrogate, and a README with NUL bytes → stored without them (Postgres refuses both),
 *   the removal recorded as evidence on the model; nothing quarantined;
 * - a model whose detail (model info) answers 500 every time, one whose README does, one whose
 *   LICENSE answers 404, one whose LICENSE answers 500 → each is one model's enrichment failure
 *   (after the hub client's retries): counted in the summary and in `crawl_runs.enrich_failed`, the
 *   model kept as the listing gave it (and enriched again on a later crawl);
 * - a listing page with NUL bytes and lone surrogates in field values, object keys and repo ids →
 *   records without a usable id quarantined (their payload stored cleaned), every other record
 *   ingested cleaned;
 * - in every case the crawl completes, exits 0 and loses no model of the listing.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { FakeHub, malformed, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { useTestDatabase } from '../helpers/database.js';
import { runProcess } from '../helpers/processes.js';

const db = useTestDatabase();
let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const NUL_MODEL = 'openai-community/gpt2';
const INFO_FAILS = 'CompVis/stable-diffusion-v1-4';
const README_FAILS = 'HuggingFaceH4/zephyr-7b-beta';
const LICENSE_404 = 'google-bert/bert-base-uncased';
const LICENSE_500 = 'meta-llama/Llama-3.1-8B-Instruct';

function crawlEnv(hubUrl: string): Record<string, string> {
  return {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    HF_ENDPOINT: hubUrl,
    // Every model is enriched.
    ENRICH_MIN_DOWNLOADS: '0',
    ENRICH_MIN_LIKES: '0',
    HF_TIMEOUT_MS: '5000',
    // Failures are still retried (twice), only without the production backoff's seconds.
    HF_MAX_RETRIES: '2',
    HF_RETRY_BASE_MS: '20',
    LOG_LEVEL: 'error',
  };
}

const crawl = (env: Record<string, string>) =>
  runProcess('src/cli/main.ts', env, ['crawl', '--hub', 'huggingface', '--once']);

describe('catalog crawl --once against a hostile or failing hub', () => {
  it('stores NUL and lone-surrogate strings cleaned, counts failed enrichments, keeps every model, exits 0', async () => {
    const store = MemoryModelStore.fromFixtures();
    store.add(...MemoryModelStore.fromGenerated(20, { seed: 5 }).all());
    hub = await FakeHub.start({ store });
    hub.setInfo(NUL_MODEL, (record) => ({
      ...record,
      tags: [...record.tags, 'bad\u0000tag\udc00'],
      cardData: {
        ...record.cardData,
        license: 'mit\u0000\ud800',
        license_name: 'MIT\u0000 License \ud800',
        ['weird\u0000key\ud800']: 'value\u0000',
      },
    }));
    hub.setFile(NUL_MODEL, 'README.md', '---\nlicense: mit\n---\n# GPT-2\u0000\u0000 model card\n');
    hub.failModel(INFO_FAILS);
    hub.failModel(README_FAILS, { file: 'README.md' });
    hub.failModel(LICENSE_404, { file: 'LICENSE', status: 404 });
    hub.failModel(LICENSE_500, { file: 'LICENSE' });
    const env = crawlEnv(hub.url);

    const run = await crawl(env);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Crawl run \d+ \(huggingface, incremental\): COMPLETED$/m);
    expect(run.stdout).toContain(`models seen ${store.size}: created ${store.size},`);
    expect(run.stdout).toContain('quarantined 0');
    expect(run.stdout).toContain(`enriched ${store.size - 4}, enrichment failed 4 (kept as listed)`);
    // The hub client retried the 500s before giving up on those models.
    expect(hub.requestsTo(new RegExp(`^/api/models/${INFO_FAILS}/revision/`)).length).toBeGreaterThan(1);

    // Nothing lost, nothing quarantined.
    const models = await db.pool.query<{ repo_id: string }>('SELECT repo_id FROM models ORDER BY repo_id');
    expect(models.rows.map((row) => row.repo_id)).toEqual(
      store
        .all()
        .map((record) => record.id)
        .sort(),
    );
    const quarantined = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM quarantined_records');
    expect(quarantined.rows[0]?.n).toBe(0);
    const runs = await db.pool.query<{ enrich_failed: number; models_enriched: number; status: string }>(
      'SELECT enrich_failed, models_enriched, status FROM crawl_runs',
    );
    expect(runs.rows).toEqual([{ enrich_failed: 4, models_enriched: store.size - 4, status: 'COMPLETED' }]);

    // The NUL model: enriched, every string stored without NUL or lone surrogate, the removal recorded.
    const nul = await db.pool.query<{
      license_id: string;
      license_hub_value: string;
      tags: string[];
      detail: { readme: string; info: { cardData: Record<string, unknown> } } | null;
      payload: { cardData: Record<string, unknown> };
      evidence: { source: string; rule: string }[];
    }>(
      `SELECT m.license_id, m.license_hub_value, m.tags, r.detail, r.payload, a.evidence
       FROM models m JOIN raw_records r ON r.model_id = m.id JOIN openness_assessments a ON a.model_id = m.id
       WHERE m.repo_id = $1`,
      [NUL_MODEL],
    );
    const row = nul.rows[0]!;
    expect(row.license_hub_value).toBe('mit');
    expect(row.license_id).toBe('MIT');
    expect(row.tags).toContain('badtag');
    expect(row.detail?.readme).toBe('---\nlicense: mit\n---\n# GPT-2 model card\n');
    expect(row.detail?.info.cardData['license_name']).toBe('MIT License \ufffd');
    expect(row.payload.cardData).toMatchObject({ license: 'mit', license_name: 'MIT License ' });
    const stored = JSON.stringify([row.detail, row.payload, row.evidence]);
    expect(stored.includes('\u0000') || stored.includes('\\u0000')).toBe(false);
    expect((stored as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
    expect(row.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'cardData.license', rule: 'input.binary' }),
        expect.objectContaining({ source: 'README.md', rule: 'input.binary' }),
      ]),
    );

    // The failed models: kept as the listing gave them, without details, so a later crawl retries them.
    const failed = await db.pool.query<{ repo_id: string; detail: unknown }>(
      `SELECT m.repo_id, r.detail FROM models m JOIN raw_records r ON r.model_id = m.id
       WHERE m.repo_id = ANY($1::text[]) ORDER BY m.repo_id`,
      [[INFO_FAILS, README_FAILS, LICENSE_404, LICENSE_500]],
    );
    expect(failed.rows).toEqual(
      [INFO_FAILS, README_FAILS, LICENSE_404, LICENSE_500].sort().map((repo_id) => ({ repo_id, detail: null })),
    );

    // The hub recovers: the next crawl enriches exactly the models that failed.
    hub.clearFaults();
    const again = await crawl(env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('enriched 4, enrichment failed 0');
  }, 180_000);

  it('quarantines listing records without a usable id (NUL in the id or the keys), ingests the rest cleaned, exits 0', async () => {
    const store = MemoryModelStore.fromFixtures();
    hub = await FakeHub.start({ store });
    const gpt2 = store.get(NUL_MODEL)!;
    hub.injectMalformed([
      { ...gpt2, _id: 'x1', id: 'acme/bad\u0000id', modelId: 'acme/bad\u0000id' },
      { 'no\u0000id': 'v\ud800', nested: { ['k\udc00']: '\u0000' } },
      {
        ...(malformed.binaryString(gpt2) as object),
        _id: 'x2',
        id: 'acme/binary-fields',
        modelId: 'acme/binary-fields',
      },
    ]);

    const run = await crawl({ ...crawlEnv(hub.url), ENRICH: 'off' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`models seen ${store.size + 3}: created ${store.size + 1},`);
    expect(run.stdout).toContain('quarantined 2');
    const quarantined = await db.pool.query<{ reason: string; payload: unknown }>(
      'SELECT reason, payload FROM quarantined_records ORDER BY id',
    );
    expect(quarantined.rows.map((row) => row.reason)).toEqual([
      'unusable id "acme/bad\\u0000id"',
      'no string id (id is undefined)',
    ]);
    expect(quarantined.rows[1]?.payload).toEqual({ noid: 'v', nested: { k: '' } });
    const binary = await db.pool.query<{ task: string; license_hub_value: string }>(
      `SELECT task, license_hub_value FROM models WHERE repo_id = 'acme/binary-fields'`,
    );
    expect(binary.rows).toEqual([{ task: 'text-generation[0m', license_hub_value: 'mit' }]);
  });
});
