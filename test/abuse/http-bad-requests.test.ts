/**
 * Abuse: requests to /graphql that are not well-formed GraphQL over HTTP. Each gets a client error
 * as JSON — `{ "errors": [{ "message", "extensions": { "code" } }] }` with a 4xx status and
 * `Content-Type: application/json` — and nothing of the server's insides: no HTML page, stack
 * frame, module path or address.
 *
 * - a body that is not JSON, or JSON but not an object; an empty body; a body over 1 MB (413),
 *   also once decompressed; an unsupported charset or Content-Encoding (415); a corrupt gzip body;
 * - a content type Apollo's CSRF prevention refuses (text/plain, a form, none), and one it lets
 *   through without a body it can read;
 * - an automatic persisted query whose hash is not the query's: PERSISTED_QUERY_HASH_MISMATCH, and
 *   nothing registered (the standard flow still works);
 * - while introspection is off: no "Did you mean …?" hints at the schema, in validation errors or
 *   in variables that do not coerce, over HTTP and WebSocket; no introspection over WebSocket.
 *
 * The API runs with NODE_ENV=test, where Express's own error page would include the stack.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { subscribe } from '../helpers/subscriptions.js';

const db = useTestDatabase();
let open: RunningApi;
let closed: RunningApi;

beforeAll(async () => {
  open = await startApi({ db, redisUrl: inject('redisUrl') });
  closed = await startApi({ db, redisUrl: inject('redisUrl'), env: { GRAPHQL_INTROSPECTION: 'off' } });
});
afterAll(async () => {
  await open.stop();
  await closed.stop();
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function send(url: string, init: RequestInit & { path?: string }): Promise<Answer> {
  const response = await fetch(`${url}${init.path ?? '/graphql'}`, { method: 'POST', ...init });
  const text = await response.text();
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    // Not JSON: the assertions below say so.
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body };
}

const json = { 'content-type': 'application/json' };
const HUBS = JSON.stringify({ query: '{ hubs { id } }' });

/** A client error as JSON, with a code and nothing of the server's insides. */
function expectClientError(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.body.errors?.[0]?.extensions?.['code']).toBe(code);
  expect(answer.body.errors?.[0]?.message).toEqual(expect.any(String));
  expect(answer.text).not.toMatch(/<html|<!doctype|<pre>/i);
  expect(answer.text).not.toContain('node_modules');
  expect(answer.text).not.toMatch(/\s{2}at \S|\bat [\w.<>]+ \(/); // stack frames
  expect(answer.text).not.toMatch(/\b[A-Z]\w*Error: /); // `SyntaxError: Unexpected token …`
  expect(answer.text).not.toMatch(/\b(127\.0\.0\.1|localhost|\[::1?\]):\d+/);
  expect(answer.text).not.toContain('stacktrace');
}

describe('a body that is not a GraphQL request in JSON', () => {
  it.each([
    ['JSON cut short', '{"query": '],
    ['not JSON at all', 'query { hubs { id } }'],
    ['JSON null', 'null'],
    ['a JSON string', '"{ hubs { id } }"'],
  ])('%s: 400 BAD_REQUEST', async (_name, body) => {
    expectClientError(await send(open.url, { headers: json, body }), 400, 'BAD_REQUEST');
  });

  it('an empty body: 400 BAD_REQUEST', async () => {
    expectClientError(await send(open.url, { headers: json, body: '' }), 400, 'BAD_REQUEST');
  });

  it('a JSON object without a query: 400 BAD_REQUEST', async () => {
    expectClientError(await send(open.url, { headers: json, body: '{}' }), 400, 'BAD_REQUEST');
  });
});

describe('a body over the 1 MB limit', () => {
  const large = JSON.stringify({ query: '{ hubs { id } }', variables: { padding: 'x'.repeat(1_100_000) } });

  it('as sent: 413 BAD_REQUEST', async () => {
    const answer = await send(open.url, { headers: json, body: large });
    expectClientError(answer, 413, 'BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toMatch(/larger than 1048576 bytes/);
  });

  it('once decompressed (a 5 MB gzip bomb of a few KB): 413 BAD_REQUEST', async () => {
    const bomb = gzipSync(JSON.stringify({ query: '{ hubs { id } }', padding: ' '.repeat(5_000_000) }));
    expect(bomb.length).toBeLessThan(10_000);
    expectClientError(
      await send(open.url, { headers: { ...json, 'content-encoding': 'gzip' }, body: bomb }),
      413,
      'BAD_REQUEST',
    );
  });
});

describe('a body the parser cannot read', () => {
  it.each([
    ['a charset other than UTF-8', 415, { 'content-type': 'application/json; charset=latin1' }, HUBS],
    ['an unknown Content-Encoding', 415, { ...json, 'content-encoding': 'zzz' }, HUBS],
    ['a corrupt gzip stream', 400, { ...json, 'content-encoding': 'gzip' }, 'not gzip'],
  ])('%s: %i BAD_REQUEST', async (_name, status, headers, body) => {
    expectClientError(await send(open.url, { headers, body }), status, 'BAD_REQUEST');
  });
});

describe('a content type other than JSON', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['none', {}],
  ])('%s: refused before anything runs, 415 BAD_REQUEST saying to send JSON', async (_name, headers) => {
    const answer = await send(open.url, { headers, body: HUBS });
    expectClientError(answer, 415, 'BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toContain('Content-Type: application/json');
  });

  it('text/plain with a preflight header: still no JSON body to read, 415 BAD_REQUEST', async () => {
    const headers = { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' };
    expectClientError(await send(open.url, { headers, body: HUBS }), 415, 'BAD_REQUEST');
  });
});

