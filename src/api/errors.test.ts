import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CatalogError, formatApiError, toGraphQLError, type CatalogErrorCode } from './errors.js';

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
