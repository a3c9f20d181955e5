/**
 * How /graphql executes an operation (docs/api-performance.md): a document the API has already run
 * is compiled by graphql-jit into one function for its selection, and runs as that function; a
 * document seen for the first time runs on graphql-js, as Apollo would run it.
 *
 * Why: graphql-js interprets the document anew for each object of a result — argument values,
 * promise checks and completion for every field of every node — which was the largest single cost
 * of a catalog page after the SQL (a 50-model page: 280 µs of graphql-js, 130 µs compiled, in a
 * loop over the real schema and resolvers; docs/api-performance.md). Clients repeat their
 * documents (generated clients, persisted queries, a dashboard panel's refresh), and Apollo's
 * document store hands back the same parsed document for the same text, so a document's compiled
 * function is found by the document itself (a WeakMap: it lives as long as the store keeps the
 * document, document-store.ts).
 *
 * Apollo Server takes a custom executor only through its gateway interface (`gateway.load()`
 * returns the executor; `onSchemaLoadOrUpdate` hands it the schema once). Everything else of
 * Apollo's pipeline is unchanged: parsing, validation, the document store, persisted queries, every
 * plugin hook (executionDidStart and willSendResponse included; no plugin of this API resolves per
 * field), error formatting and status codes.
 *
 * What the caller sees is graphql-js's answer:
 * - Variables are coerced by graphql-js first (`getVariableValues`, what `execute` runs), so a bad
 *   variable is the same error with the same message, which Apollo answers with 400
 *   BAD_USER_INPUT as before. graphql-jit then runs with the coerced values.
 * - A document graphql-jit cannot compile runs on graphql-js from then on.
 * - test/api/compiled-execution.test.ts compares both executors' answers over the API's query shapes.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

interface DocumentEntry {
  runs: number;
  /** By operation name ('' for an anonymous one); null: graphql-jit could not compile it. */
  readonly compiled: Map<string, CompiledQuery | null>;
}

export interface CompiledExecutorStats {
  /** Operations run by a compiled function. */
  compiledRuns: number;
  /** Operations run by graphql-js (first runs, and documents graphql-jit refused). */
  interpretedRuns: number;
  /** Documents (per operation) compiled, and refused by graphql-jit. */
  compiled: number;
  refused: number;
}

export interface CompiledExecutor {
  /** What `execute(schema, document, …)` answers, from a compiled function when there is one. */
  run(args: {
    document: DocumentNode;
    operation: OperationDefinitionNode;
    operationName?: string | null | undefined;
    variables?: Record<string, unknown> | undefined;
    contextValue: unknown;
  }): Promise<ExecutionResult> | ExecutionResult;
  readonly stats: Readonly<CompiledExecutorStats>;
}

/**
 * `compileAfterRuns`: a document runs on graphql-js this many times, then compiled (GRAPHQL_COMPILE_AFTER_RUNS,
 * default 1: a one-off document is never compiled, a repeated one from its second run); null never compiles.
 */
export function createCompiledExecutor(
  schema: GraphQLSchema,
  options: { compileAfterRuns: number | null; onRefused?: (error: unknown) => void },
): CompiledExecutor {
  const compileAfter = options.compileAfterRuns;
  const documents = new WeakMap<DocumentNode, DocumentEntry>();
  const stats: CompiledExecutorStats = { compiledRuns: 0, interpretedRuns: 0, compiled: 0, refused: 0 };

  function compiledFor(document: DocumentNode, operationName: string): CompiledQuery | null {
    if (compileAfter === null) return null;
    let entry = documents.get(document);
    if (!entry) documents.set(document, (entry = { runs: 0, compiled: new Map() }));
    const known = entry.compiled.get(operationName);
    if (known !== undefined) return known;
    if (entry.runs++ < compileAfter) return null;
    let compiled: CompiledQuery | null = null;
    try {
      const result = compileQuery(schema, document, operationName || undefined);
      if (isCompiledQuery(result)) compiled = result;
      else options.onRefused?.(result.errors);
    } catch (error) {
      options.onRefused?.(error);
    }
    entry.compiled.set(operationName, compiled);
    if (compiled) stats.compiled++;
    else stats.refused++;
    return compiled;
  }

  return {
    stats,
    run({ document, operation, operationName, variables, contextValue }) {
      const compiled = compiledFor(document, operation.name?.value ?? operationName ?? '');
      if (!compiled) {
        stats.interpretedRuns++;
        return execute({ schema, document, contextValue, variableValues: variables, operationName });
      }
      // graphql-js's coercion, for graphql-js's errors (and Apollo's 400 for them).
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
        maxErrors: 50,
      });
      if (coerced.errors) return { errors: coerced.errors };
      stats.compiledRuns++;
      // The coerced values, not the request's: graphql-jit's own coercion leaves out the defaults
      // of input object fields (`orderBy: { field: LIKES }` would lack its `direction`) and refuses
      // what graphql-js accepts. Coerced values coerce to themselves (enums are their names here;
      // the DateTime and BigInt scalars parse their own output).
      const result = compiled.query(undefined, contextValue, coerced.coerced);
      return result instanceof Promise
        ? result.then((done) => asGraphQLJs(done, document))
        : asGraphQLJs(result, document);
    },
  };
}

/**
 * graphql-jit's errors are objects of its own on GraphQLError's prototype, with `extensions` only
 * when the original error had some and `locations` without the source positions behind them;
 * graphql-js's (which Apollo's plugins and our error formatter read) always have `extensions`.
 * They are remade as graphql-js errors, at the same places of the same document.
 */
function asGraphQLJs(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  if (!result.errors?.length) return result;
  const source = document.loc?.source;
  // In graphql-js's order (errors, then data), so that the answer's text is graphql-js's too; and
  // `data` null, not absent, when an error nulled it during execution (Apollo answers a result
  // without data 400, as for a bad variable).
  const errors = result.errors.map((error) => {
    const positions = source ? (error.locations ?? []).map((at) => positionOf(source.body, at)) : [];
    return new GraphQLError(error.message, {
      ...(source && positions.length > 0 ? { source, positions } : {}),
      path: error.path ?? null,
      originalError: error.originalError ?? null,
      extensions: error.extensions ?? null,
    });
  });
  return { errors, data: result.data ?? null };
}

/** The offset in `body` of a 1-based line and column (line ends as graphql-js counts them). */
function positionOf(body: string, { line, column }: { line: number; column: number }): number {
  const ends = /\r\n|[\n\r]/g;
  let start = 0;
  for (let at = 1; at < line; at++) {
    const end = ends.exec(body);
    if (!end) break;
    start = end.index + end[0].length;
  }
  return start + column - 1;
}

/**
 * The executor as Apollo Server's `gateway` option: the schema is handed over once when Apollo
 * starts, and never changes.
 */
export function compiledExecutionGateway(executor: CompiledExecutor, schema: GraphQLSchema): Gateway {
  const run: Executor = async (requestContext) => {
    const { document, operation, request, context } = requestContext;
    if (!document || !operation) throw new Error('Apollo called the executor without a resolved operation');
    return executor.run({
      document,
      operation,
      operationName: request.operationName,
      variables: request.variables,
      contextValue: context,
    });
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor: run }),
    stop: () => Promise.resolve(),
  };
}
