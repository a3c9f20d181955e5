/**
 * Abuse: text and numbers Postgres would refuse, sent where a client can put them. Each must be a
 * client error naming what to fix — BAD_USER_INPUT (GraphQL, and a JSON 400 from the Atom feed) — and never
 * a 500, INTERNAL_SERVER_ERROR or the database's own words.
 *
 * - a NUL character or a lone UTF-16 surrogate in any string argument (filters, string lists,
 *   ids, cursors) of `models`, `stats`, `changes`, `licenses`, `model`, `hub`, `nodes`, a model's
 *   `history`, and `modelChanged` over WebSocket: the argument (and the field inside it) is named;
 * - the same inside a cursor (base64 hides it from the argument check): INVALID_CURSOR;
 * - a cursor whose sort key is out of its column's range (bigint, timestamp, float): INVALID_CURSOR;
 * - `minParameters` / `maxParameters` above the bigint range, as a string, a JSON number or a
 *   literal: BAD_USER_INPUT naming `filter.minParameters` / `filter.maxParameters`;
 * - a NUL in an Atom feed query parameter (value or name): 400, JSON BAD_USER_INPUT naming the parameter.
 *
 * The API runs with NODE_ENV=production, as deployed.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useSeededCatalog } from '../api/catalog.fixture.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { subscribe } from '../helpers/subscriptions.js';

const catalog = useSeededCatalog();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl'), env: { NODE_ENV: 'production' } });
});
afterAll(() => api.stop());

const NUL = '\u0000';
const LONE_SURROGATE = '\uD800';
const INT8_MAX = 9_223_372_036_854_775_807n;
const TWO_TO_63 = (INT8_MAX + 1n).toString();

/** What a client must never see: driver and SQL text, stack frames, the database's address. */
const INTERNALS = [
  /postgres/i,
  /\bsql\b/i,
  /\bSELECT\b|\bWHERE\b/,
  /invalid byte sequence/i,
  /out of range for type/i,
  /prisma/i,
  /INTERNAL_SERVER_ERROR/,
  /\n\s+at |\bat \S+ \(|\.[jt]s:\d+/,
  /(127\.0\.0\.1|localhost):(5432|6379)\b/,
];

function expectNoInternals(body: string): void {
  for (const pattern of INTERNALS) expect(body).not.toMatch(pattern);
}

const cursor = (parts: readonly unknown[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

const MODELS = `query ($filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String, $last: Int, $before: String) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { id }
  }
}`;
const STATS = `query ($filter: ModelFilter) { stats(filter: $filter) { totalCount byTask(limit: 3) { value count } } }`;
const CHANGES = `query ($filter: ChangeFilter, $after: String) {
  changes(filter: $filter, after: $after) { totalCount nodes { id } }
}`;
const HISTORY = `query ($after: String) { models(first: 1) { nodes { history(first: 2, after: $after) { totalCount } } } }`;

interface Refusal {
  /** 200 with `errors` (a resolver refused) or 400 (GraphQL refused the variable or literal). */
  readonly status: 200 | 400;
  /** `extensions.argument` and `extensions.fields` (where an input object's field is meant). */
  readonly argument?: string;
  readonly fields?: readonly string[];
  readonly reason?: 'INVALID_ARGUMENT' | 'INVALID_CURSOR';
  /** The message names what to fix. */
  readonly message: RegExp;
}

type Case = readonly [name: string, query: string, variables: Record<string, unknown>, refusal: Refusal];

const nul = (argument: string, fields?: readonly string[]): Refusal => ({
  status: 200,
  argument,
  ...(fields ? { fields } : {}),
  reason: 'INVALID_ARGUMENT',
  message: new RegExp(`${fields ? `${argument}\\.${fields[0]}` : `\`${argument}\``} contains a NUL character`),
});
const surrogate = (argument: string, fields: readonly string[]): Refusal => ({
  status: 200,
  argument,
  fields,
  reason: 'INVALID_ARGUMENT',
  message: new RegExp(`${argument}\\.${fields[0]} contains a lone UTF-16 surrogate`),
});
const badCursor = (argument: 'after' | 'before'): Refusal => ({
  status: 200,
  argument,
  reason: 'INVALID_CURSOR',
  message: new RegExp(`\`${argument}\` is not a valid cursor`),
});
const tooLarge = (field: 'minParameters' | 'maxParameters'): Refusal => ({
  status: 200,
  argument: 'filter',
  fields: [field],
  reason: 'INVALID_ARGUMENT',
  message: new RegExp(`filter\\.${field} must be at most ${INT8_MAX}`),
});

const GRAPHQL_CASES: readonly Case[] = [
  // A NUL in every string input of the model filter, and in the connection's arguments.
  ['NUL in models filter.search', MODELS, { filter: { search: `llama${NUL}` } }, nul('filter', ['search'])],
  ['NUL in models filter.authors', MODELS, { filter: { authors: [`meta${NUL}llama`] } }, nul('filter', ['authors.0'])],
  ['NUL in models filter.tasks', MODELS, { filter: { tasks: ['ok', `text${NUL}`] } }, nul('filter', ['tasks.1'])],
  ['NUL in models filter.tags', MODELS, { filter: { tags: [NUL] } }, nul('filter', ['tags.0'])],
  ['NUL in models filter.libraries', MODELS, { filter: { libraries: [`gguf${NUL}`] } }, nul('filter', ['libraries.0'])],
  ['NUL in models filter.hubs', MODELS, { filter: { hubs: [`hf${NUL}`] } }, nul('filter', ['hubs.0'])],
  [
    'NUL in models filter.licenseIds',
    MODELS,
    { filter: { licenseIds: [`MIT${NUL}`] } },
    nul('filter', ['licenseIds.0']),
  ],
  ['NUL in models filter.formats', MODELS, { filter: { formats: [`gguf${NUL}`] } }, nul('filter', ['formats.0'])],
  ['NUL in models after', MODELS, { first: 5, after: `abc${NUL}` }, nul('after')],
  ['NUL in models before', MODELS, { last: 5, before: `abc${NUL}` }, nul('before')],
  // Lone surrogates: no UTF-8 form; the driver would send U+FFFD and silently match nothing.
  [
    'lone surrogate in models filter.search',
    MODELS,
    { filter: { search: `a${LONE_SURROGATE}` } },
    surrogate('filter', ['search']),
  ],
  [
    'lone surrogate in models filter.authors',
    MODELS,
    { filter: { authors: [LONE_SURROGATE] } },
    surrogate('filter', ['authors.0']),
  ],
  // Inside a cursor: valid base64, but the decoded id or key holds text Postgres refuses.
  [
    'NUL inside a cursor’s id',
    MODELS,
    { first: 5, after: cursor(['DOWNLOADS:DESC', '5', `huggingface:a${NUL}`]) },
    badCursor('after'),
  ],
  [
    'NUL inside a cursor’s key',
    MODELS,
    { last: 5, before: cursor(['DOWNLOADS:DESC', `5${NUL}`, 'huggingface:a']) },
    badCursor('before'),
  ],
  // A cursor's key out of its column's range.
  [
    'a PARAMETERS cursor below the bigint range',
    MODELS,
    {
      orderBy: { field: 'PARAMETERS' },
      first: 5,
      after: cursor(['PARAMETERS:DESC', '-9223372036854775809', 'huggingface:a']),
    },
    badCursor('after'),
  ],
  [
    'a CREATED_AT cursor on February 30',
    MODELS,
    {
      orderBy: { field: 'CREATED_AT' },
      first: 5,
      after: cursor(['CREATED_AT:DESC', '2024-02-30T00:00:00Z', 'huggingface:a']),
    },
    badCursor('after'),
  ],
  [
    'an OPENNESS_SCORE cursor that underflows a double',
    MODELS,
    {
      orderBy: { field: 'OPENNESS_SCORE' },
      first: 5,
      after: cursor(['OPENNESS_SCORE:DESC', '1e-400', 'huggingface:a']),
    },
    badCursor('after'),
  ],
  ['NUL in a model’s history after', HISTORY, { after: `x${NUL}` }, nul('after')],
  // Parameter counts above the bigint range, every way the BigInt scalar takes them.
  ['minParameters 2^63 (string)', MODELS, { filter: { minParameters: TWO_TO_63 } }, tooLarge('minParameters')],
  ['maxParameters 2^63 (string)', MODELS, { filter: { maxParameters: TWO_TO_63 } }, tooLarge('maxParameters')],
  [
    'maxParameters 1e30 (string)',
    MODELS,
    { filter: { maxParameters: `1${'0'.repeat(30)}` } },
    tooLarge('maxParameters'),
  ],
  [
    'minParameters 2^63 (literal)',
    `{ models(filter: { minParameters: ${TWO_TO_63} }) { totalCount } }`,
    {},
    tooLarge('minParameters'),
  ],
  [
    'maxParameters 1e30 (JSON number)',
    MODELS,
    { filter: { maxParameters: 1e30 } },
    { status: 400, message: /"filter\.maxParameters".*Expected type "BigInt"/ },
  ],
  [
    'minParameters 1e30 (literal)',
    `{ models(filter: { minParameters: 1e30 }) { totalCount } }`,
    {},
    { status: 400, message: /Expected value of type "BigInt", found 1e30/ },
  ],
  // The same filter on `stats`.
  ['NUL in stats filter.search', STATS, { filter: { search: `x${NUL}` } }, nul('filter', ['search'])],
  ['NUL in stats filter.tags', STATS, { filter: { tags: [`t${NUL}`] } }, nul('filter', ['tags.0'])],
  ['minParameters 2^63 in stats', STATS, { filter: { minParameters: TWO_TO_63 } }, tooLarge('minParameters')],
  // The change feed's filter and cursor.
  ['NUL in changes filter.authors', CHANGES, { filter: { authors: [`meta${NUL}`] } }, nul('filter', ['authors.0'])],
  [
    'NUL in changes filter.modelIds',
    CHANGES,
    { filter: { modelIds: [`huggingface:a${NUL}`] } },
    nul('filter', ['modelIds.0']),
  ],
  ['NUL in changes filter.hubs', CHANGES, { filter: { hubs: [`hf${NUL}`] } }, nul('filter', ['hubs.0'])],
  ['NUL in changes after', CHANGES, { after: `1${NUL}` }, nul('after')],
  // Ids and the license search.
  ['NUL in model(id:)', 'query ($id: ID!) { model(id: $id) { id } }', { id: `huggingface:a${NUL}` }, nul('id')],
  ['NUL in hub(id:)', 'query ($id: ID!) { hub(id: $id) { id } }', { id: `hf${NUL}` }, nul('id')],
  ['NUL in license(id:)', 'query ($id: ID!) { license(id: $id) { id } }', { id: `MIT${NUL}` }, nul('id')],
  [
    'NUL in nodes(ids:)',
    'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    { ids: ['x', `y${NUL}`] },
    nul('ids', ['1']),
  ],
  [
    'NUL in licenses filter.search',
    'query ($search: String) { licenses(filter: { search: $search }) { id } }',
    { search: `apache${NUL}` },
    nul('filter', ['search']),
  ],
];

describe('GraphQL: text and numbers Postgres refuses are BAD_USER_INPUT naming the argument', () => {
  it.each(GRAPHQL_CASES)('%s', async (_name, query, variables, refusal) => {
    const response = await graphql(api.url, query, variables);
    const body = JSON.stringify(response.body);
    expect(response.status).toBe(refusal.status);
    expect(response.body.errors).toHaveLength(1);
    const error = response.body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(refusal.message);
    if (refusal.argument) expect(error?.extensions?.['argument']).toBe(refusal.argument);
    if (refusal.fields) expect(error?.extensions?.['fields']).toEqual(refusal.fields);
    if (refusal.reason) expect(error?.extensions?.['reason']).toBe(refusal.reason);
    expectNoInternals(body);
  });

  it('over WebSocket: a NUL in a modelChanged filter ends the subscription with BAD_USER_INPUT', async () => {
    const subscriber = subscribe(api.url, { filter: { authors: [`meta${NUL}`] } });
    try {
      const error = (await subscriber.waitForError()) as { message: string; extensions?: Record<string, unknown> };
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter', fields: ['authors.0'] });
      expect(error.message).toMatch(/filter\.authors\.0 contains a NUL character/);
      expectNoInternals(JSON.stringify(error));
    } finally {
      await subscriber.close();
    }
  });

  it('the largest bigint itself is a valid bound', async () => {
    const response = await graphql(api.url, MODELS, { filter: { maxParameters: INT8_MAX.toString() } });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });
});

describe('Atom feed: a NUL in a query parameter is a 400 naming it', () => {
  it.each([
    ['authors', '?authors=meta%00llama'],
    ['modelIds', '?modelIds=huggingface:a%00'],
    ['hubs', '?hubs=huggingface,hf%00'],
    ['kinds', '?kinds=CREATED%00'],
    ['since', '?since=2024-01-01T00:00:00Z%00'],
    ['minOpennessLevel', '?minOpennessLevel=OPEN%00'],
    ['limit', '?limit=10%00'],
    ['a query parameter name', '?authors%00=meta'],
  ])('%s (%s)', async (named, query) => {
    const response = await fetch(`${api.url}/feeds/changes.atom${query}`);
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((JSON.parse(body) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(body).toContain(named === 'a query parameter name' ? named : `\`${named}\``);
    expect(body).toMatch(/contains a NUL character/);
    expect(body).not.toContain(NUL);
    expectNoInternals(body);
  });
});
