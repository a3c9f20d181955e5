/**
 * The built-in dashboard (docs/dashboard.md): the page Vite builds from web/dashboard into
 * dist/dashboard (`npm run build`), served at `/` and `/dashboard`, its hashed assets under
 * `/dashboard/assets/` with a year's immutable caching. The page talks to this API's public
 * GraphQL endpoint only and loads nothing from elsewhere, which its CSP enforces.
 *
 * A checkout that was never built has no page: `/` then answers 503 with a JSON error saying how to
 * build it, and the API serves everything else as usual.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { clientErrorBody } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { frameAncestors } from '../embeds/chart.js';

export const DASHBOARD_PATHS = ['/', '/dashboard', '/dashboard/'];

export function dashboardRoutes(deps: {
  /** The build's folder (index.html and assets/). */
  readonly dir: string;
  readonly frameAncestors: readonly string[] | '*';
  readonly logger: Logger;
}): Router {
  const router = Router();
  const indexFile = join(deps.dir, 'index.html');
  // Read once: the page is a few kilobytes and changes only with a new build (and a restart).
  const index = existsSync(indexFile) ? readFileSync(indexFile) : null;
  if (!index) deps.logger.warn({ dir: deps.dir }, 'the dashboard is not built (npm run build): / answers 503');

  const page: RequestHandler = (_req, res) => {
    if (!index) {
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .json(
          clientErrorBody('SERVICE_UNAVAILABLE', 'The dashboard is not built on this server: run `npm run build`.'),
        );
      return;
    }
    res
      .set({
        'Content-Security-Policy': [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          // The badge preview in a model's detail view (this API's /badge) and the empty favicon.
          "img-src 'self' data:",
          // GraphQL over HTTP and over WebSocket to this origin ('self' covers ws: and wss: here).
          "connect-src 'self'",
          "base-uri 'none'",
          "form-action 'none'",
          `frame-ancestors ${frameAncestors(deps.frameAncestors)}`,
        ].join('; '),
        // Revalidate each time: the page names the current build's assets.
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'same-origin',
      })
      .type('html')
      .send(index);
  };
  router.get(DASHBOARD_PATHS, page);
  router.use(
    '/dashboard/assets',
    express.static(join(deps.dir, 'assets'), {
      // File names carry a content hash: a new build has new names.
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
      // Unknown assets fall through to the API's JSON 404.
      fallthrough: true,
    }),
  );
  return router;
}
