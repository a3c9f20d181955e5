/**
 * Model Openness Tool adapter: its public read-only REST API (raw/mot_config/API.md).
 *
 *   GET {base}/api/v1/models?page={1…}&limit={n}  →  {pager: {total_items, total_pages, current_page}, models: [record…]}
 *   GET {base}/api/v1/model/{id}                   →  record
 *
 * A record is the model's YAML (`framework`, `release`) plus `classification` (and the id, at the
 * top level or as `classification.id`). List items carry the whole record; an item without a
 * `release` is fetched from the detail endpoint. The API allows 10,000 requests per hour per IP.
 */
import { mapMotModel } from './mot.mapping.js';
import { ReferenceSourceError, type ReferenceHttp } from './reference-http.js';
import {
  isRecord,
  text,
  type OpennessReference,
  type ReferenceAdapter,
  type ReferenceFetch,
  type SkippedRecord,
} from './reference.types.js';

export const DEFAULT_MOT_URL = 'https://mot.isitopen.ai';
const DEFAULT_PAGE_SIZE = 100;
/** A bound on pages, against a server that never reports the last one. */
const MAX_PAGES = 10_000;

export interface MotAdapterOptions {
  readonly baseUrl?: string;
  readonly http: ReferenceHttp;
  readonly pageSize?: number;
}

export interface MotPage {
  readonly models: readonly unknown[];
  readonly totalPages: number | null;
}

export class MotAdapter implements ReferenceAdapter {
  readonly source = 'MOT' as const;
  private readonly baseUrl: string;
  private readonly pageSize: number;

  constructor(private readonly options: MotAdapterOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_MOT_URL).replace(/\/+$/, '');
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  async fetchPage(page: number, signal?: AbortSignal): Promise<MotPage> {
    const url = `${this.baseUrl}/api/v1/models?page=${page}&limit=${this.pageSize}`;
    const body = await this.options.http.getJson(url, {}, signal);
    if (!isRecord(body) || !Array.isArray(body.models)) {
      throw new ReferenceSourceError(`unexpected listing from ${url}: no models array`, url, 200);
    }
    const pager = isRecord(body.pager) ? body.pager : {};
    const totalPages = Number(pager.total_pages);
    return { models: body.models, totalPages: Number.isSafeInteger(totalPages) && totalPages >= 0 ? totalPages : null };
  }

  /** One model's record; null when the API does not know the id. */
  async fetchModel(id: string, signal?: AbortSignal): Promise<unknown> {
    const url = `${this.baseUrl}/api/v1/model/${encodeURIComponent(id)}`;
    const response = await this.options.http.get(url, { accept: 'application/json' }, signal);
    if (response.status === 404) return null;
    if (response.status < 200 || response.status > 299) {
      throw new ReferenceSourceError(`${response.status} from ${url}`, url, response.status);
    }
    try {
      return JSON.parse(response.body) as unknown;
    } catch (error) {
      throw new ReferenceSourceError(`malformed JSON from ${url}`, url, response.status, { cause: error });
    }
  }

  async fetchAll(signal?: AbortSignal): Promise<ReferenceFetch> {
    const references = new Map<string, OpennessReference>();
    const skipped: SkippedRecord[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { models, totalPages } = await this.fetchPage(page, signal);
      for (let record of models) {
        if (isRecord(record) && !isRecord(record.release)) {
          const id = text(record.id) ?? (isRecord(record.classification) ? text(record.classification.id) : null);
          if (id !== null) record = (await this.fetchModel(id, signal)) ?? record;
        }
        const mapped = mapMotModel(record, this.baseUrl);
        if (mapped.ok) references.set(mapped.reference.externalId, mapped.reference);
        else skipped.push({ externalId: mapped.externalId, reason: mapped.reason });
      }
      if (models.length === 0 || (totalPages !== null && page >= totalPages)) break;
    }
    return { references: [...references.values()], skipped };
  }
}
