/**
 * Apollo plugins for the limits that need the parsed operation: depth and cost, refused with
 * QUERY_TOO_COMPLEX (HTTP 400) after validation and before execution, so a refused query neither
 * runs nor gets registered as a persisted query; and no cache hint for anything but queries.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { CatalogError, toGraphQLError } from '../errors.js';
import { describeViolation, QueryLimitsMemo, type QueryLimits, type QueryLimitViolation } from './query-limits.js';

/** An error refused before execution, with its HTTP status (Apollo reads `extensions.http`). */
function refusal(error: CatalogError, status: number): GraphQLError {
  const mapped = toGraphQLError(error);
  return new GraphQLError(mapped.message, {
    originalError: error,
    extensions: { ...mapped.extensions, http: { status } },
  });
}

function violationDetails(violation: QueryLimitViolation): Record<string, number> {
  switch (violation.kind) {
    case 'depth':
      return { depth: violation.depth, maxDepth: violation.maxDepth };
    case 'cost':
      return { cost: violation.cost, maxCost: violation.maxCost };
    case 'nodes':
      return { maxNodes: violation.maxNodes };
  }
}

export function queryLimitsPlugin<Context extends object>(limits: QueryLimits): ApolloServerPlugin<Context> {
  const memo = new QueryLimitsMemo(limits);
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const { violation } = memo.check({ schema, document, operation, variables: request.variables });
          if (violation)
            throw refusal(
              new CatalogError('QUERY_TOO_COMPLEX', describeViolation(violation), violationDetails(violation)),
              400,
            );
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * The `Cache-Control` of every GraphQL response: a query answered without errors may be kept
 * `maxAgeSeconds` by any cache (`max-age=N, public`); anything else — a mutation, an error, a
 * max age of 0 — is `no-store`.
 *
 * Written here instead of using Apollo's cache-control plugin: that plugin computes the policy
 * field by field, wrapping every resolver call of every request, to honour `@cacheControl` hints
 * that this schema does not declare (nor does any resolver set a dynamic hint). With none, the
 * policy of a query is the same for all its fields, and this is the header the plugin would set
 * (its `defaultMaxAge` with public scope), for a fraction of a page's CPU. Should the schema ever
 * need per-type hints, Apollo's plugin comes back and this goes.
 */
export function cacheHintPlugin<Context extends object>(maxAgeSeconds: number): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ operation, response }) {
          const cacheable =
            maxAgeSeconds > 0 &&
            operation?.operation === OperationTypeNode.QUERY &&
            response.body.kind === 'single' &&
            !response.body.singleResult.errors;
          response.http.headers.set('cache-control', cacheable ? `max-age=${maxAgeSeconds}, public` : 'no-store');
          return Promise.resolve();
        },
      });
    },
  };
}
