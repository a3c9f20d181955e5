/**
 * API keys, the pure part: the key format, its hash and prefix, scopes and the `Authorization`
 * header. A key is `cat_` and 32 random base62 characters (about 190 bits); only its SHA-256 hash
 * is stored, with its first characters (the prefix) so people can tell their keys apart.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `admin`: the queue dashboard at /admin/queues (src/api/metrics/queue-dashboard.ts). */
export const API_KEY_SCOPES = ['crawl', 'reclassify', 'webhooks', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_PREFIX = 'cat_';
const RANDOM_LENGTH = 32;
/** `cat_` plus 8 random characters: enough to recognize a key, far too little to guess it. */
export const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_PATTERN = /^cat_[0-9A-Za-z]{32}$/;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

/** Uniform base62 characters: bytes of 248 and above are dropped, so `% 62` has no bias. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBase62(RANDOM_LENGTH)}`;
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Hex SHA-256. A slow hash is not needed: the key is random, not a password. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export type BearerCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Read `Authorization: Bearer <key>`; anything else in the header is malformed, not ignored. */
export function parseAuthorization(header: string | undefined): BearerCredentials {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <API key>"' };
  if (!API_KEY_PATTERN.test(match[1])) return { kind: 'malformed', reason: 'this is not a catalog API key' };
  return { kind: 'key', key: match[1] };
}

/** Parse `crawl,reclassify`: every name must be known; duplicates collapse; order is canonical. */
export function parseScopes(list: string): { ok: true; scopes: ApiKeyScope[] } | { ok: false; unknown: string[] } {
  const names = list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(API_KEY_SCOPES as readonly string[]).includes(name));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, scopes: API_KEY_SCOPES.filter((scope) => names.includes(scope)) };
}
