/**
 * Apollo plugins for the limits that need the parsed operation: cost (with the request's
 * variables), refused with QUERY_TOO_COMPLEX (HTTP 400) after validation and before execution, so
 * a refused query neither runs nor gets registered as a persisted query; no cache hint for anything
 * but queries; no schema suggestions in errors while introspection is off. Size and depth are
 * refused earlier, in validation (`queryLimitsRule`, query-limits.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import { QueryLimitsMemo, queryLimitError, type QueryLimits } from './query-limits.js';

export function queryLimitsPlugin<Context extends object>(limits: QueryLimits): ApolloServerPlugin<Context> {
  const memo = new QueryLimitsMemo(limits);
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const { violation } = memo.check({ schema, document, operation, variables: request.variables });
          if (violation) {
            const refused = queryLimitError(violation);
            // Apollo answers an error thrown here with the status in `extensions.http` (else 500).
            throw new GraphQLError(refused.message, {
              originalError: refused.originalError,
              extensions: { ...refused.extensions, http: { status: 400 } },
            });
          }
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

/** graphql-js's hint at the end of a message, or of one part of it: ` Did you mean "hubs"?`. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** The message without graphql-js's "Did you mean …?" hints, which name parts of the schema. */
const withoutSuggestions = (message: string): string => message.replace(SUGGESTION, '');

/**
 * For when introspection is off: errors name no part of the schema the request did not name
 * itself. Apollo's `hideSchemaDetailsFromClientErrors` takes the hints out of validation errors
 * only; variables that do not coerce carry them too (`Value "PERMISIVE" does not exist in
 * "LicenseCategory" enum. Did you mean the enum value "PERMISSIVE"?`), and graphql-js's own option
 * for those is not one Apollo passes on. This takes them out of every error, as it is met.
 */
export function hideSuggestionsPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didEncounterErrors({ errors }) {
          for (const error of errors) error.message = withoutSuggestions(error.message);
          return Promise.resolve();
        },
      });
    },
  };
}
