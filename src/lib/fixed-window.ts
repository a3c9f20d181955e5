/**
 * One fixed-window counter in Redis, shared by every process: the API's per-client rate limit
 * (src/api/limits/client-rate-limit.ts) and the configured request budget of a hub
 * (src/outbound/request-budget.ts) both count with it. The window follows Redis's clock, not the
 * caller's, so every instance agrees on its bounds. Lua, so that counting and expiry are atomic.
 */
import type { Redis } from 'ioredis';

// KEYS[1] the counter's base key. ARGV[1] window (ms). Returns {count, ms until the window ends}.
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

/** The connection with HIT defined as a command (ioredis sends EVALSHA, and the script once). */
type FixedWindowRedis = Redis & {
  catalogFixedWindowHit(key: string, windowMs: number): Promise<[number, number]>;
};

/** Count one event under `key` in the current window: the count so far and the ms left in the window. */
export function hitFixedWindow(redis: Redis, key: string, windowMs: number): Promise<[count: number, msLeft: number]> {
  if (!('catalogFixedWindowHit' in redis)) redis.defineCommand('catalogFixedWindowHit', { numberOfKeys: 1, lua: HIT });
  return (redis as FixedWindowRedis).catalogFixedWindowHit(key, windowMs);
}
