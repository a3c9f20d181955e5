/**
 * Per-client rate limiting of the API: a fixed window per client (API key, else IP) counted in
 * Redis, so every API instance draws on the same count, and announced the way the Hugging Face Hub
 * announces its own (IETF draft-ietf-httpapi-ratelimit-headers v9), on every response:
 *   RateLimit: "api";r=<remaining>;t=<seconds to reset>
 *   RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window seconds>
 * Past the quota the answer is 429 with `Retry-After`.
 */
import type { Redis } from 'ioredis';
import { hitFixedWindow } from '../../lib/fixed-window.js';
import { isOpening, readyWithin } from '../../queue/redis.js';

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

/** The client a request is counted against. */
export type RateLimitClient =
  { readonly kind: 'key'; readonly id: string } | { readonly kind: 'ip'; readonly ip: string };

export class FixedWindowRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly policy: RateLimitPolicy,
  ) {}

  /** Count one request of `client` and say whether it is within the quota. */
  async hit(client: RateLimitClient): Promise<RateLimitDecision> {
    // The connection fails fast (no offline queue): give one that is still opening a moment.
    if (isOpening(this.redis)) await readyWithin(this.redis, 1_000);
    const id = client.kind === 'key' ? `key:${client.id}` : `ip:${client.ip}`;
    const [count, msLeft] = await hitFixedWindow(this.redis, `${this.prefix}:api-rate:${id}`, this.policy.windowMs);
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
