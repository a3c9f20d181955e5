/**
 * A crawl wired like the worker's (real Postgres, real Redis budget) against a fake hub, and the
 * scaffolding of the crawl test files (`useCrawlTests`): cleanups, queries, the faults a crawl
 * retries past, the hand-written seed records.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, expect, inject } from 'vitest';
import type { HubRecords } from '../../src/catalog/hub-records.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { readSeedRecords, seedCatalog, type SeedResult } from '../../src/catalog/seed/seed.service.js';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { CrawlRunRepository } from '../../src/crawl/crawl-run.repository.js';
import { CrawlService } from '../../src/crawl/crawl.service.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { loadConfig } from '../../src/config/config.js';
import { HUBS, type HubId } from '../../src/config/hubs.js';
import { ADAPTERS } from '../../src/crawl/adapters.js';
import { FixedWindowRequestBudget, RedisRequestBudget } from '../../src/outbound/request-budget.js';
import type { Database } from '../../src/db/database.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { SEED_DIR } from '../../src/lib/project-root.js';
import { silentLogger, useTestDatabase } from './database.js';

export interface CrawlHarness {
  readonly crawl: CrawlService;
  close(): Promise<void>;
}

export interface CrawlHarnessOptions {
  readonly hub?: HubId;
  readonly pageSize?: number;
  readonly enrich?: boolean;
  readonly timeoutMs?: number;
  readonly minDownloads?: number;
  readonly requestsPerMinute?: number;
}

/**
 * `hub` (default huggingface) is any hub of src/config/hubs.ts, its adapter built as the worker
 * builds it (src/crawl/adapters.ts) against `hubUrl`; its request budget is its own (the hub's
 * headers, or `requestsPerMinute`, default unlimited in effect).
 */
