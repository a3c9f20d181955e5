/**
 * All resolver maps, merged. Each area of the schema (schema/<area>.graphql) has its resolvers in
 * src/api/resolvers/<area>.resolvers.ts, typed by the generated `Resolvers`, and is listed here.
 * `withArgumentChecks` puts in front of every field that takes arguments (and every subscription)
 * the refusal of text Postgres cannot take (catalog/argument-text.ts): one check for every string
 * argument, present and future.
 */
import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { assertUsableArguments } from '../argument-text.js';
import type { Resolvers } from '../generated/graphql.js';
import { adminResolvers } from './admin.resolvers.js';
import { catalogResolvers } from './catalog.resolvers.js';
import { changesResolvers } from './changes.resolvers.js';
import { hubResolvers } from './hub.resolvers.js';
import { statsResolvers } from './stats.resolvers.js';
import { webhookResolvers } from './webhooks.resolvers.js';

const AREAS: Resolvers[] = [
  hubResolvers,
  adminResolvers,
  catalogResolvers,
  changesResolvers,
  statsResolvers,
  webhookResolvers,
];

type FieldResolver = (parent: unknown, args: Record<string, unknown>, ...rest: unknown[]) => unknown;

function checkingArguments(resolve: FieldResolver): FieldResolver {
  return (parent, args, ...rest) => {
    assertUsableArguments(args);
    return resolve(parent, args, ...rest);
  };
}

/**
 * Put the argument check in front of every field of `schema` that takes arguments (its resolver,
 * or the default one; a subscription's `subscribe`, checked once when it starts). Decided once,
 * when the schema is built: fields without arguments (most of a page's) resolve untouched.
 */
export function withArgumentChecks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      if (field.subscribe)
        field.subscribe = checkingArguments(field.subscribe as FieldResolver) as typeof field.subscribe;
      else
        field.resolve = checkingArguments(
          (field.resolve ?? defaultFieldResolver) as FieldResolver,
        ) as typeof field.resolve;
    }
  }
  return schema;
}

/** Merge the areas' maps type by type (two areas may add fields to `Query`). */
export function mergeResolvers(areas: readonly Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const area of areas) {
    for (const [type, fields] of Object.entries(area)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged;
}

export const resolvers = mergeResolvers(AREAS);
