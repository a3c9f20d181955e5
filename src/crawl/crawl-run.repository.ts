/**
 * Crawl runs: creation, the page checkpoint (inside the ingest transaction), enrichment outcomes,
 * completion. Hub text written here (quarantined records and their reasons, error messages) passes
 * the one sanitizer (src/lib/text.ts): a NUL in a rejected record must not roll back its page.
 */
import type pg from 'pg';
import type { CrawlRun, PrismaClient } from '../generated/prisma/client.js';
import type { IngestCounts } from '../catalog/ingest.repository.js';
import { cleanJson, cleanText, TEXT_LIMITS } from '../lib/text.js';
import type { HubClientCounters } from '../outbound/hub-client.js';
import type { CrawlMode } from './hub-adapter.js';

export type CrawlTrigger = 'SCHEDULE' | 'CLI' | 'API';

export interface PageCheckpoint {
  readonly runId: string;
  /** The page number this checkpoint completes (0-based): the run must be at exactly this page. */
  readonly page: number;
  readonly nextCursor: string | null;
  readonly seen: number;
  readonly counts: IngestCounts;
  readonly quarantined: readonly { reason: string; payload: unknown }[];
  readonly http: HubClientCounters;
  /** Models the hub's cursor skipped and the adapter recovered on this page. */
  readonly cursorGaps?: number;
}

export class CrawlRunRepository {
  constructor(private readonly prisma: PrismaClient) {}

  find(runId: string): Promise<CrawlRun | null> {
    return this.prisma.crawlRun.findUnique({ where: { id: BigInt(runId) } });
  }

  /** The runs of `runIds`, in their order (null where there is none): one statement, for a DataLoader. */
  async findByIds(runIds: readonly string[]): Promise<(CrawlRun | null)[]> {
    const runs = await this.prisma.crawlRun.findMany({ where: { id: { in: runIds.map((id) => BigInt(id)) } } });
    const byId = new Map(runs.map((run) => [run.id.toString(), run]));
    return runIds.map((id) => byId.get(id) ?? null);
  }

  /** The running run of this hub and mode, if any (one at a time per hub and mode). */
  findRunning(hubId: string, mode: CrawlMode): Promise<CrawlRun | null> {
    return this.prisma.crawlRun.findFirst({ where: { hubId, mode, status: 'RUNNING' }, orderBy: { id: 'desc' } });
  }

  listRunning(): Promise<CrawlRun[]> {
    return this.prisma.crawlRun.findMany({ where: { status: 'RUNNING' }, orderBy: { id: 'asc' } });
  }

  async create(input: {
    hubId: string;
    mode: CrawlMode;
    trigger: CrawlTrigger;
    cursor: string;
    watermark: Date | null;
    maxModels: number | null;
  }): Promise<CrawlRun> {
    return this.prisma.crawlRun.create({ data: { ...input, status: 'RUNNING' } });
  }

  /**
   * Advance the run by one page, in the caller's transaction, only if it is still at `page`:
   * a retried or duplicated page job finds it already advanced and writes nothing.
   */
  async checkpoint(client: pg.PoolClient, c: PageCheckpoint): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE crawl_runs SET pages = pages + 1, cursor = $3, models_seen = models_seen + $4,
         models_created = models_created + $5, models_updated = models_updated + $6 + $7,
         models_unchanged = models_unchanged + $8, models_quarantined = models_quarantined + $9,
         requests = requests + $10, throttled = throttled + $11, rate_limit_wait_ms = rate_limit_wait_ms + $12,
         errors = errors + $13, cursor_gaps = cursor_gaps + $14, heartbeat_at = now()
       WHERE id = $1 AND pages = $2 AND status = 'RUNNING'`,
      [
        c.runId,
        c.page,
        c.nextCursor,
        c.seen,
        c.counts.created,
        c.counts.updated,
        c.counts.restored,
        c.counts.unchanged,
        c.quarantined.length,
        c.http.requests,
        c.http.throttled,
        Math.round(c.http.rateLimitWaitMs),
        c.http.errors,
        c.cursorGaps ?? 0,
      ],
    );
    if (rowCount !== 1) return false;
    if (c.quarantined.length > 0) {
      await client.query(
        `INSERT INTO quarantined_records (hub_id, crawl_run_id, reason, payload)
         SELECT hub_id, $1, r.reason, COALESCE(r.payload, 'null'::jsonb) FROM crawl_runs, jsonb_to_recordset($2::jsonb) AS r(reason text, payload jsonb)
         WHERE crawl_runs.id = $1`,
        [
          c.runId,
          JSON.stringify(
            c.quarantined.map((q) => ({
              reason: cleanText(q.reason, TEXT_LIMITS.line),
              payload: cleanJson(q.payload ?? null),
            })),
          ),
        ],
      );
    }
    return true;
  }

  /** Record HTTP counters or an error that did not complete a page. */
  async addFailure(runId: string, http: HubClientCounters, error: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE crawl_runs SET requests = requests + ${http.requests},
      throttled = throttled + ${http.throttled}, rate_limit_wait_ms = rate_limit_wait_ms + ${Math.round(http.rateLimitWaitMs)},
      errors = errors + ${http.errors + 1}, last_error = ${cleanText(error, TEXT_LIMITS.line)}, heartbeat_at = now()
      WHERE id = ${BigInt(runId)}`;
  }

  /**
   * Count one model's enrichment, whenever it ends (enrichment jobs may finish after their run):
   * enriched, or failed (its details stay unfetched, the model as the listing gave it).
   */
  async addEnrichment(runId: string, outcome: 'enriched' | 'failed'): Promise<void> {
    const data = outcome === 'enriched' ? { modelsEnriched: { increment: 1 } } : { enrichFailed: { increment: 1 } };
    await this.prisma.crawlRun.updateMany({ where: { id: BigInt(runId) }, data });
  }

  async complete(runId: string, removed: number): Promise<CrawlRun | null> {
    const { count } = await this.prisma.crawlRun.updateMany({
      where: { id: BigInt(runId), status: 'RUNNING' },
      data: { status: 'COMPLETED', finishedAt: new Date(), modelsRemoved: { increment: removed } },
    });
    return count === 1 ? this.find(runId) : null;
  }

  async fail(runId: string, error: string): Promise<void> {
    await this.prisma.crawlRun.updateMany({
      where: { id: BigInt(runId), status: 'RUNNING' },
      data: { status: 'FAILED', finishedAt: new Date(), lastError: cleanText(error, TEXT_LIMITS.line) },
    });
  }
}
