/**
 * Express guards in front of /graphql, in order: who is calling (API key or nobody), whether the
 * caller's window has requests left (429 with Retry-After otherwise; RateLimit headers always),
 * and whether a presented key was refused (401). An invalid key is counted against the IP before
 * it is refused, so guessing keys spends the guesser's own budget.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GraphQLError } from 'graphql';
import type { Authentication, Authenticator, ApiKeyPrincipal } from '../../auth/authenticator.js';
import type { Logger } from '../../lib/logger.js';
import { dependencyOutage } from '../../lib/dependencies.js';
import { requestIdOf, sendUnexpectedError } from '../errors.js';
import { CatalogError, toGraphQLError } from '../../lib/errors.js';
import { rateLimitHeaders, type FixedWindowRateLimiter, type RateLimitClient } from './client-rate-limit.js';

const AUTHENTICATION = Symbol('authentication');
type WithAuthentication = Response & { [AUTHENTICATION]?: Authentication };

/** The API key a guarded request authenticated with, or null for an anonymous one. */
export function principalOf(res: Response): ApiKeyPrincipal | null {
  const authentication = (res as WithAuthentication)[AUTHENTICATION];
  return authentication?.kind === 'key' ? authentication.principal : null;
}

function sendErrors(
  res: Response,
  status: number,
  errors: readonly GraphQLError[],
  headers: Record<string, string> = {},
) {
  res
    .status(status)
    .set({ ...headers, 'Cache-Control': 'no-store' })
    .json({ errors: errors.map((error) => error.toJSON()) });
}

export function authenticateRequest(authenticator: Authenticator, logger: Logger): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      (res as WithAuthentication)[AUTHENTICATION] = await authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      // Postgres down (or a bug): 503 SERVICE_UNAVAILABLE with Retry-After (or 500), the request
      // id, and nothing of the driver's message; the log line has it, with the same request id.
      sendUnexpectedError(req, res, error, req.log ?? logger);
      return;
    }
    next();
  };
}

export function rateLimitRequest(limiter: FixedWindowRateLimiter, logger: Logger): RequestHandler {
  let lastWarned = 0;
  return async (req: Request, res: Response, next: NextFunction) => {
    const authentication = (res as WithAuthentication)[AUTHENTICATION];
    const client: RateLimitClient =
      authentication?.kind === 'key'
        ? { kind: 'key', id: authentication.principal.id }
        : { kind: 'ip', ip: req.ip ?? req.socket.remoteAddress ?? 'unknown' };
    let decision;
    try {
      decision = await limiter.hit(client);
    } catch (error) {
      // Redis down: serve without a limit rather than refuse everyone (warned at most every 5 s).
      if (Date.now() - lastWarned > 5_000) {
        lastWarned = Date.now();
        logger.warn(
          { err: error, requestId: requestIdOf(req), outage: dependencyOutage(error) },
          'rate limiter unavailable; serving without a limit',
        );
      }
      next();
      return;
    }
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      const who = client.kind === 'key' ? 'this API key' : 'this IP address';
      sendErrors(
        res,
        429,
        [
          toGraphQLError(
            new CatalogError(
              'RATE_LIMITED',
              `Rate limit exceeded: ${decision.quota} requests per ${decision.windowSeconds} s for ${who}; retry in ${decision.resetSeconds} s.`,
              {
                quota: decision.quota,
                windowSeconds: decision.windowSeconds,
                retryAfterSeconds: decision.resetSeconds,
              },
            ),
          ),
        ],
        headers,
      );
      return;
    }
    res.set(headers);
    next();
  };
}

/** A key that was presented but is malformed, unknown or revoked: 401, never silently anonymous. */
export function refuseRejectedCredentials(): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const authentication = (res as WithAuthentication)[AUTHENTICATION];
    if (authentication?.kind !== 'rejected') {
      next();
      return;
    }
    sendErrors(
      res,
      401,
      [
        toGraphQLError(
          new CatalogError(
            'UNAUTHENTICATED',
            `Invalid API key: ${authentication.reason}. Send "Authorization: Bearer <key>" with a key from \`catalog apikey create\`, or no Authorization header.`,
          ),
        ),
      ],
      { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    );
  };
}
