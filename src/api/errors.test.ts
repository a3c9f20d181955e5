import { HeaderMap, type GraphQLRequestListener } from '@apollo/server';
import type { Logger } from '../lib/logger.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { apiErrorsPlugin, formatApiError, reportApiError, RETRY_AFTER_SECONDS, unexpectedHttpError } from './errors.js';
import { CatalogError, toGraphQLError, type CatalogErrorCode } from '../lib/errors.js';

describe('toGraphQLError', () => {
  it.each<[CatalogErrorCode, string]>([
    ['INVALID_ARGUMENT', 'BAD_USER_INPUT'],
    ['INVALID_CURSOR', 'BAD_USER_INPUT'],
    ['PAGE_SIZE_EXCEEDED', 'BAD_USER_INPUT'],
    ['NOT_FOUND', 'NOT_FOUND'],
    ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
    ['FORBIDDEN', 'FORBIDDEN'],
    ['QUERY_TOO_COMPLEX', 'QUERY_TOO_COMPLEX'],
    ['RATE_LIMITED', 'RATE_LIMITED'],
  ])('%s → extensions.code %s, with the domain code as reason and the details', (code, graphQLCode) => {
    const error = toGraphQLError(new CatalogError(code, 'why', { argument: 'first' }));
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('why');
    expect(error.extensions).toEqual({ argument: 'first', code: graphQLCode, reason: code });
  });
});

