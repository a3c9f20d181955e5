/**
 * Local fakes of the reference sources, on 127.0.0.1 with an OS-assigned port:
 * - the Model Openness Tool API (`/api/v1/models?page=&limit=`, `/api/v1/model/{id}`), serving
 *   records in its response shape;
 * - the European Open Source AI Index data repository as a plain file server (`GET /` a directory
 *   listing, `GET /{file}` the file).
 * With ../shared present they serve the files of ../shared/data/openness-reference/raw/, read from
 * there at test time (nothing is copied into the repository).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { parseCsvRecords } from '../../src/references/csv.js';

/** ../shared/data/openness-reference; `TEST_REFERENCE_DATA_DIR` points elsewhere (e.g. nowhere, to see the skips). */
export const SHARED_REFERENCE_DIR =
  process.env.TEST_REFERENCE_DATA_DIR ?? resolve(PROJECT_ROOT, '..', 'shared', 'data', 'openness-reference');
export const sharedReferenceDataPresent = existsSync(join(SHARED_REFERENCE_DIR, 'ground_truth.csv'));

/** Say plainly, once per file, that the tests over ../shared are skipped. */
export function warnWhenSharedDataAbsent(what: string): void {
  if (!sharedReferenceDataPresent) {
    console.warn(
      `SKIPPED: ${what}: ${SHARED_REFERENCE_DIR} is absent (the reference data lives outside the repository)`,
    );
  }
}

