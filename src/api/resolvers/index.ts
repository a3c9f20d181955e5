/**
 * All resolver maps, merged. Each area of the schema (schema/<area>.graphql) has its resolvers in
 * src/api/resolvers/<area>.resolvers.ts, typed by the generated `Resolvers`, and is listed here.
 * Every field resolver (and subscription) first refuses arguments holding text Postgres cannot take
 * (catalog/argument-text.ts): one check for every string argument, present and future.
 */
import { GraphQLScalarType } from 'graphql';
import { assertUsableArguments } from '../catalog/argument-text.js';
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
 * A field's resolver with the argument check in front: a function, or a subscription's
 * `{ subscribe, resolve }` (its arguments are checked once, when it starts). `__resolveType` and
 * `__isTypeOf` take no arguments.
 */
function withArgumentCheck(field: string, resolver: unknown): unknown {
  if (field.startsWith('__')) return resolver;
  if (typeof resolver === 'function') return checkingArguments(resolver as FieldResolver);
  if (typeof resolver === 'object' && resolver !== null && 'subscribe' in resolver) {
    const { subscribe } = resolver;
    if (typeof subscribe === 'function')
      return { ...resolver, subscribe: checkingArguments(subscribe as FieldResolver) };
  }
  return resolver;
}

/** Merge the areas' maps type by type (two areas may add fields to `Query`). */
export function mergeResolvers(areas: readonly Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const area of areas) {
    for (const [type, fields] of Object.entries(area)) {
      const target = (merged[type] ??= {});
      // A scalar's functions (serialize, parseValue, …) are not field resolvers.
      const scalar = fields instanceof GraphQLScalarType;
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`resolver ${type}.${field} is defined twice`);
        target[field] = scalar ? resolver : withArgumentCheck(field, resolver);
      }
    }
  }
  return merged;
}

export const resolvers = mergeResolvers(AREAS);
