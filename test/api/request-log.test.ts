import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { requestLog } from '../../src/api/http/request-log.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** An app with the request log over a logger at `level`, whose lines are collected. */
async function serve(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(requestLog(pino({ level }, stream)));
  app.get('/fails', (req, res) => {
    req.log.error('something broke');
    res.status(500).json({});
  });
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

describe('requestLog', () => {
  it.each(['info', 'warn'])('at %s: honours a sane X-Request-Id, mints one otherwise', async (level) => {
    const { url } = await serve(level);
    const given = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-1' } });
    expect(given.headers.get('x-request-id')).toBe('trace-1');
    const minted = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'no spaces allowed' } });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('at info: logs every request but the probes, with its id, method and status', async () => {
    const { url, lines } = await serve('info');
    await fetch(`${url}/healthz`);
    await fetch(`${url}/fails`, { headers: { 'x-request-id': 'trace-2' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const completed = lines.filter((line) => line['res'] !== undefined);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      req: { id: 'trace-2', method: 'GET', url: '/fails' },
      res: { statusCode: 500 },
    });
  });

  it('below info: logs nothing per request, and a line logged for a request names its id, method and URL', async () => {
    const { url, lines } = await serve('warn');
    await fetch(`${url}/healthz`);
    await fetch(`${url}/fails?x=1`, { headers: { 'x-request-id': 'trace-3' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'something broke',
      reqId: 'trace-3',
      req: { method: 'GET', url: '/fails?x=1' },
    });
  });
});
