/**
 * A pub/sub listener must be subscribed however busy the process is while its connection opens.
 * With ioredis 5, a SUBSCRIBE issued during the handshake can race the ready check and leave the
 * connection "ready" but not subscribed (ioredis#2037): an API instance that started under load
 * then heard no change announcements at all. Here the event loop is blocked as the socket
 * connects (as module loading and Apollo's start do in the real process), and the subscribe is
 * asked for at varying moments of the handshake.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { subscribeWhenReady } from '../../src/queue/redis.js';

const publisher = new Redis(inject('redisUrl'));
afterAll(() => publisher.quit());

const ROUNDS = 20;

function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Block the event loop, as a process still loading its modules does.
  }
}

describe('subscribeWhenReady', () => {
  it('hears every announcement when asked while the connection is still opening', async () => {
    let heard = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const channel = `test-subscribe-race-${process.pid}-${round}`;
      const subscriber = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null, connectionName: 'test-race' });
      subscriber.on('error', () => undefined);
      try {
        subscriber.once('connect', () => busyFor(30));
        const message = new Promise<boolean>((resolve) => {
          subscriber.on('message', () => resolve(true));
          setTimeout(() => resolve(false), 2_000).unref();
        });
        const subscribed = new Promise<void>((resolve, reject) => {
          setTimeout(() => subscribeWhenReady(subscriber, channel).then(resolve, reject), round % 10);
        });
        await subscribed;
        await publisher.publish(channel, 'change');
        if (await message) heard++;
      } finally {
        subscriber.disconnect();
      }
    }
    expect(heard).toBe(ROUNDS);
  });

  it('refuses when the connection ends before it is ready', async () => {
    const subscriber = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null });
    subscriber.on('error', () => undefined);
    const subscribing = subscribeWhenReady(subscriber, 'never');
    subscriber.connect().catch(() => undefined);
    await expect(subscribing).rejects.toThrow(/ended before subscribing to never/);
  });
});
