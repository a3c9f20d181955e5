import { describe, expect, it } from 'vitest';
import { parseRateLimit, parseRetryAfter } from '../../outbound/rate-limit-headers.js';
import { decide, rateLimitHeaders } from './client-rate-limit.js';

const policy = { quota: 3, windowMs: 60_000 };

describe('fixed-window decisions and headers', () => {
  it.each([
    [1, 59_500, { allowed: true, remaining: 2, resetSeconds: 60 }],
    [3, 1_200, { allowed: true, remaining: 0, resetSeconds: 2 }],
    [4, 1, { allowed: false, remaining: 0, resetSeconds: 1 }],
    [9, 0, { allowed: false, remaining: 0, resetSeconds: 1 }],
  ])('request %i with %i ms left', (count, msLeft, expected) => {
    expect(decide(policy, count, msLeft)).toEqual({ quota: 3, windowSeconds: 60, ...expected });
  });

  it('formats the headers as the Hub does, so our own Hub parser reads them back', () => {
    const allowed = rateLimitHeaders(decide(policy, 1, 12_300));
    expect(allowed).toEqual({ RateLimit: '"api";r=2;t=13', 'RateLimit-Policy': '"fixed window";"api";q=3;w=60' });
    expect(parseRateLimit(new Headers(allowed))).toEqual({
      remaining: 2,
      resetSeconds: 13,
      quota: 3,
      windowSeconds: 60,
    });

    const refused = rateLimitHeaders(decide(policy, 4, 12_300));
    expect(refused['Retry-After']).toBe('13');
    expect(parseRetryAfter(new Headers(refused))).toBe(13);
  });
});
