/**
 * Text a client sends that Postgres can neither store nor compare: a NUL character (every text
 * parameter with U+0000 fails with "invalid byte sequence for encoding UTF8: 0x00") or a lone
 * UTF-16 surrogate (it has no UTF-8 form: the driver sends U+FFFD instead, which silently matches
 * nothing). Refused before anything reaches SQL, as INVALID_ARGUMENT (BAD_USER_INPUT) naming where
 * it was: for every argument of every GraphQL field at once (withArgumentChecks, resolvers/index.ts), for every query
 * parameter of the Atom feed, and inside decoded cursors.
 */
import { CatalogError } from '../lib/errors.js';
import { unusableTextReason } from '../lib/text.js';

export interface UnusableText {
  /** Where the text is: argument name, then input-object fields and list indexes. */
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

/**
 * The first unusable text in a value as GraphQL coerces arguments (strings, lists, input objects;
 * numbers, booleans, Dates and bigints hold no text), keys included.
 */
export function findUnusableText(value: unknown, path: readonly (string | number)[] = []): UnusableText | null {
  if (typeof value === 'string') {
    const reason = unusableTextReason(value);
    return reason === null ? null : { path, reason };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnusableText(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unusableTextReason(key);
      if (keyReason !== null) return { path, reason: `has a field name that ${keyReason}` };
      const found = findUnusableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

function hasOwnKeys(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

/**
 * INVALID_ARGUMENT for the first unusable text in a field's arguments. As for the other checks
 * of input objects (src/read-model/models.filter.ts), `argument` is the field's argument and `fields` the path in it.
 */
export function assertUsableArguments(args: Readonly<Record<string, unknown>>): void {
  // Most fields resolved take no arguments: nothing to walk, nothing allocated.
  if (!hasOwnKeys(args)) return;
  const found = findUnusableText(args);
  if (!found) return;
  const [argument = 'arguments', ...inside] = found.path.map(String);
  // `after` …, or filter.authors.0 … as the other input-object checks name a field.
  const where = inside.length > 0 ? found.path.join('.') : `\`${argument}\``;
  throw new CatalogError(
    'INVALID_ARGUMENT',
    `${where} ${found.reason}, which the catalog cannot store or match: remove it`,
    inside.length > 0 ? { argument, fields: [inside.join('.')] } : { argument },
  );
}
