/** The producer side of the queues: one Queue per name on the producer connection. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { JobContract, QueueName } from './contracts.js';

export class QueueProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Validate the payload against the contract and enqueue it under its natural-key id. */
  async enqueue<P extends z.ZodType>(contract: JobContract<string, P>, payload: z.input<P>) {
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
