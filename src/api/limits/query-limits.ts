/**
 * Size, depth and cost of an operation, measured before it runs, so an expensive query is refused
 * (QUERY_TOO_COMPLEX, HTTP 400) without touching the database.
 *
 * Every measure is linear in the document: each fragment is measured once, however often it is
 * spread, and a spread adds its fragment's remembered measure. A walk that expands fragments is
 * exponential instead: 30 fragments each spreading the next four times are 1.6 KB of text and 4^30
 * fields, and such a walk kept the API busy for minutes. The checks, cheapest first:
 *
 * 1. Tokens, while parsing (MAX_QUERY_TOKENS; graphql-js stops parsing past it), which bounds the
 *    work of everything after.
 * 2. Shape, in validation (`queryLimitsRule`, once per document text, before variables are known):
 *    nodes — fields, fragment spreads and inline fragments counted as often as execution would meet
 *    them, a fragment at each of its spreads — at most MAX_QUERY_NODES; then depth, at most
 *    `maxDepth`. Depth counts fields from the root (`{ hubs { id } }` is 2), through fragments.
 *    Introspection (`__schema`, `__type`) counts as one level: tools' introspection queries nest
 *    `ofType` deeply, and introspection itself is switched by GRAPHQL_INTROSPECTION (off in
 *    production by default). A fragment cycle (`A` spreads `B` spreads `A`) has no size; it is
 *    refused by graphql-js's NoFragmentCyclesRule in the same validation pass.
 * 3. Cost, after validation, with the request's variables (page sizes, @skip/@include), at most
 *    `maxCost`. In the spirit of GitHub's and Shopify's:
 *    - scalars, enums and `PageInfo` cost 0; any other object field costs 1 plus its selections;
 *    - a paginated field (one that takes `first` or `last`) costs 1 plus its page size times its
 *      selections, the page size being `first` (or `last`, or the argument's default), at most
 *      MAX_PAGE_SIZE, and the connections' default page when neither is given. A larger `first` is
 *      not charged for: the resolver refuses it as BAD_USER_INPUT, which says more than "too
 *      complex" would;
 *    - a list of objects that is not paginated (`hubs`, `licenses`, a facet's values, `baseModels`,
 *      `evidence`, …) costs like a page of its size: 1 plus its size times (1 plus its selections),
 *      the size being its `limit` argument when given (at most MAX_FACET_LIMIT), else
 *      ASSUMED_LIST_SIZE (the default list size of Apollo Router's demand control and of the IBM
 *      cost specification's `@listSize`). A connection's `nodes` and `edges` are the connection's
 *      page, counted by it;
 *    - every root field (of Query, Mutation or Subscription) costs at least ROOT_FIELD_COST: each is
 *      resolved on its own, most with a statement of their own, so aliases are charged too — 1,000
 *      aliases of `stats { totalCount }` cost 20,000; introspection's `__schema` and `__type` cost
 *      ROOT_FIELD_COST whatever they select;
 *    - a selection that @skip/@include leaves out costs 0, and of an abstract type's possible
 *      types, the costliest counts.
 */
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  visit,
  type ArgumentNode,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { CatalogError, toGraphQLError } from '../../lib/errors.js';
import { DEFAULT_PAGE_SIZE } from '../../read-model/models.filter.js';
import { MAX_PAGE_SIZE } from '../../read-model/pagination.js';
import { MAX_FACET_LIMIT } from '../../read-model/stats.filter.js';

/**
 * Tokens a document may have (names, punctuation, values). graphql-js's introspection query has
 * under 200 and the README's largest query under 150; 1,000 aliased root fields are 6,000, which
 * the cost then refuses with a clearer message than a parse error would give.
 */
export const MAX_QUERY_TOKENS = 15_000;
/** Nodes (fields, fragment spreads, inline fragments, each fragment at each spread) an operation may have. */
export const MAX_QUERY_NODES = 10_000;
/** The least a root field costs, whatever it selects. */
export const ROOT_FIELD_COST = 20;
/** The size charged for a list that is neither paginated nor given a `limit`. */
export const ASSUMED_LIST_SIZE = 10;

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

export type QueryLimitViolation =
  | { readonly kind: 'nodes'; readonly nodes: number; readonly maxNodes: number }
  | { readonly kind: 'depth'; readonly depth: number; readonly maxDepth: number }
  | { readonly kind: 'cost'; readonly cost: number; readonly maxCost: number }
  /** The fragments along a cycle, the first repeated at the end (`['A', 'B', 'A']`). */
  | { readonly kind: 'cycle'; readonly fragments: readonly string[] };

