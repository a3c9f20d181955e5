/**
 * The ModelScope adapter (docs/hubs.md, "ModelScope").
 *
 * No real captured ModelScope answer exists; this follows the documented shapes of its OpenAPI:
 * - listing `GET /openapi/v1/models?page_number=&page_size=&sort=` →
 *   `{success, message, data: {models: […], total_count}}`, pages numbered from 1;
 * - detail `GET /openapi/v1/models/{owner}/{name}` → `{success, data: {…}}`;
 * - files `GET /api/v1/models/{owner}/{name}/repo/files?Revision=master&Recursive=true` →
 *   `{Data: {Files: [{Path, Size, Type}]}}`, and one file's content at
 *   `GET /api/v1/models/{owner}/{name}/repo?Revision=master&FilePath=<path>` (the SDK's download URL).
 * An answer with `success: false` is an error with the hub's message, retried like a 5xx: never
 * read as an empty page, which would end a sweep early and mark the rest of the hub removed.
 *
 * Pagination. Page numbers over a list that changes during a crawl can repeat or skip records,
 * and a record a full sweep skips is marked removed at its end. The documented sorts are
 * `default`, `downloads`, `likes` and `last_modified`; counters reorder the list all the time, so
 * both modes walk `sort=last_modified` (newest first), which only moves when a model is created,
 * changed or deleted:
 * - a model created or changed during the sweep goes to the head: everything after it moves one
 *   place down, so the next page repeats the previous page's last record (a duplicate: dropped
 *   here by the previous page's ids, which the cursor carries; ingest upserts any other);
 * - a model changed during the sweep leaves its old place unread, so a full sweep ends with a
 *   head pass: it reads from page 1 again, keeping what is newer than the newest record the sweep's
 *   first page held, until a page reaches older records;
 * - a model deleted from pages already read moves everything after it one place up, so a record
 *   would slip into a page already read: when `total_count` drops between two pages, the pages
 *   that may have lost records are read again (at most MAX_BACKTRACK_PAGES).
 * What remains is a deletion and a creation between the same two pages, which cancel out in the
 * count; the record that slipped is back at the next sweep (and was only ever at risk of being
 * marked removed for one sweep).
 * A page that ends with the same records as the page before is an error (retried), never read on:
 * a hub that ignores `page_number` would otherwise answer its first page until `total_count`, and
 * the sweep would mark every other model removed.
 */
import { repoIdOf } from '../../catalog/modelscope/modelscope-record.js';
import { MAX_TEXT, modelScopeRecords } from '../../catalog/modelscope/modelscope.records.js';
import { backoffDelay } from '../../lib/retry.js';
import { inspectText, TEXT_LIMITS } from '../../lib/text.js';
import { type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import type { CrawlMode, HubAdapter, HubPage, ModelDetails } from '../hub-adapter.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** The page size when none is configured (the hub documents no maximum; its site pages by 30–100). */
export const PAGE_SIZE = 100;
/** The order both modes walk: the only documented one that counters do not reorder. */
export const SORT = 'last_modified';
/** Pages read again after a drop of `total_count` (deletions in pages already read). */
export const MAX_BACKTRACK_PAGES = 3;
/** Pages of the head pass at most (models created or changed during one sweep). */
export const MAX_HEAD_PAGES = 20;
/** Ids of the previous page kept in the cursor to drop the records a shift repeats. */
const PREVIOUS_IDS = 20;
/** Attempts at an answer that says `success: false` (the hub client retries HTTP errors itself). */
const ENVELOPE_ATTEMPTS = 3;
const ENVELOPE_BACKOFF_MS = 200;
const ENVELOPE_BACKOFF_MAX_MS = 2_000;
/** Files read beside the record when the repository has them. */
const README = 'README.md';
const LICENSE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md', 'license.txt'];

export interface ModelScopeAdapterOptions {
  /** Base URL (MODELSCOPE_ENDPOINT), without a trailing slash. */
  readonly endpoint: string;
  readonly createClient: () => HubClient;
  readonly pageSize?: number;
}

/** What a cursor carries beside its page URL (in the URL's fragment, never sent to the hub). */
export interface CursorState {
  readonly mode: CrawlMode;
  /** `list`: the sweep proper; `head`: the full sweep's closing pass over the head. */
  readonly phase: 'list' | 'head';
  /** `total_count` of the page before (null on the first page, or when the hub sent none). */
  readonly total: number | null;
  /** Ids of the previous page's last records. */
  readonly previous: readonly string[];
  /** Full sweeps: the newest `last_modified` (ms) of the sweep's first page. */
  readonly head: number | null;
}

export function encodeCursor(url: URL, state: CursorState): string {
  const page = new URL(url);
  page.hash = `state=${Buffer.from(JSON.stringify(state)).toString('base64url')}`;
  return page.toString();
}

export function decodeCursor(cursor: string): { url: URL; state: CursorState } {
  const url = new URL(cursor);
  const encoded = /^#state=([\w-]+)$/.exec(url.hash)?.[1];
  if (!encoded) throw new Error(`not a ModelScope cursor: ${cursor.slice(0, 200)}`);
  const state = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as CursorState;
  url.hash = '';
  return { url, state };
}

/** One listing page as the envelope gives it. */
export interface ListingPage {
  readonly models: readonly unknown[];
  readonly total: number | null;
}

/** The hub's error text, bounded (it lands in logs and `crawl_runs.last_error`). */
function hubMessage(body: Record<string, unknown>): string {
  const message = body['message'] ?? body['Message'] ?? body['msg'];
  const text = typeof message === 'string' ? message : JSON.stringify(message ?? null);
  return inspectText(text, { maxLength: TEXT_LIMITS.line, controls: true }).text;
}

/** A `{success, data}` answer's data; an error with the hub's message when it is anything else. */
export function envelopeData(body: unknown, url: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HubRequestError(
      `${url} answered ${Array.isArray(body) ? 'an array' : typeof body}, not an envelope`,
      url,
      200,
      true,
    );
  }
  const envelope = body as Record<string, unknown>;
  const success = envelope['success'] ?? envelope['Success'];
  if (success !== true) {
    throw new HubRequestError(`${url} answered success=${String(success)}: ${hubMessage(envelope)}`, url, 200, true);
  }
  const data = envelope['data'] ?? envelope['Data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HubRequestError(`${url} answered success without a data object`, url, 200, true);
  }
  return data as Record<string, unknown>;
}

