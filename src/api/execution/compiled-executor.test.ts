import { buildSchema, execute, getOperationAST, GraphQLError, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCompiledExecutor, type CompiledExecutor } from './compiled-executor.js';

const schema = buildSchema(`
  type Query { greeting(name: String!): String! shout: String refusal: String items: [Item!]! }
  type Item { id: ID! label: String }
`);
const fields = schema.getQueryType()?.getFields() ?? {};
if (fields['greeting']) fields['greeting'].resolve = (_root, args: { name: string }) => `hello ${args.name}`;
if (fields['refusal'])
  fields['refusal'].resolve = () => {
    throw new Error('refused');
  };
if (fields['items']) fields['items'].resolve = () => Promise.resolve([{ id: 1, label: 'one' }, { id: 2 }]);

function runner(executor: CompiledExecutor, document: DocumentNode) {
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return (variables?: Record<string, unknown>) =>
    Promise.resolve(executor.run({ document, operation, variables, contextValue: {} }));
}

describe('createCompiledExecutor', () => {
  it('runs a document on graphql-js `compileAfterRuns` times, then compiled, with the same answers', async () => {
    const executor = createCompiledExecutor(schema, { compileAfterRuns: 2 });
    const run = runner(executor, parse('query Hello($name: String!) { greeting(name: $name) items { id label } }'));
    const answers = [];
    for (let index = 0; index < 4; index++) answers.push(await run({ name: `n${index}` }));
    expect(executor.stats).toEqual({ compiledRuns: 2, interpretedRuns: 2, compiled: 1, refused: 0 });
    expect(answers.map((answer) => JSON.stringify(answer))).toEqual(
      [0, 1, 2, 3].map((index) =>
        JSON.stringify({
          data: {
            greeting: `hello n${index}`,
            items: [
              { id: '1', label: 'one' },
              { id: '2', label: null },
            ],
          },
        }),
      ),
    );
  });

  it('never compiles with compileAfterRuns null (GRAPHQL_COMPILE_AFTER_RUNS=off)', async () => {
    const executor = createCompiledExecutor(schema, { compileAfterRuns: null });
    const run = runner(executor, parse('{ shout }'));
    for (let index = 0; index < 3; index++) await run();
    expect(executor.stats).toEqual({ compiledRuns: 0, interpretedRuns: 3, compiled: 0, refused: 0 });
  });

  it("answers a bad variable with graphql-js's coercion error, before compiled code runs", async () => {
    const executor = createCompiledExecutor(schema, { compileAfterRuns: 0 });
    const document = parse('query ($name: String!) { greeting(name: $name) }');
    const answer = await runner(executor, document)({ name: 42 });
    const expected = await execute({ schema, document, variableValues: { name: 42 } });
    expect(JSON.stringify(answer)).toBe(JSON.stringify(expected));
    expect(answer.errors?.[0]?.message).toMatch(/^Variable "\$name" got invalid value 42/);
    expect(executor.stats.compiledRuns).toBe(0);
  });

  it('remakes compiled errors as graphql-js errors: extensions, path and the same locations', async () => {
    const executor = createCompiledExecutor(schema, { compileAfterRuns: 0 });
    // Line ends of every kind graphql-js counts, before the failing field.
    const document = parse('query Q {\r\n  shout\r  items { id }\n    refusal\n}');
    const answer = await runner(executor, document)();
    const expected = await execute({ schema, document });
    expect(executor.stats.compiledRuns).toBe(1);
    const error = answer.errors?.[0];
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error?.extensions).toEqual({});
    expect(error?.originalError?.message).toBe('refused');
    expect(error?.locations).toEqual([{ line: 4, column: 5 }]);
    expect(JSON.stringify(answer)).toBe(JSON.stringify(expected));
  });

  it('runs an operation graphql-jit refuses on graphql-js, and says so once', async () => {
    const refusals: unknown[] = [];
    const executor = createCompiledExecutor(schema, {
      compileAfterRuns: 0,
      onRefused: (error) => refusals.push(error),
    });
    // The compiler refuses an operation its document does not hold (Apollo never asks that; it
    // stands here for any document the compiler cannot take): graphql-js answers, as it would.
    const document = parse('query A { shout } query B { items { id } }');
    const elsewhere = getOperationAST(parse('query C { shout }'));
    if (!elsewhere) throw new Error('no operation');
    const run = () =>
      Promise.resolve(executor.run({ document, operation: elsewhere, operationName: 'B', contextValue: {} }));
    const answers = [await run(), await run()];
    expect(refusals).toHaveLength(1);
    expect(executor.stats).toMatchObject({ compiled: 0, refused: 1, interpretedRuns: 2, compiledRuns: 0 });
    expect(answers[1]).toEqual(await execute({ schema, document, operationName: 'B' }));
    expect(answers[1]?.data).toEqual({ items: [{ id: '1' }, { id: '2' }] });
  });
});
