/**
 * Opaque keyset cursors: base64url of `[order, key, id]`, where `order` names the order that made
 * the cursor (`DOWNLOADS:DESC`), `key` is the row's sort-key value as text (null for a model whose
 * key is unknown) and `id` breaks ties. A cursor is only valid with the order that made it.
 */
import { CatalogError } from '../lib/errors.js';
import { unusableTextReason } from '../lib/text.js';

export interface Cursor {
  readonly order: string;
  readonly key: string | null;
  readonly id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.order, cursor.key, cursor.id]), 'utf8').toString('base64url');
}

/** The text of a sort-key value as pg returns it: exact for every key type (see models.sql.ts). */
export function keyText(value: string | number | Date | null): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decode `text` as a cursor of `order`; `argument` names the argument in the error. The key's
 * format is checked by the caller, which knows its type.
 */
export function decodeCursor(text: string, order: string, argument: string): Cursor {
  const invalid = (why: string) =>
    new CatalogError('INVALID_CURSOR', `\`${argument}\` is not a valid cursor for this connection: ${why}`, {
      argument,
    });
  let parsed: unknown;
  try {
    if (!BASE64URL.test(text)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('pass a cursor from `edges.cursor` or `pageInfo` unchanged');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    !(typeof parsed[1] === 'string' || parsed[1] === null) ||
    typeof parsed[2] !== 'string'
  ) {
    throw invalid('pass a cursor from `edges.cursor` or `pageInfo` unchanged');
  }
  const [cursorOrder, key, id] = parsed as [string, string | null, string];
  // Base64 hides what the GraphQL argument check sees: the decoded parts go to SQL as text.
  if ([cursorOrder, key, id].some((part) => part !== null && unusableTextReason(part) !== null)) {
    throw invalid('pass a cursor from `edges.cursor` or `pageInfo` unchanged');
  }
  if (cursorOrder !== order) throw invalid(`it was made for order ${cursorOrder}, this query is ordered by ${order}`);
  return { order: cursorOrder, key, id };
}