export interface QueryShape {
  /** Fields, fragment spreads and inline fragments, each fragment counted at each of its spreads. */
  readonly nodes: number;
  readonly depth: number;
}

/** Counts saturate here rather than lose precision (or reach Infinity) on absurd documents. */
const saturated = (value: number): number => Math.min(value, Number.MAX_SAFE_INTEGER);

class FragmentCycle extends Error {
  constructor(readonly fragments: readonly string[]) {
    super(`fragment cycle ${fragments.join(' → ')}`);
  }
}

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
};

/** The shapes of one document's operations, each fragment measured once for all of them. */
export class DocumentShapes {
  private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private readonly measured = new Map<string, QueryShape>();
  /** The fragments being measured, outermost first (a spread of one of them is a cycle). */
  private readonly path: string[] = [];
  private readonly onPath = new Set<string>();

  constructor(document: DocumentNode) {
    this.fragments = fragmentsOf(document);
  }

  /** The operation's shape, or the first fragment cycle it reaches. */
  of(operation: OperationDefinitionNode): { shape: QueryShape } | { cycle: readonly string[] } {
    try {
      return { shape: this.selectionSet(operation.selectionSet) };
    } catch (error) {
      if (error instanceof FragmentCycle) return { cycle: error.fragments };
      throw error;
    }
  }

  private selectionSet(selectionSet: SelectionSetNode): QueryShape {
    let nodes = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      const below = this.below(selection);
      nodes = saturated(nodes + 1 + below.nodes);
      depth = Math.max(depth, below.depth);
    }
    return { nodes, depth };
  }

  /** What a selection adds below itself; a field adds its own level. */
  private below(selection: SelectionNode): QueryShape {
    switch (selection.kind) {
      case Kind.FIELD: {
        if (!selection.selectionSet) return { nodes: 0, depth: 1 };
        const inner = this.selectionSet(selection.selectionSet);
        return { nodes: inner.nodes, depth: 1 + (selection.name.value.startsWith('__') ? 0 : inner.depth) };
      }
      case Kind.INLINE_FRAGMENT:
        return this.selectionSet(selection.selectionSet);
      case Kind.FRAGMENT_SPREAD:
        return this.fragment(selection.name.value);
    }
  }

  private fragment(name: string): QueryShape {
    const known = this.measured.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    // An unknown fragment is reported by validation (KnownFragmentNamesRule).
    if (!fragment) return { nodes: 0, depth: 0 };
    if (this.onPath.has(name)) throw new FragmentCycle([...this.path.slice(this.path.indexOf(name)), name]);
    this.path.push(name);
    this.onPath.add(name);
    let shape: QueryShape;
    try {
      shape = this.selectionSet(fragment.selectionSet);
    } finally {
      this.path.pop();
      this.onPath.delete(name);
    }
    this.measured.set(name, shape);
    return shape;
  }
}

/** The depth of an operation's selection tree (see the top of this file); 0 for a fragment cycle. */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const measured = new DocumentShapes(document).of(operation);
  return 'shape' in measured ? measured.shape.depth : 0;
}

/** The first limit a shape breaks (nodes, then depth); null when within. */
function shapeViolation(measured: ReturnType<DocumentShapes['of']>, limits: QueryLimits): QueryLimitViolation | null {
  if ('cycle' in measured) return { kind: 'cycle', fragments: measured.cycle };
  const { nodes, depth } = measured.shape;
  if (nodes > MAX_QUERY_NODES) return { kind: 'nodes', nodes, maxNodes: MAX_QUERY_NODES };
  if (depth > limits.maxDepth) return { kind: 'depth', depth, maxDepth: limits.maxDepth };
  return null;
}

const pageSizeOf = (args: Record<string, unknown>): number => {
  const sizes = [args['first'], args['last']].filter((value): value is number => typeof value === 'number');
  if (sizes.length === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(0, ...sizes));
};

const listSizeOf = (args: Record<string, unknown>): number => {
  const limit = args['limit'];
  return typeof limit === 'number' ? Math.min(MAX_FACET_LIMIT, Math.max(0, limit)) : ASSUMED_LIST_SIZE;
};

export interface FieldCostInput {
  readonly field: GraphQLField<unknown, unknown>;
  /** The field's arguments, with the request's variables and the schema's defaults. */
  readonly args: Record<string, unknown>;
  /** The cost of its selections. */
  readonly childComplexity: number;
  /** The type the field is selected on. */
  readonly parentType: GraphQLCompositeType;
  /** True for a field of a root type (Query, Mutation, Subscription). */
  readonly root: boolean;
}

