/**
 * Abuse: documents that are small to send and expensive to measure or run. Each is refused as a
 * GraphQL error — QUERY_TOO_COMPLEX with HTTP 400, or a validation or parse error — in well under a
 * second, on HTTP and on WebSocket alike, while other clients go on being served; ordinary queries
 * still pass.
 *
 * - fragments that fan out: 30 fragments each spreading the next four times (1.6 KB, 4^30 fields),
 *   on the root or inside object fields (`models { nodes { ...F30 } }`);
 * - a fragment cycle;
 * - 1,000 aliases of one root field (`stats { totalCount }`, `hubs { id }`);
 * - a document of more than MAX_QUERY_TOKENS tokens.
 *
 * The API runs in a process of its own, with NODE_ENV=production as deployed: an attack that froze
 * it would fail here on a deadline, rather than freeze the test runner along with it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_QUERY_TOKENS } from '../../src/api/limits/query-limits.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { useTestDatabase } from '../helpers/database.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';

// Empty tables before each test (the hubs list below is `[]`).
useTestDatabase();
let api: RunningProcess;
let url: string;

/** What a client is promised for a refused document: an answer within this. */
const REFUSED_WITHIN_MS = 1_000;
/** How long a request may take before the API counts as frozen (any answer is far quicker). */
const FROZEN_AFTER_MS = 10_000;

beforeAll(async () => {
  api = startProcess('src/main.ts', {
    NODE_ENV: 'production',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `test-complexity-${randomBytes(4).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    CRAWL_SCHEDULE: 'off',
    API_RATE_LIMIT: '100000000',
  });
  const listening = await api.waitForLog((line) => line.msg === 'API listening', 60_000);
  url = `http://127.0.0.1:${(listening['address'] as { port: number }).port}`;
  // The first request of a process compiles its paths; the measured ones come after.
  expect((await warmUp()).status).toBe(200);
});

/**
 * The warm-up request. Its connection was once closed with nothing read (CI, the full suite's load:
 * "other side closed"); it is sent again while the API runs, and an API that exited fails here with
 * its last log lines. The measured requests are never retried.
 */
async function warmUp(): Promise<Answer> {
  try {
    return await post('{ hubs { id } }');
  } catch (error) {
    const { exitCode, signalCode } = api.child;
    if (exitCode !== null || signalCode !== null) {
      const log = api.lines.slice(-20).map((line) => JSON.stringify(line));
      throw new Error(`the API exited (${exitCode ?? signalCode}):\n${log.join('\n')}\n${api.stderr}`, {
        cause: error,
      });
    }
    return post('{ hubs { id } }');
  }
}
afterAll(async () => {
  await api.stop();
});

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(query: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(FROZEN_AFTER_MS),
  });
  const body = (await response.json()) as Answer['body'];
  return { status: response.status, ms: performance.now() - started, body };
}

