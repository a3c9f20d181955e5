/**
 * One HTTP attempt of a webhook delivery: a POST through node:http(s) whose DNS lookup is the SSRF
 * guard's (so the socket connects only to checked addresses), under one deadline for connecting,
 * the answer's headers and the first bytes of its body. It never throws: every outcome, a timeout
 * or a refused address included, is a result to record.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ADDRESS_REFUSED } from './ssrf.js';

export interface AttemptResult {
  /** The answer's HTTP status; null when none came. */
  readonly statusCode: number | null;
  /** Why the attempt did not succeed (with the start of the answer's body for an HTTP error); null on 2xx. */
  readonly error: string | null;
  readonly durationMs: number;
  /** The guard refused every address of the host: retrying will not help. */
  readonly refused: boolean;
}

/** The part of an error answer's body kept in the attempt record. */
const BODY_SNIPPET_BYTES = 512;

export function postJson(
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: { readonly timeoutMs: number; readonly lookup: LookupFunction; readonly signal?: AbortSignal },
): Promise<AttemptResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    let settled = false;
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: string | null, refused = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      const durationMs = Math.round(performance.now() - started);
      if (statusCode !== null) {
        const ok = statusCode >= 200 && statusCode < 300;
        const snippet = Buffer.concat(chunks).subarray(0, BODY_SNIPPET_BYTES).toString('utf8').trim();
        resolve({
          statusCode,
          error: ok ? null : `HTTP ${statusCode}${snippet ? `: ${snippet}` : ''}`,
          durationMs,
          refused: false,
        });
      } else {
        resolve({ statusCode: null, error, durationMs, refused });
      }
    };

    const transport = url.protocol === 'https:' ? https : http;
    // agent: false: a fresh connection per attempt, so no pooled socket outlives the check.
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: options.lookup,
        agent: false,
      },
      (response) => {
        statusCode = response.statusCode ?? null;
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          // The status is all that counts; the rest of a large body is not waited for.
          if (received >= BODY_SNIPPET_BYTES) finish(null);
        });
        response.on('end', () => finish(null));
        response.on('error', () => finish(null));
      },
    );
    const timer = setTimeout(() => finish(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    // The worker is shutting down: end the attempt now rather than hold the shutdown for the timeout.
    const onAbort = () => finish('interrupted: the worker is shutting down');
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort);
    request.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === ADDRESS_REFUSED;
      finish(refused ? error.message : `${error.code ?? 'network error'}: ${error.message}`, refused);
    });
    request.end(body);
  });
}
