import { describe, expect, it } from 'vitest';
import { CatalogError } from '../lib/errors.js';
import { encodeCursor } from './cursor.js';
import { parseModelsArgs, type ModelsArgs } from './models.filter.js';

describe('parseModelsArgs', () => {
  it('defaults: 20 forward, DOWNLOADS DESC, removed models excluded, empty lists', () => {
    const query = parseModelsArgs({});
    expect(query.page).toEqual({ size: 20, backward: false, cursor: null });
    expect(query.order).toEqual({ field: 'DOWNLOADS', direction: 'DESC' });
    expect(query.filter).toMatchObject({ search: null, hubs: [], includeRemoved: false, minParameters: null });
  });

  it.each<[string, ModelsArgs, { field: string; direction: string }]>([
    ['a search orders by RELEVANCE DESC', { filter: { search: 'llama' } }, { field: 'RELEVANCE', direction: 'DESC' }],
    [
      'RELEVANCE without a search falls back',
      { orderBy: { field: 'RELEVANCE', direction: 'ASC' } },
      { field: 'DOWNLOADS', direction: 'DESC' },
    ],
    [
      'an explicit order wins over a search',
      { filter: { search: 'x' }, orderBy: { field: 'LIKES', direction: 'ASC' } },
      { field: 'LIKES', direction: 'ASC' },
    ],
    ['direction defaults to DESC', { orderBy: { field: 'CREATED_AT' } }, { field: 'CREATED_AT', direction: 'DESC' }],
  ])('%s', (_name, args, order) => {
    expect(parseModelsArgs(args).order).toEqual(order);
  });

  it('parameter bounds become bigints, from numbers or BigInt input', () => {
    const { filter } = parseModelsArgs({ filter: { minParameters: 7, maxParameters: 8_030_261_248n } });
    expect([filter.minParameters, filter.maxParameters]).toEqual([7n, 8_030_261_248n]);
  });

  it('decodes a cursor of the same order, keeping a null key for a nullable order', () => {
    const after = encodeCursor({ order: 'PARAMETERS:ASC', key: null, id: 'huggingface:a/b' });
    const query = parseModelsArgs({ orderBy: { field: 'PARAMETERS', direction: 'ASC' }, last: 3, before: after });
    expect(query.page).toEqual({
      size: 3,
      backward: true,
      cursor: { order: 'PARAMETERS:ASC', key: null, id: 'huggingface:a/b' },
    });
  });

  const bad = (args: ModelsArgs) => {
    try {
      parseModelsArgs(args);
    } catch (error) {
      if (error instanceof CatalogError) return [error.code, error.message];
      throw error;
    }
    throw new Error('no error');
  };

  it.each<[string, ModelsArgs, string, RegExp]>([
    ['first above 100', { first: 101 }, 'PAGE_SIZE_EXCEEDED', /maximum page size of 100/],
    ['negative last', { last: -2 }, 'INVALID_ARGUMENT', /`last` must not be negative/],
    ['first with before', { first: 2, before: 'x' }, 'INVALID_ARGUMENT', /not both/],
    [
      'min above max',
      { filter: { minParameters: 9, maxParameters: 8 } },
      'INVALID_ARGUMENT',
      /minParameters must not be greater/,
    ],
    ['a search of punctuation', { filter: { search: '!!' } }, 'INVALID_ARGUMENT', /letter or digit/],
    [
      'a cursor of another direction',
      { first: 1, after: encodeCursor({ order: 'DOWNLOADS:ASC', key: '1', id: 'x' }) },
      'INVALID_CURSOR',
      /made for order DOWNLOADS:ASC/,
    ],
    [
      'a timestamp key that is not one',
      {
        orderBy: { field: 'CREATED_AT' },
        first: 1,
        after: encodeCursor({ order: 'CREATED_AT:DESC', key: 'yesterday', id: 'x' }),
      },
      'INVALID_CURSOR',
      /malformed/,
    ],
    [
      'an integer key out of range',
      { first: 1, after: encodeCursor({ order: 'DOWNLOADS:DESC', key: '99999999999', id: 'x' }) },
      'INVALID_CURSOR',
      /malformed/,
    ],
  ])('refuses %s', (_name, args, code, message) => {
    const [actualCode, actualMessage] = bad(args);
    expect(actualCode).toBe(code);
    expect(actualMessage).toMatch(message);
  });
});
