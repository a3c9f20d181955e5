import { describe, expect, it } from 'vitest';
import { nextLink } from '../crawl/huggingface/huggingface.adapter.js';
import { parseRateLimit, parseRetryAfter } from './rate-limit-headers.js';

describe('parseRateLimit', () => {
  it('reads the hub headers', () => {
    const headers = new Headers({
      RateLimit: '"api";r=499;t=293',
      'RateLimit-Policy': '"fixed window";"api";q=500;w=300',
    });
    expect(parseRateLimit(headers)).toEqual({ remaining: 499, resetSeconds: 293, quota: 500, windowSeconds: 300 });
  });

  it('works without a policy header, and returns null without RateLimit', () => {
    expect(parseRateLimit(new Headers({ RateLimit: '"api";r=0;t=12' }))).toEqual({ remaining: 0, resetSeconds: 12 });
    expect(parseRateLimit(new Headers())).toBeNull();
    expect(parseRateLimit(new Headers({ RateLimit: 'garbage' }))).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7],
    [' 0 ', 0],
    ['Thu, 26 Nov 2026 00:00:10 GMT', 10],
    ['soon', null],
  ])('%s → %s', (value, seconds) => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': value }), Date.parse('2026-11-26T00:00:00Z'))).toBe(seconds);
  });
});

describe('nextLink', () => {
  it('finds the next URL, or null on the last page', () => {
    expect(nextLink('<https://huggingface.co/api/models?cursor=abc%3D&limit=1000>; rel="next"')).toBe(
      'https://huggingface.co/api/models?cursor=abc%3D&limit=1000',
    );
    expect(nextLink('<http://x/prev>; rel="prev", <http://x/next>; rel="next"')).toBe('http://x/next');
    expect(nextLink(null)).toBeNull();
    expect(nextLink('<http://x/prev>; rel="prev"')).toBeNull();
  });
});
