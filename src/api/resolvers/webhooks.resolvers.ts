/**
 * Webhooks (schema/webhooks.graphql): every field needs an API key with the `webhooks` scope, and
 * acts on that key's own webhooks only (src/webhooks/webhook.service.ts).
 */
import type { ApiKeyPrincipal } from '../../auth/authenticator.js';
import { parseChangeFilter } from '../../events/change-filter.js';
import type { ApiContext } from '../context.js';
import { CatalogError } from '../../lib/errors.js';
import type { Resolvers } from '../generated/graphql.js';

const SCOPE = 'webhooks';

/** The caller's key: UNAUTHENTICATED without one, FORBIDDEN when it lacks the scope (as the admin mutations). */
function owner(ctx: ApiContext): ApiKeyPrincipal {
  if (!ctx.principal)
    throw new CatalogError(
      'UNAUTHENTICATED',
      `This operation needs an API key with the "${SCOPE}" scope: send "Authorization: Bearer <key>".`,
      { scope: SCOPE },
    );
  if (!ctx.principal.scopes.includes(SCOPE))
    throw new CatalogError(
      'FORBIDDEN',
      `API key ${ctx.principal.prefix} lacks the "${SCOPE}" scope (it has: ${ctx.principal.scopes.join(', ') || 'none'}).`,
      { scope: SCOPE },
    );
  return ctx.principal;
}

export const webhookResolvers: Resolvers = {
  Query: {
    webhooks: (_parent, _args, ctx) => ctx.webhooks.list(owner(ctx)),
    webhook: (_parent, { id }, ctx) => ctx.webhooks.find(owner(ctx), id),
    webhookDeliveries: (_parent, { webhookId, first, after }, ctx) =>
      ctx.webhooks.deliveries(owner(ctx), webhookId, { first, after }),
  },
  Mutation: {
    createWebhook: (_parent, { input }, ctx) => ctx.webhooks.create(owner(ctx), input),
    updateWebhook: (_parent, { id, input }, ctx) => ctx.webhooks.update(owner(ctx), id, input),
    enableWebhook: (_parent, { id }, ctx) => ctx.webhooks.enable(owner(ctx), id),
    deleteWebhook: (_parent, { id }, ctx) => ctx.webhooks.delete(owner(ctx), id),
  },
  Webhook: {
    id: (webhook) => webhook.id.toString(),
    // Stored by createWebhook / updateWebhook from a parsed filter, so it parses again.
    filter: (webhook) => parseChangeFilter(webhook.filter),
    pendingDeliveries: (webhook, _args, ctx) => ctx.webhooks.pendingDeliveries(webhook),
  },
  WebhookDelivery: {
    id: (delivery) => delivery.id.toString(),
    webhookId: (delivery) => delivery.webhookId.toString(),
    changeIds: (delivery) => delivery.changeIds.map((id) => id.toString()),
    attemptCount: (delivery) => delivery.attempts,
    attempts: (delivery) => delivery.attemptRecords,
  },
  WebhookDeliveryConnection: {
    nodes: (connection) => connection.edges.map((edge) => edge.node),
    totalCount: (connection) => connection.totalCount(),
  },
};
