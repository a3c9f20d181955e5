import { buildSchema, getIntrospectionQuery, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  checkQueryLimits,
  limitVariables,
  MAX_QUERY_NODES,
  operationCost,
  operationDepth,
  QueryLimitsMemo,
} from './query-limits.js';

const schema = buildSchema(`
  type Query {
    models(first: Int, after: String, last: Int, before: String): ModelConnection!
    model(id: ID!): Model
    hubs: [Hub!]!
  }
  type Hub { id: ID! name: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ModelConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Model!]! edges: [ModelEdge!]! }
  type ModelEdge { cursor: String! node: Model! }
  type License { id: ID! }
  type Model {
    id: ID!
    license: License
    baseModels: [Model!]!
    history(first: Int, after: String): ChangeConnection!
  }
  type Change { at: String! }
  type ChangeConnection { nodes: [Change!]! pageInfo: PageInfo! }
`);

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  return {
    depth: operationDepth(document, operation),
    cost: operationCost({ schema, document, operation, variables }),
    check: (maxDepth: number, maxCost: number) =>
      checkQueryLimits({ schema, document, operation, variables }, { maxDepth, maxCost }),
  };
}

describe('query depth', () => {
  it.each([
    ['{ hubs { id } }', 2],
    ['{ a: hubs { id } model(id: "x") { license { id } } }', 3],
    ['{ models(first: 1) { edges { node { ...M } } } } fragment M on Model { baseModels { license { id } } }', 6],
    ['{ model(id: "x") { ... on Model { baseModels { ... { id } } } } }', 3],
    [getIntrospectionQuery(), 1],
  ])('%s has depth %i', (query, depth) => {
    expect(measure(query).depth).toBe(depth);
  });
});

describe('query cost', () => {
  it.each([
    ['scalars are free, objects cost 1', '{ hubs { id name } }', 1],
    [
      'a page multiplies its selections; PageInfo is free',
      '{ models(first: 50) { totalCount pageInfo { hasNextPage } nodes { id license { id } } } }',
      1 + 50 * 2,
    ],
    ['`last` counts like `first`', '{ models(last: 10) { nodes { id } } }', 1 + 10],
    ['no first/last counts the default page', '{ models { nodes { id } } }', 1 + 20],
    ['first above the maximum is charged as the maximum', '{ models(first: 10000) { nodes { id } } }', 1 + 100],
    [
      'nested pages multiply',
      '{ models(first: 10) { nodes { history(first: 20) { nodes { at } } } } }',
      1 + 10 * (1 + 1 + 20 * 1),
    ],
    [
      'fragments count where they are spread',
      '{ models(first: 2) { ...C } } fragment C on ModelConnection { nodes { id } edges { node { id } } }',
      1 + 2 * 3,
    ],
    ['@skip(if: true) is free', '{ models(first: 10) @skip(if: true) { nodes { id } } hubs { id } }', 1],
  ])('%s', (_why, query, cost) => {
    expect(measure(query).cost).toBe(cost);
  });

  it('reads page sizes from variables', () => {
    expect(measure('query($n: Int) { models(first: $n) { nodes { id } } }', { n: 7 }).cost).toBe(8);
  });

  it('leaves variables that do not coerce to execution', () => {
    expect(measure('query($n: Int) { models(first: $n) { nodes { id } } }', { n: 'seven' }).cost).toBeNull();
  });
});

describe('checkQueryLimits', () => {
  const query = '{ models(first: 100) { nodes { history(first: 100) { nodes { at } } } } }';

  it('passes within the limits', () => {
    expect(measure(query).check(5, 20_000)).toEqual({ violation: null, depth: 5, cost: 1 + 100 * (2 + 100) });
  });

  it('reports depth first, then cost, with the numbers', () => {
    expect(measure(query).check(4, 10).violation).toEqual({ kind: 'depth', depth: 5, maxDepth: 4 });
    expect(measure(query).check(5, 10_000).violation).toEqual({ kind: 'cost', cost: 10_201, maxCost: 10_000 });
  });

  it('refuses a query with too many nodes to measure', () => {
    const wide = `{ ${Array.from({ length: MAX_QUERY_NODES + 1 }, (_, i) => `h${i}: hubs { id }`).join(' ')} }`;
    expect(measure.bind(null, wide)).toThrow(/nodes/);
    const document = parse(wide);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(
      checkQueryLimits({ schema, document, operation, variables: {} }, { maxDepth: 5, maxCost: 1e9 }).violation,
    ).toEqual({ kind: 'nodes', maxNodes: MAX_QUERY_NODES });
  });
});

describe('QueryLimitsMemo', () => {
  const document = parse(`query Page($n: Int, $after: String, $deep: Boolean!, $m: Int) {
    models(first: $n, after: $after) { nodes { id history(last: $m) @include(if: $deep) { nodes { at } } } }
  }`);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const limits = { maxDepth: 10, maxCost: 1_000 };
  const check = (memo: QueryLimitsMemo, variables: Record<string, unknown>) =>
    memo.check({ schema, document, operation, variables });
  const direct = (variables: Record<string, unknown>) =>
    checkQueryLimits({ schema, document, operation, variables }, limits);

  it('knows which variables the limits depend on', () => {
    expect(limitVariables(document)).toEqual(['deep', 'm', 'n']);
  });

  it('gives the verdict checkQueryLimits gives, for every page size and condition', () => {
    const memo = new QueryLimitsMemo(limits);
    const cases = [
      { n: 10, after: null, deep: false, m: 100 },
      { n: 10, after: 'x', deep: true, m: 100 },
      { n: 10, after: 'y', deep: true, m: 2 },
      { n: 100, after: null, deep: true, m: 100 },
      { n: 100, after: null, deep: false, m: 100 },
    ];
    for (const variables of [...cases, ...cases]) expect(check(memo, variables)).toEqual(direct(variables));
    expect(check(memo, cases[1]!).violation).toBeNull();
    expect(check(memo, cases[3]!).violation).toMatchObject({ kind: 'cost', maxCost: 1_000 });
  });

  it('remembers: the same page size is measured once, whatever the other variables', () => {
    const memo = new QueryLimitsMemo(limits);
    const first = check(memo, { n: 10, after: 'a', deep: true, m: 5 });
    expect(check(memo, { n: 10, after: 'b', deep: true, m: 5 })).toBe(first);
    expect(check(memo, { n: 11, after: 'b', deep: true, m: 5 })).not.toBe(first);
  });

  it('measures variables that do not coerce anew, as checkQueryLimits does', () => {
    const memo = new QueryLimitsMemo(limits);
    expect(check(memo, { n: 'ten', deep: true })).toEqual(direct({ n: 'ten', deep: true }));
    expect(check(memo, { n: 'ten', deep: true }).cost).toBeNull();
  });

  it('keeps at most maxPerDocument verdicts per document', () => {
    const memo = new QueryLimitsMemo(limits, 2);
    const first = check(memo, { n: 1, deep: false });
    check(memo, { n: 2, deep: false });
    check(memo, { n: 3, deep: false });
    expect(check(memo, { n: 1, deep: false })).not.toBe(first);
    expect(check(memo, { n: 1, deep: false })).toEqual(first);
  });
});
