/**
 * /graphql's JSON body parser (Express's, body-parser 2 over raw-body), whose refusals — a body
 * that is not a JSON object, too large, in another charset or an unknown Content-Encoding — are
 * answered as GraphQL-style JSON, `{ "errors": [{ "message", "extensions": { "code": "BAD_REQUEST" } }] }`,
 * with the parser's 4xx status, in words a client can act on. Left to Express, they get its HTML
 * error page, with the parser's stack trace outside production.
 */
import express, { type RequestHandler } from 'express';
import { clientErrorBody } from '../../lib/errors.js';

interface BodyParserError {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly limit?: unknown;
}

/** Status and message per body-parser / raw-body error `type`; null for what is not a refusal. */
function refusalOf(error: BodyParserError): { status: number; message: string } | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        message:
          'The request body is not a JSON object. Send {"query": "...", "variables": {...}} with Content-Type: application/json.',
      };
    case 'entity.too.large':
      return {
        status: 413,
        message: `The request body is larger than ${typeof error.limit === 'number' ? `${error.limit} bytes` : 'the limit'}, the most a request may send.`,
      };
    case 'charset.unsupported':
      return { status: 415, message: 'The request body must be JSON in UTF-8.' };
    case 'encoding.unsupported':
      return {
        status: 415,
        message: 'Unsupported Content-Encoding: send the body as is, or compressed with gzip, deflate, br or zstd.',
      };
    case 'request.aborted':
      return { status: 400, message: 'The request body ended before its Content-Length.' };
    case 'request.size.invalid':
      return { status: 400, message: "The request body's size does not match its Content-Length." };
  }
  // A body the parser could not read otherwise (a corrupt gzip stream: 400 with zlib's message).
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500)
    return { status: error.status, message: 'The request body could not be read.' };
  return null;
}

/**
 * `express.json({ limit })`, its refusals answered as above; anything else goes on to `next`.
 * Before it, what GraphQL over HTTP does not take: a method other than GET and POST (405, with
 * `Allow`), and a POST whose body is not `application/json` (415). The second is also what keeps
 * mutations CSRF-safe without Apollo's CSRF prevention (server.ts): a cross-site form or simple
 * request cannot send that type.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res
        .status(405)
        .set({ Allow: 'GET, POST', 'Cache-Control': 'no-store' })
        .json(clientErrorBody('BAD_REQUEST', `GraphQL is served over GET (queries) and POST, not ${req.method}.`));
      return;
    }
    if (req.method === 'POST' && !req.is('application/json')) {
      res
        .status(415)
        .set('Cache-Control', 'no-store')
        .json(clientErrorBody('BAD_REQUEST', 'Send the request body as JSON, with Content-Type: application/json.'));
      return;
    }
    void parse(req, res, (error?: unknown) => {
      const refusal = typeof error === 'object' && error !== null ? refusalOf(error) : null;
      if (!refusal) {
        next(error);
        return;
      }
      res.status(refusal.status).set('Cache-Control', 'no-store').json(clientErrorBody('BAD_REQUEST', refusal.message));
    });
  };
}
