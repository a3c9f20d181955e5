/**
 * A crawl, one page at a time. The same code runs in the worker (one BullMQ job per page) and in
 * the CLI (`crawl --once`, in the foreground): start or resume a run, process the page the run's
 * checkpoint points at, finish the run.
 *
 * Crash safety: a page's models, its change rows, its quarantined records and the run's next
 * cursor commit in one transaction, guarded by the expected page number. A crash before the commit
 * leaves the checkpoint on the page, which is fetched again; a crash after it leaves the next page
 * to do. A duplicated or retried page job finds the run already past its page and writes nothing.
 */
import { RawRecordRepository } from '../catalog/raw-record.repository.js';
import { isJsonObject } from '../catalog/record-problems.js';
import type pg from 'pg';
import type { CrawlRun, PrismaClient } from '../generated/prisma/client.js';
import type { CatalogModel } from '../catalog/catalog-model.js';
import type { IngestCounts, IngestRepository, IngestResult } from '../catalog/ingest.repository.js';
import type { ChangePublisher } from '../catalog/change-publisher.js';
import type { Logger } from '../lib/logger.js';
import type { CrawlRunRepository, CrawlTrigger } from './crawl-run.repository.js';
import { emptyCounters } from '../outbound/hub-client.js';
import { boundForStorage } from '../catalog/huggingface/hf-record.js';
import type { CrawlMode, HubAdapter, HubPage, ModelDetails } from './hub-adapter.js';

/** Incremental crawls re-read this far behind the watermark: hub clocks and commits are not instant. */
export const WATERMARK_SAFETY_MS = 10 * 60 * 1000;

export interface EnrichmentPolicy {
  readonly enabled: boolean;
  /** Only models with at least this many downloads (30 days) or likes are enriched. */
  readonly minDownloads: number;
  readonly minLikes: number;
}

export interface EnrichTarget {
  readonly modelId: string;
  readonly repoId: string;
  readonly sha: string | null;
  /** The run that found the model stale, which counts the outcome; absent for older jobs. */
  readonly runId?: string | undefined;
}

/**
 * How one model's enrichment ended. `failed`: a detail, README or LICENSE fetch failed after the
 * hub client's retries (or for good, as a 404 does); the model stays as the listing gave it and,
 * its details still missing, is a target again at its next sighting. `gone`: the hub no longer
 * has the repo. `missing`: nothing of it is stored to enrich.
 */
export type EnrichOutcome = 'enriched' | 'failed' | 'gone' | 'missing';

export type PageOutcome =
  | {
      readonly kind: 'page';
      readonly page: number;
      readonly seen: number;
      readonly quarantined: number;
      readonly counts: IngestCounts;
      readonly changes: number;
      /** Null when the listing is done: the run is ready to finish. */
      readonly nextCursor: string | null;
      readonly enrich: readonly EnrichTarget[];
    }
  /** The run is past this page already (a duplicate or retried job): nothing was written. */
  | { readonly kind: 'stale' }
  /** The run is no longer running. */
  | { readonly kind: 'finished' };

export interface CrawlServiceDeps {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  readonly ingest: IngestRepository;
  readonly runs: CrawlRunRepository;
  readonly adapters: ReadonlyMap<string, HubAdapter>;
  readonly publisher: ChangePublisher;
  /** The default policy, and each hub's own where it has one. */
  readonly enrichment: EnrichmentPolicy;
  readonly enrichmentByHub?: ReadonlyMap<string, EnrichmentPolicy>;
  readonly logger: Logger;
}

export class CrawlService {
  private readonly records: RawRecordRepository;

  constructor(private readonly deps: CrawlServiceDeps) {
    this.records = new RawRecordRepository(deps.pool);
  }

  adapter(hubId: string): HubAdapter {
    const adapter = this.deps.adapters.get(hubId);
    if (!adapter)
      throw new Error(
        `no adapter for hub ${JSON.stringify(hubId)}; known: ${[...this.deps.adapters.keys()].join(', ')}`,
      );
    return adapter;
  }

  /** Resume the running run of this hub and mode, or start one. */
  async startRun(input: {
    hubId: string;
    mode: CrawlMode;
    trigger: CrawlTrigger;
    maxModels?: number | null;
  }): Promise<{ run: CrawlRun; resumed: boolean }> {
    const adapter = this.adapter(input.hubId);
    const running = await this.deps.runs.findRunning(input.hubId, input.mode);
    if (running) return { run: running, resumed: true };
    const hub = await this.deps.prisma.hub.findUnique({ where: { id: input.hubId } });
    if (!hub) throw new Error(`hub ${input.hubId} is not in the catalog: run \`catalog seed\` first`);
    const run = await this.deps.runs.create({
      hubId: input.hubId,
      mode: input.mode,
      trigger: input.trigger,
      cursor: adapter.firstCursor(input.mode),
      watermark: input.mode === 'INCREMENTAL' ? hub.incrementalWatermark : null,
      maxModels: input.maxModels ?? null,
    });
    this.deps.logger.info({ runId: run.id.toString(), hub: input.hubId, mode: input.mode }, 'crawl run started');
    return { run, resumed: false };
  }

