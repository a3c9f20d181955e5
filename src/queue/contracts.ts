/**
 * Queues as contracts: each job names its queue, a zod payload (parsed when queued and again when
 * run), its default options and its job-id rule. Job ids come from natural keys so a retried or
 * duplicated enqueue is a no-op; BullMQ reserves `:` in keys, so ids never contain it.
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

export const QUEUE_NAMES = ['system'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobContract<Name extends string = string, Payload extends z.ZodType = z.ZodType> {
  readonly queue: QueueName;
  readonly name: Name;
  readonly payload: Payload;
  /** Natural-key job id; omitted means BullMQ assigns one (the job is not deduplicated). */
  readonly jobId?: (payload: z.infer<Payload>) => string;
  readonly options?: JobsOptions;
}

export function defineJob<Name extends string, Payload extends z.ZodType>(
  contract: JobContract<Name, Payload>,
): JobContract<Name, Payload> {
  return contract;
}

/** Make a natural key safe as a BullMQ job id. */
export function jobIdFrom(...parts: readonly (string | number)[]): string {
  return parts.map((part) => String(part).replace(/[:\s]+/g, '_')).join('__');
}

/**
 * The worker heartbeat: every worker process runs it on a schedule and records that it is alive,
 * so operators (and `/readyz`) can see whether any worker is consuming the queues.
 */
export const heartbeatJob = defineJob({
  queue: 'system',
  name: 'heartbeat',
  payload: z.object({}).strict(),
  options: { removeOnComplete: 10, removeOnFail: 50 },
});

export const JOB_CONTRACTS = [heartbeatJob] as const;
export type AnyJobContract = (typeof JOB_CONTRACTS)[number];

export const HEARTBEAT_SCHEDULER_ID = 'worker-heartbeat';
export const HEARTBEAT_EVERY_MS = 15_000;
export const heartbeatKey = (prefix: string) => `${prefix}:worker-heartbeat`;
