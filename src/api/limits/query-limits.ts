/**
 * Depth and cost of an operation, measured before it runs (after validation, with its variables),
 * so an expensive query is refused without touching the database.
 *
 * Cost, in the spirit of GitHub's and Shopify's: scalars, enums and `PageInfo` cost 0; any other
 * object field costs 1 plus its selections; a paginated field (one that takes `first` or `last`)
 * costs 1 plus its page size times its selections, the page size being `first` (or `last`, or the
 * argument's default), at most MAX_PAGE_SIZE, and the connections' default page when neither is
 * given. A larger `first` is not charged for: the resolver refuses it as BAD_USER_INPUT, which
 * says more than "too complex" would.
 * Depth counts fields from the root (`{ hubs { id } }` is 2), through fragments. Introspection
 * (`__schema`, `__type`) counts as one level: tools' introspection queries nest `ofType` deeply, and
 * introspection itself is switched by GRAPHQL_INTROSPECTION (off in production by default).
 */
import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  isLeafType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
  type ArgumentNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../catalog/models.query.js';
import { MAX_PAGE_SIZE } from '../catalog/pagination.js';
/** Nodes (fields and fragments) visited at most while measuring; beyond it the query is refused. */
export const MAX_QUERY_NODES = 10_000;

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

export type QueryLimitViolation =
  | { readonly kind: 'depth'; readonly depth: number; readonly maxDepth: number }
  | { readonly kind: 'cost'; readonly cost: number; readonly maxCost: number }
  | { readonly kind: 'nodes'; readonly maxNodes: number };

/** The depth of an operation's selection tree; fragment cycles (invalid anyway) end the walk. */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const depthOf = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let max = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const below =
            selection.selectionSet && !selection.name.value.startsWith('__')
              ? depthOf(selection.selectionSet, seen)
              : 0;
          max = Math.max(max, 1 + below);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          max = Math.max(max, depthOf(selection.selectionSet, seen));
          break;
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (fragment && !seen.has(fragment.name.value))
            max = Math.max(max, depthOf(fragment.selectionSet, new Set([...seen, fragment.name.value])));
          break;
        }
      }
    }
    return max;
  };
  return depthOf(operation.selectionSet, new Set());
}

const pageSizeOf = (args: Record<string, unknown>): number => {
  const sizes = [args['first'], args['last']].filter((value): value is number => typeof value === 'number');
  if (sizes.length === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(0, ...sizes));
};

export const costEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNamedType(field.type);
  if (isLeafType(type) || type.name === 'PageInfo') return 0;
  const paginated = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  return 1 + (paginated ? pageSizeOf(args) : 1) * childComplexity;
};

/** The operation's cost; null when its variables do not coerce (execution reports that itself). */
export function operationCost(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
}): number | null {
  const coerced = getVariableValues(input.schema, input.operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return null;
  return getComplexity({
    schema: input.schema,
    query: input.document,
    ...(input.operation.name ? { operationName: input.operation.name.value } : {}),
    variables: input.variables ?? {},
    estimators: [costEstimator],
    maxQueryNodes: MAX_QUERY_NODES,
  });
}

/** The first limit the operation breaks (depth, then cost), with the numbers; null when within. */
export function checkQueryLimits(
  input: Parameters<typeof operationCost>[0],
  limits: QueryLimits,
): { violation: QueryLimitViolation | null; depth: number; cost: number | null } {
  const depth = operationDepth(input.document, input.operation);
  if (depth > limits.maxDepth)
    return { violation: { kind: 'depth', depth, maxDepth: limits.maxDepth }, depth, cost: null };
  let cost: number | null;
  try {
    cost = operationCost(input);
  } catch (error) {
    // graphql-query-complexity throws a plain GraphQLError once it has visited too many nodes.
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message))
      return { violation: { kind: 'nodes', maxNodes: MAX_QUERY_NODES }, depth, cost: null };
    throw error;
  }
  if (cost !== null && cost > limits.maxCost)
    return { violation: { kind: 'cost', cost, maxCost: limits.maxCost }, depth, cost };
  return { violation: null, depth, cost };
}

export function describeViolation(violation: QueryLimitViolation): string {
  switch (violation.kind) {
    case 'depth':
      return `Query depth ${violation.depth} exceeds the maximum depth of ${violation.maxDepth}.`;
    case 'cost':
      return `Query cost ${violation.cost} exceeds the maximum cost of ${violation.maxCost}. Ask for smaller pages (first/last) or fewer nested connections.`;
    case 'nodes':
      return `Query has more than ${violation.maxNodes} fields and fragments (counting repeats), the most a query may have.`;
  }
}

/**
 * The variables an operation's limits depend on: those that reach a page size (`first`, `last`)
 * or a directive (`@skip`/`@include` conditions). No other variable changes depth or cost.
 */
export function limitVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (args: readonly ArgumentNode[] | undefined, which: (name: string) => boolean) => {
    for (const arg of args ?? [])
      if (arg.value.kind === Kind.VARIABLE && which(arg.name.value)) names.add(arg.value.name.value);
  };
  visit(document, {
    Field: (node) => collect(node.arguments, (name) => name === 'first' || name === 'last'),
    Directive: (node) => collect(node.arguments, () => true),
  });
  return [...names].sort();
}

type Verdict = ReturnType<typeof checkQueryLimits>;

/**
 * `checkQueryLimits`, remembered per document and per values of its `limitVariables`: Apollo hands
 * the same DocumentNode for the same query text (its document store), so a query that a dashboard
 * or client sends again and again is measured once per page size, not walked at every request.
 * Variables that do not coerce are not remembered (their requests are measured, and refused by
 * execution). At most `maxPerDocument` verdicts per document are kept.
 */
export class QueryLimitsMemo {
  private readonly documents = new WeakMap<
    DocumentNode,
    { readonly variables: readonly string[]; readonly verdicts: Map<string, Verdict> }
  >();

  constructor(
    private readonly limits: QueryLimits,
    private readonly maxPerDocument = 256,
  ) {}

  check(input: Parameters<typeof operationCost>[0]): Verdict {
    const { schema, document, operation } = input;
    const variables = input.variables ?? {};
    if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors)
      return checkQueryLimits(input, this.limits);
    let entry = this.documents.get(document);
    if (!entry) {
      entry = { variables: limitVariables(document), verdicts: new Map() };
      this.documents.set(document, entry);
    }
    const key = JSON.stringify([
      operation.name?.value ?? null,
      ...entry.variables.map((name) => variables[name] ?? null),
    ]);
    const known = entry.verdicts.get(key);
    if (known) return known;
    const verdict = checkQueryLimits(input, this.limits);
    if (entry.verdicts.size >= this.maxPerDocument) entry.verdicts.clear();
    entry.verdicts.set(key, verdict);
    return verdict;
  }
}
