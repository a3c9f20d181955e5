import { describe, expect, it } from 'vitest';
import { cursorModelId, nextPageOf, recordModelId, withCursor, type NextPage } from './civitai-cursor.js';

describe('nextPageOf', () => {
  const next = (cursor: string): NextPage => ({ kind: 'next', cursor });
  const last: NextPage = { kind: 'last' };
  it.each<[string, unknown, NextPage]>([
    [
      'a keyset string (Highest Rated)',
      { nextCursor: '75363|932023|257749', nextPage: 'https://civitai.com/api/v1/models?cursor=x' },
      next('75363|932023|257749'),
    ],
    [
      'a keyset string (Newest)',
      { nextCursor: '2026-07-02 10:15:00.000|3012554' },
      next('2026-07-02 10:15:00.000|3012554'),
    ],
    ['a number (the search path)', { nextCursor: 3012554 }, next('3012554')],
    [
      'only nextPage: its cursor',
      { nextPage: 'https://civitai.com/api/v1/models?limit=100&cursor=2026-07-02%2010%3A15%3A00.000%7C3012554' },
      next('2026-07-02 10:15:00.000|3012554'),
    ],
    [
      'a null nextCursor beside a nextPage',
      { nextCursor: null, nextPage: 'https://c/api/v1/models?cursor=7' },
      next('7'),
    ],
    ['the last page: an empty metadata', {}, last],
    ['the last page: empty values', { nextCursor: '', nextPage: null }, last],
    ['the last page of page numbers', { currentPage: 3, pageSize: 100 }, last],
  ])('%s', (_name, metadata, expected) => {
    expect(nextPageOf(metadata)).toEqual(expected);
  });

  // Each of these once read as the last page: a full sweep would have stopped there, completed,
  // and marked every model after it removed.
  it.each<[string, unknown, RegExp]>([
    ['no metadata', undefined, /metadata is undefined, not an object/],
    ['a metadata that is not an object', [1], /metadata is \[1\], not an object/],
    [
      'nextPage with a page number instead of a cursor',
      { nextPage: 'https://civitai.com/api/v1/models?page=3' },
      /has no cursor/,
    ],
    ['an unparseable nextPage', { nextPage: 'not a url' }, /is not a URL/],
    ['a nextPage that is not a string', { nextPage: { cursor: 'x' } }, /is not a URL/],
    ['a nextCursor of another type', { nextCursor: { id: 5 } }, /neither a string nor a number/],
    ['a boolean nextCursor', { nextCursor: true, nextPage: 'https://c/api/v1/models?cursor=7' }, /neither/],
  ])('unusable, never the end: %s', (_name, metadata, detail) => {
    const page = nextPageOf(metadata);
    expect(page.kind).toBe('unusable');
    if (page.kind === 'unusable') expect(page.detail).toMatch(detail);
  });
});

describe('cursorModelId', () => {
  it.each<[string | null, number | null]>([
    ['75363|932023|257749', 257749],
    ['2026-07-02 10:15:00.000|3012554', 3012554],
    ['3012554', 3012554],
    ['2024-09-15T02:47:40.810Z', null],
    ['76:341:146864', null],
    ['|', null],
    ['0', null],
    [null, null],
  ])('%s → %s', (cursor, id) => {
    expect(cursorModelId(cursor)).toBe(id);
  });
});

describe('withCursor', () => {
  it('keeps the query, sets the cursor, never a page number', () => {
    const next = new URL(withCursor('http://127.0.0.1:1/api/v1/models?limit=100&sort=Oldest&nsfw=true&page=2', '1|2'));
    expect(next.pathname).toBe('/api/v1/models');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      limit: '100',
      sort: 'Oldest',
      nsfw: 'true',
      cursor: '1|2',
    });
  });
});

describe('recordModelId', () => {
  it.each<[unknown, number | null]>([
    [{ id: 5 }, 5],
    [{ id: '5' }, 5],
    [{ id: 'five' }, null],
    // As the record builder reads ids: a page holding model 5 as `" 5 "` holds model 5 (no false
    // gap), and `"0"` is no id.
    [{ id: ' 5 ' }, 5],
    [{ id: '0' }, null],
    [{ id: -5 }, null],
    [{ id: 5.5 }, null],
    [{ name: 'x' }, null],
    [7, null],
  ])('%j → %s', (record, id) => {
    expect(recordModelId(record)).toBe(id);
  });
});
