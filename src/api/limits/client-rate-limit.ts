/**
 * Per-client rate limiting of the API: a fixed window per client (API key, else IP) counted in
 * Redis, so every API instance draws on the same count, and announced the way the Hugging Face Hub
 * announces its own (IETF draft-ietf-httpapi-ratelimit-headers v9), on every response:
 *   RateLimit: "api";r=<remaining>;t=<seconds to reset>
 *   RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window seconds>
 * Past the quota the answer is 429 with `Retry-After`.
 */
import type { Redis } from 'ioredis';

export interface RateLimitPolicy {
  /** Requests per window. */
  readonly quota: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly quota: number;
  readonly remaining: number;
  /** Seconds until the window resets, rounded up (at least 1). */
  readonly resetSeconds: number;
  readonly windowSeconds: number;
}

// KEYS[1] the client's counter base key. ARGV[1] window (ms). Returns {count, ms until reset}.
// The window comes from Redis's clock, not the caller's, so every instance agrees on its bounds.
const HIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[1])
local window = math.floor(now / windowMs)
local key = KEYS[1] .. ':' .. window
local count = redis.call('INCR', key)
if count == 1 then redis.call('PEXPIRE', key, windowMs + 1000) end
return {count, (window + 1) * windowMs - now}
`;

/** The client a request is counted against. */
export type RateLimitClient =
  { readonly kind: 'key'; readonly id: string } | { readonly kind: 'ip'; readonly ip: string };

/** The connection with HIT defined as a command (ioredis sends EVALSHA, and the script once). */
type RateLimitRedis = Redis & {
  catalogRateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
};

export class FixedWindowRateLimiter {
  private readonly redis: RateLimitRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    readonly policy: RateLimitPolicy,
  ) {
    if (!('catalogRateLimitHit' in redis)) redis.defineCommand('catalogRateLimitHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as RateLimitRedis;
  }

  /** Count one request of `client` and say whether it is within the quota. */
  async hit(client: RateLimitClient): Promise<RateLimitDecision> {
    // The connection fails fast (no offline queue): give one that is still opening a moment.
    if (this.redis.status === 'wait' || this.redis.status === 'connecting' || this.redis.status === 'connect')
      await readyWithin(this.redis, 1_000);
    const id = client.kind === 'key' ? `key:${client.id}` : `ip:${client.ip}`;
    const [count, msLeft] = await this.redis.catalogRateLimitHit(`${this.prefix}:api-rate:${id}`, this.policy.windowMs);
    return decide(this.policy, count, msLeft);
  }
}

export function decide(policy: RateLimitPolicy, count: number, msLeft: number): RateLimitDecision {
  return {
    allowed: count <= policy.quota,
    quota: policy.quota,
    remaining: Math.max(0, policy.quota - count),
    resetSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
    windowSeconds: Math.ceil(policy.windowMs / 1000),
  };
}

/** The response headers for a decision; `Retry-After` only when the request is refused. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    RateLimit: `"api";r=${decision.remaining};t=${decision.resetSeconds}`,
    'RateLimit-Policy': `"fixed window";"api";q=${decision.quota};w=${decision.windowSeconds}`,
    ...(decision.allowed ? {} : { 'Retry-After': String(decision.resetSeconds) }),
  };
}

function readyWithin(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}
