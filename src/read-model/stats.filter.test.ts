import { describe, expect, it } from 'vitest';
import { CatalogError } from '../lib/errors.js';
import {
  addBuckets,
  bucketsBetween,
  bucketStart,
  MAX_BUCKETS,
  parseFacetLimit,
  parseLicenseFilter,
  parseOpennessRange,
} from './stats.filter.js';

const at = (iso: string) => new Date(iso);

describe('UTC buckets', () => {
  it.each([
    ['DAY', '2025-03-02T23:59:59.999Z', '2025-03-02T00:00:00.000Z'],
    ['DAY', '2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    // 2025-03-02 is a Sunday: its week began on Monday 2025-02-24.
    ['WEEK', '2025-03-02T23:59:59.999Z', '2025-02-24T00:00:00.000Z'],
    ['WEEK', '2025-03-03T00:00:00.000Z', '2025-03-03T00:00:00.000Z'],
    ['WEEK', '2025-01-01T12:00:00.000Z', '2024-12-30T00:00:00.000Z'],
    ['MONTH', '2024-12-31T23:00:00.000Z', '2024-12-01T00:00:00.000Z'],
    ['MONTH', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
  ] as const)('%s holding %s starts at %s', (interval, instant, start) => {
    expect(bucketStart(at(instant), interval).toISOString()).toBe(start);
  });

  it('steps and counts buckets, months of every length included', () => {
    expect(addBuckets(at('2025-01-01T00:00:00Z'), 'MONTH', 13).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(addBuckets(at('2025-01-06T00:00:00Z'), 'WEEK', -1).toISOString()).toBe('2024-12-30T00:00:00.000Z');
    expect(bucketsBetween(at('2024-02-01T00:00:00Z'), at('2024-03-01T00:00:00Z'), 'MONTH')).toBe(2);
    expect(bucketsBetween(at('2024-01-01T00:00:00Z'), at('2024-12-31T00:00:00Z'), 'DAY')).toBe(366);
    expect(bucketsBetween(at('2024-12-30T00:00:00Z'), at('2025-01-06T00:00:00Z'), 'WEEK')).toBe(2);
  });
});

describe('parseOpennessRange', () => {
  const now = at('2026-11-27T10:00:00Z');

  it('defaults `to` to now and leaves `from` to the data', () => {
    expect(parseOpennessRange({ interval: 'WEEK' }, now)).toEqual({
      interval: 'WEEK',
      first: null,
      last: at('2026-11-23T00:00:00Z'),
    });
  });

  it('accepts exactly the maximum number of buckets, refuses one more', () => {
    const from = addBuckets(at('2026-11-27T00:00:00Z'), 'DAY', 1 - MAX_BUCKETS);
    expect(parseOpennessRange({ interval: 'DAY', from }, now).first).toEqual(from);
    const error = (() => {
      try {
        parseOpennessRange({ interval: 'DAY', from: addBuckets(from, 'DAY', -1) }, now);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CatalogError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { buckets: MAX_BUCKETS + 1 } });
  });

  it('refuses `from` after `to`, even inside one bucket', () => {
    expect(() =>
      parseOpennessRange({ interval: 'MONTH', from: at('2025-01-20T00:00:00Z'), to: at('2025-01-10T00:00:00Z') }, now),
    ).toThrow(/is after `to`/);
  });
});

describe('facet limits and license filters', () => {
  it.each([null, undefined, 1, 1000])('limit %s is served', (limit) => {
    expect(parseFacetLimit(limit)).toBe(limit ?? null);
  });

  it.each([0, -3, 1001])('limit %s is refused', (limit) => {
    expect(() => parseFacetLimit(limit)).toThrow(CatalogError);
  });

  it('trims the search and refuses an empty one', () => {
    expect(parseLicenseFilter({ search: '  apache ' })).toEqual({
      categories: [],
      commercialUse: [],
      osiApproved: null,
      search: 'apache',
    });
    expect(() => parseLicenseFilter({ search: ' ' })).toThrow(/filter.search must not be empty/);
  });
});
