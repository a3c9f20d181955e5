/**
 * Redis connections, set up as BullMQ's production guide says: workers block on Redis and must
 * wait out outages (`maxRetriesPerRequest: null`), while producers (API requests, CLI) fail fast
 * instead of queueing commands in memory while Redis is down (`enableOfflineQueue: false`).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { backoffDelay } from '../lib/retry.js';
import type { Logger } from '../lib/logger.js';

export type RedisRole = 'worker' | 'producer' | 'client' | 'subscriber';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  // Per-request commands (the API's rate limit): those issued in the same tick share one write.
  client: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, enableAutoPipelining: true },
  // Pub/sub listeners, like workers, wait out outages and re-subscribe when Redis returns.
  subscriber: { maxRetriesPerRequest: null, enableReadyCheck: true },
};

/**
 * Longest wait between reconnection attempts. Short, so that everything waiting on Redis (queued
 * commands, blocked workers, subscribers) resumes within a couple of seconds of its return; the
 * attempts are jittered, so many processes do not reconnect in lockstep.
 */
export const RECONNECT_MAX_MS = 2_000;
/** While Redis stays down, one "still down" line per connection this often. */
const ERROR_LOG_EVERY_MS = 10_000;

export function reconnectDelay(attempt: number, random = Math.random): number {
  return backoffDelay(attempt, 100, RECONNECT_MAX_MS, random);
}

/**
 * A connection for `role`, reconnecting forever with capped, jittered backoff. It always has an
 * 'error' listener (without one, ioredis prints "[ioredis] Unhandled error event" and a stack to
 * stderr): the first failure is logged at once, then at most every 10 s, and the return too.
 * BullMQ workers duplicate it for their blocking connection, with the same options.
 */
export function createRedis(url: string, role: RedisRole, logger: Logger): Redis {
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    connectionName: `catalog-${role}`,
    retryStrategy: (attempt) => reconnectDelay(attempt),
  });
  let downSince: number | null = null;
  let lastLogged = 0;
  let failures = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    downSince ??= now;
    failures++;
    if (now - lastLogged < ERROR_LOG_EVERY_MS) return;
    lastLogged = now;
    logger.warn({ err: error, role, failures, downMs: now - downSince }, 'Redis connection error (retrying)');
  });
  redis.on('ready', () => {
    if (downSince === null) return;
    logger.info({ role, failures, downMs: Date.now() - downSince }, 'Redis connection restored');
    downSince = null;
    lastLogged = 0;
    failures = 0;
  });
  return redis;
}

/**
 * SUBSCRIBE once the connection is ready. A SUBSCRIBE queued while the connection is still
 * opening races ioredis 5's handshake (its ready check's INFO can follow the SUBSCRIBE, fail with
 * "Connection in subscriber mode", and leave the connection ready but not subscribed: ioredis
 * issue #2037, fixed only in ioredis 6). After that first subscribe, ioredis re-subscribes by
 * itself on every reconnect (`autoResubscribe`).
 */
export async function subscribeWhenReady(redis: Redis, channel: string): Promise<void> {
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const ready = () => {
        redis.off('end', ended);
        resolve();
      };
      const ended = () => {
        redis.off('ready', ready);
        reject(new Error(`Redis connection ended before subscribing to ${channel}`));
      };
      redis.once('ready', ready);
      redis.once('end', ended);
    });
  }
  await redis.subscribe(channel);
}

/** A command was not sent: the connection is not ready (Redis down, or still connecting). */
export class RedisNotConnectedError extends Error {
  override readonly name = 'RedisNotConnectedError';
}

/**
 * Resolve when `redis` is ready, waiting at most `timeoutMs` for one that is connecting or
 * reconnecting; otherwise reject with RedisNotConnectedError.
 */
export async function whenRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end') throw new RedisNotConnectedError('Redis connection is closed for good');
  if (redis.status === 'wait') redis.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', ready);
      reject(new RedisNotConnectedError(`Redis not ready within ${timeoutMs} ms (${redis.status})`));
    }, timeoutMs);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', ready);
  });
}

/** How long `closeRedis` lets a handshake in flight finish before it cuts the connection. */
const HANDSHAKE_WAIT_MS = 1_000;

/**
 * Close a connection, even one that is still trying to reconnect.
 *
 * One that is mid-handshake (`connect`: its ready check sent, the answer still to come) is let
 * finish first. Cut then, the answer can still arrive on the closing socket: ioredis then declares
 * it ready and re-subscribes a subscriber there, and that SUBSCRIBE, which ioredis sends without a
 * handler, is rejected as the socket closes: an unhandled rejection, fatal to the process
 * (lib/lifecycle.ts). Test: test/queue/redis-close.test.ts.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'connect') await firstOf(redis, ['ready', 'close', 'end'], HANDSHAKE_WAIT_MS);
  // Not connected: QUIT would wait in the offline queue (roles that keep one) until Redis returns.
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Still opening (`wait`, `connecting`, `connect`): not ready yet, but may be in a moment. */
export function isOpening(redis: Redis): boolean {
  return redis.status === 'wait' || redis.status === 'connecting' || redis.status === 'connect';
}

/** Resolve when the connection is ready or after `timeoutMs`, whichever comes first. */
export function readyWithin(redis: Redis, timeoutMs: number): Promise<void> {
  return firstOf(redis, ['ready'], timeoutMs);
}

/** Resolve at the first of `events` on the connection, or after `timeoutMs`. */
function firstOf(redis: Redis, events: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const event of events) redis.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const event of events) redis.once(event, done);
  });
}

/**
 * PING that first waits (briefly) for a connection still being established, so a process that has
 * just started does not report Redis as down while the socket is opening.
 */
export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (isOpening(redis)) await readyWithin(redis, timeoutMs);
  await redis.ping();
}
