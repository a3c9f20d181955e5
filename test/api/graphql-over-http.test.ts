/**
 * The GraphQL-over-HTTP spec's own server audit (graphql-http's `auditServer`) against the API as
 * it runs in production: no errors, and only the warnings the README explains (Apollo answers
 * 400, not 200, to a document that does not parse or validate, or variables that do not coerce,
 * under the legacy `application/json` response type).
 */
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../helpers/api.js';
import { rawGet } from '../helpers/raw-get.js';
import { useTestDatabase } from '../helpers/database.js';

/** The warnings README "GraphQL over HTTP" explains, by audit id. */
const EXPLAINED_WARNINGS = ['572B', 'FDE2', '7B9B'];

const db = useTestDatabase();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl'), env: { NODE_ENV: 'production' } });
});
afterAll(() => api.stop());

describe('graphql-http server audit', () => {
  it('passes every MUST, and warns only where the README says why', async () => {
    const results = await auditServer({ url: `${api.url}/graphql` });
    const failed = (status: string) =>
      results
        .filter((result) => result.status === status)
        .map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(results.length).toBeGreaterThan(30);
    expect(failed('error')).toEqual([]);
    expect(results.filter((result) => result.status === 'warn').map((result) => result.id)).toEqual(EXPLAINED_WARNINGS);
  });
});

/** A GET as a cache or proxy sends it, with its headers as given; its length checked. */
async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag?: string; body: string }> {
  const { status, headers: answer, body } = await rawGet(new URL(path, api.url), headers);
  expect(Number(answer['content-length'] ?? 0)).toBe(Buffer.byteLength(body));
  return { status, ...(answer.etag === undefined ? {} : { etag: answer.etag }), body };
}

describe('conditional GET (http/graphql-route.ts)', () => {
  const path = `/graphql?query=${encodeURIComponent('{ stats { totalCount } }')}`;

  it('gives a GET answer a weak ETag, and a 304 with no body to a client that has it', async () => {
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^W\/"[^"]+"$/);

    const again = await get(path, { 'if-none-match': first.etag ?? '' });
    expect(again).toEqual({ status: 304, etag: first.etag, body: '' });

    const stale = await get(path, { 'if-none-match': 'W/"0-stale"' });
    expect(stale).toEqual(first);
  });

  it('gives a POST answer no ETag (no cache keeps one), and its exact length', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    const body = await response.text();
    expect(body).toMatch(/^\{"data":\{"stats":\{"totalCount":\d+\}\}\}\n?$/);
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(body));
  });

  it('answers an error with no 304, whatever the client sends', async () => {
    const bad = `/graphql?query=${encodeURIComponent('{ stats { noSuchField } }')}`;
    const first = await get(bad);
    expect(first.status).toBe(400);
    const again = await get(bad, { 'if-none-match': first.etag ?? '*' });
    expect(again).toEqual(first);
  });
});
