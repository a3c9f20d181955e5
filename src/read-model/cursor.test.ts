import { describe, expect, it } from 'vitest';
import { CatalogError } from '../lib/errors.js';
import { decodeCursor, encodeCursor, keyText } from './cursor.js';

describe('cursors', () => {
  it('round-trip, opaque and URL-safe', () => {
    const cursor = { order: 'CREATED_AT:ASC', key: '2024-01-01T00:00:00.000Z', id: 'huggingface:a/b+c' };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, 'CREATED_AT:ASC', 'after')).toEqual(cursor);
  });

  it.each(['', '%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url')])(
    'refuses %j as INVALID_CURSOR naming the argument',
    (text) => {
      expect(() => decodeCursor(text, 'LIKES:DESC', 'before')).toThrow(CatalogError);
      expect(() => decodeCursor(text, 'LIKES:DESC', 'before')).toThrow(/`before` is not a valid cursor/);
    },
  );

  it.each([
    ['a NUL in the id', ['LIKES:DESC', '5', 'huggingface:a\u0000b']],
    ['a NUL in the key', ['LIKES:DESC', '5\u0000', 'huggingface:a/b']],
    ['a lone surrogate in the id', ['LIKES:DESC', '5', 'huggingface:\uD800']],
  ])('refuses a cursor with %s (text Postgres refuses) as INVALID_CURSOR', (_name, parts) => {
    const text = Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
    expect(() => decodeCursor(text, 'LIKES:DESC', 'after')).toThrow(/`after` is not a valid cursor/);
  });

  it.each([
    [null, null],
    [42, '42'],
    ['8030261248', '8030261248'],
    [0.0607927, '0.0607927'],
    [new Date('2024-05-01T10:00:00.123Z'), '2024-05-01T10:00:00.123Z'],
  ])('keyText(%j) = %j', (value, text) => {
    expect(keyText(value)).toBe(text);
  });
});