export async function crawlHarness(
  db: Database,
  hubUrl: string,
  options: CrawlHarnessOptions = {},
): Promise<CrawlHarness> {
  const hubId = options.hub ?? 'huggingface';
  const spec = HUBS[hubId];
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ($1, $2, $3::"HubKind", $4) ON CONFLICT (id) DO NOTHING`,
    [hubId, spec.name, spec.kind, `${hubUrl}${spec.modelPagesPath}`],
  );
  const redis = new Redis(inject('redisUrl'));
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const limiter =
    spec.requestsPerMinute === 'headers' && options.requestsPerMinute === undefined
      ? new RedisRequestBudget(redis, { prefix, hubId })
      : new FixedWindowRequestBudget(redis, {
          prefix,
          hubId,
          requestsPerMinute: options.requestsPerMinute ?? 1_000_000,
        });
  const settings = { ...loadConfig({}).hubs[hubId], endpoint: hubUrl, pageSize: options.pageSize ?? 100 };
  const adapter = ADAPTERS[hubId]({
    settings,
    logger: silentLogger,
    createClient: () =>
      new HubClient({
        limiter,
        logger: silentLogger,
        timeoutMs: options.timeoutMs ?? 5_000,
        backoffBaseMs: 20,
        backoffMaxMs: 200,
        maxRetries: 4,
      }),
  });
  const crawl = new CrawlService({
    prisma: db.prisma,
    pool: db.pool,
    ingest: new IngestRepository(db.pool),
    runs: new CrawlRunRepository(db.prisma),
    adapters: new Map([[hubId, adapter]]),
    publisher: silentPublisher,
    enrichment: { enabled: options.enrich ?? false, minDownloads: options.minDownloads ?? 1_000, minLikes: 1_000_000 },
    logger: silentLogger,
  });
  return { crawl, close: () => redis.quit().then(() => undefined) };
}

// ---------------------------------------------------------------------------------------------
// The crawl test files' scaffolding.

type CrawlRun = Awaited<ReturnType<Database['prisma']['crawlRun']['findFirstOrThrow']>>;

export interface CrawlTests {
  readonly db: Database;
  /** `crawlOnce` arguments: a whole sweep of the hub, and an incremental crawl. */
  readonly full: { readonly hubId: HubId; readonly mode: 'FULL'; readonly limit: null };
  readonly incremental: { readonly hubId: HubId; readonly mode: 'INCREMENTAL'; readonly limit: null };
  /** Run after this test, the last registered first. */
  readonly cleanup: (...steps: (() => Promise<unknown>)[]) => void;
  /** `hub` (a started fake hub), stopped after this test. */
  readonly started: <T extends { stop(): Promise<void> }>(hub: T) => T;
  /** `crawlHarness` against `hubUrl` for this file's hub (unless `options.hub` names another), closed after this test. */
  readonly harnessAt: (hubUrl: string, options?: CrawlHarnessOptions) => Promise<CrawlHarness>;
  /** `SELECT count(*) FROM <fromWhere>`. */
  readonly countRows: (fromWhere: string, params?: unknown[]) => Promise<number>;
  readonly lastRun: () => Promise<CrawlRun>;
  /** A run's change rows, by model. */
  readonly changesOf: (runId: bigint) => Promise<{ model_id: string; kind: string }[]>;
  /** A run's quarantined records, in the order they were quarantined. */
  readonly quarantinedIn: (runId: bigint) => ReturnType<Database['prisma']['quarantinedRecord']['findMany']>;
  /** Models with more than one change row, whatever their kinds. */
  readonly duplicatedChanges: () => Promise<number>;
  /**
   * After a crawl that met faults: its run completed, and the catalog holds `expected` models of the
   * hub with one change row each (no duplicated ones). Returns the run.
   */
  readonly expectRecovered: (expected: number) => Promise<CrawlRun>;
  /**
   * Two full crawls of an unchanged hub: the second writes no change row and finds every model
   * unchanged. Returns how many change rows the first wrote.
   */
  readonly expectRecrawlUnchanged: (crawl: CrawlService) => Promise<number>;
  /** The hub's hand-written records (prisma/seed/<hub>/): between 3 and 6 of them. */
  readonly seedRecords: () => Promise<unknown[]>;
  /** `catalog seed` of the hand-written records only, through `adapter`. */
  readonly seed: (adapter: HubRecords) => Promise<SeedResult>;
}

/**
 * The scaffolding of a crawl test file for `hubId` (default huggingface), called once at its top
 * (`const t = useCrawlTests(…)`; its members are plain functions):
 * the test database (truncated before each test), cleanups after each test, harnesses, and the
 * queries the tests read a crawl's effects with.
 */
export function useCrawlTests(hubId: HubId = 'huggingface'): CrawlTests {
  const db = useTestDatabase();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });
  const countRows = async (fromWhere: string, params: unknown[] = []) =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${fromWhere}`, params)).rows[0]?.n ?? 0;
  const lastRun = () => db.prisma.crawlRun.findFirstOrThrow({ orderBy: { id: 'desc' } });
  const full = { hubId, mode: 'FULL', limit: null } as const;
  const duplicatedChanges = () =>
    countRows('(SELECT model_id FROM model_changes GROUP BY model_id HAVING count(*) > 1) d');
  return {
    db,
    full,
    incremental: { hubId, mode: 'INCREMENTAL', limit: null },
    cleanup: (...steps) => {
      cleanups.push(...steps);
    },
    started: (hub) => {
      cleanups.push(() => hub.stop());
      return hub;
    },
    harnessAt: async (hubUrl, options = {}) => {
      const harness = await crawlHarness(db, hubUrl, { hub: hubId, ...options });
      cleanups.push(() => harness.close());
      return harness;
    },
    countRows,
    lastRun,
    changesOf: async (runId) =>
      (
        await db.pool.query<{ model_id: string; kind: string }>(
          'SELECT model_id, kind FROM model_changes WHERE crawl_run_id = $1 ORDER BY model_id, id',
          [runId],
        )
      ).rows,
    quarantinedIn: (runId) =>
      db.prisma.quarantinedRecord.findMany({ where: { crawlRunId: runId }, orderBy: { id: 'asc' } }),
    duplicatedChanges,
    expectRecovered: async (expected) => {
      const run = await lastRun();
      expect(run.status).toBe('COMPLETED');
      expect(await countRows('models WHERE hub_id = $1', [hubId])).toBe(expected);
      expect(await countRows('model_changes')).toBe(expected);
      expect(await duplicatedChanges()).toBe(0);
      return run;
    },
    expectRecrawlUnchanged: async (crawl) => {
      await crawlOnce(crawl, full);
      const before = await countRows('model_changes');
      await crawlOnce(crawl, full);
      expect(await countRows('model_changes')).toBe(before);
      const run = await lastRun();
      expect([run.modelsCreated, run.modelsUpdated, run.modelsUnchanged]).toEqual([0, 0, run.modelsSeen]);
      return before;
    },
    seedRecords: async () => {
      const records = await readSeedRecords(join(SEED_DIR, hubId));
      expect(records.length).toBeGreaterThanOrEqual(3);
      expect(records.length).toBeLessThanOrEqual(6);
      return records;
    },
    seed: (adapter) =>
      seedCatalog({
        pool: db.pool,
        ingest: new IngestRepository(db.pool),
        adapter,
        publisher: silentPublisher,
        demo: 0,
        ifEmpty: false,
      }),
  };
}

/** The fault shortcuts of a fake hub (../fake-hub/fake-server.ts), aimed at its listing. */
interface ListingFaults {
  failNext(count: number, status: number, match: { route: 'list' }): unknown;
  hangNext(count: number, match: { route: 'list' }): unknown;
  truncateNext(count: number, options: { route: 'list' }): unknown;
  rateLimitBurst(count: number, retryAfterSeconds: number, match: { route: 'list' }): unknown;
  resetNext(count: number, match: { route: 'list' }): unknown;
}

/** Faults of a hub's listing that a crawl gets past by retrying, for `it.each`: [what, inject]. */
export const LISTING_FAULTS: readonly (readonly [string, (hub: ListingFaults) => void])[] = [
  ['5xx answers', (hub) => hub.failNext(2, 503, { route: 'list' })],
  ['a hung request', (hub) => hub.hangNext(1, { route: 'list' })],
  ['a truncated JSON body', (hub) => hub.truncateNext(1, { route: 'list' })],
  ['429 with Retry-After', (hub) => hub.rateLimitBurst(2, 1, { route: 'list' })],
  ['a reset connection', (hub) => hub.resetNext(1, { route: 'list' })],
];
