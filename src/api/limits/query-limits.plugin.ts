/**
 * Apollo plugins for the limits that need the parsed operation: depth and cost, refused with
 * QUERY_TOO_COMPLEX (HTTP 400) after validation and before execution, so a refused query neither
 * runs nor gets registered as a persisted query; and no cache hint for anything but queries.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { CatalogError, toGraphQLError } from '../errors.js';
import { checkQueryLimits, describeViolation, type QueryLimits, type QueryLimitViolation } from './query-limits.js';

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
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const { violation } = checkQueryLimits({ schema, document, operation, variables: request.variables }, limits);
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
 * Catalog reads carry a public cache hint (Apollo's cache-control plugin, `defaultMaxAge`); a
 * mutation's response must never be cached, whatever its fields say.
 */
export function noCacheForMutationsPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation, overallCachePolicy }) {
          if (operation?.operation !== OperationTypeNode.QUERY) overallCachePolicy.restrict({ maxAge: 0 });
          return Promise.resolve();
        },
      });
    },
  };
}
