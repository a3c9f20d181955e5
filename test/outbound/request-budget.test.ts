/** The shared per-hub budget against the real Redis (one key per test). */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { FixedWindowRequestBudget, RedisRequestBudget } from '../../src/outbound/request-budget.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

function limiter(reserve = 0): RedisRequestBudget {
  return new RedisRequestBudget(redis, { prefix: `test-${randomBytes(4).toString('hex')}`, hubId: 'hub', reserve });
}

describe('RedisRequestBudget', () => {
  it('lets requests through before it knows the policy', async () => {
    const budget = limiter();
    for (let i = 0; i < 3; i++) expect(await budget.acquire()).toBe(0);
  });

  it('spends the window the hub announced, then waits for the window to reset — never sending a request into an exhausted window', async () => {
    const budget = limiter();
    await budget.observe({ remaining: 3, resetSeconds: 1, quota: 3, windowSeconds: 1 });
    const started = Date.now();
    for (let i = 0; i < 3; i++) expect(await budget.acquire()).toBe(0);
    const waited = await budget.acquire();
    const elapsed = Date.now() - started;
    expect(waited).toBeGreaterThan(500);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    // Not much past the reset (a loaded CI machine gets slack; a wait for a second window would not).
    expect(elapsed).toBeLessThan(2_500);
  });

  it('keeps a reserve when asked', async () => {
    const budget = limiter(1);
    await budget.observe({ remaining: 2, resetSeconds: 1, quota: 2, windowSeconds: 1 });
    expect(await budget.acquire()).toBe(0);
    expect(await budget.acquire()).toBeGreaterThan(0);
  });

  it('shares one budget between limiters (processes) on the same hub', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const a = new RedisRequestBudget(redis, { prefix, hubId: 'hub' });
    const b = new RedisRequestBudget(redis, { prefix, hubId: 'hub' });
    await a.observe({ remaining: 2, resetSeconds: 60, quota: 2, windowSeconds: 60 });
    expect(await a.acquire()).toBe(0);
    expect(await b.acquire()).toBe(0);
    const controller = new AbortController();
    const blocked = b.acquire(controller.signal);
    setTimeout(() => controller.abort(new Error('stop waiting')), 100);
    await expect(blocked).rejects.toThrow(/abort/);
  });

  it('takes the lower of its own count and the hub’s within a window', async () => {
    const budget = limiter();
    await budget.observe({ remaining: 10, resetSeconds: 2, quota: 10, windowSeconds: 2 });
    await budget.observe({ remaining: 1, resetSeconds: 2, quota: 10, windowSeconds: 2 });
    expect(await budget.acquire()).toBe(0);
    const waitingFor = await budget.acquire();
    expect(waitingFor).toBeGreaterThan(1_000);
  });

  it('after a 429, nothing goes out until Retry-After has passed', async () => {
    const budget = limiter();
    await budget.throttled(1);
    const started = Date.now();
    await budget.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('FixedWindowRequestBudget (a hub without RateLimit headers)', () => {
  const fixed = (prefix: string, quota: number) =>
    new FixedWindowRequestBudget(redis, { prefix, hubId: 'hub', requestsPerMinute: quota, windowMs: 1_000 });

  it('lets the configured number through in a window, shared by every process, then waits for the next window', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const [a, b] = [fixed(prefix, 4), fixed(prefix, 4)];
    // Start just after a window opens, so that the four fit in one.
    await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 5));
    const waits = [await a.acquire(), await b.acquire(), await a.acquire(), await b.acquire()];
    expect(waits).toEqual([0, 0, 0, 0]);
    const started = Date.now();
    const waited = await a.acquire();
    expect(waited).toBeGreaterThan(0);
    expect(Date.now() % 1_000).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('after a 429, nothing goes out until Retry-After has passed, whatever the window has left', async () => {
    const budget = fixed(`test-${randomBytes(4).toString('hex')}`, 1_000);
    await budget.throttled(0.6);
    const started = Date.now();
    expect(await budget.acquire()).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });
});
