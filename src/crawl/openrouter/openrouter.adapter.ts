/**
 * The OpenRouter adapter (docs/hubs.md): `GET /api/v1/models`, no authentication.
 *
 * - The listing shows text-output models only unless asked for `output_modalities=all`; a catalog
 *   crawl wants every model, so every request carries it.
 * - Historically the whole listing came in one response (`{data:[…]}`); newer API versions page
 *   with `offset`/`limit`, give `links.next` (a path such as `/api/v1/models?offset=500&limit=500`,
 *   which may not repeat our filter) and `totalCount`. So the first request asks for `limit` and
 *   `offset=0`; the next page is `links.next` when present (with our filter put back), else the
 *   next offset while `totalCount` says more records follow, else none. A `links.next` that does
 *   not move past its page fails the page: followed, it would be read forever; taken as the end, it
 *   would cut a full sweep short.
 * - There is no modification time: incremental and full crawls read the same listing, and only a
 *   full sweep marks models the hub no longer lists as removed.
 * - An entry listed twice is passed on twice, as every hub's are: ingest writes a page's model once
 *   (the last entry of an id wins).
 * - A model's details are its listing entry, which the crawl already stores: enrichment asks the
 *   hub nothing (see fetchDetails).
 */
import { openRouterRecords } from '../../catalog/openrouter/openrouter.records.js';
import { isJsonObject } from '../../catalog/record-problems.js';
import { emptyCounters, type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import type { CrawlMode, HubAdapter, HubPage, ModelDetails } from '../hub-adapter.js';

const LISTING_PATH = '/api/v1/models';
/** The filter that lists every model, whatever it outputs (the default is text-output models only). */
const ALL_OUTPUTS = { name: 'output_modalities', value: 'all' } as const;
/** The page size of the hub's own `links.next` example. */
export const PAGE_SIZE = 500;

export interface OpenRouterAdapterOptions {
  /** Base URL (OPENROUTER_ENDPOINT), without a trailing slash. */
  readonly endpoint: string;
  readonly createClient: () => HubClient;
  readonly pageSize?: number;
}

interface Listing {
  readonly data: readonly unknown[];
  readonly next: string | null;
  readonly totalCount: number | null;
}

export class OpenRouterAdapter implements HubAdapter {
  readonly hubId = openRouterRecords.hubId;
  readonly buildModel = openRouterRecords.buildModel;
  readonly lastModifiedOf = openRouterRecords.lastModifiedOf;

  constructor(private readonly options: OpenRouterAdapterOptions) {}

  firstCursor(_mode: CrawlMode): string {
    const url = new URL(LISTING_PATH, this.options.endpoint);
    url.searchParams.set(ALL_OUTPUTS.name, ALL_OUTPUTS.value);
    url.searchParams.set('offset', '0');
    url.searchParams.set('limit', String(this.options.pageSize ?? PAGE_SIZE));
    return url.toString();
  }

  async fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage> {
    const url = this.checkedUrl(cursor);
    const client = this.options.createClient();
    const listing = await this.list(client, url, signal);
    return {
      records: listing.data,
      nextCursor: this.nextCursor(url, listing),
      counters: client.counters,
    };
  }

  /**
   * The listing has no per-model record beyond its own entries (`/api/v1/models/{id}/endpoints`
   * describes providers, not the model), so a model's details are its listing entry, which every
   * sighting stores as the model's raw record. Nothing to fetch, then: reading the listing again
   * for each model would cost whole listings, and the copy kept as details (which has no revision
   * to expire it) would stand under every later sighting, bringing back fields the hub dropped.
   * An empty record adds nothing to the listing's, and never goes stale.
   */
  fetchDetails(_repoId: string, _signal?: AbortSignal): Promise<ModelDetails | null> {
    return Promise.resolve({ record: {}, readme: null, licenseText: null, counters: emptyCounters() });
  }

  private async list(client: HubClient, url: string, signal: AbortSignal | undefined): Promise<Listing> {
    const { response, body } = await client.requestJson(url, signal ? { signal } : {});
    if (!response.ok) {
      throw new HubRequestError(`${response.status} listing ${url}`, url, response.status, response.status >= 500);
    }
    // A body without its `data` array is a broken answer (a proxy's error page, a cut response): retried later.
    if (!isJsonObject(body) || !Array.isArray(body['data'])) {
      throw new HubRequestError(`listing ${url} has no "data" array`, url, response.status, true);
    }
    const links = body['links'];
    const next =
      isJsonObject(links) && typeof links['next'] === 'string' && links['next'] !== '' ? links['next'] : null;
    const total = body['totalCount'];
    const totalCount = typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : null;
    return { data: body['data'] as unknown[], next, totalCount };
  }

  private nextCursor(current: string, listing: Listing): string | null {
    if (listing.data.length === 0) return null;
    const here = new URL(current);
    const offset = offsetOf(here) ?? 0;
    let next: URL;
    if (listing.next !== null) {
      next = new URL(listing.next, this.options.endpoint);
      // The hub's own example of `links.next` drops the filter: without it the next page would be
      // a page of the text-only listing, at an offset of the full one.
      if (!next.searchParams.has(ALL_OUTPUTS.name)) next.searchParams.set(ALL_OUTPUTS.name, ALL_OUTPUTS.value);
      // A link that does not move past this page would be read forever, and ending the listing
      // there would cut a full sweep short (the rest of the hub marked removed): the page fails.
      const nextOffset = offsetOf(next);
      if (nextOffset === null ? samePage(next, here) : nextOffset <= offset) {
        throw new HubRequestError(
          `links.next ${listing.next.slice(0, 200)} does not move past ${current}`,
          current,
          200,
          false,
        );
      }
    } else {
      const after = offset + listing.data.length;
      if (listing.totalCount === null || after >= listing.totalCount) return null;
      next = new URL(here);
      next.searchParams.set('offset', String(after));
    }
    // Never read on past the count the hub gave.
    const nextOffset = offsetOf(next);
    if (listing.totalCount !== null && nextOffset !== null && nextOffset >= listing.totalCount) return null;
    return this.checkedUrl(next.toString());
  }

  /** Cursors come from the hub's answers; never follow one off the configured hub. */
  private checkedUrl(cursor: string): string {
    const url = new URL(cursor, this.options.endpoint);
    if (url.origin !== new URL(this.options.endpoint).origin) {
      throw new HubRequestError(`cursor ${url.origin} is not on ${this.options.endpoint}`, cursor, null, false);
    }
    return url.toString();
  }
}

/** Whether two listing URLs ask for the same page: the same parameters in any order, no offset being 0. */
function samePage(a: URL, b: URL): boolean {
  const key = (url: URL) =>
    [...url.searchParams]
      .filter(([name, value]) => name !== 'offset' || value !== '0')
      .map(([name, value]) => `${name}=${value}`)
      .sort()
      .join('&');
  return a.origin === b.origin && a.pathname === b.pathname && key(a) === key(b);
}

/** A page's `offset`: null when it has none, or one that is not a whole number. */
function offsetOf(url: URL): number | null {
  const offset = url.searchParams.get('offset');
  return offset !== null && /^\d{1,15}$/.test(offset) ? Number(offset) : null;
}
