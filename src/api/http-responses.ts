/**
 * What the plain HTTP routes (the exports, the Atom feed, the badges and the chart embed,
 * `/api/stats`) answer alike: a 400 for bad query parameters in GraphQL's error shape, and
 * conditional GET (an ETag over what identifies the body, 304 while If-None-Match holds it).
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { CatalogError, clientErrorBody, toGraphQLError, type ClientErrorCode } from '../lib/errors.js';

/**
 * A refusal of bad parameters, as GraphQL reports the same mistake: 400, its code (BAD_USER_INPUT,
 * or QUERY_TOO_COMPLEX for parameters that make a query too costly) and the parameter.
 */
export function sendBadInput(res: Response, error: CatalogError): void {
  const { message, extensions } = toGraphQLError(error);
  const { code, ...details } = extensions as { code: ClientErrorCode } & Record<string, unknown>;
  res
    // Gone: what was asked for existed and was dropped by retention (docs/changes.md).
    .status(error.code === 'CHANGES_EXPIRED' ? 410 : 400)
    .set('Cache-Control', 'no-store')
    .json(clientErrorBody(code, message, details));
}

/**
 * The value `parse` reads from the request's parameters; or, when it throws a CatalogError (a
 * parameter the client got wrong), `undefined` once that has been answered with sendBadInput.
 * Any other error is thrown.
 */
export function parsedOrRefused<T>(res: Response, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    sendBadInput(res, error);
    return undefined;
  }
}

/** An ETag over `identity` (the body, or what determines it): its SHA-1, quoted, weak unless `strong`. */
export function etagOf(identity: string, strength: 'weak' | 'strong' = 'weak'): string {
  const tag = `"${createHash('sha1').update(identity).digest('base64url')}"`;
  return strength === 'weak' ? `W/${tag}` : tag;
}

/** A weak comparison of If-None-Match with the current ETag (RFC 9110 §13.1.2). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/**
 * Answer 304 without a body, and return true, when the request's If-None-Match holds `etag`; the
 * caller sets the ETag and caching headers first (a 304 carries them too).
 *
 * Not `req.fresh`: it treats a request's `Cache-Control: no-cache` as "never fresh", but that
 * directive is for caches; an origin server evaluates If-None-Match regardless (RFC 9110 §13.1.2),
 * and fetch() adds no-cache to every conditional request it sends.
 */
export function answeredNotModified(req: Request, res: Response, etag: string): boolean {
  if (!matchesEtag(req.get('if-none-match'), etag)) return false;
  res.status(304).end();
  return true;
}
