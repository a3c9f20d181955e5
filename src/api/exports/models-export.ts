/**
 * `GET /export/models.csv`, `.jsonl` and `.json`: every model a filter matches, for spreadsheets,
 * notebooks and dashboards. The filter is the `models` query's, as query parameters named after the
 * `ModelFilter` fields (src/api/query-params.ts). Rows stream from a database cursor to the socket
 * with backpressure (ExportRepository), so memory stays flat however large the export. Each export
 * is versioned by the newest change-log row: `ETag` and `Last-Modified` let a dashboard poll with
 * a conditional request and get 304 until the catalog changes.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import type { GraphQLInputObjectType } from 'graphql';
import { CatalogError, clientErrorBody, toGraphQLError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { EXPORT_COLUMNS, modelsExportSql } from '../../read-model/export.sql.js';
import type { ExportRepository } from '../../read-model/export.repository.js';
import { parseModelsArgs } from '../../read-model/models.filter.js';
import { inputFromQuery } from '../query-params.js';

export const EXPORT_FORMATS = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** Rows to CSV: RFC 4180 quoting by csv-stringify, a header row, and a BOM so spreadsheets read UTF-8. */
function csvRows(): Transform {
  return stringify({
    header: true,
    columns: [...EXPORT_COLUMNS],
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

const FORMATTERS: Record<ExportFormat, () => Transform> = { csv: csvRows, jsonl: jsonLines, json: jsonArray };

/** A weak comparison of If-None-Match with the current ETag (RFC 9110 §13.1.2). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/** A refusal of bad parameters, as GraphQL reports the same mistake: 400, code and the parameter. */
export function sendBadInput(res: Response, error: CatalogError): void {
  const { message, extensions } = toGraphQLError(error);
  const { code, ...details } = extensions as { code: 'BAD_USER_INPUT' } & Record<string, unknown>;
  res
    .status(400)
    .set('Cache-Control', 'no-store')
    .json(clientErrorBody(code, message, details));
}

export function modelsExportHandler(
  deps: {
    readonly exports: ExportRepository;
    readonly filterType: GraphQLInputObjectType;
    readonly logger: Logger;
  },
  format: ExportFormat,
) {
  return async (req: Request, res: Response): Promise<void> => {
    let filter;
    try {
      filter = parseModelsArgs({ filter: inputFromQuery(deps.filterType, req.query) }).filter;
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      sendBadInput(res, error);
      return;
    }
    const latest = await deps.exports.latestChange();
    // The same rows while no change is committed: the newest change id, the format and the filter.
    const version = createHash('sha1')
      .update(`${latest?.id ?? '0'}|${format}|${JSON.stringify(filter)}`)
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
      'Content-Disposition': `attachment; filename="models.${format}"`,
    });
    const rows: Readable = await deps.exports.stream(modelsExportSql(filter));
    try {
      await pipeline(rows, FORMATTERS[format](), res);
    } catch (error) {
      // A client that hangs up ends the pipeline early; the cursor is closed with the stream.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      deps.logger.warn({ err: error, path: req.path }, 'export failed midway; the response was cut short');
    }
  };
}
