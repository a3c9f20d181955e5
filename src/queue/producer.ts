/** The producer side of the queues: one Queue per name on the producer connection. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { dependencyOutage } from '../lib/dependencies.js';
import type { Logger } from '../lib/logger.js';
import type { JobContract, QueueName } from './contracts.js';
import { whenRedisReady } from './redis.js';

/** How long an enqueue waits for a connection that is (re)connecting before it gives up. */
const CONNECT_WAIT_MS = 2_000;

export class QueueProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly logger?: Logger,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      // A Queue re-emits its connection's errors; unheard, BullMQ prints each one to stderr as a
      // stack (dozens a minute while Redis is down). The connection logs its outages itself.
      queue.on('error', (error) => {
        if (!dependencyOutage(error)) this.logger?.error({ queue: name, err: error }, 'queue error');
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Resolves once the connection is ready; throws (an outage, `RedisNotConnectedError`) when it is
   * not within `timeoutMs`. Producers fail fast: a Queue first used while Redis is down would
   * otherwise wait for its return, and so would the API request behind it.
   */
  async connected(timeoutMs = CONNECT_WAIT_MS): Promise<void> {
    await whenRedisReady(this.connection, timeoutMs);
  }

  /** Validate the payload against the contract and enqueue it under its natural-key id. */
  async enqueue<P extends z.ZodType>(contract: JobContract<string, P>, payload: z.input<P>) {
    await this.connected();
    const data = contract.payload.parse(payload);
    const jobId = contract.jobId?.(data);
    return this.queue(contract.queue).add(contract.name, data, {
      ...contract.options,
      ...(jobId === undefined ? {} : { jobId }),
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