/** Run `query` over graphql-ws; resolves with the errors it ends with and when they came. */
async function overWebSocket(
  query: string,
): Promise<{ ms: number; errors: { message: string; extensions?: Record<string, unknown> }[] }> {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Failures reach the promises below already; the default would print them too.
    onNonLazyError: () => undefined,
    on: { error: () => undefined },
  });
  try {
    // Connected first, so only the operation is measured.
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('closed', (event) => reject(new Error(`closed before connecting: ${JSON.stringify(event)}`)));
    });
    const started = performance.now();
    const errors = await new Promise<{ message: string; extensions?: Record<string, unknown> }[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer over WebSocket within ${FROZEN_AFTER_MS} ms`)),
        FROZEN_AFTER_MS,
      );
      client.subscribe(
        { query },
        {
          next: (result) => {
            clearTimeout(timer);
            resolve((result.errors ?? []) as never);
          },
          error: (error) => {
            clearTimeout(timer);
            if (Array.isArray(error)) resolve(error as never);
            else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => undefined,
        },
      );
    });
    return { ms: performance.now() - started, errors };
  } finally {
    await client.dispose();
  }
}

/** `levels` fragments, each spreading the one before four times; `operation` spreads the last at `...`. */
function fanOut(levels: number, on: string, first: string, operation: string): string {
  const fragments = [`fragment F0 on ${on} { ${first} }`];
  for (let level = 1; level <= levels; level++)
    fragments.push(`fragment F${level} on ${on} { ${`...F${level - 1} `.repeat(4)}}`);
  return `${operation.replace('...', `...F${levels}`)} ${fragments.join(' ')}`;
}

const FAN_OUT_ON_QUERY = fanOut(30, 'Query', 'hubs { id }', '{ ... }');
const FAN_OUT_IN_FIELDS = fanOut(30, 'Model', 'id license { id }', '{ models(first: 10) { nodes { ... } } }');

const codeOf = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  answer.errors?.[0]?.extensions?.['code'];

describe('fragments fanning out to 4^30 fields in 1.6 KB', () => {
  it.each([
    ['on the root', FAN_OUT_ON_QUERY],
    ['inside object fields', FAN_OUT_IN_FIELDS],
  ])(
    '%s: HTTP refuses it with QUERY_TOO_COMPLEX (400) in under a second, while another client is served',
    async (_where, query) => {
      expect(query.length).toBeLessThan(2_000);
      const [refused, other] = await Promise.all([post(query), post('{ hubs { id } }')]);
      expect(refused.status).toBe(400);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(
          /^Query has (at least )?\d+ fields and fragments .*a query may have at most 10000\.$/,
        ) as unknown,
        extensions: { code: 'QUERY_TOO_COMPLEX', maxNodes: 10_000 },
      });
      expect(refused.ms).toBeLessThan(REFUSED_WITHIN_MS);
      expect(other.status).toBe(200);
      expect(other.body).toEqual({ data: { hubs: [] } });
    },
  );

  it('WebSocket refuses it with QUERY_TOO_COMPLEX in under a second', async () => {
    const { ms, errors } = await overWebSocket(FAN_OUT_ON_QUERY);
    expect(errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxNodes: 10_000 } });
    expect(ms).toBeLessThan(REFUSED_WITHIN_MS);
  });
});

describe('a fragment cycle', () => {
  const cycle = '{ ...A } fragment A on Query { hubs { id } ...B } fragment B on Query { ...A }';
  const named = { message: 'Cannot spread fragment "A" within itself via "B".' };

  it('HTTP refuses it with a validation error naming the fragments (400)', async () => {
    const refused = await post(cycle);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ ...named, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
    expect(refused.ms).toBeLessThan(REFUSED_WITHIN_MS);
  });

  it('WebSocket refuses it the same way', async () => {
    const { errors } = await overWebSocket(cycle);
    expect(errors).toEqual([expect.objectContaining({ ...named, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
  });
});

describe('1,000 aliases of one root field', () => {
  it.each(['stats { totalCount }', 'hubs { id }'])(
    '`%s`: refused with QUERY_TOO_COMPLEX (400), each alias charged as a root field',
    async (field) => {
      const query = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
      const refused = await post(query);
      expect(refused.status).toBe(400);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        cost: 20_000,
        maxCost: 10_000,
      });
    },
  );

  it('over WebSocket too', async () => {
    const { errors } = await overWebSocket(
      `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: hubs { id }`).join(' ')} }`,
    );
    expect(errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 20_000, maxCost: 10_000 });
  });
});

describe('a document of more than MAX_QUERY_TOKENS tokens', () => {
  // `__typename` alone: one token per field, nothing to charge but the parse.
  const huge = `{ ${'__typename '.repeat(MAX_QUERY_TOKENS)}}`;

  it('HTTP stops parsing it: GRAPHQL_PARSE_FAILED (400)', async () => {
    const refused = await post(huge);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({
      // (graphql-js writes "more that").
      message: expect.stringMatching(
        new RegExp(`^Syntax Error: Document contains more th.. ${MAX_QUERY_TOKENS} tokens\\.`),
      ) as unknown,
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('WebSocket stops parsing it the same way', async () => {
    const { errors } = await overWebSocket(huge);
    expect(codeOf({ errors })).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe("the README's queries", () => {
  // Every ```graphql block of the README that is a query (not a mutation needing a key).
  const queries = [...readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .filter((query) =>
      parse(query).definitions.every(
        (definition) =>
          definition.kind !== Kind.OPERATION_DEFINITION || definition.operation === OperationTypeNode.QUERY,
      ),
    );

  it('are there to check', () => {
    expect(queries.length).toBeGreaterThanOrEqual(3);
  });

  it.each(queries.map((query) => [query.replace(/\s+/g, ' ').slice(0, 60), query]))(
    '`%s…` is served',
    async (_name, query) => {
      const served = await post(query);
      expect(served.body.errors).toBeUndefined();
      expect(served.status).toBe(200);
    },
  );
});
