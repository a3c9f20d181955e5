/**
 * How errors reach API clients. The codes and their mapping are one union in one place,
 * src/lib/errors.ts (`CatalogError`, `ClientErrorCode`); this module applies them on every transport.
 * `formatApiError` is Apollo's `formatError`: it maps CatalogErrors thrown anywhere during execution.
 *
 * Every other error is unexpected: a bug, or a dependency (Postgres, Redis) being down. Clients get
 * a stable code for it — SERVICE_UNAVAILABLE (retry shortly; HTTP 503 with Retry-After when nothing
 * could be answered) or INTERNAL_SERVER_ERROR — and the request id (`extensions.requestId`); in
 * production the message is a fixed sentence, never the driver's text (hosts, ports, SQL, stacks).
 * The details go to the log, on a line carrying the same request id. This holds on every path a
 * client can reach: GraphQL over HTTP (`formatApiError` + `apiErrorsPlugin`), over WebSocket
 * (`reportApiError`), the Express guards and routes (`unexpectedHttpError`, `httpErrorHandler`).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { dependencyOutage } from '../lib/dependencies.js';
import { CatalogError, clientErrorBody, toGraphQLError, type ClientErrorCode } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/**
 * Messages of graphql-js's ValuesOfCorrectTypeRule: an argument literal written in the document
 * with the wrong type or an unknown enum value. They fail validation, but they are bad input, and
 * clients get BAD_USER_INPUT for them, the same code as for the same value passed as a variable.
 */
const BAD_ARGUMENT_LITERAL = [
  /^Value ".*" does not exist in ".*" enum\./,
  /^Enum ".*" cannot represent non-enum value:/,
  /^(Int|Float|String|Boolean|ID) cannot represent/,
  /^Expected value of type ".*", found .*/,
];

/**
 * Variables that do not coerce (an unknown enum value, a string for an Int). Apollo codes them
 * BAD_USER_INPUT over HTTP; graphql-ws hands them over without a code.
 */
const BAD_VARIABLE = /^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/;

/** The codes of unexpected errors: the only ones whose message may be replaced. */
export type UnexpectedErrorCode = Extract<ClientErrorCode, 'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE'>;

/** How long clients are asked to wait (Retry-After) when a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

const PUBLIC_MESSAGE: Record<UnexpectedErrorCode, string> = {
  SERVICE_UNAVAILABLE: 'The catalog cannot answer right now: a service it depends on is unavailable. Retry shortly.',
  INTERNAL_SERVER_ERROR: 'Internal server error. Quote the request id if you report it.',
};

/** What a client may see of unexpected errors: the driver's message outside production only. */
export interface ErrorExposure {
  readonly production: boolean;
}

/**
 * Null for an error with a meaning of its own (a CatalogError; anything already coded, such as
 * validation or bad input); otherwise the code it gets: SERVICE_UNAVAILABLE when an outage of
 * Postgres or Redis is behind it.
 */
function unexpectedCode(error: unknown, code: unknown): UnexpectedErrorCode | null {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof CatalogError) return null;
  if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') return null;
  return dependencyOutage(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
}

function isUnexpectedCode(code: unknown): code is UnexpectedErrorCode {
  return code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE';
}

/**
 * Apollo's `formatError` (and graphql-ws's, through `reportApiError`): CatalogErrors get their code;
 * bad argument literals and variables become BAD_USER_INPUT; unexpected errors get a stable code and,
 * in production, a fixed message (Apollo adds the stack trace only where told to: development).
 */
export function formatApiError(
  formatted: GraphQLFormattedError,
  error: unknown,
  exposure: ErrorExposure = { production: true },
): GraphQLFormattedError {
  // Thrown in a resolver or a plugin, a CatalogError reaches here wrapped in a GraphQLError.
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof CatalogError) {
    const mapped = toGraphQLError(original);
    return { ...formatted, message: mapped.message, extensions: { ...formatted.extensions, ...mapped.extensions } };
  }
  const code = formatted.extensions?.['code'];
  if (code === 'GRAPHQL_VALIDATION_FAILED' && BAD_ARGUMENT_LITERAL.some((pattern) => pattern.test(formatted.message))) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' satisfies ClientErrorCode } };
  }
  if (code === undefined && BAD_VARIABLE.test(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' satisfies ClientErrorCode } };
  }
  const unexpected = unexpectedCode(error, code);
  if (!unexpected) return formatted;
  const stacktrace = exposure.production ? undefined : formatted.extensions?.['stacktrace'];
  return {
    message: exposure.production ? PUBLIC_MESSAGE[unexpected] : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: unexpected, ...(stacktrace === undefined ? {} : { stacktrace }) },
  };
}