describe('formatApiError', () => {
  it('maps a CatalogError thrown in a resolver', () => {
    const thrown = new GraphQLError('wrapped', { originalError: new CatalogError('INVALID_CURSOR', 'bad cursor') });
    const formatted = formatApiError({ message: 'wrapped', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, thrown);
    expect(formatted).toEqual({
      message: 'bad cursor',
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' },
    });
  });

  it.each([
    ['Value "FREE" does not exist in "LicenseCategory" enum.', 'BAD_USER_INPUT'],
    ['Int cannot represent non-integer value: "ten"', 'BAD_USER_INPUT'],
    ['Cannot query field "stars" on type "Model".', 'GRAPHQL_VALIDATION_FAILED'],
  ])('validation error %j → %s', (message, code) => {
    const formatted = formatApiError(
      { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      new GraphQLError(message),
    );
    expect(formatted.extensions?.['code']).toBe(code);
  });
});

/** A driver's error as node-postgres raises it for a stopped server. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5441'), {
    code: 'ECONNREFUSED',
    address: '127.0.0.1',
    port: 5441,
  });
}

/** Apollo's view of an error thrown in a resolver: wrapped, coded INTERNAL_SERVER_ERROR. */
function thrownInResolver(original: Error): { formatted: GraphQLFormattedError; error: GraphQLError } {
  const error = new GraphQLError(original.message, { originalError: original, path: ['models'] });
  return {
    error,
    formatted: {
      message: original.message,
      path: ['models'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: …', '    at pg-pool/index.js:45:11'] },
    },
  };
}

describe('formatApiError on unexpected errors', () => {
  it.each([
    ['a pg connection refused', connectionRefused(), 'SERVICE_UNAVAILABLE'],
    [
      "Prisma's can't-reach-database",
      Object.assign(
        new Error("Invalid `prisma.hub.findMany()` invocation: Can't reach database server at 127.0.0.1:5441"),
        {
          name: 'PrismaClientKnownRequestError',
          code: 'P1001',
        },
      ),
      'SERVICE_UNAVAILABLE',
    ],
    [
      'ioredis without a connection',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'SERVICE_UNAVAILABLE',
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), 'INTERNAL_SERVER_ERROR'],
  ])('in production, %s → %s with a fixed message and no stack', (_what, original, code) => {
    const { formatted, error } = thrownInResolver(original);
    const result = formatApiError(formatted, error, { production: true });
    expect(result).toEqual({ message: expect.any(String) as string, path: ['models'], extensions: { code } });
    expect(result.message).not.toContain(original.message);
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|5441|ECONNREFUSED|prisma|Stream|undefined/i);
  });

  it('without exposure settings, treats the caller as production', () => {
    const { formatted, error } = thrownInResolver(connectionRefused());
    expect(formatApiError(formatted, error).message).not.toContain('ECONNREFUSED');
  });

  it('outside production, keeps the message and the stack trace Apollo added, with the stable code', () => {
    const { formatted, error } = thrownInResolver(connectionRefused());
    expect(formatApiError(formatted, error, { production: false })).toEqual({
      message: 'connect ECONNREFUSED 127.0.0.1:5441',
      path: ['models'],
      extensions: { code: 'SERVICE_UNAVAILABLE', stacktrace: formatted.extensions?.['stacktrace'] },
    });
  });

  it('leaves coded errors alone: a deliberate GraphQLError keeps its code and message', () => {
    const error = new GraphQLError('Subscriptions are served over WebSocket', { extensions: { code: 'BAD_REQUEST' } });
    const formatted = { message: error.message, extensions: { code: 'BAD_REQUEST' } };
    expect(formatApiError(formatted, error, { production: true })).toEqual(formatted);
  });

  it('codes a variable that does not coerce (graphql-ws hands it over without a code) BAD_USER_INPUT', () => {
    const message = 'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"';
    const formatted = formatApiError({ message }, new GraphQLError(message), { production: true });
    expect(formatted).toEqual({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('reportApiError (graphql-ws)', () => {
  it('logs an unexpected error with the request id, and sends that id with a stable code only', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
    const error = new GraphQLError('connect ECONNREFUSED 127.0.0.1:5441', { originalError: connectionRefused() });
    const sent = reportApiError(error, { production: true, logger, requestId: 'ws-abc' });
    expect(sent.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', requestId: 'ws-abc' });
    expect(sent.message).not.toContain('ECONNREFUSED');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: 'ws-abc', outage: 'network', err: { code: 'ECONNREFUSED' } });
  });

  it('does not log or tag errors the client caused', () => {
    const lines: unknown[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const error = new GraphQLError('bad', { originalError: new CatalogError('INVALID_ARGUMENT', 'bad') });
    expect(reportApiError(error, { production: true, logger, requestId: 'ws-1' }).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ARGUMENT',
    });
    expect(lines).toHaveLength(0);
  });
});

describe('unexpectedHttpError (guards, routes)', () => {
  it('a dependency outage is 503 with Retry-After, a stable code and the request id', () => {
    expect(unexpectedHttpError(connectionRefused(), 'req-1')).toEqual({
      status: 503,
      headers: { 'Cache-Control': 'no-store', 'Retry-After': String(RETRY_AFTER_SECONDS) },
      body: {
        errors: [
          { message: expect.any(String) as string, extensions: { code: 'SERVICE_UNAVAILABLE', requestId: 'req-1' } },
        ],
      },
    });
  });

  it('anything else is 500 INTERNAL_SERVER_ERROR, its message shown only outside production', () => {
    const bug = new Error('relation "models" does not exist');
    const production = unexpectedHttpError(bug, 'req-2');
    expect(production.status).toBe(500);
    expect(JSON.stringify(production.body)).not.toContain('relation');
    expect(unexpectedHttpError(bug, 'req-2', { production: false }).body.errors[0]?.message).toBe(bug.message);
  });
});

describe('apiErrorsPlugin', () => {
  type Listener = Required<GraphQLRequestListener<{ requestId: string; logger: Logger }>>;

  async function run(errors: GraphQLFormattedError[], data: unknown) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
    const contextValue = { requestId: 'req-9', logger };
    const listener = (await apiErrorsPlugin().requestDidStart!({ contextValue } as never)) as Listener;
    const response = {
      http: { status: undefined as number | undefined, headers: new HeaderMap() },
      body: { kind: 'single' as const, singleResult: { data, errors } },
    };
    await listener.willSendResponse({ response, contextValue } as never);
    return { response, lines, listener, contextValue };
  }

  it('answers 503 with Retry-After when an outage left no data, and tags unexpected errors with the request id', async () => {
    const { response } = await run(
      [
        { message: 'unavailable', path: ['models'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
        { message: 'bad', extensions: { code: 'BAD_USER_INPUT' } },
      ],
      null,
    );
    expect(response.http.status).toBe(503);
    expect(response.http.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(response.body.singleResult.errors).toEqual([
      { message: 'unavailable', path: ['models'], extensions: { code: 'SERVICE_UNAVAILABLE', requestId: 'req-9' } },
      { message: 'bad', extensions: { code: 'BAD_USER_INPUT' } },
    ]);
  });

  it('keeps the status of a partial answer', async () => {
    const { response } = await run([{ message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE' } }], { hubs: [] });
    expect(response.http.status).toBeUndefined();
  });

  it('logs each unexpected error, with its details and the request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
    const listener = (await apiErrorsPlugin().requestDidStart!({} as never)) as Listener;
    await listener.didEncounterErrors({
      contextValue: { requestId: 'req-9', logger },
      operationName: 'Q',
      errors: [
        new GraphQLError('connect ECONNREFUSED 127.0.0.1:5441', {
          originalError: connectionRefused(),
          path: ['models'],
        }),
        new GraphQLError('bad', { originalError: new CatalogError('INVALID_CURSOR', 'bad') }),
        new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      ],
    } as never);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      requestId: 'req-9',
      operationName: 'Q',
      path: ['models'],
      err: { message: 'connect ECONNREFUSED 127.0.0.1:5441' },
    });
  });
});
