/** Mutations (schema/admin.graphql): check the caller's scope, call the admin service, return. */
import type { ApiKeyScope } from '../../auth/api-key.js';
import type { ApiContext } from '../context.js';
import { CatalogError } from '../../lib/errors.js';
import type { JobState, Resolvers } from '../generated/graphql.js';

/** UNAUTHENTICATED without a key; FORBIDDEN with a key that lacks `scope`. */
function requireScope(ctx: ApiContext, scope: ApiKeyScope): void {
  if (!ctx.principal)
    throw new CatalogError(
      'UNAUTHENTICATED',
      `This operation needs an API key with the "${scope}" scope: send "Authorization: Bearer <key>".`,
      { scope },
    );
  if (!ctx.principal.scopes.includes(scope))
    throw new CatalogError(
      'FORBIDDEN',
      `API key ${ctx.principal.prefix} lacks the "${scope}" scope (it has: ${ctx.principal.scopes.join(', ') || 'none'}).`,
      { scope },
    );
}

const JOB_STATES: Record<string, JobState> = {
  waiting: 'WAITING',
  prioritized: 'PRIORITIZED',
  delayed: 'DELAYED',
  active: 'ACTIVE',
  'waiting-children': 'WAITING_CHILDREN',
  completed: 'COMPLETED',
  failed: 'FAILED',
};

export const adminResolvers: Resolvers = {
  Mutation: {
    requestCrawl: (_parent, { input }, ctx) => {
      requireScope(ctx, 'crawl');
      return ctx.admin.requestCrawl({ hub: input.hub, full: input.full ?? false });
    },
    reclassify: (_parent, _args, ctx) => {
      requireScope(ctx, 'reclassify');
      return ctx.admin.reclassify();
    },
  },
  QueuedJob: {
    state: (job) => JOB_STATES[job.state] ?? 'UNKNOWN',
  },
  CrawlRun: {
    id: (run) => run.id.toString(),
    hub: (run) => run.hubId,
  },
};
