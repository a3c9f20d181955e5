/**
 * CORS for /graphql: browsers on the configured origins may call the API (and read its rate-limit
 * headers); any other origin gets no CORS headers, so the browser keeps the answer from the page.
 * Not a security boundary for non-browser clients, which ignore CORS.
 */
import type { CorsOptions } from 'cors';

/** Headers a browser page may read from our responses. */
export const EXPOSED_HEADERS = ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'];

export function corsOptions(origins: readonly string[] | '*'): CorsOptions {
  const allowed = origins === '*' ? null : new Set(origins);
  return {
    // Reflect the one allowed origin (never a list); `*` allows any, without credentials.
    origin: allowed === null ? '*' : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    exposedHeaders: EXPOSED_HEADERS,
    // Bearer keys are sent explicitly; cookies are not used.
    credentials: false,
    maxAge: 600,
  };
}