/** A listing envelope's models and total; a page without a `models` list is an error, not an empty page. */
export function listingOf(body: unknown, url: string): ListingPage {
  const data = envelopeData(body, url);
  const models = data['models'] ?? data['Models'];
  if (!Array.isArray(models)) throw new HubRequestError(`${url} answered data without a models list`, url, 200, true);
  const total = data['total_count'] ?? data['TotalCount'];
  // A count as a number or as its digits (the record's own counts come both ways); else unknown.
  const count = typeof total === 'string' && /^\s*\d{1,15}\s*$/.test(total) ? Number(total) : total;
  return {
    models,
    total: typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : null,
  };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** The repository id of a listing record, or null when it has none (it will be quarantined). */
function idOf(record: unknown): string | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const id = repoIdOf(record as Record<string, unknown>);
  return 'repoId' in id ? id.repoId : null;
}

/** The ids of a page's last records, which the next page's cursor carries. */
function lastIds(records: readonly unknown[]): string[] {
  return records
    .map(idOf)
    .filter((id): id is string => id !== null)
    .slice(-PREVIOUS_IDS);
}

function newest(records: readonly unknown[]): number | null {
  let best: number | null = null;
  for (const record of records) {
    const time = modelScopeRecords.lastModifiedOf(record)?.getTime() ?? null;
    if (time !== null && (best === null || time > best)) best = time;
  }
  return best;
}

export class ModelScopeAdapter implements HubAdapter {
  readonly hubId = modelScopeRecords.hubId;
  readonly buildModel = modelScopeRecords.buildModel;
  readonly lastModifiedOf = modelScopeRecords.lastModifiedOf;

  constructor(private readonly options: ModelScopeAdapterOptions) {}

  private get pageSize(): number {
    return this.options.pageSize ?? PAGE_SIZE;
  }

  firstCursor(mode: CrawlMode): string {
    return encodeCursor(this.pageUrl(1), { mode, phase: 'list', total: null, previous: [], head: null });
  }

