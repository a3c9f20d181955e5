/**
 * The API's limits and exposure over real HTTP: depth and cost refused before execution, the
 * per-client fixed window in Redis (headers, 429 with Retry-After, shared by instances), automatic
 * persisted queries, GET with Apollo's CSRF rule, cache hints, CORS, introspection and landing page.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import { parseRateLimit } from '../../src/outbound/rate-limit-headers.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const apis: RunningApi[] = [];
let prefix: string;

beforeEach(() => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
});
afterEach(async () => {
  while (apis.length) await apis.pop()?.stop();
});

async function api(env: Record<string, string> = {}): Promise<string> {
  const running = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
  apis.push(running);
  return running.url;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

async function get(
  url: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const search = new URLSearchParams(
    Object.entries(params).map(([name, value]): [string, string] => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  return answer(await fetch(`${url}/graphql?${search.toString()}`, { headers }));
}

const firstError = (response: Answer) => response.body.errors?.[0];

describe('depth and cost limits, before execution', () => {
  it('refuses a query deeper than GRAPHQL_MAX_DEPTH with QUERY_TOO_COMPLEX, the depth and the limit', async () => {
    const url = await api({ GRAPHQL_MAX_DEPTH: '3' });
    expect((await post(url, { query: '{ hubs { id } }' })).status).toBe(200);
    const refused = await post(url, { query: '{ models(first: 1) { nodes { license { id } } } }' });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(firstError(refused)).toMatchObject({
      message: 'Query depth 4 exceeds the maximum depth of 3.',
      extensions: { code: 'QUERY_TOO_COMPLEX', depth: 4, maxDepth: 3 },
    });
  });

  it('refuses a query whose pages multiply past GRAPHQL_MAX_COST, stating the cost and the limit', async () => {
    const url = await api();
    // 1 + 100 models × (1 + history: 1 + 100 changes × 1) = 10,201 > 10,000
    const query = '{ models(first: 100) { nodes { id history(first: 100) { nodes { kind } } } } }';
    const refused = await post(url, { query });
    expect(refused.status).toBe(400);
    expect(firstError(refused)?.message).toMatch(/^Query cost 10201 exceeds the maximum cost of 10000\./);
    expect(firstError(refused)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 10201, maxCost: 10000 });

    // The same shape with smaller pages (variables count too) is within the limit.
    const smaller = await post(url, {
      query: 'query($n: Int) { models(first: $n) { nodes { id history(first: 10) { nodes { kind } } } } }',
      variables: { n: 100 },
    });
    expect(firstError(smaller)?.extensions?.['code']).not.toBe('QUERY_TOO_COMPLEX');
  });

  it('applies to mutations too, before authentication is even looked at', async () => {
    const url = await api({ GRAPHQL_MAX_DEPTH: '2' });
    const refused = await post(url, {
      query: 'mutation { requestCrawl(input: { hub: "huggingface" }) { run { id } } }',
    });
    expect(refused.status).toBe(400);
    expect(firstError(refused)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', depth: 3, maxDepth: 2 });
  });
});

describe('rate limit', () => {
  it('sends RateLimit headers on every response and 429 with Retry-After past the quota', async () => {
    const url = await api({ API_RATE_LIMIT: '3', API_RATE_LIMIT_WINDOW_MS: '60000' });
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await post(url, { query: '{ hubs { id } }' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"fixed window";"api";q=3;w=60');
      const parsed = parseRateLimit(ok.headers);
      expect(parsed?.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(parsed?.resetSeconds).toBeLessThanOrEqual(60);
      remaining.push(parsed?.remaining ?? -1);
    }
    expect(remaining).toEqual([2, 1, 0]);

    const refused = await post(url, { query: '{ hubs { id } }' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toBe(`"api";r=0;t=${retryAfter}`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(firstError(refused)).toMatchObject({
      message: expect.stringMatching(/^Rate limit exceeded: 3 requests per 60 s for this IP address/) as unknown,
      extensions: { code: 'RATE_LIMITED', quota: 3, windowSeconds: 60, retryAfterSeconds: retryAfter },
    });
    // Errors count too, and are refused the same way.
    expect((await post(url, { query: '{ nope }' })).status).toBe(429);
  });

  it('counts an API key apart from its IP, and shares the count between API instances', async () => {
    const env = { API_RATE_LIMIT: '2', API_RATE_LIMIT_WINDOW_MS: '60000' };
    const [one, two] = [await api(env), await api(env)];
    const { key } = await new ApiKeyRepository(db.prisma).create({ name: 'dashboard', scopes: [] });
    const withKey = { authorization: `Bearer ${key}` };

    expect(parseRateLimit((await post(one, { query: '{ hubs { id } }' })).headers)?.remaining).toBe(1);
    expect(parseRateLimit((await post(two, { query: '{ hubs { id } }' })).headers)?.remaining).toBe(0);
    expect((await post(one, { query: '{ hubs { id } }' })).status).toBe(429);

    expect(parseRateLimit((await post(two, { query: '{ hubs { id } }' }, withKey)).headers)?.remaining).toBe(1);
    expect((await post(one, { query: '{ hubs { id } }' }, withKey)).status).toBe(200);
    const refused = await post(two, { query: '{ hubs { id } }' }, withKey);
    expect(refused.status).toBe(429);
    expect(firstError(refused)?.message).toContain('for this API key');
  });

  it('takes the client IP from X-Forwarded-For only through TRUST_PROXY hops', async () => {
    const hubs = { query: '{ hubs { id } }' };
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const behindProxy = await api({ API_RATE_LIMIT: '1', TRUST_PROXY: '1' });
    expect((await post(behindProxy, hubs, from('203.0.113.1'))).status).toBe(200);
    expect((await post(behindProxy, hubs, from('203.0.113.1'))).status).toBe(429);
    expect((await post(behindProxy, hubs, from('203.0.113.2'))).status).toBe(200);

    prefix = `test-${randomBytes(4).toString('hex')}`;
    const direct = await api({ API_RATE_LIMIT: '1' });
    expect((await post(direct, hubs, from('203.0.113.3'))).status).toBe(200);
    expect((await post(direct, hubs, from('203.0.113.4'))).status).toBe(429);
  });

  it('opens a new window when the old one ends', async () => {
    const url = await api({ API_RATE_LIMIT: '1', API_RATE_LIMIT_WINDOW_MS: '1000' });
    // Spend a window until refused (on a loaded machine two requests may fall in two windows).
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const answer = await post(url, { query: '{ hubs { id } }' });
      if (answer.status === 429) refused = answer;
    }
    expect(refused?.status).toBe(429);
    // Retry-After says when: after it, the request goes through.
    await new Promise((resolve) => setTimeout(resolve, Number(refused!.headers.get('retry-after')) * 1000));
    expect((await post(url, { query: '{ hubs { id } }' })).status).toBe(200);
  });
});

describe('automatic persisted queries and GET', () => {
  const query = '{ hubs { id } }';
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const persisted = { persistedQuery: { version: 1, sha256Hash } };

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, registers it with the query, then serves the hash alone', async () => {
    const url = await api();
    const unknown = await post(url, { extensions: persisted });
    expect(firstError(unknown)?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(url, { query, extensions: persisted });
    expect(registered.body).toEqual({ data: { hubs: [] } });

    const byHash = await post(url, { extensions: persisted });
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual({ data: { hubs: [] } });

    // A query that does not match its hash is refused rather than registered.
    const mismatch = await post(url, { query: '{ hubs { name } }', extensions: persisted });
    expect(mismatch.status).toBe(400);
  });

  it('serves a cacheable query over GET, with a public cache hint, without any special header', async () => {
    const url = await api();
    const ok = await get(url, { query });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: { hubs: [] } });
    expect(ok.headers.get('cache-control')).toBe('max-age=60, public');
    expect(ok.headers.get('ratelimit')).toMatch(/^"api";r=\d+;t=\d+$/);

    await post(url, { query, extensions: persisted });
    const byHash = await get(url, { extensions: persisted });
    expect(byHash.body).toEqual({ data: { hubs: [] } });

    // Variables as URL-encoded JSON, as GraphQL over HTTP has them.
    const withVariables = await get(url, {
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids: ['huggingface:none/such'] },
    });
    expect(withVariables.status).toBe(200);
    expect(withVariables.body).toEqual({ data: { nodes: [null] } });

    // Mutations never run over GET.
    const mutation = await get(url, { query: 'mutation { reclassify { rulesVersion } }' });
    expect(mutation.status).toBe(405);
  });

  it('refuses what a cross-site page can send without a preflight: a form or text/plain POST runs nothing', async () => {
    const url = await api();
    const body = JSON.stringify({ query: 'mutation { reclassify { rulesVersion } }' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(response.status, type).toBe(415);
      const answer = (await response.json()) as { data?: unknown; errors?: unknown[] };
      expect(answer.data, type).toBeUndefined();
      expect(answer.errors, type).toHaveLength(1);
    }
  });

  it('sets the cache hint from GRAPHQL_CACHE_MAX_AGE, and none on mutations', async () => {
    const url = await api({ GRAPHQL_CACHE_MAX_AGE: '300' });
    expect((await post(url, { query })).headers.get('cache-control')).toBe('max-age=300, public');
    const mutation = await post(url, { query: 'mutation { reclassify { rulesVersion } }' });
    expect(mutation.headers.get('cache-control')).toBe('no-store');
  });

  it('can be switched off (GRAPHQL_APQ_CACHE_MB=0)', async () => {
    const url = await api({ GRAPHQL_APQ_CACHE_MB: '0' });
    const refused = await post(url, { query, extensions: persisted });
    expect(firstError(refused)?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });
});

describe('CORS, introspection and landing page', () => {
  const origin = 'https://dash.example.com';

  it('allows the configured origins and exposes the rate-limit headers to them', async () => {
    const url = await api({ CORS_ORIGINS: `${origin},http://localhost:3000` });
    const allowed = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ hubs { id } }' }),
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('RateLimit');

    const preflight = await fetch(`${url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  });

  it('gives other origins no CORS headers (and, by default, no origin has any)', async () => {
    for (const url of [await api({ CORS_ORIGINS: origin }), await api()]) {
      const denied = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hubs { id } }' }),
      });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('turns introspection and the landing page on and off', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    const html = { accept: 'text/html' };

    const open = await api();
    expect((await post(open, { query: introspection })).body).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
    const page = await fetch(`${open}/graphql`, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const closed = await api({ GRAPHQL_INTROSPECTION: 'off', GRAPHQL_LANDING_PAGE: 'off' });
    const refused = await post(closed, { query: introspection });
    expect(refused.status).toBe(400);
    expect(firstError(refused)?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    const noPage = await fetch(`${closed}/graphql`, { headers: html });
    expect(noPage.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});