  runState(runId: string): Promise<CrawlRun | null> {
    return this.deps.runs.find(runId);
  }

  runningRuns(): Promise<CrawlRun[]> {
    return this.deps.runs.listRunning();
  }

  /**
   * Fetch, build and ingest page number `page` of the run (0-based), if the run is still there.
   * `pipeline` lets a foreground caller overlap requests with ingest: `prefetched` is a fetch of
   * this page's cursor already under way, and `onNextCursor` hears the next page's cursor as soon
   * as it is known (before this page is written), so its fetch can start.
   */
  async processPage(
    runId: string,
    page: number,
    signal?: AbortSignal,
    pipeline: { prefetched?: { cursor: string; page: Promise<HubPage> }; onNextCursor?: (cursor: string) => void } = {},
  ): Promise<PageOutcome> {
    const run = await this.deps.runs.find(runId);
    if (!run || run.status !== 'RUNNING') return { kind: 'finished' };
    if (run.pages !== page) return { kind: 'stale' };
    if (run.cursor === null) {
      return {
        kind: 'page',
        page,
        seen: 0,
        quarantined: 0,
        counts: { created: 0, updated: 0, unchanged: 0, restored: 0 },
        changes: 0,
        nextCursor: null,
        enrich: [],
      };
    }
    const adapter = this.adapter(run.hubId);

    let fetched: HubPage;
    try {
      const prefetched = pipeline.prefetched?.cursor === run.cursor ? pipeline.prefetched.page : null;
      fetched = (await prefetched?.catch(() => null)) ?? (await adapter.fetchPage(run.cursor, signal));
    } catch (error) {
      await this.deps.runs.addFailure(runId, emptyCounters(), (error as Error).message);
      throw error;
    }

    let records = fetched.records;
    let nextCursor = fetched.nextCursor;
    if (run.maxModels !== null && run.modelsSeen + records.length >= run.maxModels) {
      records = records.slice(0, Math.max(0, run.maxModels - run.modelsSeen));
      nextCursor = null;
    }
    const models: CatalogModel[] = [];
    const quarantined: { reason: string; payload: unknown }[] = [];
    const listed: { record: unknown; model: CatalogModel }[] = [];
    for (const record of records) {
      const built = adapter.buildModel(record);
      if (built.ok) listed.push({ record, model: built.model });
      else quarantined.push({ reason: built.reason, payload: quarantinePayload(record) });
    }
    // Details enrichment fetched stay part of the model: built from the listing alone, an enriched
    // model would lose what its README and LICENSE said (a license pinned by its LICENSE file would
    // flip back, with a change row each way). At a new revision they are kept too, until enrichment
    // (which finds them stale by their sha) replaces them: the model changes once, when the new
    // details say something else, and never flips to the listing's view and back in between. The
    // listing's fresher fields win. (The read is one indexed query per page; a hub whose enrichment
    // is off still reads it, as details stored before it was turned off must not be dropped.)
    const stored = await this.records.storedDetails(listed.map(({ model }) => model.id));
    for (const { record, model } of listed) {
      const details = stored.get(model.id);
      if (details && isJsonObject(record)) {
        const rebuilt = adapter.buildModel(
          { ...(details.info ?? {}), ...record },
          { readme: details.readme ?? null, licenseText: details.licenseText ?? null },
        );
        if (rebuilt.ok) {
          models.push(rebuilt.model);
          continue;
        }
      }
      models.push(model);
    }
    // Incremental: newest first; once a page reaches below the watermark, the rest is known.
    if (
      run.watermark &&
      records.some((record) => (adapter.lastModifiedOf(record)?.getTime() ?? Infinity) < run.watermark!.getTime())
    ) {
      nextCursor = null;
    }

    if (nextCursor !== null) pipeline.onNextCursor?.(nextCursor);

    const result = await this.deps.ingest.ingestPage(models, {
      crawlRunId: runId,
      checkpoint: (client, counts) =>
        this.deps.runs.checkpoint(client, {
          runId,
          page,
          nextCursor,
          seen: records.length,
          counts,
          quarantined,
          http: fetched.counters,
          cursorGaps: fetched.cursorGaps ?? 0,
        }),
    });
    if (!result) return { kind: 'stale' };
    await this.deps.publisher.publish(result.changes);

    return {
      kind: 'page',
      page,
      seen: records.length,
      quarantined: quarantined.length,
      counts: {
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        restored: result.restored,
      },
      changes: result.changes.length,
      nextCursor,
      enrich: this.enrichmentOf(run.hubId).enabled
        ? (
            await this.enrichTargets(
              models.map((model) => model.id),
              run.hubId,
            )
          ).map((target) => ({ ...target, runId }))
        : [],
    };
  }

