/**
 * Enqueuing deliveries: one job per delivery, its id the delivery's (`webhookDeliveryJob`), with
 * the configured attempts and exponential backoff. Adding a delivery whose job is still waiting,
 * delayed or running is a no-op, so the dispatcher, the start-up sweep and `enableWebhook` may all
 * enqueue the same pending delivery without sending it twice.
 */
import type { JobsOptions } from 'bullmq';
import type { WebhookConfig } from '../config/config.js';
import { webhookDeliveryJob } from '../queue/contracts.js';
import type { QueueProducer } from '../queue/producer.js';

export interface DueDelivery {
  readonly id: string;
  /** When it may be attempted; null or past means now. */
  readonly notBefore?: Date | null;
}

export class WebhookQueue {
  constructor(
    private readonly producer: QueueProducer,
    private readonly config: Pick<WebhookConfig, 'attempts' | 'backoffMs'>,
  ) {}

  /** The job options of every delivery (the contract's, plus attempts and backoff from the configuration). */
  get jobOptions(): JobsOptions {
    return {
      ...webhookDeliveryJob.options,
      attempts: this.config.attempts,
      backoff: { type: 'exponential', delay: this.config.backoffMs },
    };
  }

  async enqueue(deliveries: readonly DueDelivery[], now: Date = new Date()): Promise<void> {
    if (deliveries.length === 0) return;
    const jobs = deliveries.map((delivery) => {
      const data = webhookDeliveryJob.payload.parse({ deliveryId: delivery.id });
      const delay = delivery.notBefore ? Math.max(0, delivery.notBefore.getTime() - now.getTime()) : 0;
      return {
        name: webhookDeliveryJob.name,
        data,
        opts: { ...this.jobOptions, jobId: webhookDeliveryJob.jobId!(data), ...(delay > 0 ? { delay } : {}) },
      };
    });
    await this.producer.connected();
    await this.producer.queue(webhookDeliveryJob.queue).addBulk(jobs);
  }
}
