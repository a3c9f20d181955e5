/**
 * The label values of the API's metrics, each from a closed set, so that no request can add
 * series: a client picks its operation names, its paths and (through bugs) its error codes, and
 * a Prometheus series per distinct value would let it grow the API's memory and the scrape without
 * bound. What is not in the set is counted under one fallback value.
 */
import type { Request } from 'express';
import type { OperationDefinitionNode } from 'graphql';
import type { ClientErrorCode } from '../../lib/errors.js';

/**
 * The operation names of this project's own clients, which get a series each: the dashboard's
 * documents (web/dashboard/src/documents.ts; test/api/metrics.test.ts fails when one is missing
 * here). Other names are `other` unless METRICS_OPERATIONS lists them.
 */
export const CLIENT_OPERATIONS = ['Dashboard', 'DashboardChoices', 'DashboardModel', 'DashboardChanges'] as const;

/** A named operation outside the known set. */
export const OTHER_OPERATION = 'other';
/** An operation without a name (`{ models { … } }`). */
export const ANONYMOUS_OPERATION = 'anonymous';
/** No operation to run: the document did not parse or validate, or a persisted query was unknown. */
export const INVALID_OPERATION = 'invalid';

export function operationLabel(
  operation: Pick<OperationDefinitionNode, 'name'> | undefined,
  known: ReadonlySet<string>,
): string {
  if (!operation) return INVALID_OPERATION;
  const name = operation.name?.value;
  if (name === undefined) return ANONYMOUS_OPERATION;
  return known.has(name) ? name : OTHER_OPERATION;
}

/** Every client error code (src/lib/errors.ts); the compiler keeps this record complete. */
const CLIENT_ERROR_CODES: Record<ClientErrorCode, true> = {
  BAD_USER_INPUT: true,
  BAD_REQUEST: true,
  NOT_FOUND: true,
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  QUERY_TOO_COMPLEX: true,
  RATE_LIMITED: true,
  SUBSCRIBER_TOO_SLOW: true,
  CHANGES_EXPIRED: true,
  GRAPHQL_PARSE_FAILED: true,
  GRAPHQL_VALIDATION_FAILED: true,
  PERSISTED_QUERY_NOT_FOUND: true,
  PERSISTED_QUERY_NOT_SUPPORTED: true,
  PERSISTED_QUERY_HASH_MISMATCH: true,
  INTERNAL_SERVER_ERROR: true,
  SERVICE_UNAVAILABLE: true,
};

/** An error's `extensions.code`, or `OTHER` for a code outside the union (or none). */
export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && Object.hasOwn(CLIENT_ERROR_CODES, code) ? code : 'OTHER';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

/** Routes beyond this many distinct labels count as `other` (they are the code's, not the client's: a guard). */
const MAX_ROUTES = 100;

/**
 * The route that answered, as Express matched it: the mount path plus the route's pattern
 * (`/export/models.csv`, `/badge/*path`, `/admin/queues/api/queues/:queueName`), never the
 * request's own path; `unmatched` when no route did (the 404 handler).
 */
export class RouteLabels {
  private readonly seen = new Set<string>();

  of(req: Pick<Request, 'baseUrl' | 'route'>): string {
    const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
    const route = `${req.baseUrl}${typeof pattern === 'string' ? pattern : Array.isArray(pattern) ? String(pattern[0]) : ''}`;
    const label = route === '' ? 'unmatched' : route.length > 1 && route.endsWith('/') ? route.slice(0, -1) : route;
    if (this.seen.has(label)) return label;
    if (this.seen.size >= MAX_ROUTES) return 'other';
    this.seen.add(label);
    return label;
  }
}
