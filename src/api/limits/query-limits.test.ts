import {
  buildSchema,
  getIntrospectionQuery,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../lib/errors.js';
import {
  ASSUMED_LIST_SIZE,
  checkQueryLimits,
  limitVariables,
  MAX_QUERY_NODES,
  operationCost,
  operationDepth,
  QueryLimitsMemo,
  queryLimitsRule,
  ROOT_FIELD_COST,
} from './query-limits.js';

const schema = buildSchema(`
  type Query {
    models(first: Int, after: String, last: Int, before: String): ModelConnection!
    model(id: ID!): Model
    hubs: [Hub!]!
    stats: Stats!
  }
  type Hub { id: ID! name: String! }
  type Stats { totalCount: Int! byTask(limit: Int): [Facet!]! }
  type Facet { value: String count: Int! }
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

const operationOf = (document: DocumentNode) =>
  document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = operationOf(document);
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
    ['scalars are free, objects cost 1', '{ model(id: "x") { id license { id } } }', ROOT_FIELD_COST],
    ['a root field costs at least ROOT_FIELD_COST, whatever it selects', '{ stats { totalCount } }', ROOT_FIELD_COST],
    ['…and each alias is charged', '{ a: stats { totalCount } b: stats { totalCount } }', 2 * ROOT_FIELD_COST],
    [
      'a page multiplies its selections; PageInfo is free',
      '{ models(first: 50) { totalCount pageInfo { hasNextPage } nodes { id license { id } } } }',
      1 + 50 * 2,
    ],
    ['`last` counts like `first`', '{ models(last: 30) { nodes { id } } }', 1 + 30],
    ['no first/last counts the default page', '{ models { nodes { id } } }', 1 + 20],
    ['first above the maximum is charged as the maximum', '{ models(first: 10000) { nodes { id } } }', 1 + 100],
    [
      'nested pages multiply',
      '{ models(first: 10) { nodes { history(first: 20) { nodes { at } } } } }',
      1 + 10 * (1 + 1 + 20 * 1),
    ],
    [
      'fragments count where they are spread',
      '{ models(first: 10) { ...C } } fragment C on ModelConnection { nodes { id } edges { node { id } } }',
      1 + 10 * 3,
    ],
    [
      'a list that is not paginated costs like a page of ASSUMED_LIST_SIZE',
      '{ models(first: 10) { nodes { baseModels { license { id } } } } }',
      1 + 10 * (1 + (1 + ASSUMED_LIST_SIZE * (1 + 1))),
    ],
    ['…or of its `limit`', '{ stats { byTask(limit: 50) { value } } }', 1 + (1 + 50 * 1)],
    [
      '@skip(if: true) is free',
      '{ models(first: 10) @skip(if: true) { nodes { id } } stats { totalCount } }',
      ROOT_FIELD_COST,
    ],
    ['introspection costs ROOT_FIELD_COST, whatever it selects', getIntrospectionQuery(), ROOT_FIELD_COST],
  ])('%s', (_why, query, cost) => {
    expect(measure(query).cost).toBe(cost);
  });

  it('reads page sizes from variables', () => {
    expect(measure('query($n: Int) { models(first: $n) { nodes { id } } }', { n: 70 }).cost).toBe(71);
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

  it('refuses a query with more than MAX_QUERY_NODES nodes, before depth and cost', () => {
    const wide = `{ ${Array.from({ length: MAX_QUERY_NODES / 2 + 1 }, (_, i) => `h${i}: hubs { id }`).join(' ')} }`;
    expect(measure(wide).check(1, 1e9).violation).toEqual({
      kind: 'nodes',
      nodes: MAX_QUERY_NODES + 2,
      maxNodes: MAX_QUERY_NODES,
    });
  });

  it('charges 1,000 aliases of a root field past the default maximum cost', () => {
    for (const field of ['hubs { id }', 'stats { totalCount }']) {
      const aliases = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
      expect(measure(aliases).check(12, 10_000).violation).toEqual({
        kind: 'cost',
        cost: 1_000 * ROOT_FIELD_COST,
        maxCost: 10_000,
      });
    }
  });
});

/** `levels` fragments, each spreading the one before `width` times; spread once by the operation. */
function fanOut(levels: number, width: number, options: { on: string; first: string; operation: string }): string {
  const fragments = [`fragment F0 on ${options.on} { ${options.first} }`];
  for (let level = 1; level <= levels; level++)
    fragments.push(`fragment F${level} on ${options.on} { ${`...F${level - 1} `.repeat(width)}}`);
  return `${options.operation.replace('...', `...F${levels}`)} ${fragments.join(' ')}`;
}

const onQuery = { on: 'Query', first: 'hubs { id }', operation: '{ ... }' };
const onModel = { on: 'Model', first: 'id license { id }', operation: '{ models(first: 10) { nodes { ... } } }' };

describe('fragments are measured once, however often they are spread', () => {
  // The walk that expands every spread takes ~4 s at 11 levels of 4 and 4x longer per level:
  // at 30, years. Bounds here are loose on purpose (a loaded machine); linear takes about 1 ms.
  const fast = (work: () => unknown) => {
    const started = performance.now();
    const result = work();
    expect(performance.now() - started).toBeLessThan(1_000);
    return result;
  };

  it('measures 2^30 expansions exactly, in milliseconds', () => {
    const document = parse(fanOut(30, 2, onQuery));
    const input = { schema, document, operation: operationOf(document), variables: {} };
    // F0 has 2 nodes; Fn has 2 × (1 + Fn-1), so 2^(n+2) - 2; the operation adds its spread.
    expect(fast(() => checkQueryLimits(input, { maxDepth: 12, maxCost: 10_000 }))).toEqual({
      violation: { kind: 'nodes', nodes: 2 ** 32 - 1, maxNodes: MAX_QUERY_NODES },
      depth: 2,
      cost: null,
    });
    expect(fast(() => operationCost(input))).toBe(2 ** 30 * ROOT_FIELD_COST);
  });

  it.each([
    ['on the root', onQuery],
    ['inside object fields', onModel],
  ])('caps 4^30 expansions %s at the largest exact count', (_where, options) => {
    const document = parse(fanOut(30, 4, options));
    const input = { schema, document, operation: operationOf(document), variables: {} };
    expect(fast(() => checkQueryLimits(input, { maxDepth: 12, maxCost: 10_000 }).violation)).toEqual({
      kind: 'nodes',
      nodes: Number.MAX_SAFE_INTEGER,
      maxNodes: MAX_QUERY_NODES,
    });
    expect(fast(() => operationCost(input))).toBeGreaterThan(1e18);
  });

  it('refuses a fragment cycle, naming the fragments along it', () => {
    const document = parse('{ ...A } fragment A on Query { hubs { id } ...B } fragment B on Query { ...A }');
    const input = { schema, document, operation: operationOf(document), variables: {} };
    expect(checkQueryLimits(input, { maxDepth: 12, maxCost: 10_000 }).violation).toEqual({
      kind: 'cycle',
      fragments: ['A', 'B', 'A'],
    });
    expect(operationCost(input)).toBe(ROOT_FIELD_COST);
  });

  it("costs a fragment under each request's variables", () => {
    const document = parse(`query($n: Int, $skip: Boolean!) { models(first: 10) { nodes { ...M } } }
      fragment M on Model { history(first: $n) @skip(if: $skip) { nodes { at } } }`);
    const cost = (variables: Record<string, unknown>) =>
      operationCost({ schema, document, operation: operationOf(document), variables });
    expect(cost({ n: 50, skip: false })).toBe(1 + 10 * (1 + (1 + 50)));
    expect(cost({ n: 5, skip: false })).toBe(1 + 10 * (1 + (1 + 5)));
    expect(cost({ n: 50, skip: true })).toBe(ROOT_FIELD_COST);
  });
});

describe('queryLimitsRule', () => {
  const limits = { maxDepth: 12, maxCost: 10_000 };
  const validateWithLimits = (query: string) =>
    validate(schema, parse(query), [...specifiedRules, queryLimitsRule(limits)]);
  const codes = (errors: ReturnType<typeof validate>) =>
    errors.map((error) => (error.originalError instanceof CatalogError ? error.originalError.code : error.message));

  it('refuses the fan-out document during validation, as QUERY_TOO_COMPLEX', () => {
    const started = performance.now();
    const errors = validateWithLimits(fanOut(30, 4, onModel));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(codes(errors)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('refuses depth before variables are known', () => {
    expect(
      codes(validateWithLimits(`{ model(id: "x") { ${'baseModels { '.repeat(12)}id${' }'.repeat(12)} } }`)),
    ).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('leaves a fragment cycle to graphql-js, which says so once', () => {
    expect(
      codes(validateWithLimits('{ ...A } fragment A on Query { hubs { id } ...B } fragment B on Query { ...A }')),
    ).toEqual(['Cannot spread fragment "A" within itself via "B".']);
  });

  it('passes ordinary queries', () => {
    expect(validateWithLimits('{ models(first: 20) { nodes { id license { id } } } hubs { id } }')).toEqual([]);
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