/** `formatApiError` bound to an exposure, in the shape Apollo's `formatError` takes. */
export function apiErrorFormatter(exposure: ErrorExposure) {
  return (formatted: GraphQLFormattedError, error: unknown) => formatApiError(formatted, error, exposure);
}

/** The log line of an unexpected error: everything the client was not told, with its request id. */
function logUnexpected(logger: Logger, error: unknown, requestId: string, extra: Record<string, unknown> = {}): void {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const outage = dependencyOutage(error);
  const fields = { err: original, requestId, outage, ...extra };
  if (outage) logger.warn(fields, 'request failed: a dependency is unavailable');
  else logger.error(fields, 'request failed: unexpected error');
}

/**
 * Apollo plugin, beside `formatError` (which sees no request): logs each unexpected error with the
 * request id, puts that id in the error sent, and answers 503 with Retry-After when a dependency
 * outage left nothing to return (`data` null).
 */
export function apiErrorsPlugin<
  Context extends { readonly requestId: string; readonly logger: Logger },
>(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (unexpectedCode(error, error.extensions['code'])) {
              logUnexpected(contextValue.logger, error, contextValue.requestId, {
                operationName: operationName ?? null,
                path: error.path ?? null,
              });
            }
          }
          return Promise.resolve();
        },
        willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return Promise.resolve();
          const result = response.body.singleResult;
          if (!result.errors?.some((error) => isUnexpectedCode(error.extensions?.['code']))) return Promise.resolve();
          result.errors = result.errors.map((error) =>
            isUnexpectedCode(error.extensions?.['code'])
              ? { ...error, extensions: { ...error.extensions, requestId: contextValue.requestId } }
              : error,
          );
          const unavailable = result.errors.some((error) => error.extensions?.['code'] === 'SERVICE_UNAVAILABLE');
          if (unavailable && (result.data === null || result.data === undefined)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          }
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * For transports outside Apollo's pipeline (graphql-ws): `formatApiError`, plus what the plugin
 * does over HTTP — an unexpected error is logged with the request id, and carries that id.
 */
export function reportApiError(
  error: GraphQLError,
  report: ErrorExposure & { readonly logger: Logger; readonly requestId: string },
): GraphQLFormattedError {
  const formatted = formatApiError(error.toJSON(), error, report);
  if (!isUnexpectedCode(formatted.extensions?.['code'])) return formatted;
  logUnexpected(report.logger, error, report.requestId, { path: error.path ?? null });
  return { ...formatted, extensions: { ...formatted.extensions, requestId: report.requestId } };
}

/** Status, headers and GraphQL-style body of an unexpected failure outside GraphQL execution. */
export function unexpectedHttpError(
  error: unknown,
  requestId: string,
  exposure: ErrorExposure = { production: true },
): { status: number; headers: Record<string, string>; body: { errors: GraphQLFormattedError[] } } {
  const code: UnexpectedErrorCode = dependencyOutage(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
  const message = exposure.production || !(error instanceof Error) ? PUBLIC_MESSAGE[code] : error.message;
  return {
    status: code === 'SERVICE_UNAVAILABLE' ? 503 : 500,
    headers: {
      'Cache-Control': 'no-store',
      ...(code === 'SERVICE_UNAVAILABLE' ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {}),
    },
    body: clientErrorBody(code, message, { requestId }),
  };
}

/** The id pino-http gave the request (a string: server.ts's genReqId; echoed in X-Request-Id). */
export function requestIdOf(req: Request): string {
  return typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : 'unknown';
}

/** Send `unexpectedHttpError`, after logging the error with the request id. */
export function sendUnexpectedError(
  req: Request,
  res: Response,
  error: unknown,
  logger: Logger,
  exposure?: ErrorExposure,
): void {
  const requestId = requestIdOf(req);
  logUnexpected(logger, error, requestId, { method: req.method, path: req.path });
  const { status, headers, body } = unexpectedHttpError(error, requestId, exposure);
  res.status(status).set(headers).json(body);
}

/**
 * The last Express middleware: an error no route handled (the Atom feed with Postgres down, …) is
 * logged as JSON and answered as GraphQL-style JSON — never Express's HTML page with a stack.
 * Client errors Express raises with a status of their own (a malformed body: 4xx, `expose`) keep
 * that status, as BAD_REQUEST.
 */
export function httpErrorHandler(options: ErrorExposure & { readonly logger: Logger }): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
      res
        .status(status)
        .set('Cache-Control', 'no-store')
        .json(clientErrorBody('BAD_REQUEST', typeof message === 'string' ? message : 'Bad request'));
      return;
    }
    sendUnexpectedError(req, res, error, req.log ?? options.logger, options);
  };
}
