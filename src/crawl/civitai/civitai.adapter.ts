/**
 * The Civitai adapter (docs/hubs.md, "Civitai"): `GET /api/v1/models` with cursors, model details
 * from `GET /api/v1/models/{id}`, all through the HubClient it is given (budget, retries on 5xx,
 * 408 and 429 with `Retry-After`, deadlines, truncated bodies).
 *
 * - **Everything, flagged.** The listing hides NSFW models unless `nsfw=true`, and archived ones
 *   unless `archived=true`: a catalog sweep asks for both and keeps the flags as data (the `nsfw`
 *   tag, `hubData.nsfw`, weights `REMOVED` for archived models). Without `archived=true` a
 *   completed sweep would mark every archived model removed from the hub.
 * - **Cursors only.** `page` stops at 1,000 items (a 429) and cannot be combined with a search;
 *   cursors go on to the end. Each next page is our own request with `metadata.nextCursor` (or
 *   the cursor of `metadata.nextPage`), so the crawl never follows a URL off the configured origin.
 *   Only a `metadata` without either is the last page: one we cannot read a cursor from (no
 *   `metadata`, a `nextPage` with a page number) fails the page, so a full sweep is never
 *   completed early, which would mark every model it did not reach removed.
 * - **Stable orders.** Full sweeps walk `sort=Oldest` (`lastVersionAt` ascending, then id): a
 *   model that gets a new version during the sweep moves to the end, where the sweep still meets
 *   it, where with `Newest` it would jump behind the sweep, be missed, and be marked removed.
 *   Incremental crawls walk `sort=Newest` down to the watermark (`lastModifiedOf` is the latest
 *   version's publication time, the key of that order). A change of permissions without a new
 *   version does not move a model in either order: full sweeps find those.
 * - **Gap detection.** Civitai's cursor has had bugs that skip models (civitai/civitai#1111, the
 *   first model of each page; #1372, the model a cursor names; the search path still skips it).
 *   A cursor names the model its page must start with (src/crawl/civitai/civitai-cursor.ts), so
 *   when a page does not contain that model, the adapter asks `GET /api/v1/models/{id}` for it:
 *   if the hub has it (with a version the listing shows), the cursor skipped it — a gap, counted,
 *   logged with the cursor, and the model put at the head of the page so the catalog misses nothing
 *   and a full sweep marks nothing removed by mistake; a 404 means the model went away between the
 *   two pages, which is no gap. Nor is a model the listing itself leaves out after reading its row
 *   (no version left once it drops versions that are neither `Public` nor `EarlyAccess`, which the
 *   detail endpoint still shows): putting it on the page would add a model the listing never
 *   shows, and the next sweep would mark it removed again. The counts are the adapter's
 *   (`cursorChecks`, `recentGaps`) and the run's (`cursorGaps`).
 */
