/**
 * `GET /badge/<hub>/<repoId>.svg[?style=flat|flat-square|for-the-badge|plastic]`: a README badge
 * with a model's openness level and license category ("openness | open weights · permissive"),
 * drawn by badge-maker (shields.io's own renderer), which gives the SVG `role="img"`, an
 * `aria-label` and a `<title>` with the full text.
 *
 * The answer is shown inside an `<img>`, so every answer under `/badge` is an SVG, never JSON or
 * HTML: a model that is not listed (unknown, removed, on no such hub) and a malformed path (a NUL,
 * over 500 characters, no `.svg`, bad percent-encoding) get the neutral grey badge with 404; a
 * refused rate limit gets it with 429; a database outage with 503 (logged, `no-store`).
 */
import { makeBadge } from 'badge-maker';
import cors from 'cors';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { dependencyOutage } from '../../lib/dependencies.js';
import type { Logger } from '../../lib/logger.js';
import { unusableTextReason } from '../../lib/text.js';
import { LEVEL_COLOURS, LEVEL_TEXT, LICENSE_TEXT, NEUTRAL_COLOUR } from '../../openness/display.js';
import type { CatalogReadRepository, ModelBadgeRow } from '../../read-model/catalog-read.repository.js';
import { requestIdOf, unexpectedHttpError } from '../errors.js';
import { answeredNotModified, etagOf } from '../http-responses.js';
import { corsOptions } from '../limits/cors.js';
import { rateLimitHeaders, type FixedWindowRateLimiter } from '../limits/client-rate-limit.js';

const LABEL = 'openness';

// Colours and words: src/openness/display.ts (the chart embed and the dashboard draw with the same).

const UNKNOWN_MODEL_TEXT = 'unknown model';
/** An outage or a refused rate limit: grey like an unknown model, but not claiming the model is unknown. */
const UNAVAILABLE_TEXT = 'unavailable';
const NOT_ASSESSED_TEXT = 'not assessed';

const BADGE_STYLES = ['flat', 'flat-square', 'for-the-badge', 'plastic'] as const;
type BadgeStyle = (typeof BADGE_STYLES)[number];

/** Longer `<hub>/<repoId>.svg` paths are not looked up. */
const MAX_BADGE_PATH_CHARS = 500;

const CACHE_CONTROL = 'public, max-age=300';

/** The badge's message and colour for a listed model. */
export function badgeText(row: Pick<ModelBadgeRow, 'opennessLevel' | 'licenseCategory'>): {
  message: string;
  color: string;
} {
  const level = row.opennessLevel === null ? NOT_ASSESSED_TEXT : LEVEL_TEXT[row.opennessLevel];
  const license = row.licenseCategory === null ? null : LICENSE_TEXT[row.licenseCategory];
  return {
    message: license === null ? level : `${level} · ${license}`,
    color: row.opennessLevel === null ? NEUTRAL_COLOUR : LEVEL_COLOURS[row.opennessLevel],
  };
}

/** `?style=`: one of BADGE_STYLES, else flat. */
export function badgeStyle(value: unknown): BadgeStyle {
  return BADGE_STYLES.find((style) => style === value) ?? 'flat';
}

/**
 * Hub and repo id from the route's `:hub` and `*repo` segments, or null for a malformed path: a
 * last segment without `.svg`, an empty segment, a NUL or lone surrogate, or over 500 characters.
 */
export function parseBadgePath(hub: unknown, segments: unknown): { hubId: string; repoId: string } | null {
  if (typeof hub !== 'string' || !Array.isArray(segments)) return null;
  const path = [hub, ...(segments as unknown[])];
  if (!path.every((segment): segment is string => typeof segment === 'string' && segment.length > 0)) return null;
  const joined = path.join('/');
  if (joined.length > MAX_BADGE_PATH_CHARS || unusableTextReason(joined) !== null) return null;
  if (path.length < 2 || !joined.endsWith('.svg')) return null;
  const repoId = path.slice(1).join('/').slice(0, -'.svg'.length);
  return repoId.length > 0 && !repoId.endsWith('/') ? { hubId: hub, repoId } : null;
}

function sendSvg(res: Response, status: number, svg: string, cacheControl: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Cache-Control': cacheControl,
      // An SVG opened on its own is a document: no sniffing, no scripts, no fetches.
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    })
    .send(svg);
}