describe('automatic persisted queries', () => {
  const query = '{ hubs { name } }';
  const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('a hash that is not the query’s: 400 PERSISTED_QUERY_HASH_MISMATCH, and nothing registered', async () => {
    const wrong = sha256('{ hubs { id } }');
    const answer = await send(open.url, {
      headers: json,
      body: JSON.stringify({ query, extensions: persisted(wrong) }),
    });
    expectClientError(answer, 400, 'PERSISTED_QUERY_HASH_MISMATCH');
    expect(answer.body.errors?.[0]?.message).toBe('provided sha does not match query');
    const byHash = await send(open.url, { headers: json, body: JSON.stringify({ extensions: persisted(wrong) }) });
    expect(byHash.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a protocol version other than 1: 400 BAD_REQUEST', async () => {
    const body = JSON.stringify({ query, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } } });
    expectClientError(await send(open.url, { headers: json, body }), 400, 'BAD_REQUEST');
  });

  it('the standard flow still works: not found, registered with the query, then served by hash', async () => {
    const hash = sha256(query);
    const byHash = JSON.stringify({ extensions: persisted(hash) });
    const unknown = await send(open.url, { headers: json, body: byHash });
    expect(unknown.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await send(open.url, {
      headers: json,
      body: JSON.stringify({ query, extensions: persisted(hash) }),
    });
    expect(registered.body).toEqual({ data: { hubs: [] } });
    const served = await send(open.url, { headers: json, body: byHash });
    expect(served.status).toBe(200);
    expect(served.body).toEqual({ data: { hubs: [] } });
  });
});

describe('schema hints while introspection is off', () => {
  const typo = JSON.stringify({ query: '{ hubz { id } }' });
  const badEnum = JSON.stringify({
    query: 'query($filter: ModelFilter) { models(filter: $filter) { totalCount } }',
    variables: { filter: { licenseCategories: ['PERMISIVE'] } },
  });

  it('with introspection on, a typo gets "Did you mean …?"', async () => {
    const answer = await send(open.url, { headers: json, body: typo });
    expectClientError(answer, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/Did you mean "hub" or "hubs"\?/);
  });

  it('HTTP: a typo is refused without naming the fields it resembles', async () => {
    const answer = await send(closed.url, { headers: json, body: typo });
    expectClientError(answer, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toBe('Cannot query field "hubz" on type "Query".');
  });

  it('HTTP: a variable with an unknown enum value is refused without naming the values it resembles', async () => {
    const answer = await send(closed.url, { headers: json, body: badEnum });
    expectClientError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.text).toContain('Value \\"PERMISIVE\\" does not exist in \\"LicenseCategory\\" enum.');
    expect(answer.text).not.toMatch(/Did you mean|PERMISSIVE/);
  });

  it('WebSocket: the same, for a typo and for a variable', async () => {
    const typoOverWs = subscribe(closed.url, {}, { query: 'subscription { modelChanged { idd } }' });
    const enumOverWs = subscribe(
      closed.url,
      { filter: { kinds: ['CREATD'] } },
      { query: 'subscription($filter: ChangeFilter) { modelChanged(filter: $filter) { id } }' },
    );
    try {
      expect(await typoOverWs.waitForError()).toMatchObject({
        message: 'Cannot query field "idd" on type "ModelChange".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const error = (await enumOverWs.waitForError()) as { message: string; extensions?: Record<string, unknown> };
      expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('Value "CREATD" does not exist in "ChangeKind" enum.');
      expect(error.message).not.toMatch(/Did you mean|CREATED/);
    } finally {
      await Promise.all([typoOverWs.close(), enumOverWs.close()]);
    }
  });

  it('WebSocket: introspection is refused, as over HTTP', async () => {
    const introspection = subscribe(closed.url, {}, { query: '{ __schema { types { name } } }' });
    try {
      expect(await introspection.waitForError()).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    } finally {
      await introspection.close();
    }
  });
});

describe('a path no route serves', () => {
  it.each([
    ['GET', '/nope'],
    ['POST', '/graphql/../admin'],
  ])('%s %s: 404 NOT_FOUND as JSON', async (method, path) => {
    const answer = await send(open.url, { method, path, ...(method === 'POST' ? { headers: json, body: HUBS } : {}) });
    expectClientError(answer, 404, 'NOT_FOUND');
  });

  it('DELETE /graphql: 405 BAD_REQUEST as JSON, with Allow (GET and POST only)', async () => {
    const answer = await send(open.url, { method: 'DELETE' });
    expectClientError(answer, 405, 'BAD_REQUEST');
  });
});
