/**
 * Civitai's listing cursors (docs/hubs.md, "Civitai"). A page's `metadata.nextCursor` is the sort
 * key of the first model of the next page (the server reads `limit + 1` rows and hands out the
 * extra row's key): `<lastVersionAt>|<modelId>` for `sort=Newest`/`Oldest`,
 * `<thumbsUp>|<downloads>|<modelId>` for `Highest Rated`, a bare model id (a JSON number) on the
 * search path. `metadata.nextPage` is the same request with that cursor, as a full URL on the
 * hub's own origin. Every model sort ends with the model id, so a cursor names the model the next
 * page must start with, which is what the adapter's gap check compares.
 */
import { civitaiModelId } from '../../catalog/civitai/civitai-record.js';

/**
 * What a page's `metadata` says of the page after it: its cursor, that there is none (`last`), or
 * that there is one we cannot follow (`unusable`). The last two must never be confused: a full
 * sweep that stops early as if it had reached the end marks every model it did not reach removed.
 */
export type NextPage =
  | { readonly kind: 'next'; readonly cursor: string }
  | { readonly kind: 'last' }
  | { readonly kind: 'unusable'; readonly detail: string };

const LAST: NextPage = { kind: 'last' };

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The next page, from `nextCursor` (a string, or a number on the search path) or else the cursor
 * of `nextPage`. The hub always sends a `metadata` object (`{}` on the last page), so a page
 * without one, a cursor of another type, or a `nextPage` we cannot read a cursor from (a page
 * number, an unparseable URL) is `unusable`, never the end.
 */
export function nextPageOf(metadata: unknown): NextPage {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return { kind: 'unusable', detail: `metadata is ${describe(metadata)}, not an object` };
  }
  const { nextCursor, nextPage } = metadata as { nextCursor?: unknown; nextPage?: unknown };
  if (typeof nextCursor === 'string' && nextCursor.trim() !== '') return { kind: 'next', cursor: nextCursor };
  if (typeof nextCursor === 'number' && Number.isFinite(nextCursor))
    return { kind: 'next', cursor: String(nextCursor) };
  if (nextCursor !== undefined && nextCursor !== null && nextCursor !== '') {
    return { kind: 'unusable', detail: `nextCursor ${describe(nextCursor)} is neither a string nor a number` };
  }
  if (nextPage === undefined || nextPage === null || nextPage === '') return LAST;
  if (typeof nextPage !== 'string') return { kind: 'unusable', detail: `nextPage ${describe(nextPage)} is not a URL` };
  let cursor: string | null;
  try {
    cursor = new URL(nextPage).searchParams.get('cursor');
  } catch {
    return { kind: 'unusable', detail: `nextPage ${describe(nextPage)} is not a URL` };
  }
  if (cursor === null || cursor.trim() === '') {
    return { kind: 'unusable', detail: `nextPage ${describe(nextPage)} has no cursor` };
  }
  return { kind: 'next', cursor };
}

/** The model id a cursor names (its last `|` token, or the whole cursor on the search path); null when it names none. */
export function cursorModelId(cursor: string | null): number | null {
  if (cursor === null) return null;
  return civitaiModelId(cursor.slice(cursor.lastIndexOf('|') + 1));
}

/** The same listing request at another cursor (a `page` number never: past 1,000 items it is a 429). */
export function withCursor(url: string, cursor: string): string {
  const next = new URL(url);
  next.searchParams.delete('page');
  next.searchParams.set('cursor', cursor);
  return next.toString();
}

/** A listing record's model id, read as the record builder reads it (src/catalog/civitai/civitai-record.ts). */
export function recordModelId(record: unknown): number | null {
  if (typeof record !== 'object' || record === null) return null;
  return civitaiModelId((record as { id?: unknown }).id);
}
