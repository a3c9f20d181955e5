import { describe, expect, it } from 'vitest';
import { CatalogError } from '../lib/errors.js';
import { unusableTextReason } from '../lib/text.js';
import { assertUsableArguments, findUnusableText } from './argument-text.js';

describe('unusableTextReason', () => {
  it.each([
    ['llama', null],
    ['', null],
    ['emoji 😀 (a surrogate pair)', null],
    ['a\u0000b', 'contains a NUL character (U+0000)'],
    ['lead \uD83D alone', 'contains a lone UTF-16 surrogate'],
    ['\uDE00 trail alone', 'contains a lone UTF-16 surrogate'],
    ['reversed \uDE00\uD83D', 'contains a lone UTF-16 surrogate'],
  ])('%j → %j', (text, reason) => {
    expect(unusableTextReason(text)).toBe(reason);
  });
});

describe('findUnusableText', () => {
  it('walks lists and input objects, and ignores values without text', () => {
    const date = new Date('2025-01-01T00:00:00Z');
    expect(findUnusableText({ first: 5, since: date, min: 10n, gated: true, tags: ['a', 'b'] })).toBeNull();
    expect(findUnusableText({ filter: { authors: ['ok', 'b\u0000'] } })).toEqual({
      path: ['filter', 'authors', 1],
      reason: 'contains a NUL character (U+0000)',
    });
  });

  it('checks keys too (a JSON value can have any)', () => {
    expect(findUnusableText({ data: { 'k\u0000': 1 } })?.reason).toMatch(/field name that contains a NUL/);
  });
});

describe('assertUsableArguments', () => {
  const refusal = (args: Record<string, unknown>) => {
    try {
      assertUsableArguments(args);
    } catch (error) {
      if (error instanceof CatalogError) return error;
      throw error;
    }
    throw new Error('expected a CatalogError');
  };

  it('names a top-level argument', () => {
    const error = refusal({ first: 5, after: 'x\u0000' });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ argument: 'after' });
    expect(error.message).toMatch(/^`after` contains a NUL character/);
  });

  it('names a field inside an input object as the filter checks do (argument + fields)', () => {
    const error = refusal({ filter: { search: 'llama', tasks: ['\uD800'] } });
    expect(error.details).toEqual({ argument: 'filter', fields: ['tasks.0'] });
    expect(error.message).toMatch(/^filter\.tasks\.0 contains a lone UTF-16 surrogate/);
  });

  it('lets clean arguments through', () => {
    expect(() => assertUsableArguments({ filter: { search: 'llama 3.1', authors: ['meta-llama'] } })).not.toThrow();
  });
});
