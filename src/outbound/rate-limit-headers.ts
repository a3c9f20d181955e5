/**
 * Parsing of the IETF `RateLimit` / `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers
 * v9) as the Hugging Face Hub sends them on every response:
 *   RateLimit: "api";r=499;t=293
 *   RateLimit-Policy: "fixed window";"api";q=500;w=300
 * Written here because no maintained npm package parses this draft's structured-field form; the
 * regexes follow huggingface_hub's own parser (utils/_http.py).
 */

export interface RateLimitObservation {
  /** Requests left in the current window. */
  readonly remaining: number;
  /** Seconds until the window resets (the hub rounds up). */
  readonly resetSeconds: number;
  readonly quota?: number;
  readonly windowSeconds?: number;
}

const RATE_LIMIT = /"(?<bucket>\w+)"\s*;\s*r\s*=\s*(?<r>\d+)\s*;\s*t\s*=\s*(?<t>\d+)/;
const RATE_LIMIT_POLICY = /q\s*=\s*(?<q>\d+).*?w\s*=\s*(?<w>\d+)/;

export function parseRateLimit(headers: Headers): RateLimitObservation | null {
  const match = RATE_LIMIT.exec(headers.get('ratelimit') ?? '');
  if (!match?.groups) return null;
  const policy = RATE_LIMIT_POLICY.exec(headers.get('ratelimit-policy') ?? '');
  return {
    remaining: Number(match.groups['r']),
    resetSeconds: Number(match.groups['t']),
    ...(policy?.groups ? { quota: Number(policy.groups['q']), windowSeconds: Number(policy.groups['w']) } : {}),
  };
}

/** `Retry-After` in seconds (integer or HTTP-date), or null. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
