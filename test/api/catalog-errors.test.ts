/**
 * Every way to ask `Query.models` (and its neighbours) something invalid, over real HTTP: each
 * answer carries `extensions.code` BAD_USER_INPUT (with the domain `reason`) and a message that
 * says what to fix; no stack trace leaves the server outside development. Unknown ids are not
 * errors: `model` answers null.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { modelsPage, useSeededCatalog } from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

const MODELS = `query ($filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String, $last: Int, $before: String) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { id }
  }
}`;

const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

async function firstError(query: string, variables?: Record<string, unknown>) {
  const response = await graphql(api.url, query, variables);
  const error = response.body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response.body)}`);
  expect(response.body.errors).toHaveLength(1);
  expect(error.extensions?.['stacktrace']).toBeUndefined();
  return { status: response.status, error, data: response.body.data };
}

type Case = readonly [
  name: string,
  variables: () => Promise<Record<string, unknown>> | Record<string, unknown>,
  reason: string,
  message: RegExp,
];

const CASES: readonly Case[] = [
  [
    'first above 100',
    () => ({ first: 101 }),
    'PAGE_SIZE_EXCEEDED',
    /`first` is 101, above the maximum page size of 100/,
  ],
  ['first: 10000', () => ({ first: 10_000 }), 'PAGE_SIZE_EXCEEDED', /maximum page size of 100/],
  ['last above 100', () => ({ last: 500 }), 'PAGE_SIZE_EXCEEDED', /`last` is 500/],
  ['a negative first', () => ({ first: -1 }), 'INVALID_ARGUMENT', /`first` must not be negative/],
  ['first and last together', () => ({ first: 5, last: 5 }), 'INVALID_ARGUMENT', /not both/],
  ['after and before together', () => ({ after: 'x', before: 'y' }), 'INVALID_ARGUMENT', /not both/],
  [
    'a cursor that is not base64url',
    () => ({ first: 5, after: 'not a cursor!' }),
    'INVALID_CURSOR',
    /`after` is not a valid cursor/,
  ],
  [
    'a cursor of the wrong shape',
    () => ({ first: 5, after: cursor({ id: 1 }) }),
    'INVALID_CURSOR',
    /not a valid cursor/,
  ],
  [
    'a cursor of another order',
    async () => {
      const page = await modelsPage(api.url, { first: 1, orderBy: { field: 'LIKES', direction: 'DESC' } });
      return { first: 5, after: page.pageInfo.endCursor };
    },
    'INVALID_CURSOR',
    /made for order LIKES:DESC, this query is ordered by DOWNLOADS:DESC/,
  ],
  [
    'a cursor whose key is not of the order’s type',
    () => ({ last: 5, before: cursor(['DOWNLOADS:DESC', '1; DROP TABLE models', 'huggingface:x']) }),
    'INVALID_CURSOR',
    /`before` is not a valid cursor.*malformed/,
  ],
  [
    'a null key for a key that is never null',
    () => ({ first: 5, after: cursor(['DOWNLOADS:DESC', null, 'huggingface:x']) }),
    'INVALID_CURSOR',
    /malformed/,
  ],
  [
    'minParameters above maxParameters',
    () => ({ filter: { minParameters: 2_000_000_000, maxParameters: '1000' } }),
    'INVALID_ARGUMENT',
    /filter\.minParameters must not be greater than `maxParameters`/,
  ],
  [
    'a negative minParameters',
    () => ({ filter: { minParameters: -1 } }),
    'INVALID_ARGUMENT',
    /filter\.minParameters must not be negative/,
  ],
  [
    'a search without words',
    () => ({ filter: { search: ' -- / ' } }),
    'INVALID_ARGUMENT',
    /filter\.search needs at least one letter or digit/,
  ],
  [
    'a search too long',
    () => ({ filter: { search: 'a'.repeat(201) } }),
    'INVALID_ARGUMENT',
    /filter\.search at most 200 characters/,
  ],
  [
    'a list of more than 100 values',
    () => ({ filter: { tags: Array.from({ length: 101 }, (_, i) => `t${i}`) } }),
    'INVALID_ARGUMENT',
    /filter\.tags at most 100 values/,
  ],
  [
    'an empty string in a list',
    () => ({ filter: { authors: [''] } }),
    'INVALID_ARGUMENT',
    /filter\.authors\.0 must not be empty/,
  ],
];

describe('models: invalid arguments are BAD_USER_INPUT with a clear message', () => {
  it.each(CASES)('%s', async (_name, variablesOf, reason, message) => {
    const { status, error, data } = await firstError(MODELS, await variablesOf());
    expect(status).toBe(200);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    expect(error.message).toMatch(message);
    expect(data).toBeNull();
  });

  it('an unknown enum value, in a variable or written in the query', async () => {
    const variable = await firstError(MODELS, { orderBy: { field: 'STARS', direction: 'DESC' } });
    expect(variable.status).toBe(400);
    expect(variable.error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(variable.error.message).toMatch(/Value "STARS" does not exist in "ModelOrderField" enum/);

    const literal = await firstError('{ models(filter: { licenseCategories: [FREE] }) { totalCount } }');
    expect(literal.status).toBe(400);
    expect(literal.error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(literal.error.message).toMatch(/Value "FREE" does not exist in "LicenseCategory" enum/);
  });

  it('a value of the wrong type written in the query', async () => {
    const { status, error } = await firstError('{ models(first: "ten") { totalCount } }');
    expect(status).toBe(400);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/Int cannot represent non-integer value: "ten"/);
  });

  it('a field that does not exist stays a validation failure', async () => {
    const { status, error } = await firstError('{ models { nodes { stars } } }');
    expect(status).toBe(400);
    expect(error.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('other catalog fields', () => {
  it('history: first above 100 and a cursor of another model are refused', async () => {
    const [a, b] = catalog.models.map((m) => m.model.id);
    const history = `query ($id: ID!, $first: Int, $after: String) {
      model(id: $id) { history(first: $first, after: $after) { pageInfo { endCursor } } }
    }`;
    const tooMany = await firstError(history, { id: a, first: 101 });
    expect(tooMany.error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_EXCEEDED' });

    const page = await graphql<{ model: { history: { pageInfo: { endCursor: string } } } }>(api.url, history, {
      id: b,
      first: 1,
    });
    const foreign = await firstError(history, { id: a, after: page.body.data?.model.history.pageInfo.endCursor });
    expect(foreign.error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
    expect(foreign.error.message).toMatch(/not a cursor of this model’s history/);
  });

  it('nodes: more than 100 ids are refused', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `huggingface:x/${i}`);
    const { error } = await firstError('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ARGUMENT', maximum: 100 });
  });

  it('model and node answer null, without an error, for an unknown id', async () => {
    const response = await graphql(
      api.url,
      '{ model(id: "huggingface:nobody/nothing") { id } node(id: "nope") { id } }',
    );
    expect(response.body).toEqual({ data: { model: null, node: null } });
  });
});
