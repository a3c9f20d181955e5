/** Queue contracts against the real Redis: unique prefix per test, obliterated afterwards. */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { z, ZodError } from 'zod';
import { bindJob, startWorkers } from '../../jobs/registry.js';
import { systemJobs } from '../../jobs/system.jobs.js';
import { defineJob, heartbeatJob, heartbeatKey, jobIdFrom } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { silentLogger } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';

const echoJob = defineJob({
  queue: 'system',
  name: 'echo',
  payload: z.object({ key: z.string().min(1), n: z.number().int() }),
  jobId: (payload) => jobIdFrom('echo', payload.key),
  options: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
});

const workerConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
const producerConnection = new Redis(inject('redisUrl'));
let prefix: string;
let producer: QueueProducer;
let workers: Worker[] = [];

beforeEach(() => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
  producer = new QueueProducer(producerConnection, prefix);
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  workers = [];
  await producer.queue('system').obliterate({ force: true });
  await producer.close();
  await producerConnection.del(heartbeatKey(prefix));
});
afterAll(async () => {
  await workerConnection.quit();
  await producerConnection.quit();
});

describe('queue contracts', () => {
  it('rejects an invalid payload when it is queued, before it reaches Redis', async () => {
    await expect(producer.enqueue(echoJob, { key: '', n: 1.5 })).rejects.toBeInstanceOf(ZodError);
    expect(await producer.queue('system').count()).toBe(0);
  });

  it('deduplicates jobs by their natural-key id', async () => {
    const first = await producer.enqueue(echoJob, { key: 'a', n: 1 });
    const again = await producer.enqueue(echoJob, { key: 'a', n: 2 });
    expect(first.id).toBe('echo__a');
    expect(again.id).toBe(first.id);
    expect(await producer.queue('system').getWaitingCount()).toBe(1);
  });

  it('runs a job through its handler, parsing the payload again on the way in', async () => {
    const seen: unknown[] = [];
    workers = startWorkers({
      bound: [bindJob(echoJob, (payload) => Promise.resolve(seen.push(payload)))],
      connection: workerConnection,
      prefix,
      concurrency: 1,
      logger: silentLogger,
    });
    await producer.enqueue(echoJob, { key: 'b', n: 7 });
    await expectEventually(() => expect(seen).toEqual([{ key: 'b', n: 7 }]));
  });

  it('fails a job with a payload that does not match its contract without retrying it', async () => {
    let calls = 0;
    workers = startWorkers({
      bound: [bindJob(echoJob, () => Promise.resolve(++calls))],
      connection: workerConnection,
      prefix,
      concurrency: 1,
      logger: silentLogger,
    });
    // A foreign producer that skipped validation.
    await producer.queue('system').add('echo', { key: 'c', n: 'seven' }, { jobId: 'echo__c', attempts: 3 });
    const failed = await expectEventually(async () => {
      const [job] = await producer.queue('system').getFailed();
      expect(job).toBeDefined();
      return job!;
    });
    expect(failed.failedReason).toContain('invalid echo payload');
    expect(failed.attemptsMade).toBe(1);
    expect(calls).toBe(0);
  });

  it('the heartbeat job records which worker is alive, with an expiry', async () => {
    workers = startWorkers({
      bound: systemJobs({ redis: producerConnection, prefix, workerId: 'worker-under-test' }),
      connection: workerConnection,
      prefix,
      concurrency: 1,
      logger: silentLogger,
    });
    await producer.enqueue(heartbeatJob, {});
    const beat = await expectEventually(async () => {
      const value = await producerConnection.get(heartbeatKey(prefix));
      expect(value).not.toBeNull();
      return JSON.parse(value!) as { worker: string };
    });
    expect(beat.worker).toBe('worker-under-test');
    expect(await producerConnection.pttl(heartbeatKey(prefix))).toBeGreaterThan(0);
  });
});
