/**
 * Compiled execution (src/api/execution/compiled-executor.ts) answers exactly as graphql-js: the
 * same documents sent to an API that never compiles (GRAPHQL_COMPILE_AFTER_RUNS=off) and to one
 * that compiles every document from its first run (0) get the same status and the same body, byte
 * for byte — data, errors, messages, codes, paths and locations.
 *
 * The documents are the schema's whole read side, generated from it (every field of every type a
 * query reaches, to a depth, so a field added later is covered too), plus the shapes the generator
 * cannot write: head pages (the bench's), fragments, aliases, directives on variables, and errors
 * from variables, arguments and resolvers.
 */
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTypeDefs } from '../../src/api/schema.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { useSeededCatalog } from './catalog.fixture.js';

const catalog = useSeededCatalog();
// Large generated documents: limits well above them, the same on both.
const LIMITS = { GRAPHQL_MAX_DEPTH: '100', GRAPHQL_MAX_COST: '100000000' };
let interpreted: RunningApi;
let compiled: RunningApi;
beforeAll(async () => {
  const redisUrl = inject('redisUrl');
  interpreted = await startApi({ db: catalog.db, redisUrl, env: { ...LIMITS, GRAPHQL_COMPILE_AFTER_RUNS: 'off' } });
  compiled = await startApi({ db: catalog.db, redisUrl, env: { ...LIMITS, GRAPHQL_COMPILE_AFTER_RUNS: '0' } });
});
afterAll(async () => {
  await interpreted.stop();
  await compiled.stop();
});

const schema: GraphQLSchema = buildSchema(loadTypeDefs());