  async fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage> {
    const { url, state } = this.checkedCursor(cursor);
    const page = Number(url.searchParams.get('page_number'));
    const size = Number(url.searchParams.get('page_size'));
    if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(size) || size < 1) {
      throw new HubRequestError(`cursor has no page number and size: ${url.toString()}`, url.toString(), null, false);
    }
    const client = this.options.createClient();
    const listing = await this.listing(client, url, signal);
    const tail = lastIds(listing.models);
    if (state.phase === 'list' && tail.length > 0 && sameIds(tail, state.previous)) {
      // The page before, again: a hub that ignores `page_number` answers page 1 to every request,
      // and a sweep read on would see only it and mark the rest of the hub removed at its end.
      throw new HubRequestError(
        `page ${page} ends with the same ${tail.length} models as page ${page - 1}: the hub ignores ` +
          'page_number, or more models changed between the two requests than a page holds',
        url.toString(),
        200,
        true,
      );
    }
    const short = listing.models.length < size;
    if (short && listing.total !== null && page * size < listing.total) {
      // One answer cannot shrink between its list and its count: the hub caps page_size below ours,
      // and reading on would skip records (which a full sweep would then mark removed).
      throw new HubRequestError(
        `page ${page} holds ${listing.models.length} of ${size} records while total_count is ${listing.total}: ` +
          'the hub caps page_size; set MODELSCOPE_PAGE_SIZE lower',
        url.toString(),
        200,
        false,
      );
    }
    const done = short || (listing.total !== null && page * size >= listing.total);

    if (state.phase === 'head') {
      // Only what changed since the sweep began; the first older record ends the pass.
      const head = state.head ?? Infinity;
      const newer = listing.models.filter((record) => (this.lastModifiedOf(record)?.getTime() ?? -Infinity) > head);
      const finished = done || newer.length < listing.models.length || page >= MAX_HEAD_PAGES;
      return {
        records: newer,
        nextCursor: finished ? null : encodeCursor(this.pageUrl(page + 1, size), { ...state, total: listing.total }),
        counters: client.counters,
      };
    }

    // Deletions in pages already read moved records up into them: read those pages again.
    const reread: unknown[] = [];
    if (page > 1 && state.total !== null && listing.total !== null && listing.total < state.total) {
      const shift = state.total - listing.total;
      const first = Math.max(1, Math.floor(((page - 1) * size - shift) / size) + 1, page - MAX_BACKTRACK_PAGES);
      for (let earlier = first; earlier < page; earlier++) {
        reread.push(...(await this.listing(client, this.pageUrl(earlier, size), signal)).models);
      }
      // The count dropped by at least as many places as records moved up (new models only join at
      // the head), so the ones that slipped are the last `shift` read again; a margin besides.
      reread.splice(0, Math.max(0, reread.length - shift - PREVIOUS_IDS));
    }

    const seen = new Set(state.previous);
    const records: unknown[] = [];
    for (const record of [...reread, ...listing.models]) {
      const id = idOf(record);
      if (id !== null) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      records.push(record);
    }

