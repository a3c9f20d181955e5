/** Hubs: thin resolvers over the hub repository; counts and crawl runs through the request's loaders. */
import type { Resolvers } from '../generated/graphql.js';

export const hubResolvers: Resolvers = {
  Query: {
    hubs: (_parent, _args, ctx) => ctx.hubs.list(),
    hub: (_parent, args, ctx) => ctx.hubs.find(args.id),
  },
  Hub: {
    url: (hub) => hub.baseUrl,
    // From the facet totals: one statement for every hub of the response.
    modelCount: (hub, _args, ctx) => ctx.stats.loaders.hubModelCount.load(hub.id),
    lastCrawlRun: async (hub, _args, ctx) => (await ctx.stats.loaders.crawlRunsByHub.load(hub.id)).last,
    lastCompletedCrawl: async (hub, _args, ctx) => (await ctx.stats.loaders.crawlRunsByHub.load(hub.id)).lastCompleted,
  },
};