/** The cost of one field (the model at the top of this file). */
export function costEstimator({ field, args, childComplexity, parentType, root }: FieldCostInput): number {
  const type = getNamedType(field.type);
  let cost: number;
  if (isLeafType(type) || type.name === 'PageInfo') cost = 0;
  else if (field.args.some((arg) => arg.name === 'first' || arg.name === 'last'))
    cost = 1 + pageSizeOf(args) * childComplexity;
  else if (isListType(getNullableType(field.type)) && !isConnection(parentType))
    cost = 1 + listSizeOf(args) * (1 + childComplexity);
  else cost = 1 + childComplexity;
  return root ? Math.max(ROOT_FIELD_COST, cost) : cost;
}

/** A Relay connection: its `nodes` and `edges` lists are its page. */
const isConnection = (type: GraphQLCompositeType): boolean =>
  (isObjectType(type) || isInterfaceType(type)) && type.getFields()['pageInfo'] !== undefined;

/** Costs within one operation and one set of variable values, each fragment walked once. */
class CostWalk {
  private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private readonly fragmentCosts = new Map<string, number>();
  private readonly walking = new Set<string>();
  private readonly possibleTypeNames = new Map<GraphQLCompositeType, readonly string[]>();
  private readonly rootTypes: ReadonlySet<GraphQLCompositeType>;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    this.fragments = fragmentsOf(document);
    this.rootTypes = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
        (type): type is NonNullable<typeof type> => !!type,
      ),
    );
  }

  /** The cost of a selection set on `type`: per possible type, the sum of what applies; the costliest. */
  selectionSet(selectionSet: SelectionSetNode, type: GraphQLCompositeType): number {
    const totals = new Map<string, number>();
    const add = (cost: number, on: GraphQLCompositeType) => {
      for (const name of this.typeNames(on)) totals.set(name, (totals.get(name) ?? 0) + cost);
    };
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const cost = this.field(selection, type);
          if (cost !== null) add(cost, type);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
          if (isCompositeType(on)) add(this.selectionSet(selection.selectionSet, on), on);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = this.fragments.get(selection.name.value);
          const on = fragment && this.schema.getType(fragment.typeCondition.name.value);
          if (fragment && isCompositeType(on)) add(this.fragment(fragment, on), on);
          break;
        }
      }
    }
    return Math.max(0, ...totals.values());
  }

  /** A fragment's cost does not depend on where it is spread: walked once, remembered. */
  private fragment(fragment: FragmentDefinitionNode, on: GraphQLCompositeType): number {
    const name = fragment.name.value;
    const known = this.fragmentCosts.get(name);
    if (known !== undefined) return known;
    // A cycle (refused by validation before any cost is measured) adds nothing.
    if (this.walking.has(name)) return 0;
    this.walking.add(name);
    const cost = this.selectionSet(fragment.selectionSet, on);
    this.walking.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }

  private field(node: FieldNode, parentType: GraphQLCompositeType): number | null {
    const name = node.name.value;
    if (name === SchemaMetaFieldDef.name || name === TypeMetaFieldDef.name) return ROOT_FIELD_COST;
    if (name === TypeNameMetaFieldDef.name) return 0;
    const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
    // An unknown field is reported by validation.
    if (!field) return null;
    const type = getNamedType(field.type);
    const childComplexity = isCompositeType(type) && node.selectionSet ? this.selectionSet(node.selectionSet, type) : 0;
    return costEstimator({
      field,
      args: getArgumentValues(field, node, this.variables),
      childComplexity,
      parentType,
      root: this.rootTypes.has(parentType),
    });
  }

  private included(selection: SelectionNode): boolean {
    if (getDirectiveValues(GraphQLSkipDirective, selection, this.variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, selection, this.variables)?.['if'] !== false;
  }

  private typeNames(type: GraphQLCompositeType): readonly string[] {
    let names = this.possibleTypeNames.get(type);
    if (!names) {
      names = isAbstractType(type) ? this.schema.getPossibleTypes(type).map((possible) => possible.name) : [type.name];
      this.possibleTypeNames.set(type, names);
    }
    return names;
  }
}

/** The operation's cost; null when its variables do not coerce (execution reports that itself). */
export function operationCost(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
}): number | null {
  const { schema, document, operation } = input;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return null;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return null;
  return new CostWalk(schema, document, coerced.coerced).selectionSet(operation.selectionSet, rootType);
}

