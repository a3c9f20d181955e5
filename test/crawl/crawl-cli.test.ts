/** `catalog crawl --once` as a user runs it, pointed at a fake hub through HF_ENDPOINT. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { civitaiRecords } from '../fake-hub/civitai/civitai-records.js';
import { CivitaiFakeHub } from '../fake-hub/civitai/civitai-fake.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { FakeModelScope, generateModelScopeRecords } from '../fake-hub/modelscope/fake-modelscope.js';
import { FakeOpenRouter } from '../fake-hub/openrouter/fake-openrouter.js';
import { generateOpenRouterRecords } from '../fake-hub/openrouter/records.js';
import { HUBS, type HubId } from '../../src/config/hubs.js';
import { useTestDatabase } from '../helpers/database.js';
import { runProcess } from '../helpers/processes.js';

const db = useTestDatabase();
let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('catalog crawl --once', () => {
  it('fills the catalog from HF_ENDPOINT and prints the run summary; a second run changes nothing', async () => {
    const store = MemoryModelStore.fromFixtures();
    store.add(...MemoryModelStore.fromGenerated(320).all());
    hub = await FakeHub.start({ store });
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      HF_ENDPOINT: hub.url,
      HF_PAGE_SIZE: '100',
      ENRICH_MIN_DOWNLOADS: '100000000',
      ENRICH_MIN_LIKES: '100000000',
      LOG_LEVEL: 'warn',
    };

    const first = await runProcess('src/cli/main.ts', env, ['crawl', '--hub', 'huggingface', '--once']);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Crawl run \d+ \(huggingface, incremental\): COMPLETED$/m);
    expect(first.stdout).toContain(
      `models seen ${store.all().length}: created ${store.all().length}, updated 0, unchanged 0, removed 0, quarantined 0`,
    );
    expect(first.stderr).toMatch(/crawl huggingface \(incremental, run \d+\): \d+ models in [\d.]+s/);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM models');
    expect(rows[0]?.n).toBe(store.all().length);

    const second = await runProcess('src/cli/main.ts', env, [
      'crawl',
      '--hub',
      'huggingface',
      '--once',
      '--full',
      '--limit',
      '150',
      '--no-enrich',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\(huggingface, full\): COMPLETED/);
    expect(second.stdout).toContain('models seen 150: created 0, updated 0, unchanged 150, removed 0');
  });

  it.each([
    {
      hub: 'civitai',
      start: () => CivitaiFakeHub.start({ records: civitaiRecords(230) }),
      listed: 230,
    },
    {
      hub: 'modelscope',
      start: () => FakeModelScope.start({ records: generateModelScopeRecords(230) }),
      listed: 230,
    },
    {
      hub: 'openrouter',
      start: () => FakeOpenRouter.start({ records: generateOpenRouterRecords(230) }),
      listed: 230,
    },
  ])(
    'crawl --hub $hub --once --full fills the catalog from its <PREFIX>_ENDPOINT',
    async ({ hub: hubId, start, listed }) => {
      const fake = await start();
      try {
        const prefix = { civitai: 'CIVITAI', modelscope: 'MODELSCOPE', openrouter: 'OPENROUTER' }[hubId];
        const env = {
          DATABASE_URL: inject('databaseUrl'),
          REDIS_URL: inject('redisUrl'),
          QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
          [`${prefix}_ENDPOINT`]: fake.url,
          [`${prefix}_REQUESTS_PER_MINUTE`]: '100000',
          ENRICH_MIN_DOWNLOADS: '100000000',
          ENRICH_MIN_LIKES: '100000000',
          LOG_LEVEL: 'warn',
        };
        const run = await runProcess('src/cli/main.ts', env, ['crawl', '--hub', hubId, '--once', '--full']);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Crawl run \\d+ \\(${hubId}, full\\): COMPLETED$`, 'm'));
        const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE hub_id = $1', [
          hubId,
        ]);
        expect(rows[0]?.n).toBe(listed);
        // The hub row names the endpoint crawled, and `stats` counts the hub.
        const hubRow = await db.pool.query<{ base_url: string }>('SELECT base_url FROM hubs WHERE id = $1', [hubId]);
        expect(hubRow.rows[0]?.base_url).toBe(`${fake.url}${HUBS[hubId as HubId].modelPagesPath}`);
      } finally {
        await fake.stop();
      }
    },
  );

  it('rejects an unknown hub and a bad --limit with a usage error', async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), LOG_LEVEL: 'warn' };
    const unknown = await runProcess('src/cli/main.ts', env, ['crawl', '--hub', 'kaggle', '--once']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown hub "kaggle" (known: huggingface, openrouter, modelscope, civitai)');
    const bad = await runProcess('src/cli/main.ts', env, ['crawl', '--once', '--limit', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a positive integer');
  });
});
