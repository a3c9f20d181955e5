import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, JOB_CONTRACTS, jobIdFrom } from '../src/queue/contracts.js';
import { bindJob, checkRegistry } from './registry.js';
import { systemJobs } from './system.jobs.js';

const extra = defineJob({ queue: 'system', name: 'extra', payload: z.object({ n: z.number() }) });

describe('checkRegistry', () => {
  it('accepts the worker’s real handlers for every contract', () => {
    const bound = systemJobs({ redis: {} as never, prefix: 'p', workerId: 'w' });
    expect(() => checkRegistry(JOB_CONTRACTS, bound)).not.toThrow();
  });

  it('fails boot when a contract has no handler', () => {
    expect(() => checkRegistry([...JOB_CONTRACTS, extra], systemJobs({ redis: {} as never, prefix: 'p' }))).toThrow(
      'no handler for system/extra',
    );
  });

  it('fails boot when a handler has no contract', () => {
    const bound = [...systemJobs({ redis: {} as never, prefix: 'p' }), bindJob(extra, () => Promise.resolve())];
    expect(() => checkRegistry(JOB_CONTRACTS, bound)).toThrow('no contract for system/extra');
  });
});

describe('jobIdFrom', () => {
  it('joins natural keys without the ":" BullMQ reserves', () => {
    expect(jobIdFrom('crawl', 'huggingface:org/model', 7)).toBe('crawl__huggingface_org/model__7');
  });
});