/** The first limit the operation breaks (nodes, depth, then cost), with the numbers; null when within. */
export function checkQueryLimits(
  input: Parameters<typeof operationCost>[0],
  limits: QueryLimits,
): { violation: QueryLimitViolation | null; depth: number | null; cost: number | null } {
  const measured = new DocumentShapes(input.document).of(input.operation);
  const depth = 'shape' in measured ? measured.shape.depth : null;
  const violation = shapeViolation(measured, limits);
  if (violation) return { violation, depth, cost: null };
  const cost = operationCost(input);
  if (cost !== null && cost > limits.maxCost)
    return { violation: { kind: 'cost', cost, maxCost: limits.maxCost }, depth, cost };
  return { violation: null, depth, cost };
}

export function describeViolation(violation: QueryLimitViolation): string {
  switch (violation.kind) {
    case 'nodes': {
      const count = violation.nodes >= Number.MAX_SAFE_INTEGER ? `at least ${violation.nodes}` : `${violation.nodes}`;
      return `Query has ${count} fields and fragments (counting each fragment at every spread); a query may have at most ${violation.maxNodes}.`;
    }
    case 'depth':
      return `Query depth ${violation.depth} exceeds the maximum depth of ${violation.maxDepth}.`;
    case 'cost':
      return `Query cost ${violation.cost} exceeds the maximum cost of ${violation.maxCost}. Ask for smaller pages (first/last) or fewer nested connections.`;
    case 'cycle':
      return `Fragment "${violation.fragments[0]}" spreads itself (${violation.fragments.join(' → ')}); fragments cannot form cycles.`;
  }
}

function violationDetails(violation: QueryLimitViolation): Record<string, unknown> {
  switch (violation.kind) {
    case 'nodes':
      return { nodes: violation.nodes, maxNodes: violation.maxNodes };
    case 'depth':
      return { depth: violation.depth, maxDepth: violation.maxDepth };
    case 'cost':
      return { cost: violation.cost, maxCost: violation.maxCost };
    case 'cycle':
      return { fragments: violation.fragments };
  }
}

/**
 * The refusal a client gets, on either transport: QUERY_TOO_COMPLEX with the numbers in
 * `extensions` (the CatalogError is its `originalError`, which `formatApiError` maps).
 */
export function queryLimitError(violation: QueryLimitViolation, nodes?: readonly ASTNode[]): GraphQLError {
  const error = new CatalogError('QUERY_TOO_COMPLEX', describeViolation(violation), violationDetails(violation));
  return new GraphQLError(error.message, {
    ...(nodes ? { nodes } : {}),
    originalError: error,
    extensions: toGraphQLError(error).extensions,
  });
}

/**
 * The shape limits (nodes, then depth) as a validation rule: run with graphql-js's own rules, on
 * HTTP (Apollo's `validationRules`) and on WebSocket alike, once per document. Measured on entering
 * the document, before any other rule visits a selection set; every operation of the document is
 * measured, fragments shared. A fragment cycle is left to NoFragmentCyclesRule, which reports it
 * in the same pass (reporting it here too would say it twice).
 *
 * graphql-js's rules, in the same pass, do not expand fragments either: the fan-out documents
 * above validate in milliseconds. Their one super-linear case, the same field selected many times
 * over (OverlappingFieldsCanBeMergedRule compares every pair), is cut off by graphql-js's own work
 * budget ("Validation aborted.", a validation error). Apollo offers no hook that runs before
 * validation and can still answer 400: an error thrown from `validationDidStart` becomes a 500.
 */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const shapes = new DocumentShapes(document);
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const violation = shapeViolation(shapes.of(definition), limits);
        if (violation && violation.kind !== 'cycle') context.reportError(queryLimitError(violation, [definition]));
      }
      // Nothing further to visit for this rule.
      return false;
    },
  });
}

/**
 * The variables an operation's cost depends on: those that reach a size (`first`, `last`, `limit`)
 * or a directive (`@skip`/`@include` conditions). No other variable changes depth or cost.
 */
export function limitVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (args: readonly ArgumentNode[] | undefined, which: (name: string) => boolean) => {
    for (const arg of args ?? [])
      if (arg.value.kind === Kind.VARIABLE && which(arg.name.value)) names.add(arg.value.name.value);
  };
  visit(document, {
    Field: (node) => collect(node.arguments, (name) => name === 'first' || name === 'last' || name === 'limit'),
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
