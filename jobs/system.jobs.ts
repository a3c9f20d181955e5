/** System jobs: the worker heartbeat that tells operators a worker is consuming the queues. */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { HEARTBEAT_EVERY_MS, heartbeatJob, heartbeatKey } from '../src/queue/contracts.js';
import { bindJob } from './registry.js';

export interface WorkerHeartbeat {
  readonly worker: string;
  readonly at: string;
}

export function systemJobs(deps: { redis: Redis; prefix: string; workerId?: string }) {
  const workerId = deps.workerId ?? `${hostname()}-${process.pid}`;
  return [
    bindJob(heartbeatJob, async () => {
      const beat: WorkerHeartbeat = { worker: workerId, at: new Date().toISOString() };
      // Expires after three missed beats, so a stale key means "no worker".
      await deps.redis.set(heartbeatKey(deps.prefix), JSON.stringify(beat), 'PX', HEARTBEAT_EVERY_MS * 3);
      return beat;
    }),
  ];
}
