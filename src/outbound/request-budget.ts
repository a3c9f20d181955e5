/**
 * One request budget per hub, shared by every process (workers, CLI, API) through Redis, driven by
 * the hub's own `RateLimit` headers: a request is sent only while the current window has requests
 * left, so the crawler pauses *before* the window is exhausted instead of collecting 429s.
 *
 * The hub says "t seconds until reset", rounded up, so `now + t` is an upper bound of the window's
 * true end; the smallest such bound seen in a window is the estimate, and waiting until it has
 * passed guarantees the hub's window rolled. BullMQ's limiter cannot do this: it is per queue and
 * knows nothing of the hub's headers. (Written here, as Lua run atomically in Redis, because no
 * maintained library implements a budget driven by these draft headers.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { hitFixedWindow } from '../lib/fixed-window.js';
import type { RateLimitObservation } from './rate-limit-headers.js';

export interface RequestBudget {
  /** Resolves when a request may be sent; returns how long it waited (ms). */
  acquire(signal?: AbortSignal): Promise<number>;
  /** Feed back what the hub said about the budget. */
  observe(observation: RateLimitObservation): Promise<void>;
  /** The hub refused with 429: nothing more until `retryAfterSeconds` have passed. */
  throttled(retryAfterSeconds: number): Promise<void>;
}

// State: quota, windowMs, remaining, windowEnd (an upper bound of the current window's end), and
// probe (when a window has rolled over: the time the one request sent to learn the new window
// went out, until its answer arrives). Where a new window starts and ends depends on the hub
// (aligned to the clock, or opened by the first request after the last one expired), so after a
// rollover exactly one request goes out and its answer says how much of the new window is left.

// KEYS[1] state hash. ARGV: now(ms), reserve. Returns 0 to go, else ms to wait.
const ACQUIRE = `
local s = redis.call('HMGET', KEYS[1], 'quota', 'windowMs', 'remaining', 'windowEnd', 'probe')
if not s[1] then return 0 end
local now = tonumber(ARGV[1])
local reserve = tonumber(ARGV[2])
local remaining = tonumber(s[3])
local windowEnd = tonumber(s[4])
local probe = tonumber(s[5])
if probe then
  -- a probe is out; if it never answers (failed, timed out), send another after a while
  if now - probe < 10000 then return 25 end
  redis.call('HSET', KEYS[1], 'probe', now)
  return 0
end
if now >= windowEnd then
  redis.call('HSET', KEYS[1], 'probe', now, 'remaining', 0)
  return 0
end
if remaining > reserve then
  redis.call('HSET', KEYS[1], 'remaining', remaining - 1)
  return 0
end
return math.max(1, windowEnd - now)
`;

// KEYS[1]. ARGV: now, remaining, resetSeconds, quota|'', windowSeconds|''.
const OBSERVE = `
local now = tonumber(ARGV[1])
local r = tonumber(ARGV[2])
local candidate = now + tonumber(ARGV[3]) * 1000
local s = redis.call('HMGET', KEYS[1], 'quota', 'windowMs', 'remaining', 'windowEnd', 'probe')
local quota = tonumber(ARGV[4]) or tonumber(s[1])
local windowMs = (tonumber(ARGV[5]) and tonumber(ARGV[5]) * 1000) or tonumber(s[2])
if not quota or not windowMs then return 0 end
local remaining = tonumber(s[3])
local windowEnd = tonumber(s[4])
if not windowEnd or s[5] then
  -- the first answer of a window (or ever): it says what is left and when the window ends
  remaining = r
  windowEnd = candidate
  redis.call('HDEL', KEYS[1], 'probe')
else
  -- the same window: the hub's count is authoritative, but requests we let through may still be
  -- in flight, so keep the smaller count; "t seconds" is rounded up, so keep the tighter end
  remaining = math.min(remaining, r)
  windowEnd = math.min(windowEnd, candidate)
end
redis.call('HSET', KEYS[1], 'quota', quota, 'windowMs', windowMs, 'remaining', remaining, 'windowEnd', windowEnd)
redis.call('PEXPIRE', KEYS[1], math.max(windowMs * 4, 60000))
return 1
`;

