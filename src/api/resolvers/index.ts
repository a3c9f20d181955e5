/**
 * All resolver maps, merged. Each area of the schema (schema/<area>.graphql) has its resolvers in
 * src/api/resolvers/<area>.resolvers.ts, typed by the generated `Resolvers`, and is listed here.
 */
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
