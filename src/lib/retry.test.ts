import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryWithBackoff } from './retry.js';

describe('backoffDelay', () => {
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [3, 0, 200],
    [3, 1, 400],
    [20, 1, 1_000],
  ])('attempt %i with random %f waits %i ms (base 100, cap 1000)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 100, 1_000, () => random)).toBe(expected);
  });
});

describe('retryWithBackoff', () => {
  it('retries until the operation succeeds', async () => {
    let calls = 0;
    const result = await retryWithBackoff(
      () => (++calls < 3 ? Promise.reject(new Error('down')) : Promise.resolve('up')),
      { what: 'x', logger: pino({ level: 'silent' }), initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe('up');
    expect(calls).toBe(3);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const run = retryWithBackoff(() => Promise.reject(new Error(`failure ${++calls}`)), {
      what: 'x',
      logger: pino({ level: 'silent' }),
      initialDelayMs: 1,
      maxAttempts: 2,
    });
    await expect(run).rejects.toThrow('failure 2');
  });
});
