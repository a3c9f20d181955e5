/**
 * GraphQL input objects from URL query parameters, for the HTTP endpoints that take a filter
 * (exports, the Atom feed): `?licenseCategories=PERMISSIVE,COPYLEFT&minOpennessLevel=OPEN_WEIGHTS`.
 * One syntax everywhere: each parameter is a field of the input type, named as in GraphQL; a list
 * is comma-separated or the parameter repeated; values are coerced by graphql-js against the
 * schema (`coerceInputValue`), so an unknown parameter, an unknown enum value or a malformed
 * number is refused as INVALID_ARGUMENT naming the parameter, the way the same mistake in a
 * GraphQL variable is.
 */
import {
  coerceInputValue,
  getNamedType,
  getNullableType,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  isListType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
} from 'graphql';
import { CatalogError } from '../lib/errors.js';
import { unusableTextReason } from '../lib/text.js';

/** What Express's query parser gives a parameter: a string, or strings when it is repeated. */
type QueryValue = unknown;

/** The values of a query parameter, repeated and/or comma-separated, without empty items. */
export function listParam(value: QueryValue): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values
    .flatMap((item) => (typeof item === 'string' ? item.split(',') : []))
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A NUL or a lone surrogate (from `%00`, or a query parser's output) never reaches SQL or a response. */
export function refuseUnusableText(query: Readonly<Record<string, QueryValue>>): void {
  for (const [name, value] of Object.entries(query)) {
    const nameReason = unusableTextReason(name);
    if (nameReason !== null) {
      throw new CatalogError('INVALID_ARGUMENT', `a query parameter name ${nameReason}`, { argument: 'query' });
    }
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const reason = typeof item === 'string' ? unusableTextReason(item) : null;
      if (reason !== null) {
        throw new CatalogError('INVALID_ARGUMENT', `\`${name}\` ${reason}: remove it`, { argument: name });
      }
    }
  }
}

/** One parameter's text as the JS value graphql-js coerces: numbers and booleans from their text. */
function scalarValue(type: GraphQLInputType, text: string): unknown {
  const named = getNamedType(type);
  if (named === GraphQLInt || named === GraphQLFloat) return text.trim() === '' ? text : Number(text);
  if (named === GraphQLBoolean) return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

/**
 * The input object the query parameters spell, coerced against `type`. `reserved` parameters
 * belong to the endpoint (`since`, `limit`, …) and are left to it.
 */
export function inputFromQuery(
  type: GraphQLInputObjectType,
  query: Readonly<Record<string, QueryValue>>,
  reserved: readonly string[] = [],
): Record<string, unknown> {
  refuseUnusableText(query);
  const fields = type.getFields();
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (reserved.includes(name)) continue;
    const field = fields[name];
    if (!field) {
      const known = [...Object.keys(fields), ...reserved].sort().join(', ');
      throw new CatalogError('INVALID_ARGUMENT', `unknown query parameter \`${name}\` (known: ${known})`, {
        argument: name,
      });
    }
    const fieldType = getNullableType(field.type);
    if (isListType(fieldType)) {
      input[name] = listParam(value).map((item) => scalarValue(fieldType.ofType, item));
    } else if (Array.isArray(value)) {
      throw new CatalogError('INVALID_ARGUMENT', `\`${name}\` takes one value, not ${value.length}`, {
        argument: name,
      });
    } else {
      input[name] = scalarValue(fieldType, typeof value === 'string' ? value : '');
    }
  }
  return coerceInputValue(input, type, (path, _invalid, error) => {
    const [name = 'query'] = path.map(String);
    throw new CatalogError('INVALID_ARGUMENT', `\`${name}\`: ${error.message}`, { argument: name });
  }) as Record<string, unknown>;
}
