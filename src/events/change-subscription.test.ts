import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_FILTER } from './change-filter.js';
import type { ChangeLog, ChangeLogHorizon, LoggedChange } from './change-log.repository.js';
import type { ChangeStream } from './change-stream.js';
import { ChangeSubscription } from './change-subscription.js';

const change = (id: number): LoggedChange => ({
  id: String(id),
  modelId: 'huggingface:org/model',
  kind: 'UPDATED',
  occurredAt: new Date('2026-01-01T00:00:00Z'),
  changedFields: [],
  before: null,
  after: null,
  crawlRunId: null,
  hubId: 'huggingface',
  author: 'org',
  licenseId: null,
  licenseCategory: null,
  opennessLevel: null,
});

/** A stream whose position is `seam`, with no live rows. */
const stream = (seam: string) =>
  ({ listen: () => ({ after: seam, close: () => undefined }) }) as unknown as ChangeStream;

/**
 * A log holding ids 1..`last`, whose horizon moves to `horizonAfter` (a month dropped) once
 * `dropAfterReads` pages have been read.
 */
function log(last: number, horizonAfter: ChangeLogHorizon, dropAfterReads: number) {
  let reads = 0;
  const fake = {
    read(afterId: string, _filter: unknown, limit: number, throughId: string | null) {
      reads++;
      const from = Math.max(Number(afterId), reads > dropAfterReads ? Number(horizonAfter.throughId) : 0) + 1;
      const to = Math.min(last, Number(throughId ?? last), from + limit - 1);
      return Promise.resolve(Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => change(from + i)));
    },
    horizon: () => Promise.resolve(reads > dropAfterReads ? horizonAfter : { throughId: '0', before: null }),
  };
  return fake as unknown as ChangeLog;
}

async function drain(subscription: ChangeSubscription): Promise<{ ids: string[]; error: GraphQLError | null }> {
  const ids: string[] = [];
  try {
    for (;;) {
      const next = await Promise.race([
        subscription.next(),
        new Promise<'idle'>((resolve) => setTimeout(() => resolve('idle'), 50)),
      ]);
      if (next === 'idle' || next.done) break;
      ids.push(next.value.id);
    }
    return { ids, error: null };
  } catch (error) {
    return { ids, error: error as GraphQLError };
  } finally {
    await subscription.return();
  }
}

describe('ChangeSubscription catch-up under retention', () => {
  const horizon = { throughId: '700', before: new Date('2025-12-01T00:00:00Z') };

  it('ends with CHANGES_EXPIRED when a month is dropped past its position while it catches up', async () => {
    const { ids, error } = await drain(
      new ChangeSubscription(stream('2000'), log(2000, horizon, 1), EMPTY_CHANGE_FILTER, '10'),
    );
    // The first page (11..510) was whole and is delivered; the second would have started at 701.
    expect(ids).toHaveLength(500);
    expect(ids.at(-1)).toBe('510');
    expect(error?.extensions).toMatchObject({
      code: 'CHANGES_EXPIRED',
      oldestCursor: '700',
      expiredBefore: '2025-12-01T00:00:00.000Z',
      argument: 'after',
    });
    expect(error?.message).toMatch(/Resync from `models`/);
  });

  it('catches up without a gap when the horizon stays below its position', async () => {
    const { ids, error } = await drain(
      new ChangeSubscription(stream('1200'), log(2000, horizon, 1), EMPTY_CHANGE_FILTER, '800'),
    );
    expect(error).toBeNull();
    expect(ids).toEqual(Array.from({ length: 400 }, (_, i) => String(801 + i)));
  });

  it('from "0", starts at the oldest change kept', async () => {
    const { ids, error } = await drain(
      new ChangeSubscription(stream('900'), log(900, horizon, 0), EMPTY_CHANGE_FILTER, '0'),
    );
    expect(error).toBeNull();
    expect(ids[0]).toBe('701');
    expect(ids.at(-1)).toBe('900');
  });
});
