import { describe, expect, it } from 'vitest';
import { cursorModelId, nextCursorOf, recordModelId, withCursor } from './civitai-cursor.js';

describe('nextCursorOf', () => {
  it.each<[string, unknown, string | null]>([
    [
      'a keyset string (Highest Rated)',
      { nextCursor: '75363|932023|257749', nextPage: 'https://civitai.com/api/v1/models?cursor=x' },
      '75363|932023|257749',
    ],
    ['a keyset string (Newest)', { nextCursor: '2026-07-02 10:15:00.000|3012554' }, '2026-07-02 10:15:00.000|3012554'],
    ['a number (the search path)', { nextCursor: 3012554 }, '3012554'],
    [
      'only nextPage: its cursor',
      { nextPage: 'https://civitai.com/api/v1/models?limit=100&cursor=2026-07-02%2010%3A15%3A00.000%7C3012554' },
      '2026-07-02 10:15:00.000|3012554',
    ],
    ['nextPage without a cursor', { nextPage: 'https://civitai.com/api/v1/models?page=3' }, null],
    ['an unparseable nextPage', { nextPage: 'not a url' }, null],
    ['an empty cursor', { nextCursor: '' }, null],
    ['no metadata', undefined, null],
    ['the last page', { currentPage: 3, pageSize: 100 }, null],
  ])('%s', (_name, metadata, expected) => {
    expect(nextCursorOf(metadata)).toBe(expected);
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
    [{ name: 'x' }, null],
    [7, null],
  ])('%j → %s', (record, id) => {
    expect(recordModelId(record)).toBe(id);
  });
});
