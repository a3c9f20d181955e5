/**
 * A webhook endpoint for tests: an HTTP server on 127.0.0.1 that records every request (headers,
 * raw body, arrival time) and answers as the test says — a status, after a delay, or never.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received (what the signature covers). */
  readonly rawBody: string;
  readonly receivedAt: number;
}

/** What to answer to the n-th request (0-based): a status (after `delayMs`), or `hang` (never answer). */
export type Answer = { readonly status: number; readonly delayMs?: number; readonly body?: string } | 'hang';

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests being answered right now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    public answer: (request: ReceivedRequest, index: number) => Answer,
  ) {}

  static async start(answer: (request: ReceivedRequest, index: number) => Answer = () => ({ status: 200 })) {
    const server = createServer();
    const receiver = new Receiver(server, answer);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        const index = receiver.requests.push(request) - 1;
        const answer = receiver.answer(request, index);
        receiver.inFlight++;
        receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
        res.on('close', () => receiver.inFlight--);
        if (answer === 'hang') {
          receiver.hanging.add(res);
          return;
        }
        setTimeout(() => res.writeHead(answer.status).end(answer.body ?? ''), answer.delayMs ?? 0);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests of one delivery (by `X-Catalog-Delivery`). */
  ofDelivery(id: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.headers['x-catalog-delivery'] === id);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
