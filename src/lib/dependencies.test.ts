import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { reconnectDelay, RECONNECT_MAX_MS, RedisNotConnectedError } from '../queue/redis.js';
import { dependencyOutage, DependencyDownError, type Outage } from './dependencies.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('dependencyOutage', () => {
  it.each<[string, unknown, Outage | null]>([
    ['a refused connection', withProps('connect ECONNREFUSED 127.0.0.1:5441', { code: 'ECONNREFUSED' }), 'network'],
    ['a reset connection', withProps('read ECONNRESET', { code: 'ECONNRESET' }), 'network'],
    ['an unknown host', withProps('getaddrinfo ENOTFOUND db', { code: 'ENOTFOUND' }), 'network'],
    [
      'Postgres shutting down (57P01)',
      withProps('terminating connection due to administrator command', { code: '57P01' }),
      'postgres',
    ],
    ['a connection exception (08006)', withProps('connection failure', { code: '08006' }), 'postgres'],
    ['too many connections (53300)', withProps('sorry, too many clients already', { code: '53300' }), 'postgres'],
    ['node-postgres losing the server', new Error('Connection terminated unexpectedly'), 'postgres'],
    ['pg-pool waiting too long', new Error('timeout exceeded when trying to connect'), 'postgres'],
    ["Prisma's can't reach (P1001)", withProps("Can't reach database server", { code: 'P1001' }), 'postgres'],
    ["Prisma's pool timeout (P2024)", withProps('Timed out fetching a new connection', { code: 'P2024' }), 'postgres'],
    [
      'a raw Prisma query on an unreachable database (P2010 + adapter kind)',
      withProps('Raw query failed', {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
      }),
      'postgres',
    ],
    [
      'ioredis without connection or offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'redis',
    ],
    [
      'ioredis giving up on a command',
      withProps('Reached the max retries per request limit (which is 1).', { name: 'MaxRetriesPerRequestError' }),
      'redis',
    ],
    ['ioredis closed', new Error('Connection is closed.'), 'redis'],
    ['a producer finding Redis not connected', new RedisNotConnectedError('Redis not ready within 2000 ms'), 'redis'],
    ['our own start-up wait', new DependencyDownError({ redis: 'down' }), 'network'],
    [
      'an outage wrapped by GraphQL',
      new GraphQLError('x', { originalError: withProps('x', { code: 'ECONNREFUSED' }) }),
      'network',
    ],
    [
      'an outage as a cause',
      new Error('lookup failed', { cause: new Error('Connection terminated unexpectedly') }),
      'postgres',
    ],
    ['a unique violation', withProps('duplicate key value', { code: '23505' }), null],
    ["Prisma's record not found", withProps('No record found', { code: 'P2025' }), null],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), null],
    ['not an error', 'ECONNREFUSED', null],
    ['nothing', undefined, null],
  ])('%s → %s', (_what, error, outage) => {
    expect(dependencyOutage(error)).toBe(outage);
  });

  it('survives a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    expect(dependencyOutage(a)).toBeNull();
  });
});

describe('reconnectDelay (Redis)', () => {
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [4, 1, 800],
    [6, 0, RECONNECT_MAX_MS / 2],
    [1_000, 1, RECONNECT_MAX_MS],
  ])('attempt %i with random %f waits %i ms: jittered, never above the cap', (attempt, random, expected) => {
    expect(reconnectDelay(attempt, () => random)).toBe(expected);
  });
});
