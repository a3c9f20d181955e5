/**
 * The Hugging Face Hub adapter.
 *
 * Listing calls `GET /api/models` directly instead of @huggingface/hub's `listModels`, because the
 * library pages at 500 at most, cannot start from a saved cursor (so a crawl could not resume after
 * a crash) and hides the response headers (so the rate-limit budget could not be followed). Model
 * info and file downloads go through the library, with our fetch wrapper as its `fetch`.
 */
import { downloadFile, modelInfo } from '@huggingface/hub';
import { huggingFaceRecords, MAX_TEXT } from '../../catalog/huggingface/huggingface.records.js';
import { type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import type { CrawlMode, HubAdapter, HubPage, ModelDetails } from '../hub-adapter.js';

/** What every listing page asks for: what classification, deployment and ecosystem views need. */
export const LIST_EXPAND = [
  'author',
  'cardData',
  'createdAt',
  'disabled',
  'downloads',
  'downloadsAllTime',
  'gated',
  'gguf',
  'inferenceProviderMapping',
  'lastModified',
  'library_name',
  'likes',
  'pipeline_tag',
  'safetensors',
  'sha',
  'siblings',
  'tags',
] as const;

/** The Hub's observed maximum page size. */
export const PAGE_SIZE = 1_000;

export interface HuggingFaceAdapterOptions {
  /** Base URL (HF_ENDPOINT), without a trailing slash. */
  readonly endpoint: string;
  readonly createClient: () => HubClient;
  readonly pageSize?: number;
}

export class HuggingFaceAdapter implements HubAdapter {
  readonly hubId = huggingFaceRecords.hubId;

  constructor(private readonly options: HuggingFaceAdapterOptions) {}

  /**
   * Full sweeps walk `sort=createdAt` ascending: a stable order in which new models append at the
   * end (the default trending order moves during a sweep and skips models). Incremental crawls
   * walk `sort=lastModified`, newest first, down to the watermark.
   */
  firstCursor(mode: CrawlMode): string {
    const url = new URL('/api/models', this.options.endpoint);
    url.searchParams.set('sort', mode === 'FULL' ? 'createdAt' : 'lastModified');
    url.searchParams.set('direction', mode === 'FULL' ? '1' : '-1');
    url.searchParams.set('limit', String(this.options.pageSize ?? PAGE_SIZE));
    for (const field of LIST_EXPAND) url.searchParams.append('expand[]', field);
    return url.toString();
  }

  async fetchPage(cursor: string, signal?: AbortSignal): Promise<HubPage> {
    const url = this.checkedUrl(cursor);
    const client = this.options.createClient();
    const { response, body } = await client.requestJson(url, signal ? { signal } : {});
    if (!response.ok) {
      throw new HubRequestError(`${response.status} listing ${url}`, url, response.status, response.status >= 500);
    }
    if (!Array.isArray(body))
      throw new HubRequestError(`listing ${url} is not a JSON array`, url, response.status, true);
    return { records: body, nextCursor: nextLink(response.headers.get('link')), counters: client.counters };
  }

  async fetchDetails(repoId: string, signal?: AbortSignal): Promise<ModelDetails | null> {
    const client = this.options.createClient();
    const fetch: typeof globalThis.fetch = (input, init) =>
      client.fetch(input, { ...init, ...(signal ? { signal } : {}) });
    let info: Record<string, unknown>;
    try {
      const entry = await modelInfo({
        name: repoId,
        hubUrl: this.options.endpoint,
        fetch,
        // Beyond the listing's fields: evaluation results, the Spaces using the model (too long a
        // list to expand for every model of a listing page) and the config (quantization_config).
        additionalFields: [
          ...LIST_EXPAND.filter((field) => field !== 'gguf'),
          'model-index',
          'spaces',
          'config',
        ] as never[],
      });
      info = modelEntryToRecord(entry as unknown as Record<string, unknown>);
    } catch (error) {
      // The hub answers 401 (not 404) for a repository that does not exist.
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 401 || status === 404) return null;
      throw error;
    }
    const canonical = typeof info['id'] === 'string' ? info['id'] : repoId;
    const files = new Set(
      Array.isArray(info['siblings'])
        ? (info['siblings'] as { rfilename?: unknown }[])
            .map((file) => file.rfilename)
            .filter((name) => typeof name === 'string')
        : [],
    );
    const licenseFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license.md', 'license.txt'].find((name) =>
      files.has(name),
    );
    // Both settle before a failure is reported, so no request of this model outlives the call.
    const [readme, licenseText] = await Promise.allSettled([
      files.has('README.md') ? this.text(canonical, 'README.md', fetch) : null,
      licenseFile ? this.text(canonical, licenseFile, fetch) : null,
    ]);
    for (const [file, result] of [
      ['README.md', readme],
      [licenseFile, licenseText],
    ] as const) {
      if (result.status === 'rejected') {
        throw new Error(`${file} of ${canonical}: ${(result.reason as Error).message}`, { cause: result.reason });
      }
    }
    return {
      record: info,
      readme: readme.status === 'fulfilled' ? readme.value : null,
      licenseText: licenseText.status === 'fulfilled' ? licenseText.value : null,
      counters: client.counters,
    };
  }

  readonly buildModel = huggingFaceRecords.buildModel;
  readonly lastModifiedOf = huggingFaceRecords.lastModifiedOf;

  private async text(repo: string, path: string, fetch: typeof globalThis.fetch): Promise<string | null> {
    const blob = await downloadFile({
      repo: { type: 'model', name: repo },
      path,
      hubUrl: this.options.endpoint,
      fetch,
    });
    if (!blob) return null;
    const text = await blob.text();
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  }

  /** Cursors are URLs from the hub's own Link headers; never follow one off the configured hub. */
  private checkedUrl(cursor: string): string {
    const url = new URL(cursor);
    if (url.origin !== new URL(this.options.endpoint).origin) {
      throw new HubRequestError(`cursor ${url.origin} is not on ${this.options.endpoint}`, cursor, null, false);
    }
    return url.toString();
  }
}

/** `Link: <https://…>; rel="next"` → the next page URL (absolute), or null on the last page. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const match of header.matchAll(/<([^>]+)>\s*;\s*rel="?([^",;]+)"?/g)) {
    if (match[2] === 'next' && match[1]) return match[1];
  }
  return null;
}

/**
 * @huggingface/hub's ModelEntry renames the API's fields (`id` is the Mongo id, `name` the repo id,
 * `task` the pipeline tag, `updatedAt` the last modification); map it back to the API shape the
 * classifier and the raw-record store use.
 */
export function modelEntryToRecord(entry: Record<string, unknown>): Record<string, unknown> {
  const { id: mongoId, name, task, updatedAt, ...rest } = entry;
  return {
    ...rest,
    _id: mongoId,
    id: name,
    modelId: name,
    ...(task === undefined ? {} : { pipeline_tag: task }),
    ...(updatedAt instanceof Date
      ? { lastModified: updatedAt.toISOString() }
      : typeof updatedAt === 'string'
        ? { lastModified: updatedAt }
        : {}),
  };
}
