/** Thin resolvers: parse, call a repository, return. */
import type { Hub } from '../generated/prisma/client.js';
import type { ApiContext } from './context.js';

export const resolvers = {
  Query: {
    hubs: (_: unknown, __: unknown, ctx: ApiContext) => ctx.hubs.list(),
    hub: (_: unknown, args: { id: string }, ctx: ApiContext) => ctx.hubs.find(args.id),
  },
  Hub: {
    url: (hub: Hub) => hub.baseUrl,
    modelCount: async (hub: Hub, _: unknown, ctx: ApiContext) => (await ctx.hubModelCounts()).get(hub.id) ?? 0,
  },
};
