/**
 * The shared half of the bulk exports (`/export/models.*`, `/export/changes.*`): three formats
 * over one row stream, versioned by the newest change-log row. Rows stream from a database cursor
 * planned for its first rows to the socket with backpressure (ExportRepository), so the first
 * bytes go out at once and memory stays flat however large the export; `ETag` and `Last-Modified`
 * let a dashboard poll with a conditional request and get 304 until the catalog changes
 * (http-responses.ts).
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import type { Logger } from '../../lib/logger.js';
import type { ExportRepository } from '../../read-model/export.repository.js';
import type { SqlStatement } from '../../read-model/models.sql.js';
import { CatalogError } from '../../lib/errors.js';
import { answeredNotModified, etagOf, parsedOrRefused, sendBadInput } from '../http-responses.js';

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

/** One export: its file name, columns, and the statement its query parameters select. */
export interface ExportDefinition {
  /** `models` → `models.csv`. */
  readonly name: string;
  readonly columns: readonly string[];
  /**
   * The statement (given a way to expand a filter's search, ExportRepository.expandFilter), and what
   * identifies the rows beside the catalog's version (the parsed parameters). Throws CatalogError
   * on bad parameters.
   */
  select(query: Request['query']): {
    readonly statement: (exports: ExportRepository) => Promise<SqlStatement>;
    readonly key: string;
  };
}

export function exportHandler(
  deps: { readonly exports: ExportRepository; readonly logger: Logger },
  definition: ExportDefinition,
  format: ExportFormat,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const selected = parsedOrRefused(res, () => definition.select(req.query));
    if (selected === undefined) return;
    const latest = await deps.exports.latestChange();
    // The same rows while no change is committed: the newest change id, the export, the parameters.
    const etag = etagOf(`${latest?.id ?? '0'}|${definition.name}.${format}|${selected.key}`);
    res.set({
      ETag: etag,
      'Cache-Control': 'no-cache',
      ...(latest ? { 'Last-Modified': latest.at.toUTCString() } : {}),
    });
    if (answeredNotModified(req, res, etag)) return;
    // The cursor first: a failure to open it is answered as an error, not as an empty attachment.
    let statement: SqlStatement;
    try {
      statement = await selected.statement(deps.exports);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      sendBadInput(res, error);
      return;
    }
    const rows = await deps.exports.stream(statement);
    res.set({
      'Content-Type': EXPORT_FORMATS[format],
      'Content-Disposition': `attachment; filename="${definition.name}.${format}"`,
    });
    try {
      await pipeline(rows, formatter(format, definition.columns), res);
    } catch (error) {
      // A client that hangs up ends the pipeline early; the cursor is closed with the stream.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      deps.logger.warn({ err: error, path: req.path }, 'export failed midway; the response was cut short');
    }
  };
}
