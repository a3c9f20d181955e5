/**
 * Every request's id and logger. The id is the caller's `X-Request-Id` when it is sane (from a
 * proxy), otherwise a new UUID; it is sent back in `X-Request-Id` and bound to `req.log`, so that
 * every line logged for the request (and every error answer) names it.
 *
 * While `info` is logged (LOG_LEVEL=info, production's default), pino-http logs each request on
 * completion with its method, URL, headers (redacted), status and time. Below that level it would
 * log nothing, yet it still serializes the whole request into a child logger for each request,
 * about a twentieth of the API's CPU under load (measured with `catalog bench api` and a CPU
 * profile): then a child logger with the id, method and URL stands in for it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../lib/logger.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Probes and scrapes, never logged one by one. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function requestLog(logger: Logger): RequestHandler {
  if (logger.isLevelEnabled('info')) {
    return pinoHttp({
      logger,
      genReqId: requestId,
      autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url ?? '') },
    });
  }
  return (req, res, next) => {
    const id = requestId(req, res);
    req.id = id;
    req.log = logger.child({ reqId: id, req: { method: req.method, url: req.originalUrl } });
    res.log = req.log;
    next();
  };
}
