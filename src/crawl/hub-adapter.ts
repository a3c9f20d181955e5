/**
 * One adapter per hub (a "driver"): how to list one page from a cursor, fetch one model's details,
 * and turn a raw record into a catalog model. Everything else (checkpoints, ingest, jobs, rate
 * limits) is shared.
 */
import type { CatalogModel } from '../catalog/catalog-model.js';
import type { HubClientCounters } from '../outbound/hub-client.js';

export type CrawlMode = 'FULL' | 'INCREMENTAL';

export interface HubPage {
  readonly records: readonly unknown[];
  /** Opaque cursor of the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly counters: HubClientCounters;
}

export interface ModelDetails {
  /** The hub's full record for the model (same shape as a listing record, more fields). */
  readonly record: Record<string, unknown>;
  readonly readme: string | null;
  readonly licenseText: string | null;
  readonly counters: HubClientCounters;
}

export type BuildResult =
  { readonly ok: true; readonly model: CatalogModel } | { readonly ok: false; readonly reason: string };

export interface HubAdapter {
  readonly hubId: string;
  /** The cursor of the first page of a crawl in this mode. */
  firstCursor(mode: CrawlMode): string;
  fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage>;
  /** Null when the model no longer exists on the hub. */
  fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null>;
  /** Validate, normalize and classify one raw record (pure). */
  buildModel(record: unknown, details?: { readme?: string | null; licenseText?: string | null }): BuildResult;
  /** The hub's last-modified time of a raw record, for incremental crawls (null when unknown). */
  lastModifiedOf(record: unknown): Date | null;
}
