import { describe, expect, it } from 'vitest';
import { isRetryable } from './webhook-delivery.service.js';

describe('isRetryable', () => {
  const result = (statusCode: number | null, refused = false) => ({ statusCode, error: 'x', durationMs: 1, refused });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [410, false],
    [422, false],
    [301, false],
    [302, false],
  ])('HTTP %i → %s', (status, retried) => {
    expect(isRetryable(result(status))).toBe(retried);
  });

  it('retries timeouts and network errors, never a refused address', () => {
    expect(isRetryable(result(null))).toBe(true);
    expect(isRetryable(result(null, true))).toBe(false);
  });
});
