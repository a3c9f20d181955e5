/**
 * The queue dashboard at `/admin/queues` (README: "Operations: metrics and queues"): bull-board
 * over every BullMQ queue of the system, for API keys with the `admin` scope only.
 *
 * How a caller proves it holds such a key:
 * - a program sends `Authorization: Bearer <key>`, as on /graphql;
 * - a browser, which sends no header when it navigates, signs in once at `/admin/queues/login`:
 *   the key is POSTed in a form (never in a URL, where logs, history and Referer would keep it)
 *   and comes back as a cookie that is HttpOnly (no script reads it), SameSite=Strict (no other
 *   site's page sends it), limited to `/admin/queues`, Secure in production and over HTTPS, for
 *   8 hours. The key is checked again on every request, so revoking it ends the session at once.
 *
 * Without a key: 401; with a key that lacks `admin`: 403, both as JSON with a code. Requests count
 * against the caller's rate limit, and state-changing requests carried by the cookie must come
 * from this origin. With `QUEUE_DASHBOARD=read-only` every queue is read-only (no retry, clean,
 * pause, …); otherwise admins may act on jobs.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { ApiKeyScope } from '../../auth/api-key.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { CatalogError, toGraphQLError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { FixedWindowRateLimiter } from '../limits/client-rate-limit.js';
import {
  authenticateRequest,
  principalOf,
  rateLimitRequest,
  refuseRejectedCredentials,
} from '../limits/request-guards.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const ADMIN_COOKIE = 'catalog_admin_key';
const COOKIE_MAX_AGE_S = 8 * 60 * 60;
const REQUIRED_SCOPE: ApiKeyScope = 'admin';

export type QueueDashboardMode = 'on' | 'read-only';

export interface QueueDashboardDeps {
  readonly queues: readonly Queue[];
  readonly mode: QueueDashboardMode;
  readonly authenticator: Authenticator;
  readonly limiter: FixedWindowRateLimiter | null;
  /** Production: the cookie is Secure even when the request came over plain HTTP (a proxy in front). */
  readonly production: boolean;
  readonly logger: Logger;
}

function refuse(res: express.Response, status: 401 | 403, error: CatalogError): void {
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ errors: [toGraphQLError(error).toJSON()] });
}

/** The value of cookie `name` in a `Cookie` header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * A state-changing request carried by the cookie comes from a page of this origin: the browser
 * says so (`Sec-Fetch-Site`), or its `Origin` names this host. (SameSite=Strict already keeps
 * other sites' requests from carrying the cookie; this holds where a browser ignores it.)
 */
function sameOrigin(req: express.Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function queueDashboardRoutes(deps: QueueDashboardDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // The board acts on jobs with a click: no other site may frame it; nothing of it is cached.
    res.set({
      // The board's scripts, styles and data from here only (its page would load web fonts from
      // Google: they fall back to the system's), in no other site's frame.
      'Content-Security-Policy': [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    next();
  });

  /** The key of the cookie, as the Authorization header the guards read; a header sent wins. */
  const keyFromCookie: RequestHandler = (req, res, next) => {
    const key = cookieValue(req.headers.cookie, ADMIN_COOKIE);
    if (req.headers.authorization === undefined && key !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
        refuse(res, 403, new CatalogError('FORBIDDEN', 'Cross-site request refused: act from the dashboard itself.'));
        return;
      }
      req.headers.authorization = `Bearer ${key}`;
    }
    next();
  };
  const requireAdmin: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (!principal) {
      refuse(
        res,
        401,
        new CatalogError(
          'UNAUTHENTICATED',
          `The queue dashboard needs an API key with the "${REQUIRED_SCOPE}" scope: send "Authorization: Bearer <key>", or sign in at ${QUEUE_DASHBOARD_PATH}/login.`,
          { scope: REQUIRED_SCOPE },
        ),
      );
      return;
    }
    if (!principal.scopes.includes(REQUIRED_SCOPE)) {
      refuse(
        res,
        403,
        new CatalogError(
          'FORBIDDEN',
          `API key ${principal.prefix} lacks the "${REQUIRED_SCOPE}" scope (it has: ${principal.scopes.join(', ') || 'none'}).`,
          { scope: REQUIRED_SCOPE },
        ),
      );
      return;
    }
    next();
  };
  const guards: RequestHandler[] = [
    authenticateRequest(deps.authenticator, deps.logger),
    ...(deps.limiter ? [rateLimitRequest(deps.limiter, deps.logger)] : []),
    refuseRejectedCredentials(),
    requireAdmin,
  ];

  router.get('/login', (_req, res) => {
    res
      .set('Content-Security-Policy', "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
      .type('html')
      .send(LOGIN_PAGE);
  });
  // The form's key (or an Authorization header) becomes the cookie, once it is known to be an admin's.
  router.post(
    '/login',
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }),
    (req, res, next) => {
      if (!sameOrigin(req)) {
        refuse(res, 403, new CatalogError('FORBIDDEN', 'Cross-site sign-in refused.'));
        return;
      }
      const key: unknown = (req.body as Record<string, unknown> | undefined)?.['key'];
      if (req.headers.authorization === undefined && typeof key === 'string' && key.trim() !== '') {
        req.headers.authorization = `Bearer ${key.trim()}`;
      }
      next();
    },
    ...guards,
    (req, res) => {
      const key = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      res.cookie(ADMIN_COOKIE, key, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.production || req.secure,
        path: QUEUE_DASHBOARD_PATH,
        maxAge: COOKIE_MAX_AGE_S * 1000,
      });
      // Relative, so the dashboard is found under any path prefix a proxy adds.
      res.redirect(303, './');
    },
  );
  const logout: RequestHandler = (req, res) => {
    res.clearCookie(ADMIN_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.production || req.secure,
      path: QUEUE_DASHBOARD_PATH,
    });
    res.redirect(303, 'login');
  };
  // A link in the board's menu (GET) or a form (POST); signing out is harmless to force.
  router.get('/logout', logout);
  router.post('/logout', logout);

  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  const options = deps.mode === 'read-only' ? { readOnlyMode: true } : { readOnlyMode: false, allowRetries: true };
  createBullBoard({
    queues: deps.queues.map((queue) => new BullMQAdapter(queue, options)),
    serverAdapter: board,
    options: {
      uiConfig: {
        boardTitle: 'Catalog queues',
        miscLinks: [{ text: 'Sign out', url: `${QUEUE_DASHBOARD_PATH}/logout` }],
      },
    },
  });
  const boardApp = board.getRouter() as Express;
  // bull-board's own Express app would announce itself; ours does not.
  boardApp.disable('x-powered-by');
  router.use(keyFromCookie, ...guards, boardApp);
  return router;
}

const LOGIN_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Catalog queues: sign in</title>
  </head>
  <body>
    <h1>Catalog queues</h1>
    <p>
      Sign in with an API key that has the <code>admin</code> scope
      (<code>catalog apikey create --name ops --scopes admin</code>). The key is kept in an
      HttpOnly cookie for this dashboard only, for 8 hours.
    </p>
    <form method="post" action="login">
      <label>API key <input name="key" type="password" autocomplete="off" required /></label>
      <button type="submit">Sign in</button>
    </form>
  </body>
</html>
`;
