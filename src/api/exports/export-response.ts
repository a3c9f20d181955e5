/**
 * The shared half of the bulk exports (`/export/models.*`, `/export/changes.*`): three formats
 * over one row stream, versioned by the newest change-log row. Rows stream from a database cursor
 * to the socket with backpressure (ExportRepository), so memory stays flat however large the
 * export; `ETag` and `Last-Modified` let a dashboard poll with a conditional request and get 304
 * until the catalog changes.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { CatalogError, clientErrorBody, toGraphQLError, type ClientErrorCode } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ExportRepository } from '../../read-model/export.repository.js';
import type { SqlStatement } from '../../read-model/models.sql.js';

export const EXPORT_FORMATS = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** Rows to CSV: RFC 4180 quoting by csv-stringify, a header row, and a BOM so spreadsheets read UTF-8. */
function csvRows(columns: readonly string[]): Transform {
  return stringify({
    header: true,
    columns: [...columns],
    bom: true,
    cast: { date: (value) => value.toISOString(), boolean: (value) => (value ? 'true' : 'false') },
  });
}

/** One JSON object a line. */
function jsonLines(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: unknown, _encoding, done) {
      done(null, `${JSON.stringify(row)}\n`);
    },
  });
}

/** One JSON array, written as the rows come. */
function jsonArray(): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(row: unknown, _encoding, done) {
      done(null, `${first ? '[\n' : ',\n'}${JSON.stringify(row)}`);
      first = false;
    },
    flush(done) {
      done(null, first ? '[]\n' : '\n]\n');
    },
  });
}

function formatter(format: ExportFormat, columns: readonly string[]): Transform {
  switch (format) {
    case 'csv':
      return csvRows(columns);
    case 'jsonl':
      return jsonLines();
    case 'json':
      return jsonArray();
  }
}

/** A weak comparison of If-None-Match with the current ETag (RFC 9110 §13.1.2). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/**
 * A refusal of bad parameters, as GraphQL reports the same mistake: 400, its code (BAD_USER_INPUT,
 * or QUERY_TOO_COMPLEX for parameters that make a query too costly) and the parameter.
 */
export function sendBadInput(res: Response, error: CatalogError): void {
  const { message, extensions } = toGraphQLError(error);
  const { code, ...details } = extensions as { code: ClientErrorCode } & Record<string, unknown>;
  res
    .status(400)
    .set('Cache-Control', 'no-store')
    .json(clientErrorBody(code, message, details));
}

/** One export: its file name, columns, and the statement its query parameters select. */
export interface ExportDefinition {
  /** `models` → `models.csv`. */
  readonly name: string;
  readonly columns: readonly string[];
  /** The statement, and what identifies the rows beside the catalog's version (the parsed parameters). Throws CatalogError on bad parameters. */
  select(query: Request['query']): { readonly statement: SqlStatement; readonly key: string };
}

export function exportHandler(
  deps: { readonly exports: ExportRepository; readonly logger: Logger },
  definition: ExportDefinition,
  format: ExportFormat,
) {
  return async (req: Request, res: Response): Promise<void> => {
    let selected;
    try {
      selected = definition.select(req.query);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      sendBadInput(res, error);
      return;
    }
    const latest = await deps.exports.latestChange();
    // The same rows while no change is committed: the newest change id, the export, the parameters.
    const version = createHash('sha1')
      .update(`${latest?.id ?? '0'}|${definition.name}.${format}|${selected.key}`)
      .digest('base64url');
    const etag = `W/"${version}"`;
    res.set({
      ETag: etag,
      'Cache-Control': 'no-cache',
      ...(latest ? { 'Last-Modified': latest.at.toUTCString() } : {}),
    });
    if (matchesEtag(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.set({
      'Content-Type': EXPORT_FORMATS[format],
      'Content-Disposition': `attachment; filename="${definition.name}.${format}"`,
    });
    const rows = await deps.exports.stream(selected.statement);
    try {
      await pipeline(rows, formatter(format, definition.columns), res);
    } catch (error) {
      // A client that hangs up ends the pipeline early; the cursor is closed with the stream.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      deps.logger.warn({ err: error, path: req.path }, 'export failed midway; the response was cut short');
    }
  };
}