import { civitaiRecords } from '../../catalog/civitai/civitai.records.js';
import type { Logger } from '../../lib/logger.js';
import { type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import type { CrawlMode, HubAdapter, HubPage, ModelDetails } from '../hub-adapter.js';
import { cursorModelId, nextPageOf, recordModelId, withCursor } from './civitai-cursor.js';

export const LIST_PATH = '/api/v1/models';
/** The API's largest page (`limit` is at most 100). */
export const PAGE_SIZE = 100;
const MAX_RECENT_GAPS = 100;

export interface CivitaiAdapterOptions {
  /** Base URL (CIVITAI_ENDPOINT), without a trailing slash. */
  readonly endpoint: string;
  readonly createClient: () => HubClient;
  readonly pageSize?: number;
  /** Where cursor gaps are logged. */
  readonly logger: Logger;
}

/** One page that did not start with the model its cursor named, though the hub still had that model. */
export interface CursorGap {
  readonly url: string;
  readonly cursor: string;
  /** The model the cursor named (recovered from its detail endpoint). */
  readonly expectedId: number;
  /** The model the page started with instead (null for an empty page). */
  readonly firstId: number | null;
  readonly at: Date;
}

export interface CursorChecks {
  /** Pages fetched from a cursor that names a model. */
  checked: number;
  /** Pages whose named model the hub still had but the page did not: skipped by the cursor, recovered. */
  gaps: number;
  /**
   * Pages whose named model was gone from the hub by the time the page was read, or is one the
   * listing does not show (no gap).
   */
  vanished: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Version availabilities the listing shows (it drops the others from a record it has read). */
const LISTED_AVAILABILITY: ReadonlySet<string> = new Set(['public', 'earlyaccess']);

/**
 * The versions of a detail record the listing would show: the detail endpoint also shows versions
 * whose availability is neither `Public` nor `EarlyAccess`; the listing drops them (and the model,
 * when none is left). A version without an availability is kept.
 */
function listedVersions(versions: readonly unknown[]): unknown[] {
  return versions.filter((version) => {
    const availability = isObject(version) ? version['availability'] : undefined;
    return typeof availability !== 'string' || LISTED_AVAILABILITY.has(availability.trim().toLowerCase());
  });
}

/** The hub's record without its image lists: they change with every upload and the catalog reads none. */
function withoutImages(record: Json): Json {
  const versions = record['modelVersions'];
  if (!Array.isArray(versions)) return record;
  return {
    ...record,
    modelVersions: versions.map((version: unknown) => {
      if (!isObject(version)) return version;
      const { images: _images, ...rest } = version;
      return rest;
    }),
  };
}

export class CivitaiAdapter implements HubAdapter {
  readonly hubId = civitaiRecords.hubId;
  readonly buildModel = civitaiRecords.buildModel;
  readonly lastModifiedOf = civitaiRecords.lastModifiedOf;
  readonly cursorChecks: CursorChecks = { checked: 0, gaps: 0, vanished: 0 };
  /** The latest gaps (at most 100), newest last. */
  readonly recentGaps: CursorGap[] = [];

  constructor(private readonly options: CivitaiAdapterOptions) {}

  firstCursor(mode: CrawlMode): string {
    const url = new URL(LIST_PATH, this.options.endpoint);
    // At least 1: with `limit=0` the hub reads one row and hands out no cursor, so a sweep would
    // end after one model.
    const limit = Math.max(1, Math.min(this.options.pageSize ?? PAGE_SIZE, PAGE_SIZE));
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('sort', mode === 'FULL' ? 'Oldest' : 'Newest');
    url.searchParams.set('nsfw', 'true');
    url.searchParams.set('archived', 'true');
    return url.toString();
  }

  async fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage> {
    const url = this.checkedUrl(cursor);
    const client = this.options.createClient();
    const init = signal ? { signal } : {};
    const { response, body } = await client.requestJson(url, init);
    if (!response.ok) {
      throw new HubRequestError(`${response.status} listing ${url}`, url, response.status, response.status >= 500);
    }
    if (!isObject(body) || !Array.isArray(body['items'])) {
      throw new HubRequestError(`listing ${url} is not a page of {items, metadata}`, url, response.status, true);
    }
    const items = body['items'] as unknown[];
    const next = nextPageOf(body['metadata']);
    if (next.kind === 'unusable') {
      // Read as the last page, this would end the crawl here and a full sweep would mark every
      // model after it removed: failing leaves the run at this checkpoint instead.
      throw new HubRequestError(`listing ${url}: ${next.detail}`, url, response.status, true);
    }
    const nextUrl = next.kind === 'last' ? null : withCursor(url, next.cursor);
    if (nextUrl === url) {
      // Following it would read this page forever; failing leaves the run at this checkpoint.
      throw new HubRequestError(`the next cursor of ${url} is the same page`, url, response.status, false);
    }
    const skipped = await this.checkCursor(url, items, client, init);
    return {
      records: skipped === null ? items : [skipped, ...items],
      nextCursor: nextUrl,
      counters: client.counters,
      cursorGaps: skipped === null ? 0 : 1,
    };
  }

  async fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null> {
    if (!/^\d{1,15}$/.test(repoId)) return null;
    const client = this.options.createClient();
    const { status, record } = await this.modelRecord(Number(repoId), client, signal ? { signal } : {});
    if (status === 404) return null;
    if (record === null) throw new HubRequestError(`${status} from model ${repoId}`, repoId, status, status >= 500);
    return { record: withoutImages(record), readme: null, licenseText: null, counters: client.counters };
  }

  /**
   * The model a page's cursor names, when the page lacks it but the hub has it (a gap, see the
   * header); null otherwise.
   */
  private async checkCursor(
    url: string,
    items: readonly unknown[],
    client: HubClient,
    init: RequestInit,
  ): Promise<Json | null> {
    const cursor = new URL(url).searchParams.get('cursor');
    const expectedId = cursorModelId(cursor);
    if (cursor === null || expectedId === null) return null;
    this.cursorChecks.checked++;
    const ids = items.map(recordModelId).filter((id): id is number => id !== null);
    const firstId = ids[0] ?? null;
    if (firstId === expectedId) return null;
    if (ids.includes(expectedId)) {
      this.logger().warn({ hub: this.hubId, url, cursor, expectedId, firstId }, 'civitai page out of cursor order');
      return null;
    }
    const { status, record } = await this.modelRecord(expectedId, client, init);
    const versions = record?.['modelVersions'];
    const listed = Array.isArray(versions) ? listedVersions(versions) : [];
    if (status === 404 || (record !== null && listed.length === 0)) {
      this.cursorChecks.vanished++;
      this.logger().info(
        { hub: this.hubId, url, cursor, expectedId, status },
        'civitai cursor names a model no longer listed; no gap',
      );
      return null;
    }
    if (record === null) {
      throw new HubRequestError(`${status} checking model ${expectedId} named by ${url}`, url, status, status >= 500);
    }
    this.cursorChecks.gaps++;
    this.recentGaps.push({ url, cursor, expectedId, firstId, at: new Date() });
    if (this.recentGaps.length > MAX_RECENT_GAPS) this.recentGaps.shift();
    this.logger().warn(
      { hub: this.hubId, url, cursor, expectedId, firstId, gaps: this.cursorChecks.gaps },
      'civitai cursor skipped a model; recovered it from its detail endpoint',
    );
    return withoutImages({ ...record, modelVersions: listed });
  }

  /** `GET /api/v1/models/{id}`: the record, or null with the status when the answer is not one. */
  private async modelRecord(
    id: number,
    client: HubClient,
    init: RequestInit,
  ): Promise<{ status: number; record: Json | null }> {
    const url = new URL(`${LIST_PATH}/${id}`, this.options.endpoint).toString();
    const { response, body } = await client.requestJson(url, init);
    if (!response.ok) return { status: response.status, record: null };
    if (!isObject(body) || recordModelId(body) !== id) {
      throw new HubRequestError(`model ${url} answered with another record`, url, response.status, true);
    }
    return { status: response.status, record: body };
  }

  private logger(): Logger {
    return this.options.logger;
  }

  /** Cursors are URLs this adapter built; never follow one off the configured hub. */
  private checkedUrl(cursor: string): string {
    const url = new URL(cursor);
    if (url.origin !== new URL(this.options.endpoint).origin) {
      throw new HubRequestError(`cursor ${url.origin} is not on ${this.options.endpoint}`, cursor, null, false);
    }
    return url.toString();
  }
}
