/**
 * The API's one error type. Services and resolvers throw `CatalogError` with a domain code; the
 * code becomes the GraphQL `extensions.code` clients switch on in exactly one place, `toGraphQLError`
 * (an exhaustive switch, so a new code cannot ship unmapped). `formatApiError` is Apollo's
 * `formatError`: it applies the mapping to CatalogErrors thrown anywhere during execution.
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
  | 'RATE_LIMITED';

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

/** The `extensions.code` a client sees for each domain code. */
function graphQLCode(code: CatalogErrorCode): string {
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
      return code;
  }
}

export function toGraphQLError(error: CatalogError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.details, code: graphQLCode(error.code), reason: error.code },
  });
}

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

/** Apollo's `formatError`: CatalogErrors get their code; bad argument literals become BAD_USER_INPUT. */
export function formatApiError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // Thrown in a resolver or a plugin, a CatalogError reaches here wrapped in a GraphQLError.
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof CatalogError) {
    const mapped = toGraphQLError(original);
    return { ...formatted, message: mapped.message, extensions: { ...formatted.extensions, ...mapped.extensions } };
  }
  if (
    formatted.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED' &&
    BAD_ARGUMENT_LITERAL.some((pattern) => pattern.test(formatted.message))
  ) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  return formatted;
}
