/**
 * The OpenRouter adapter (docs/hubs.md): `GET /api/v1/models`, no authentication.
 *
 * - The listing shows text-output models only unless asked for `output_modalities=all`; a catalog
 *   crawl wants every model, so every request carries it.
 * - Historically the whole listing came in one response (`{data:[…]}`); newer API versions page
 *   with `offset`/`limit`, give `links.next` (a path such as `/api/v1/models?offset=500&limit=500`,
 *   which may not repeat our filter) and `totalCount`. So the first request asks for `limit` and
 *   `offset=0`; the next page is `links.next` when present (with our filter put back), else the
 *   next offset while `totalCount` says more records follow, else none.
 * - There is no modification time: incremental and full crawls read the same listing, and only a
 *   full sweep marks models the hub no longer lists as removed.
 */
import { openRouterRecords } from '../../catalog/openrouter/openrouter.records.js';
import { isJsonObject } from '../../catalog/record-problems.js';
import { type HubClient, HubRequestError } from '../../outbound/hub-client.js';
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
      records: uniqueById(listing.data),
      nextCursor: this.nextCursor(url, listing),
      counters: client.counters,
    };
  }

  /**
   * The listing has no per-model record beyond its own entries (`/api/v1/models/{id}/endpoints`
   * describes providers, not the model), so a model's details are its listing entry: the listing
   * is read until the model is found. Null when the hub no longer lists it.
   */
  async fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null> {
    const client = this.options.createClient();
    let url: string | null = this.firstCursor('FULL');
    while (url !== null) {
      const listing = await this.list(client, url, signal);
      const record = listing.data.find((entry) => isJsonObject(entry) && entry['id'] === repoId);
      if (isJsonObject(record)) return { record, readme: null, licenseText: null, counters: client.counters };
      url = this.nextCursor(url, listing);
    }
    return null;
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
    let next: URL;
    if (listing.next !== null) {
      next = new URL(listing.next, this.options.endpoint);
      // The hub's own example of `links.next` drops the filter: without it the next page would be
      // a page of the text-only listing, at an offset of the full one.
      if (!next.searchParams.has(ALL_OUTPUTS.name)) next.searchParams.set(ALL_OUTPUTS.name, ALL_OUTPUTS.value);
    } else {
      const url = new URL(current);
      const offset = Number(url.searchParams.get('offset') ?? '0');
      const after = offset + listing.data.length;
      if (listing.totalCount === null || !Number.isSafeInteger(after) || after >= listing.totalCount) return null;
      url.searchParams.set('offset', String(after));
      next = url;
    }
    // Never read on past the count the hub gave, nor follow a link back to this very page: a hub
    // that ignores `offset` but links onwards must not be read forever.
    const nextOffset = Number(next.searchParams.get('offset') ?? Number.NaN);
    if (listing.totalCount !== null && nextOffset >= listing.totalCount) return null;
    const cursor = this.checkedUrl(next.toString());
    return cursor === current ? null : cursor;
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

/**
 * The first entry of each id: ingest writes a page with one statement, which refuses to write the
 * same model twice, so a duplicated entry would fail its page on every retry. Entries without a
 * string id pass through, for the record builder to quarantine.
 */
function uniqueById(records: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const id = isJsonObject(record) && typeof record['id'] === 'string' ? record['id'].trim() : null;
    if (id === null) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
