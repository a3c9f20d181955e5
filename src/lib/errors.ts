/**
 * Every error code a client can see, in one union, and the one mapping from the catalog's own
 * failures to it (docs/architecture.md, "Errors").
 *
 * Code anywhere below the API (the read model, the change log, webhooks) throws `CatalogError`
 * with a domain code (`CatalogErrorCode`); `toGraphQLError` gives it the `extensions.code` clients
 * switch on, through an exhaustive switch, so a new code cannot ship unmapped. The transports
 * (src/api/) add the codes of failures that are not the catalog's own — a malformed body, an
 * unknown path, a query graphql-js cannot parse, an outage — from the same union, with
 * `codedGraphQLError` and `clientErrorBody`; src/api/errors.ts formats and logs them.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type CatalogErrorCode =
  /** An argument is malformed or out of range (min above max, a search without words, …). */
  | 'INVALID_ARGUMENT'
  /** `after` / `before` is not a cursor this connection handed out (or one of another order). */
  | 'INVALID_CURSOR'
  /** `first` / `last` above the page-size limit (never clamped silently). */
  | 'PAGE_SIZE_EXCEEDED'
  | 'NOT_FOUND'
  /** No credentials, or credentials that are not valid. */
  | 'UNAUTHENTICATED'
  /** Valid credentials without the scope the operation needs. */
  | 'FORBIDDEN'
  /** Depth or cost above the limits, refused before execution. */
  | 'QUERY_TOO_COMPLEX'
  /** The client's request budget is spent (HTTP 429 with Retry-After). */
  | 'RATE_LIMITED'
  /** A live subscription fell too far behind the change log and was ended (resume with `after`). */
  | 'SUBSCRIBER_TOO_SLOW'
  /**
   * A change-log cursor (or `since`) older than the log's retention: the changes after it are partly
   * gone. The client resyncs (models, exports) and continues from `oldestCursor`.
   */
  | 'CHANGES_EXPIRED';

/** Every `extensions.code` the API sends, over HTTP, WebSocket and the plain JSON routes. */
export type ClientErrorCode =
  /** Bad arguments or variables: CatalogError's INVALID_* codes, and graphql-js's coercion failures. */
  | 'BAD_USER_INPUT'
  /** A request the transport refuses: malformed JSON, an unsupported persisted-query version, a subscription over HTTP. */
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'SUBSCRIBER_TOO_SLOW'
  | 'CHANGES_EXPIRED'
  /** Set by Apollo (over WebSocket, by src/api/subscriptions.ts, with the same codes). */
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'PERSISTED_QUERY_NOT_SUPPORTED'
  /** A persisted query whose hash is not the hash of the query sent with it. */
  | 'PERSISTED_QUERY_HASH_MISMATCH'
  /** A bug: the message is replaced in production; the request id finds the log line. */
  | 'INTERNAL_SERVER_ERROR'
  /** Postgres or Redis is down: retry shortly (HTTP 503 with Retry-After where nothing was answered). */
  | 'SERVICE_UNAVAILABLE';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    /** Extra, machine-readable facts for `extensions` (the argument, the limit, …). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The code a client sees for each domain code. */
function clientCode(code: CatalogErrorCode): ClientErrorCode {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'INVALID_CURSOR':
    case 'PAGE_SIZE_EXCEEDED':
      return 'BAD_USER_INPUT';
    case 'NOT_FOUND':
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'QUERY_TOO_COMPLEX':
    case 'RATE_LIMITED':
    case 'SUBSCRIBER_TOO_SLOW':
    case 'CHANGES_EXPIRED':
      return code;
  }
}

/** A CatalogError as GraphQL reports it: its details, the client code, and the domain code as `reason`. */
export function toGraphQLError(error: CatalogError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.details, code: clientCode(error.code), reason: error.code },
  });
}

/** A GraphQL error with a client code, for a failure that is the transport's, not the catalog's. */
export function codedGraphQLError(
  code: ClientErrorCode,
  message: string,
  extensions: Readonly<Record<string, unknown>> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The GraphQL-style JSON body of an error answered outside GraphQL execution (Express routes and guards). */
export function clientErrorBody(
  code: ClientErrorCode,
  message: string,
  extensions: Readonly<Record<string, unknown>> = {},
): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}
