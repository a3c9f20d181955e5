/** Hubs: thin resolvers over the hub repository. */
import type { Resolvers } from '../generated/graphql.js';

export const hubResolvers: Resolvers = {
  Query: {
    hubs: (_parent, _args, ctx) => ctx.hubs.list(),
    hub: (_parent, args, ctx) => ctx.hubs.find(args.id),
  },
  Hub: {
    url: (hub) => hub.baseUrl,
    modelCount: async (hub, _args, ctx) => (await ctx.hubModelCounts()).get(hub.id) ?? 0,
  },
};
