/**
 * Civitai's listing cursors (docs/hubs.md, "Civitai"). A page's `metadata.nextCursor` is the sort
 * key of the first model of the next page (the server reads `limit + 1` rows and hands out the
 * extra row's key): `<lastVersionAt>|<modelId>` for `sort=Newest`/`Oldest`,
 * `<thumbsUp>|<downloads>|<modelId>` for `Highest Rated`, a bare model id (a JSON number) on the
 * search path. `metadata.nextPage` is the same request with that cursor, as a full URL on the
 * hub's own origin. Every model sort ends with the model id, so a cursor names the model the next
 * page must start with, which is what the adapter's gap check compares.
 */

/** The next page's cursor as text, from `nextCursor` (string or number) or else `nextPage`; null on the last page. */
export function nextCursorOf(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const { nextCursor, nextPage } = metadata as { nextCursor?: unknown; nextPage?: unknown };
  if (typeof nextCursor === 'string' && nextCursor.trim() !== '') return nextCursor;
  if (typeof nextCursor === 'number' && Number.isFinite(nextCursor)) return String(nextCursor);
  if (typeof nextPage === 'string' && nextPage !== '') {
    try {
      const cursor = new URL(nextPage).searchParams.get('cursor');
      if (cursor !== null && cursor.trim() !== '') return cursor;
    } catch {
      return null;
    }
  }
  return null;
}

/** The model id a cursor names (its last `|` token, or the whole cursor on the search path); null when it names none. */
export function cursorModelId(cursor: string | null): number | null {
  if (cursor === null) return null;
  const last = cursor.slice(cursor.lastIndexOf('|') + 1).trim();
  if (!/^\d{1,15}$/.test(last)) return null;
  const id = Number(last);
  return id > 0 ? id : null;
}

/** The same listing request at another cursor (a `page` number never: past 1,000 items it is a 429). */
export function withCursor(url: string, cursor: string): string {
  const next = new URL(url);
  next.searchParams.delete('page');
  next.searchParams.set('cursor', cursor);
  return next.toString();
}

/** A listing record's model id, when it has a usable one. */
export function recordModelId(record: unknown): number | null {
  if (typeof record !== 'object' || record === null) return null;
  const id = (record as { id?: unknown }).id;
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? id : null;
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) return Number(id);
  return null;
}
