/**
 * GraphQL over WebSocket (the graphql-ws protocol) on the same port and path as HTTP (`/graphql`),
 * for `Subscription.modelChanged`. The same guards as HTTP, in the same order: the API key from
 * `connectionParams.authorization` (`Bearer <key>`, optional; an invalid one closes the socket with
 * 4401), the per-client rate limit counted once per connection and once per operation (4429 when
 * spent), then for each operation what Apollo does over HTTP, with the same limits: parse (at most
 * MAX_QUERY_TOKENS), validate (graphql-js's rules, the size and depth rule `queryLimitsRule`, and no
 * introspection unless it is on), then the cost with the operation's variables, before it runs.
 * While introspection is off, no error hints at the schema ("Did you mean …?"). Errors reach
 * clients formatted exactly as over HTTP (`extensions.code`).
 */
import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ApiKeyPrincipal, Authenticator } from '../auth/authenticator.js';
import type { Logger } from '../lib/logger.js';
import type { ApiContext } from './context.js';
import { reportApiError } from './errors.js';
import {
  checkQueryLimits,
  MAX_QUERY_TOKENS,
  queryLimitError,
  queryLimitsRule,
  type QueryLimits,
} from './limits/query-limits.js';
import type { FixedWindowRateLimiter, RateLimitClient } from './limits/client-rate-limit.js';
import { codedGraphQLError, type ClientErrorCode } from '../lib/errors.js';

export interface SubscriptionServerOptions {
  readonly httpServer: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly authenticator: Authenticator;
  readonly limiter: FixedWindowRateLimiter | null;
  readonly limits: QueryLimits;
  /** Whether the schema may be introspected (GRAPHQL_INTROSPECTION), as over HTTP. */
  readonly introspection: boolean;
  readonly logger: Logger;
  readonly production: boolean;
  readonly context: (principal: ApiKeyPrincipal | null, requestId: string) => ApiContext;
}

type ConnectionExtra = {
  principal?: ApiKeyPrincipal | null;
  client?: RateLimitClient;
};

/** The error with Apollo's code for the same failure over HTTP (a CatalogError behind it keeps its own). */
function coded(error: GraphQLError, code: ClientErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, code },
  });
}

/** graphql-ws close code for a spent rate limit (4xxx codes are the application's). */
const CLOSE_RATE_LIMITED = 4429;

export interface SubscriptionServer {
  stop(): Promise<void>;
}

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { limiter, logger } = options;
  const hideSuggestions = !options.introspection;
  const validationRules = [
    ...specifiedRules,
    queryLimitsRule(options.limits),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  let connections = 0;

  /** True when the client may go on; a Redis outage serves without a limit, as HTTP does. */
  const withinLimit = async (client: RateLimitClient): Promise<boolean> => {
    if (!limiter) return true;
    try {
      return (await limiter.hit(client)).allowed;
    } catch {
      return true;
    }
  };

  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.['authorization'] ?? ctx.connectionParams?.['Authorization'];
        const authentication = await options.authenticator.authenticate(
          typeof header === 'string' ? header : undefined,
        );
        if (authentication.kind === 'rejected') {
          ctx.extra.socket.close(CloseCode.Unauthorized, `Invalid API key: ${authentication.reason}`.slice(0, 120));
          return false;
        }
        ctx.extra.principal = authentication.kind === 'key' ? authentication.principal : null;
        ctx.extra.client =
          authentication.kind === 'key'
            ? { kind: 'key', id: authentication.principal.id }
            : { kind: 'ip', ip: ctx.extra.request.socket.remoteAddress ?? 'unknown' };
        if (!(await withinLimit(ctx.extra.client))) {
          ctx.extra.socket.close(CLOSE_RATE_LIMITED, 'Rate limit exceeded; retry later');
          return false;
        }
        connections++;
        return true;
      },
      onClose: (ctx) => {
        if (ctx.acknowledged) connections--;
      },
      onSubscribe: async (ctx, id, payload) => {
        if (ctx.extra.client && !(await withinLimit(ctx.extra.client))) {
          ctx.extra.socket.close(CLOSE_RATE_LIMITED, 'Rate limit exceeded; retry later');
          return [codedGraphQLError('RATE_LIMITED', 'Rate limit exceeded')];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
        } catch (error) {
          return [
            coded(error instanceof GraphQLError ? error : new GraphQLError(String(error)), 'GRAPHQL_PARSE_FAILED'),
          ];
        }
        const errors = validate(options.schema, document, validationRules, { hideSuggestions });
        if (errors.length > 0) return errors.map((error) => coded(error, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (operation) {
          const { violation } = checkQueryLimits(
            { schema: options.schema, document, operation, variables: payload.variables ?? {} },
            options.limits,
          );
          if (violation) return [queryLimitError(violation)];
        }
        const args: ExecutionArgs = {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          // Variables that do not coerce are reported without hints at the schema, as validation is.
          hideSuggestions,
          contextValue: options.context(ctx.extra.principal ?? null, `ws-${id}`),
        };
        return args;
      },
      // Errors leave formatted as over HTTP: CatalogErrors with their code, no stack traces.
      onNext: (_ctx, id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => format(error, `ws-${id}`)) } : result,
      onError: (_ctx, id, _payload, errors) => errors.map((error) => format(error, `ws-${id}`)),
    },
    wsServer,
  );

  /**
   * As over HTTP (errors.ts): CatalogErrors and bad input with their code; an unexpected error with
   * a stable code and the request id, logged with that id, its message only outside production.
   */
  function format(error: GraphQLError, requestId: string): GraphQLFormattedError {
    return reportApiError(error, { production: options.production, logger, requestId });
  }

  return {
    async stop() {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      logger.debug({ connections }, 'subscription server stopped');
    },
  };
}

/** Over HTTP, a subscription operation is refused (400) with where to send it instead. */
export function subscriptionsOverWebSocketPlugin<Context extends object>(path: string): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation }) {
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            throw codedGraphQLError(
              'BAD_REQUEST',
              `Subscriptions are served over WebSocket (the graphql-ws protocol) at ${path}, not over HTTP.`,
              { http: { status: 400 } },
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
