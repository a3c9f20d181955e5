/**
 * One adapter per hub (a "driver"): how to list one page from a cursor and fetch one model's
 * details, with the hub's record builder (src/catalog/hub-records.ts) to turn a raw record into a
 * catalog model. Everything else (checkpoints, ingest, jobs, rate limits) is shared.
 */
import type { HubRecords } from '../catalog/hub-records.js';
import type { HubClientCounters } from '../outbound/hub-client.js';

export type CrawlMode = 'FULL' | 'INCREMENTAL';

export interface HubPage {
  readonly records: readonly unknown[];
  /** Opaque cursor of the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly counters: HubClientCounters;
  /**
   * Models the hub's cursor skipped on the way to this page, found and put back on it by the
   * adapter (Civitai); counted on the run (`crawl_runs.cursor_gaps`).
   */
  readonly cursorGaps?: number;
}

export interface ModelDetails {
  /** The hub's full record for the model (same shape as a listing record, more fields). */
  readonly record: Record<string, unknown>;
  readonly readme: string | null;
  readonly licenseText: string | null;
  readonly counters: HubClientCounters;
}

export interface HubAdapter extends HubRecords {
  /** The cursor of the first page of a crawl in this mode. */
  firstCursor(mode: CrawlMode): string;
  fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage>;
  /** Null when the model no longer exists on the hub. */
  fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null>;
}