function sendNeutral(req: Request, res: Response, status: number, message: string, cacheControl: string): void {
  const svg = makeBadge({ label: LABEL, message, color: NEUTRAL_COLOUR, style: badgeStyle(req.query['style']) });
  sendSvg(res, status, svg, cacheControl);
}

/** An unexpected failure (the database down: 503 with Retry-After; else 500), logged, as a badge. */
function sendFailure(req: Request, res: Response, error: unknown, logger: Logger): void {
  (req.log ?? logger).error(
    { err: error, requestId: requestIdOf(req), path: req.path, outage: dependencyOutage(error) },
    'badge failed; answered the neutral badge',
  );
  const { status, headers } = unexpectedHttpError(error, requestIdOf(req));
  res.set(headers);
  sendNeutral(req, res, status, UNAVAILABLE_TEXT, 'no-store');
}

export interface BadgeDeps {
  readonly catalog: Pick<CatalogReadRepository, 'modelBadge'>;
  readonly limiter: FixedWindowRateLimiter | null;
  readonly corsOrigins: readonly string[] | '*';
  readonly logger: Logger;
}

function badgeHandler(deps: BadgeDeps): RequestHandler {
  return async (req, res) => {
    const target = parseBadgePath(req.params['hub'], (req.params as Record<string, unknown>)['repo']);
    if (target === null) {
      sendNeutral(req, res, 404, UNKNOWN_MODEL_TEXT, CACHE_CONTROL);
      return;
    }
    let row: ModelBadgeRow | null;
    try {
      row = await deps.catalog.modelBadge(target.hubId, target.repoId);
    } catch (error) {
      sendFailure(req, res, error, deps.logger);
      return;
    }
    if (row === null || row.removedAt !== null) {
      sendNeutral(req, res, 404, UNKNOWN_MODEL_TEXT, CACHE_CONTROL);
      return;
    }
    const svg = makeBadge({ label: LABEL, ...badgeText(row), style: badgeStyle(req.query['style']) });
    const etag = etagOf(svg, 'strong');
    // On a 304 too.
    res.set({ ETag: etag, 'Cache-Control': CACHE_CONTROL });
    if (answeredNotModified(req, res, etag)) return;
    sendSvg(res, 200, svg, CACHE_CONTROL);
  };
}

/**
 * The per-client rate limit of the other routes (per IP: an `<img>` sends no API key), refusing
 * with the neutral badge rather than JSON. Redis down: served without a limit, as elsewhere.
 */
function badgeRateLimit(limiter: FixedWindowRateLimiter, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    let decision;
    try {
      decision = await limiter.hit({ kind: 'ip', ip: req.ip ?? req.socket.remoteAddress ?? 'unknown' });
    } catch (error) {
      (req.log ?? logger).warn({ err: error, outage: dependencyOutage(error) }, 'rate limiter unavailable');
      next();
      return;
    }
    res.set(rateLimitHeaders(decision));
    if (decision.allowed) next();
    else sendNeutral(req, res, 429, UNAVAILABLE_TEXT, 'no-store');
  };
}

/**
 * A path the router cannot decode (its URIError carries status 400) is a malformed path; anything
 * else, a failure.
 */
function badgeErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status } = (error ?? {}) as { status?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendNeutral(req, res, 404, UNKNOWN_MODEL_TEXT, CACHE_CONTROL);
      return;
    }
    sendFailure(req, res, error, logger);
  };
}

/** Everything under `/badge` (mount with `app.use('/badge', badgeRoutes(…))`): always an SVG. */
export function badgeRoutes(deps: BadgeDeps): Router {
  const router = Router();
  router.use(cors(corsOptions(deps.corsOrigins)));
  if (deps.limiter) router.use(badgeRateLimit(deps.limiter, deps.logger));
  router.get('/:hub/*repo', badgeHandler(deps));
  // `/badge`, `/badge/<hub>`, `/badge/<hub>/`: no model named.
  router.get('/{*rest}', (req, res) => sendNeutral(req, res, 404, UNKNOWN_MODEL_TEXT, CACHE_CONTROL));
  router.use(badgeErrors(deps.logger));
  return router;
}