    const head = state.mode === 'FULL' ? (state.head ?? (page === 1 ? newest(listing.models) : null)) : null;
    let nextCursor: string | null;
    if (!done) {
      nextCursor = encodeCursor(this.pageUrl(page + 1, size), {
        ...state,
        total: listing.total,
        previous: tail,
        head,
      });
    } else if (state.mode === 'FULL' && head !== null) {
      nextCursor = encodeCursor(this.pageUrl(1, size), { ...state, phase: 'head', total: null, previous: [], head });
    } else {
      nextCursor = null;
    }
    return { records, nextCursor, counters: client.counters };
  }

  async fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null> {
    const client = this.options.createClient();
    const path = repoId.split('/').map(encodeURIComponent).join('/');
    const detailUrl = new URL(`/openapi/v1/models/${path}`, this.options.endpoint).toString();
    const detail = await this.envelope(client, detailUrl, signal);
    if (detail === null) return null;

    const filesUrl = new URL(`/api/v1/models/${path}/repo/files`, this.options.endpoint);
    filesUrl.searchParams.set('Revision', 'master');
    filesUrl.searchParams.set('Recursive', 'true');
    const filesData = await this.envelope(client, filesUrl.toString(), signal, { legacy: true });
    const listed = filesData?.['Files'] ?? filesData?.['files'];
    // No file list (a 404, another shape): the files stay unknown, which is not an empty repository.
    const files = Array.isArray(listed) ? (listed as unknown[]) : null;
    const paths = new Set(
      (files ?? [])
        .map((file) =>
          typeof file === 'object' && file !== null && (file as { Type?: unknown }).Type !== 'tree'
            ? (file as { Path?: unknown }).Path
            : undefined,
        )
        .filter((file): file is string => typeof file === 'string'),
    );
    const licenseFile = LICENSE_FILES.find((name) => paths.has(name));
    // Both settle before a failure is reported, so no request of this model outlives the call.
    const [readme, licenseText] = await Promise.allSettled([
      paths.has(README) ? this.file(client, path, README, signal) : null,
      licenseFile ? this.file(client, path, licenseFile, signal) : null,
    ]);
    for (const [file, result] of [
      [README, readme],
      [licenseFile, licenseText],
    ] as const) {
      if (result.status === 'rejected') {
        throw new Error(`${file} of ${repoId}: ${(result.reason as Error).message}`, { cause: result.reason });
      }
    }
    // Enrichment keeps details at the listing's revision (`last_modified`, src/catalog/modelscope/
    // modelscope.records.ts) and fetches them again when the listing's moves: a `last_modified` or
    // `sha` of the detail's own that disagreed with the listing (fresher, another precision, or a
    // listing without one) would move the model off the revision its details are stored at, and
    // enrich it again at every sighting.
    const { sha: _sha, last_modified: _lastModified, ...fields } = detail;
    return {
      // The detail's fields, the repository id the catalog knows, and the file list the classifier reads.
      record: { ...fields, id: repoId, ...(files === null ? {} : { files: [...paths] }) },
      readme: readme.status === 'fulfilled' ? readme.value : null,
      licenseText: licenseText.status === 'fulfilled' ? licenseText.value : null,
      counters: client.counters,
    };
  }

  private pageUrl(page: number, size = this.pageSize): URL {
    const url = new URL('/openapi/v1/models', this.options.endpoint);
    url.searchParams.set('page_number', String(page));
    url.searchParams.set('page_size', String(size));
    url.searchParams.set('sort', SORT);
    return url;
  }

  private async listing(client: HubClient, url: URL, signal: AbortSignal | undefined): Promise<ListingPage> {
    for (let attempt = 1; ; attempt++) {
      const { response, body } = await client.requestJson(url.toString(), signal ? { signal } : {});
      if (!response.ok) {
        throw new HubRequestError(
          `${response.status} listing ${url.toString()}`,
          url.toString(),
          response.status,
          response.status >= 500,
        );
      }
      try {
        return listingOf(body, url.toString());
      } catch (error) {
        await this.backOff(client, error, attempt, signal);
      }
    }
  }

  /**
   * The data of an envelope answer; null on a 404 (the model is gone). `legacy`: the files API's
   * `{Code, Success, Data}` envelope, whose `Success` some versions omit.
   */
  private async envelope(
    client: HubClient,
    url: string,
    signal: AbortSignal | undefined,
    options: { legacy?: boolean } = {},
  ): Promise<Record<string, unknown> | null> {
    for (let attempt = 1; ; attempt++) {
      const { response, body } = await client.requestJson(url, signal ? { signal } : {});
      if (response.status === 404) return null;
      if (!response.ok) throw new HubRequestError(`${response.status} from ${url}`, url, response.status, false);
      try {
        if (
          options.legacy &&
          typeof body === 'object' &&
          body !== null &&
          !('Success' in body) &&
          !('success' in body)
        ) {
          const data = (body as { Data?: unknown }).Data;
          if (typeof data === 'object' && data !== null) return data as Record<string, unknown>;
        }
        return envelopeData(body, url);
      } catch (error) {
        await this.backOff(client, error, attempt, signal);
      }
    }
  }

  /** After a `success: false` answer: count it, then wait and try again, or give up with the hub's message. */
  private async backOff(client: HubClient, error: unknown, attempt: number, signal: AbortSignal | undefined) {
    client.counters.errors++;
    if (attempt >= ENVELOPE_ATTEMPTS) throw error;
    const delay = backoffDelay(attempt, ENVELOPE_BACKOFF_MS, ENVELOPE_BACKOFF_MAX_MS);
    await sleep(delay, undefined, signal ? { signal } : undefined);
  }

  private async file(
    client: HubClient,
    repoPath: string,
    file: string,
    signal: AbortSignal | undefined,
  ): Promise<string | null> {
    const url = new URL(`/api/v1/models/${repoPath}/repo`, this.options.endpoint);
    url.searchParams.set('Revision', 'master');
    url.searchParams.set('FilePath', file);
    const response = await client.request(url.toString(), signal ? { signal } : {});
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new HubRequestError(`${response.status} from ${url.toString()}`, url.toString(), response.status, false);
    }
    const text = await response.text();
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  }

  /** Cursors are ours, but stored: never follow one off the configured hub. */
  private checkedCursor(cursor: string): { url: URL; state: CursorState } {
    const decoded = decodeCursor(cursor);
    if (decoded.url.origin !== new URL(this.options.endpoint).origin) {
      throw new HubRequestError(
        `cursor ${decoded.url.origin} is not on ${this.options.endpoint}`,
        decoded.url.toString(),
        null,
        false,
      );
    }
    return decoded;
  }
}