const THROTTLED = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(redis.call('HGET', KEYS[1], 'windowMs')) or (tonumber(ARGV[2]) * 1000)
local quota = tonumber(redis.call('HGET', KEYS[1], 'quota')) or 1
redis.call('HSET', KEYS[1], 'quota', quota, 'windowMs', math.max(windowMs, 1000), 'remaining', 0, 'windowEnd', now + tonumber(ARGV[2]) * 1000)
redis.call('HDEL', KEYS[1], 'probe')
return 1
`;

export class RedisRequestBudget implements RequestBudget {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; hubId: string; reserve?: number },
    private readonly reserve = options.reserve ?? 0,
  ) {
    this.key = `${options.prefix}:ratelimit:${options.hubId}`;
  }

  async acquire(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(await this.redis.eval(ACQUIRE, 1, this.key, Date.now(), this.reserve));
      if (wait <= 0) return waited;
      await sleep(wait, undefined, signal ? { signal } : undefined);
      waited += wait;
    }
  }

  async observe(o: RateLimitObservation): Promise<void> {
    await this.redis.eval(
      OBSERVE,
      1,
      this.key,
      Date.now(),
      o.remaining,
      o.resetSeconds,
      o.quota ?? '',
      o.windowSeconds ?? '',
    );
  }

  async throttled(retryAfterSeconds: number): Promise<void> {
    await this.redis.eval(THROTTLED, 1, this.key, Date.now(), retryAfterSeconds);
  }

  /** Forget what was learned (tests, or an operator after a policy change). */
  async reset(): Promise<void> {
    await this.redis.del(this.key);
  }
}

/**
 * A budget from configuration, for hubs that announce none (`<PREFIX>_REQUESTS_PER_MINUTE`,
 * src/config/hubs.ts): at most `requestsPerMinute` requests in each minute of the clock, counted in
 * Redis across every process, and nothing at all while a 429's `Retry-After` runs. A fixed window
 * can let up to twice the quota through around a minute's edge; hubs that publish a per-minute
 * limit are given a budget below it for that reason.
 */
export class FixedWindowRequestBudget implements RequestBudget {
  private readonly key: string;
  private readonly quota: number;
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    /** `windowMs` (default a minute) scales the window and the quota with it, for tests. */
    options: { prefix: string; hubId: string; requestsPerMinute: number; windowMs?: number },
  ) {
    this.key = `${options.prefix}:ratelimit:${options.hubId}`;
    this.windowMs = options.windowMs ?? 60_000;
    this.quota = options.requestsPerMinute;
  }

  async acquire(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const wait = await this.waitMs();
      if (wait <= 0) return waited;
      await sleep(wait, undefined, signal ? { signal } : undefined);
      waited += wait;
    }
  }

  /** 0 to go now (the request is counted), else how long to wait: a 429's pause, or the window's end. */
  private async waitMs(): Promise<number> {
    const blockedUntil = Number((await this.redis.get(`${this.key}:blocked`)) ?? 0);
    const now = Date.now();
    if (blockedUntil > now) return blockedUntil - now;
    const [count, msLeft] = await hitFixedWindow(this.redis, `${this.key}:window`, this.windowMs);
    return count <= this.quota ? 0 : Math.max(1, msLeft);
  }

  /** The hub's headers do not drive this budget. */
  observe(): Promise<void> {
    return Promise.resolve();
  }

  async throttled(retryAfterSeconds: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(retryAfterSeconds * 1000));
    await this.redis.set(`${this.key}:blocked`, Date.now() + ms, 'PX', ms);
  }
}

/** For pure code paths and unit tests: never waits. */
export const unlimited: RequestBudget = {
  acquire: () => Promise.resolve(0),
  observe: () => Promise.resolve(),
  throttled: () => Promise.resolve(),
};