  /**
   * Complete a run whose listing is done. A complete, unlimited full sweep marks every model of
   * the hub it did not see as removed; any completed run moves the incremental watermark to its
   * start (minus a safety margin). Idempotent: finishing twice does nothing more.
   */
  async finishRun(runId: string): Promise<CrawlRun | null> {
    const run = await this.deps.runs.find(runId);
    if (!run || run.status !== 'RUNNING' || run.cursor !== null) return null;
    let removed = 0;
    if (run.mode === 'FULL' && run.maxModels === null) {
      const changes = await this.deps.ingest.markUnseenRemoved(run.hubId, run.startedAt, runId);
      removed = changes.length;
      await this.deps.publisher.publish(changes);
    }
    const watermark = new Date(run.startedAt.getTime() - WATERMARK_SAFETY_MS);
    const completed = await this.deps.runs.complete(runId, removed);
    if (completed && run.maxModels === null) {
      await this.deps.prisma.hub.update({
        where: { id: run.hubId },
        data: { incrementalWatermark: watermark, ...(run.mode === 'FULL' ? { lastFullSweepAt: new Date() } : {}) },
      });
    }
    this.deps.logger.info(
      { runId, hub: run.hubId, mode: run.mode, pages: completed?.pages, seen: completed?.modelsSeen, removed },
      'crawl run completed',
    );
    return completed;
  }

  private enrichmentOf(hubId: string): EnrichmentPolicy {
    return this.deps.enrichmentByHub?.get(hubId) ?? this.deps.enrichment;
  }

  /** Models of a page that matter (downloads or likes) and whose details are missing or stale (sha). */
  async enrichTargets(modelIds: readonly string[], hubId?: string): Promise<EnrichTarget[]> {
    if (modelIds.length === 0) return [];
    const policy = hubId === undefined ? this.deps.enrichment : this.enrichmentOf(hubId);
    const rows = await this.records.staleDetails(modelIds, policy);
    return rows.map((row) => ({ modelId: row.id, repoId: row.repo_id, sha: row.sha }));
  }

  /**
   * Fetch one model's details (model info, README, LICENSE), store them beside the raw record, and
   * re-ingest the model classified with them (a change row only if the result changed).
   *
   * A fetch that fails is this model's failure, never the crawl's: logged, counted on the run, and
   * `failed` returned (the hub client has already retried 429s, 5xx and timeouts). A database
   * error is thrown: it is not the model's fault, and the caller (a job) retries. So is an abort.
   */
  async enrichModel(target: EnrichTarget, signal?: AbortSignal): Promise<EnrichOutcome> {
    const [hubId] = target.modelId.split(':', 1);
    const adapter = this.adapter(hubId ?? '');
    const payload = await this.records.payloadOf(target.modelId);
    if (!payload) return 'missing';
    let details: ModelDetails | null;
    try {
      details = await adapter.fetchDetails(target.repoId, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      this.deps.logger.warn(
        { modelId: target.modelId, runId: target.runId, err: (error as Error).message },
        'enrichment failed; the model is kept as listed',
      );
      await this.countEnrichment(target, 'failed');
      return 'failed';
    }
    if (!details) {
      this.deps.logger.info({ modelId: target.modelId }, 'model gone from the hub before its enrichment');
      return 'gone';
    }
    const record = { ...payload, ...details.record, id: payload['id'] };
    const built = adapter.buildModel(record, { readme: details.readme, licenseText: details.licenseText });
    if (!built.ok) return 'missing';
    let result: IngestResult | null;
    try {
      result = await this.deps.ingest.ingestPage([built.model], {
        details: [
          {
            modelId: target.modelId,
            sha: typeof details.record['sha'] === 'string' ? details.record['sha'] : target.sha,
            info: details.record,
            readme: details.readme,
            licenseText: details.licenseText,
          },
        ],
      });
    } catch (error) {
      if (!refusedData(error)) throw error;
      // Ingest cleans what it writes; if Postgres still refuses this model's data, it is the model's failure.
      this.deps.logger.error(
        { modelId: target.modelId, runId: target.runId, err: error },
        'enriched model refused by the database; kept as listed',
      );
      await this.countEnrichment(target, 'failed');
      return 'failed';
    }
    if (result) await this.deps.publisher.publish(result.changes);
    await this.countEnrichment(target, 'enriched');
    return 'enriched';
  }

  private async countEnrichment(target: EnrichTarget, outcome: 'enriched' | 'failed'): Promise<void> {
    if (target.runId !== undefined) await this.deps.runs.addEnrichment(target.runId, outcome);
  }
}

/** Postgres refused the data itself (SQLSTATE class 22, data exception; 54, a size limit), not the connection. */
function refusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** What is kept of a rejected record: small ones whole, big ones as a bounded JSON prefix. */
function quarantinePayload(record: unknown): unknown {
  let text: string;
  try {
    text = JSON.stringify(boundForStorage(record)) ?? 'null';
  } catch {
    text = JSON.stringify(String(record));
  }
  return text.length <= 16_384 ? (JSON.parse(text) as unknown) : { truncated: text.slice(0, 16_384) };
}
