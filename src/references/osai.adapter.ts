/**
 * European Open Source AI Index adapter: the Index's public data repository
 * (github.com/Language-Technology-Assessment/main-database), one YAML file per model, read the
 * way the Index's own website reads it (a directory listing, then each file raw).
 *
 * URL layout, for a base URL B (ending in `/`):
 * - B on raw.githubusercontent.com, `https://raw.githubusercontent.com/{owner}/{repo}/{ref}/{dir}`
 *   (the default): the listing is the GitHub contents API,
 *   `GET https://api.github.com/repos/{owner}/{repo}/contents/{dir}?ref={ref}` (a JSON array of
 *   `{name, type, html_url, …}`); one request, within the unauthenticated limit of 60 per hour.
 * - any other B (a mirror, a local fake): `GET B` is the directory listing: a JSON array (GitHub
 *   contents shape, or of names), or an HTML index (nginx `autoindex`, `python -m http.server`)
 *   whose `<a href>`s name the files, or plain text with one name per line.
 * - each file: `GET B{encoded file name}`. Model files are `*.yaml` except `a_submission_template.yaml`;
 *   `_parameters.yml` (parameters and the model types they apply to) is read when listed.
 */
import {
  DEFAULT_OSAI_PARAMETERS,
  isOsaiEntryFile,
  osaiReferences,
  parseOsaiEntry,
  parseOsaiParameters,
  type OsaiEntry,
} from './osai.mapping.js';
import { mapConcurrent, ReferenceSourceError, type ReferenceHttp } from './reference-http.js';
import { isRecord, text, type ReferenceAdapter, type ReferenceFetch, type SkippedRecord } from './reference.types.js';

export const DEFAULT_OSAI_URL = 'https://raw.githubusercontent.com/Language-Technology-Assessment/main-database/main/';
const PARAMETERS_FILE = '_parameters.yml';

export interface ListedFile {
  readonly name: string;
  /** The file's page, when the listing gives one (GitHub `html_url`). */
  readonly pageUrl: string | null;
}

export interface GithubLocation {
  readonly owner: string;
  readonly repo: string;
  readonly ref: string;
  readonly dir: string;
}

/** `{owner, repo, ref, dir}` of a raw.githubusercontent.com base URL; null for any other URL. */
export function githubLocation(baseUrl: string): GithubLocation | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null;
  }
  if (url.hostname !== 'raw.githubusercontent.com') return null;
  const [owner, repo, ref, ...dir] = url.pathname.split('/').filter((segment) => segment.length > 0);
  if (owner === undefined || repo === undefined || ref === undefined) return null;
  return { owner, repo, ref, dir: dir.join('/') };
}

export function githubContentsUrl(location: GithubLocation): string {
  const path = location.dir.length === 0 ? '' : `/${location.dir}`;
  return `https://api.github.com/repos/${location.owner}/${location.repo}/contents${path}?ref=${encodeURIComponent(location.ref)}`;
}

function baseName(path: string): string | null {
  const clean = path.split(/[?#]/)[0] ?? '';
  if (clean.length === 0 || clean.endsWith('/')) return null;
  let name = clean.slice(clean.lastIndexOf('/') + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    return null;
  }
  return name.length === 0 || name === '..' || name === '.' ? null : name;
}

/** The files of a directory listing (JSON, HTML index or plain text). Directories are left out. */
export function parseDirectoryListing(body: string, contentType: string | null): ListedFile[] {
  const files = new Map<string, ListedFile>();
  const add = (name: string | null, pageUrl: string | null = null): void => {
    if (name !== null && !files.has(name)) files.set(name, { name, pageUrl });
  };
  const trimmed = body.trimStart();
  if (contentType?.includes('json') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    for (const item of parsed) {
      if (typeof item === 'string') add(baseName(item));
      else if (isRecord(item) && (item.type === undefined || item.type === 'file')) {
        add(baseName(text(item.name) ?? text(item.path) ?? ''), text(item.html_url));
      }
    }
    return [...files.values()];
  }
  if (contentType?.includes('html') || /<a\s/i.test(body)) {
    for (const match of body.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const href = (match[1] ?? match[2] ?? match[3] ?? '').replaceAll('&amp;', '&');
      if (href.startsWith('?') || href.startsWith('#') || /^[a-z]+:\/\//i.test(href)) continue;
      add(baseName(href));
    }
    return [...files.values()];
  }
  for (const line of body.split(/\r?\n/)) add(baseName(line.trim()));
  return [...files.values()];
}

export interface OsaiAdapterOptions {
  readonly baseUrl?: string;
  readonly http: ReferenceHttp;
  /** Overrides where the listing is read (defaults per the layout above). */
  readonly listingUrl?: string;
  readonly concurrency?: number;
}

export class OsaiAdapter implements ReferenceAdapter {
  readonly source = 'OSAI' as const;
  readonly baseUrl: string;
  private readonly github: GithubLocation | null;

  constructor(private readonly options: OsaiAdapterOptions) {
    const base = options.baseUrl ?? DEFAULT_OSAI_URL;
    this.baseUrl = base.endsWith('/') ? base : `${base}/`;
    this.github = githubLocation(this.baseUrl);
  }

  get listingUrl(): string {
    return this.options.listingUrl ?? (this.github === null ? this.baseUrl : githubContentsUrl(this.github));
  }

  async listFiles(signal?: AbortSignal): Promise<ListedFile[]> {
    const url = this.listingUrl;
    const headers: Record<string, string> =
      this.github === null
        ? { accept: 'application/json, text/html;q=0.9, text/plain;q=0.8' }
        : { accept: 'application/vnd.github+json' };
    const response = await this.options.http.getText(url, headers, signal);
    const files = parseDirectoryListing(response.body, response.contentType);
    if (files.length === 0) throw new ReferenceSourceError(`no files in the listing at ${url}`, url, response.status);
    return files;
  }

  fileUrl(name: string): string {
    return `${this.baseUrl}${encodeURIComponent(name)}`;
  }

  async fetchAll(signal?: AbortSignal): Promise<ReferenceFetch> {
    const files = await this.listFiles(signal);
    let parameters = DEFAULT_OSAI_PARAMETERS;
    if (files.some((file) => file.name === PARAMETERS_FILE)) {
      const response = await this.options.http.getText(this.fileUrl(PARAMETERS_FILE), {}, signal);
      parameters = parseOsaiParameters(response.body) ?? DEFAULT_OSAI_PARAMETERS;
    }
    const modelFiles = files.filter((file) => isOsaiEntryFile(file.name));
    const skipped: SkippedRecord[] = [];
    const parsed = await mapConcurrent(modelFiles, this.options.concurrency ?? 8, async (file) => {
      // Every file must be read: a missing entry would shift every rank after it.
      const response = await this.options.http.getText(this.fileUrl(file.name), { accept: 'text/plain, */*' }, signal);
      return { file, result: parseOsaiEntry(file.name, response.body, parameters) };
    });
    const entries: OsaiEntry[] = [];
    for (const { file, result } of parsed) {
      if (result.ok) entries.push(result.entry);
      else skipped.push({ externalId: file.name, reason: result.reason });
    }
    const pages = new Map(files.map((file) => [file.name, file.pageUrl]));
    const github = this.github;
    return {
      references: osaiReferences(entries, {
        parameters,
        urlOf: (name) => pages.get(name) ?? this.fileUrl(name),
        versionLabel: github === null ? this.baseUrl : `${github.owner}/${github.repo}@${github.ref}`,
      }),
      skipped,
    };
  }
}