export interface FakeServer {
  readonly url: string;
  /** Paths requested, in order (with query strings). */
  readonly requests: string[];
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

export async function startFakeServer(handler: Handler, options: { failFirst?: number } = {}): Promise<FakeServer> {
  const requests: string[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push(`${url.pathname}${url.search}`);
    if (failures > 0) {
      failures--;
      response.writeHead(503, { 'content-type': 'text/plain' }).end('try again');
      return;
    }
    handler(request, response, url);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function motId(record: Record<string, unknown>): string {
  const classification = record.classification as { id?: string | number } | undefined;
  const id = record.id as string | number | undefined;
  return String(id ?? classification?.id ?? '');
}

export interface MotFakeOptions {
  readonly records: readonly Record<string, unknown>[];
  readonly failFirst?: number;
  /** Ids whose list item carries no `release` (so the adapter must fetch the detail). */
  readonly bareInList?: ReadonlySet<string>;
}

export function startMotFake(options: MotFakeOptions): Promise<FakeServer> {
  return startFakeServer(
    (_request, response, url) => {
      if (url.pathname === '/api/v1/models') {
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
        const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100);
        const models = options.records.slice((page - 1) * limit, page * limit).map((record) => {
          const id = motId(record);
          return options.bareInList?.has(id) ? { id, classification: record.classification } : record;
        });
        json(response, 200, {
          pager: {
            total_items: options.records.length,
            total_pages: Math.ceil(options.records.length / limit),
            current_page: page,
          },
          models,
        });
        return;
      }
      const detail = /^\/api\/v1\/model\/([^/]+)$/.exec(url.pathname);
      const record =
        detail && options.records.find((candidate) => motId(candidate) === decodeURIComponent(detail[1] ?? ''));
      if (record) json(response, 200, record);
      else json(response, 404, { error: { code: 404, message: 'Not found' } });
    },
    { failFirst: options.failFirst ?? 0 },
  );
}

const CLASS_NUMBER: Record<string, number> = { 'class i': 1, 'class ii': 2, 'class iii': 3, none: 0 };
const CLASS_LABEL: Record<number, string> = {
  [-1]: 'Pending evaluation',
  0: 'Unclassified',
  1: 'Class I - Open Science',
  2: 'Class II - Open Tooling',
  3: 'Class III - Open Model',
};

/**
 * MOT API records for raw/mot_models/*.yml: the YAML (`framework`, `release`) plus the
 * classification MOT would serve, taken from ground_truth.csv (its re-implementation of MOT's
 * evaluator; a file it does not cover is "pending"). Ids are 1000 + the file's index, sorted;
 * `idByFile` maps `models/<file>` (ground_truth.csv's `source_file`) to the id.
 */
export function motRecordsFromSharedData(dir: string = SHARED_REFERENCE_DIR): {
  records: Record<string, unknown>[];
  idByFile: Map<string, string>;
} {
  const { records: rows } = parseCsvRecords(readFileSync(join(dir, 'ground_truth.csv'), 'utf8'));
  const byFile = new Map(rows.filter((row) => row.source === 'mot').map((row) => [row.source_file, row]));
  const modelsDir = join(dir, 'raw', 'mot_models');
  const idByFile = new Map<string, string>();
  const records = readdirSync(modelsDir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name, index) => {
      const yaml = parseYaml(readFileSync(join(modelsDir, name), 'utf8')) as Record<string, unknown>;
      const row = byFile.get(`models/${name}`);
      const id = String(1000 + index);
      idByFile.set(`models/${name}`, id);
      const cls = row === undefined ? -1 : (CLASS_NUMBER[row.mof_class?.toLowerCase() ?? ''] ?? -1);
      return {
        id,
        ...yaml,
        classification: {
          id,
          class: cls,
          label: CLASS_LABEL[cls],
          progress: {
            '1': Number(row?.mot_progress_class1 ?? 0),
            '2': Number(row?.mot_progress_class2 ?? 0),
            '3': Number(row?.mot_progress_class3 ?? 0),
          },
        },
      };
    });
  return { records, idByFile };
}

export type ListingStyle = 'html' | 'json' | 'text';

export interface FileServerOptions {
  readonly files: ReadonlyMap<string, string>;
  readonly listing: ListingStyle;
  readonly failFirst?: number;
}

function listing(names: readonly string[], style: ListingStyle): { type: string; body: string } {
  switch (style) {
    case 'json':
      return {
        type: 'application/json',
        body: JSON.stringify([
          ...names.map((name) => ({ name, path: name, type: 'file', size: 1 })),
          { name: '.github', path: '.github', type: 'dir' },
        ]),
      };
    case 'text':
      return { type: 'text/plain', body: `${names.join('\n')}\n` };
    case 'html': {
      // The shape of `python -m http.server`'s listing.
      const items = names.map((name) => `<li><a href="${encodeURIComponent(name)}">${name}</a></li>`).join('\n');
      return {
        type: 'text/html; charset=utf-8',
        body: `<!DOCTYPE HTML>\n<html><head><title>Directory listing for /</title></head><body>\n<h1>Directory listing for /</h1>\n<hr>\n<ul>\n<li><a href="../">../</a></li>\n${items}\n</ul>\n<hr>\n</body></html>\n`,
      };
    }
  }
}

/** A directory of files over HTTP: `GET /` lists them, `GET /{name}` serves one. */
export function startFileServer(options: FileServerOptions): Promise<FakeServer> {
  return startFakeServer(
    (_request, response, url) => {
      if (url.pathname === '/') {
        const { type, body } = listing([...options.files.keys()].sort(), options.listing);
        response.writeHead(200, { 'content-type': type }).end(body);
        return;
      }
      const content = options.files.get(decodeURIComponent(url.pathname.slice(1)));
      if (content === undefined) response.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
      else response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(content);
    },
    { failFirst: options.failFirst ?? 0 },
  );
}

/** Every file of raw/osai_main_database/ (model YAMLs, `_parameters*.yml`, the readme), read now. */
export function osaiFilesFromSharedData(dir: string = SHARED_REFERENCE_DIR): Map<string, string> {
  const dataDir = join(dir, 'raw', 'osai_main_database');
  return new Map(
    readdirSync(dataDir)
      .sort()
      .map((name) => [name, readFileSync(join(dataDir, name), 'utf8')]),
  );
}

export function groundTruthRows(dir: string = SHARED_REFERENCE_DIR): Record<string, string>[] {
  return parseCsvRecords(readFileSync(join(dir, 'ground_truth.csv'), 'utf8')).records;
}
