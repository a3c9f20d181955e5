import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, heartbeatJob, JOB_CONTRACTS, jobIdFrom } from '../src/queue/contracts.js';
import { bindJob, checkRegistry } from './registry.js';
import { workerJobs } from './all.jobs.js';
import { systemJobs } from './system.jobs.js';

const extra = defineJob({ queue: 'system', name: 'extra', payload: z.object({ n: z.number() }) });

describe('checkRegistry', () => {
  it('accepts the worker’s real handlers for every contract', () => {
    // The same list the worker registers (services unused: handlers are not run here).
    const bound = workerJobs({
      redis: {} as never,
      prefix: 'p',
      crawl: {} as never,
      reclassify: {} as never,
      producer: {} as never,
      logger: {} as never,
      webhookDeliveries: {} as never,
      changeLogMaintenance: {} as never,
    });
    expect(() => checkRegistry(JOB_CONTRACTS, bound)).not.toThrow();
  });

  it('fails boot when a contract has no handler', () => {
    expect(() => checkRegistry([heartbeatJob, extra], systemJobs({ redis: {} as never, prefix: 'p' }))).toThrow(
      'no handler for system/extra',
    );
  });

  it('fails boot when a handler has no contract', () => {
    const bound = [...systemJobs({ redis: {} as never, prefix: 'p' }), bindJob(extra, () => Promise.resolve())];
    expect(() => checkRegistry([heartbeatJob], bound)).toThrow('no contract for system/extra');
  });
});

describe('jobIdFrom', () => {
  it('joins natural keys without the ":" BullMQ reserves', () => {
    expect(jobIdFrom('crawl', 'huggingface:org/model', 7)).toBe('crawl__huggingface_org/model__7');
  });
});
