/**
 * Closing a connection while a reconnection's handshake is in flight (src/queue/redis.ts,
 * `closeRedis`). Cut at that moment, the ready check's answer can still arrive on the closing
 * socket; ioredis then re-subscribes a subscriber there, without a handler, and that SUBSCRIBE is
 * rejected as the socket closes: an unhandled rejection, which ends the process
 * (src/lib/lifecycle.ts). It happened when the API stopped just as Redis came back.
 *
 * A proxy in front of the real Redis drops the subscriber's first connection and, on the
 * reconnection, closes the connection the moment the ready check (INFO) passes it, holding Redis's
 * answers back 50 ms so that the answer is still on its way.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { closeRedis, createRedis, subscribeWhenReady } from '../../src/queue/redis.js';
import { silentLogger } from '../helpers/database.js';

const REPLY_DELAY_MS = 50;

/** A TCP proxy to `target` that calls `onReadyCheck` when a later connection's INFO goes through. */
async function handshakeProxy(target: URL, onReadyCheck: () => void) {
  const clients = new Set<Socket>();
  let connections = 0;
  let fired = false;
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const reconnection = ++connections > 1;
    clients.add(client);
    const upstream = connect(Number(target.port), target.hostname);
    const later = (action: () => void) => (reconnection ? setTimeout(action, REPLY_DELAY_MS) : action());
    let sent = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (!reconnection || fired) return;
      sent += chunk.toString('latin1');
      if (/\$4\r\ninfo\r\n/i.test(sent)) {
        fired = true;
        onReadyCheck();
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk: Buffer) => later(() => client.writable && client.write(chunk)));
    upstream.on('end', () => later(() => client.end()));
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.on('close', () => {
      clients.delete(client);
      upstream.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Drop every connection, as a Redis restart does. */
    drop: () => {
      for (const client of clients) client.destroy();
    },
    get fired() {
      return fired;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('closeRedis', () => {
  it('lets a reconnection handshake in flight finish, so nothing is left unhandled, and ends the connection', async () => {
    process.on('unhandledRejection', onUnhandled);
    let closing: Promise<void> | undefined;
    const proxy = await handshakeProxy(new URL(inject('redisUrl')), () => {
      closing = closeRedis(subscriber);
    });
    const subscriber = createRedis(proxy.url, 'subscriber', silentLogger);
    try {
      await subscribeWhenReady(subscriber, `test-close-${process.pid}`);
      const ended = once(subscriber, 'end');
      proxy.drop();
      await ended;
      expect(proxy.fired).toBe(true);
      await closing;
      // Anything the close left to reject has been by now.
      await new Promise((resolve) => setTimeout(resolve, 4 * REPLY_DELAY_MS));
      expect(unhandled.map(String)).toEqual([]);
      expect(subscriber.status).toBe('end');
    } finally {
      subscriber.disconnect();
      await proxy.close();
    }
  });
});