/** Every field an argument-free selection can ask of `type`, `depth` object levels deep. */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isAbstractType(type)) {
    const branches = schema
      .getPossibleTypes(type)
      .map((possible) => `... on ${possible.name} ${selectionOf(possible, depth)}`);
    return `{ __typename ${branches.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields())
    .filter((field) => askable(field))
    .flatMap((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return [field.name];
      if (depth <= 0) return [];
      const inner = selectionOf(named, depth - 1);
      return inner === '' || inner === '{ __typename  }' ? [] : [`${field.name} ${inner}`];
    });
  return `{ __typename ${fields.join(' ')} }`;
}

/** A field whose arguments may all be left out (none required without a default). */
function askable(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined);
}

const query = schema.getQueryType();
if (!query) throw new Error('the schema has no Query type');
const rootField = (name: string) => {
  const field = query.getFields()[name];
  if (!field) throw new Error(`Query has no field ${name}`);
  return getNamedType(field.type);
};

interface Case {
  readonly document: string;
  readonly variables?: Record<string, unknown>;
}

async function bothAnswer({ document, variables }: Case) {
  // Twice on the compiled side: the first run compiles, the second runs what was compiled.
  const expected = await graphql(interpreted.url, document, variables);
  const first = await graphql(compiled.url, document, variables);
  const second = await graphql(compiled.url, document, variables);
  return { expected, first, second };
}

async function expectSameAnswers(cases: readonly Case[]): Promise<void> {
  for (const each of cases) {
    const { expected, first, second } = await bothAnswer(each);
    expect({ ...each, answer: first }).toEqual({ ...each, answer: expected });
    expect({ ...each, answer: second }).toEqual({ ...each, answer: expected });
  }
}

describe('compiled execution answers as graphql-js', () => {
  it('every field of every type the read side reaches (generated from the schema)', async () => {
    const cases: Case[] = [
      { document: `{ models(first: 7) ${selectionOf(rootField('models'), 4)} }` },
      {
        document: `{ models(first: 7, orderBy: { field: OPENNESS_SCORE, direction: ASC }) ${selectionOf(rootField('models'), 3)} }`,
      },
      { document: `{ stats ${selectionOf(rootField('stats'), 3)} }` },
      { document: `{ licenses ${selectionOf(rootField('licenses'), 3)} }` },
      { document: `{ hubs ${selectionOf(rootField('hubs'), 3)} }` },
      { document: `{ changes(first: 20) ${selectionOf(rootField('changes'), 3)} }` },
    ];
    // The generator wrote real documents: each asks for several fields (the models page, hundreds).
    for (const { document } of cases) expect(document.match(/\b\w+\b/g)?.length ?? 0).toBeGreaterThan(8);
    expect(cases[0]?.document.length).toBeGreaterThan(10_000);
    await expectSameAnswers(cases);
    const { expected } = await bothAnswer(cases[0] as Case);
    expect(expected.status).toBe(200);
    expect(expected.body.errors).toBeUndefined();
    expect(JSON.stringify(expected.body.data).length).toBeGreaterThan(5_000);
  });

  it('head pages, fragments, aliases, directives on variables, nodes and a model by id', async () => {
    const ids = catalog.models.slice(0, 3).map((seeded) => seeded.model.id);
    await expectSameAnswers([
      // The bench's filtered page: heads, licenses read up front, the openness headline.
      {
        document: `query Filtered($categories: [LicenseCategory!], $level: OpennessLevel) {
          models(first: 50, filter: { licenseCategories: $categories, minOpennessLevel: $level }) {
            totalCount nodes { id license { id category hubValue } openness { level score } }
          }
        }`,
        variables: { categories: ['PERMISSIVE', 'COMMUNITY'], level: 'OPEN_WEIGHTS_CONDITIONAL' },
      },
      {
        document: `query Search($search: String!) {
          models(first: 20, filter: { search: $search }) { nodes { id name license { id category } openness { level score } } }
        }`,
        variables: { search: 'llama' },
      },
      {
        document: `query Page($withName: Boolean!, $skipLicense: Boolean!) {
          top: models(first: 5) { edges { cursor node { ...Headline } } pageInfo { hasNextPage endCursor } }
          byLikes: models(first: 3, orderBy: { field: LIKES, direction: DESC }) { nodes { id likes name @include(if: $withName) license @skip(if: $skipLicense) { id } } }
        }
        fragment Headline on Model { id repoId license { name hubValue } openness { level mofClass score missingComponents } }`,
        variables: { withName: true, skipLicense: true },
      },
      // Variables of input types with defaults (ModelOrder.direction), DateTime and BigInt scalars.
      {
        document: `query Typed($orderBy: ModelOrder, $since: DateTime, $min: BigInt, $filter: ModelFilter) {
          models(first: 5, orderBy: $orderBy, filter: { createdSince: $since, minParameters: $min }) { totalCount nodes { id parameterCount createdAt } }
          other: models(first: 3, filter: $filter) { nodes { id } }
        }`,
        variables: {
          orderBy: { field: 'PARAMETERS' },
          since: '2020-01-01T00:00:00Z',
          min: '1000000',
          filter: {
            licenseCategories: ['PERMISSIVE'],
            createdSince: '2021-06-01T00:00:00Z',
            maxParameters: 70000000000,
          },
        },
      },
      {
        document: `query Nodes($ids: [ID!]!, $id: ID!) {
          nodes(ids: $ids) { __typename id ... on Model { name downloads } }
          node(id: $id) { id ... on Model { hub author tags } }
          model(id: $id) { id url history(first: 2) { nodes { kind } } }
          missing: model(id: "huggingface:nobody/nothing") { id }
        }`,
        variables: { ids: [...ids, 'huggingface:nobody/nothing'], id: ids[0] },
      },
    ]);
  });

  it('errors: bad variables, bad arguments, resolver refusals and unknown fields, with their codes and places', async () => {
    const cases: Case[] = [
      // A variable of the wrong type: graphql-js's coercion message, 400 BAD_USER_INPUT.
      {
        document: `query ($level: OpennessLevel) { models(first: 2, filter: { minOpennessLevel: $level }) { totalCount } }`,
        variables: { level: 'SOMEWHAT_OPEN' },
      },
      { document: `query ($first: Int) { models(first: $first) { totalCount } }`, variables: { first: 'ten' } },
      // Refused by a resolver (CatalogError): a coded error at the field's path and location.
      { document: `{ models(first: 101) { nodes { id } } }` },
      { document: `{\n  hubs { id }\n  models(first: 2, after: "not-a-cursor") { nodes { id } }\n}` },
      {
        document: `query ($id: ID!) { model(id: $id) { id history(first: 101) { nodes { kind } } } }`,
        variables: { id: catalog.models[0]?.model.id },
      },
      // Refused before execution: the same on both (validation).
      { document: `{ models(first: 2) { nodes { id noSuchField } } }` },
    ];
    await expectSameAnswers(cases);
    const answers = await Promise.all(cases.map(async (each) => (await bothAnswer(each)).expected));
    // The cases are errors, each with a code: these comparisons are of error answers, not of data.
    for (const { body } of answers) {
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(body.errors?.[0]?.extensions?.['code']).toEqual(expect.any(String));
    }
    expect(answers[2]?.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
