/**
 * `GET /api/stats?…`: the `stats` query's facets and openness over time as plain JSON, in the flat
 * shapes that Grafana's JSON and Infinity data sources and spreadsheets read: arrays of flat
 * objects, times as ISO 8601 UTC strings (README: Stats as JSON). The query string takes the
 * `ModelFilter` fields (the one syntax of src/api/query-params.ts) and this endpoint's own
 * parameters: `interval` (DAY, WEEK or MONTH; MONTH when omitted), `from`, `to` (times) and
 * `facetLimit` (the `limit` of the license, task and library facets; all values when omitted).
 *
 * The numbers are GraphQL's own: a fixed document (STATS_DOCUMENT) run by graphql-js against the
 * API's executable schema, with a context from `createContext` as for `/graphql`, after the depth
 * and cost check `/graphql` applies. The same resolvers, loaders and argument checks answer.
 * A bad parameter gets 400 BAD_USER_INPUT naming it: before execution for its syntax (an unknown
 * name, enum value or time), or from the resolvers' own checks (`from` after `to`, too many
 * buckets, a `facetLimit` out of range, bounds the wrong way round). Any other error is thrown to
 * the Express error handler (500, or 503 when a dependency is down).
 */
import type { Request, Response } from 'express';
import {
  execute,
  getNullableType,
  GraphQLInputObjectType,
  isInputObjectType,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { ApiKeyPrincipal } from '../../auth/authenticator.js';
import { CatalogError, toGraphQLError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ApiContext } from '../context.js';
import { requestIdOf } from '../errors.js';
import { answeredNotModified, etagOf, parsedOrRefused, sendBadInput } from '../http-responses.js';
import { QueryLimitsMemo, queryLimitError, type QueryLimits } from '../limits/query-limits.js';
import { principalOf } from '../limits/request-guards.js';
import { inputFromQuery } from '../query-params.js';

/**
 * What the endpoint asks GraphQL. The aliases are the keys of the JSON `facets`; `facetLimit`
 * bounds the facets whose values are open-ended (licenses, tasks, libraries).
 */
const STATS_DOCUMENT = parse(`
  query StatsJson($filter: ModelFilter, $interval: TimeInterval!, $from: DateTime, $to: DateTime, $facetLimit: Int) {
    stats(filter: $filter) {
      totalCount
      licenseCategory: byLicenseCategory { value count }
      commercialUse: byCommercialUse { value count }
      opennessLevel: byOpennessLevel { value count }
      mofClass: byMofClass { value count }
      weights: byWeights { value count }
      hub: byHub { value count }
      task: byTask(limit: $facetLimit) { value count }
      library: byLibrary(limit: $facetLimit) { value count }
      license: byLicense(limit: $facetLimit) { value license { name } count }
      opennessOverTime(interval: $interval, from: $from, to: $to) { start end levels { level count change } }
    }
  }
`);

const DEFAULT_INTERVAL = 'MONTH';

/** The document's arguments that have another name as query parameters. */
const PARAMETER_OF_ARGUMENT: ReadonlyMap<string, string> = new Map([['limit', 'facetLimit']]);

interface FacetValue {
  readonly value: string | null;
  readonly count: number;
}

/** What STATS_DOCUMENT returns (times as the DateTime scalar serializes them). */
interface StatsData {
  readonly stats: {
    readonly totalCount: number;
    readonly license: readonly (FacetValue & { readonly license: { readonly name: string } | null })[];
    readonly opennessOverTime: readonly {
      readonly start: string | Date;
      readonly end: string | Date;
      readonly levels: readonly { readonly level: string; readonly count: number; readonly change: number }[];
    }[];
  } & Readonly<Record<PlainFacet, readonly FacetValue[]>>;
}

/** The facets whose rows are `{ value, count }` (the license rows also carry its name). */
type PlainFacet =
  'licenseCategory' | 'commercialUse' | 'opennessLevel' | 'mofClass' | 'weights' | 'hub' | 'task' | 'library';

/** One row of `opennessOverTime`: one bucket and one level. */
interface OpennessRow {
  /** The bucket's first instant. */
  readonly time: string;
  /** The next bucket's first instant: the bucket covers [time, end). */
  readonly end: string;
  readonly level: string;
  /** Models at this level at the end of the bucket. */
  readonly count: number;
  /** Net change of `count` within the bucket. */
  readonly change: number;
}

/** The JSON body (README: Stats as JSON). */
interface StatsJson {
  readonly totalCount: number;
  readonly interval: string;
  readonly facets: Readonly<Record<PlainFacet, readonly FacetValue[]>> & {
    readonly license: readonly {
      readonly value: string | null;
      readonly name: string | null;
      readonly count: number;
    }[];
  };
  readonly opennessOverTime: readonly OpennessRow[];
}

const isoTime = (value: string | Date): string => new Date(value).toISOString();

/** GraphQL's answer, flattened: facets as `{ value, count }` rows, the series as a row per bucket and level. */
function statsJson({ stats }: StatsData, interval: string): StatsJson {
  const facet = (values: readonly FacetValue[]) => values.map(({ value, count }) => ({ value, count }));
  return {
    totalCount: stats.totalCount,
    interval,
    facets: {
      licenseCategory: facet(stats.licenseCategory),
      commercialUse: facet(stats.commercialUse),
      opennessLevel: facet(stats.opennessLevel),
      mofClass: facet(stats.mofClass),
      weights: facet(stats.weights),
      hub: facet(stats.hub),
      task: facet(stats.task),
      library: facet(stats.library),
      license: stats.license.map(({ value, license, count }) => ({ value, name: license?.name ?? null, count })),
    },
    opennessOverTime: stats.opennessOverTime.flatMap((bucket) =>
      bucket.levels.map(({ level, count, change }) => ({
        time: isoTime(bucket.start),
        end: isoTime(bucket.end),
        level,
        count,
        change,
      })),
    ),
  };
}

/** An argument's type in the schema, so the parameters are read as GraphQL reads the arguments. */
function argumentType(schema: GraphQLSchema, typeName: string, fieldName: string, name: string): GraphQLInputType {
  const type = schema.getType(typeName);
  const argument = isObjectType(type) ? type.getFields()[fieldName]?.args.find((arg) => arg.name === name) : undefined;
  if (!argument) throw new Error(`the schema has no argument ${typeName}.${fieldName}(${name})`);
  return argument.type;
}

/** A refusal from execution as the client named things: the query parameter, not the document's argument. */
function asParameter(error: CatalogError): CatalogError {
  const argument = error.details['argument'];
  const parameter = typeof argument === 'string' ? PARAMETER_OF_ARGUMENT.get(argument) : undefined;
  if (typeof argument !== 'string' || parameter === undefined) return error;
  return new CatalogError(error.code, error.message.replaceAll(`\`${argument}\``, `\`${parameter}\``), {
    ...error.details,
    argument: parameter,
  });
}

/** The first error of execution that is the client's (BAD_USER_INPUT), if any. */
function badInputOf(errors: readonly GraphQLError[]): CatalogError | null {
  for (const { originalError } of errors) {
    if (originalError instanceof CatalogError && toGraphQLError(originalError).extensions['code'] === 'BAD_USER_INPUT')
      return asParameter(originalError);
  }
  return null;
}

export interface StatsJsonDeps {
  /** The API's executable schema (the one `/graphql` serves). */
  readonly schema: GraphQLSchema;
  /** The depth and cost limits of `/graphql`. */
  readonly limits: QueryLimits;
  /** The request's GraphQL context (`createContext`), from what `/graphql` makes it of. */
  readonly context: (request: {
    readonly requestId: string;
    readonly logger: Logger;
    readonly principal: ApiKeyPrincipal | null;
  }) => ApiContext;
}

export function statsJsonHandler({ schema, limits, context }: StatsJsonDeps) {
  // A document that does not fit the schema is a bug: found when the server starts.
  const invalid = validate(schema, STATS_DOCUMENT, specifiedRules);
  if (invalid.length > 0) throw new Error(`the stats JSON document does not fit the schema: ${invalid[0]?.message}`);
  const operation = STATS_DOCUMENT.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('the stats JSON document has no operation');

  const filterType = getNullableType(argumentType(schema, 'Query', 'stats', 'filter'));
  if (!isInputObjectType(filterType)) throw new Error('the filter of Query.stats is not an input object');
  const parameterType = new GraphQLInputObjectType({
    name: 'StatsJsonParameters',
    fields: {
      interval: {
        type: getNullableType(argumentType(schema, 'CatalogStats', 'opennessOverTime', 'interval')),
        defaultValue: DEFAULT_INTERVAL,
      },
      from: { type: argumentType(schema, 'CatalogStats', 'opennessOverTime', 'from') },
      to: { type: argumentType(schema, 'CatalogStats', 'opennessOverTime', 'to') },
      facetLimit: { type: argumentType(schema, 'CatalogStats', 'byTask', 'limit') },
    },
  });
  const parameters = Object.keys(parameterType.getFields());
  const memo = new QueryLimitsMemo(limits);

  /** The document's variables from the query string; throws CatalogError naming a bad parameter. */
  const variablesOf = (query: Request['query']): Record<string, unknown> => {
    const filter = inputFromQuery(filterType, query, parameters);
    const own = Object.fromEntries(Object.entries(query).filter(([name]) => parameters.includes(name)));
    return { filter, ...inputFromQuery(parameterType, own) };
  };

  return async (req: Request, res: Response): Promise<void> => {
    const variables = parsedOrRefused(res, () => variablesOf(req.query));
    if (variables === undefined) return;
    // The limits `/graphql` applies: a facetLimit that makes the query too costly is refused the same way.
    const { violation } = memo.check({ schema, document: STATS_DOCUMENT, operation, variables });
    const refused = violation && queryLimitError(violation).originalError;
    if (refused instanceof CatalogError) {
      sendBadInput(res, refused);
      return;
    }
    const result = await execute({
      schema,
      document: STATS_DOCUMENT,
      variableValues: variables,
      contextValue: context({ requestId: requestIdOf(req), logger: req.log, principal: principalOf(res) }),
    });
    const firstError = result.errors?.[0];
    if (firstError) {
      const badInput = badInputOf(result.errors ?? []);
      if (badInput) {
        sendBadInput(res, badInput);
        return;
      }
      throw firstError.originalError ?? firstError;
    }
    const body = JSON.stringify(statsJson(result.data as unknown as StatsData, String(variables['interval'])));
    const etag = etagOf(body);
    res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
    if (answeredNotModified(req, res, etag)) return;
    res.type('application/json; charset=utf-8').send(body);
  };
}
