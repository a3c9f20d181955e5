/** The change feed and the `modelChanged` subscription (schema/changes.graphql). */
import { findChanges, subscribeChanges } from '../../events/change-feed.js';
import type { ChangeRow } from '../../read-model/catalog.rows.js';
import type { ApiContext } from '../context.js';
import { CatalogError } from '../../lib/errors.js';
import type { Resolvers } from '../generated/graphql.js';

export const changesResolvers: Resolvers = {
  Query: {
    changes: (_parent, args, ctx) => findChanges(args, ctx.changes.log),
  },

  Subscription: {
    modelChanged: {
      subscribe: (_parent, args, ctx) => {
        const { stream } = ctx.changes;
        if (!stream) {
          throw new CatalogError(
            'INVALID_ARGUMENT',
            'subscriptions are served over WebSocket (graphql-ws) at /graphql',
            {
              argument: 'operation',
            },
          );
        }
        return subscribeChanges(args, ctx.changes.log, stream);
      },
      // Each event runs with fresh loaders: a subscription lives for hours, its caches must not.
      resolve: (change: ChangeRow, _args: unknown, ctx: ApiContext) => {
        ctx.renewLoaders();
        return change;
      },
    },
  },

  ModelChange: {
    crawlRun: (change, _args, ctx) => (change.crawlRunId ? ctx.changes.crawlRunById.load(change.crawlRunId) : null),
  },
};
