/** Webhook deliveries: one job per delivery, one HTTP attempt per run (src/webhooks/webhook-delivery.service.ts). */
import { DelayedError } from 'bullmq';
import type { Logger } from '../src/lib/logger.js';
import type { WorkerMetrics } from '../src/lib/metrics-worker.js';
import { webhookDeliveryJob } from '../src/queue/contracts.js';
import type { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service.js';
import { bindJob } from './registry.js';

/** How long a job deferred by the per-webhook limit waits before it is tried again (plus jitter). */
const DEFER_MS = 250;

/** A failed attempt that will be retried: failing the job is how BullMQ schedules the retry. */
export class WebhookAttemptFailed extends Error {
  override readonly name = 'WebhookAttemptFailed';
}

export function webhookJobs(deps: {
  webhookDeliveries: WebhookDeliveryService;
  logger: Logger;
  metrics?: WorkerMetrics | undefined;
}) {
  return [
    bindJob(webhookDeliveryJob, async (payload, job) => {
      const outcome = await deps.webhookDeliveries.deliver(payload.deliveryId, {
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
      });
      deps.metrics?.webhookDelivery(outcome.kind);
      switch (outcome.kind) {
        case 'RETRY':
          throw new WebhookAttemptFailed(`${outcome.error}; next attempt at ${outcome.nextAttemptAt.toISOString()}`);
        case 'DEFERRED':
          // Out of the slot without using up an attempt: other webhooks go first.
          await job.moveToDelayed(Date.now() + DEFER_MS + Math.floor(Math.random() * DEFER_MS), job.token);
          throw new DelayedError();
        case 'UNAVAILABLE':
          // Postgres is down: back in a moment, without using up an attempt (a failed job would
          // wait out exponential backoff, minutes, after Postgres is back).
          await job.moveToDelayed(Date.now() + outcome.retryInMs, job.token);
          throw new DelayedError();
        case 'DELIVERED':
        case 'FAILED':
        case 'HELD':
        case 'SKIPPED':
          return outcome;
      }
    }),
  ];
}
