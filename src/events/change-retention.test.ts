import { describe, expect, it } from 'vitest';
import type { ChangePartition } from './change-partitions.repository.js';
import { monthStart, planRetention, retentionCutoff } from './change-retention.js';

const at = (iso: string) => new Date(iso);

/** A month partition `YYYY-MM` holding ids `minId..maxId` (none when omitted). */
function month(name: string, ids?: readonly [number, number]): ChangePartition {
  const from = at(`${name}-01T00:00:00Z`);
  return {
    name: `model_changes_${name.replace('-', '_')}`,
    from,
    to: monthStart(from, 1),
    minId: ids ? String(ids[0]) : null,
    maxId: ids ? String(ids[1]) : null,
  };
}

const DEFAULT: ChangePartition = { name: 'model_changes_default', from: null, to: null, minId: null, maxId: null };
const names = (plan: ReturnType<typeof planRetention>) => ({
  drop: plan.drop.map((p) => p.name),
  keep: plan.keep.map((k) => `${k.partition.name}:${k.reason}`),
});

describe('monthStart and retentionCutoff', () => {
  it.each([
    ['2026-12-07T06:00:00Z', 0, '2026-12-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 1, '2027-01-01T00:00:00.000Z'],
    ['2026-01-15T00:00:00Z', -1, '2025-12-01T00:00:00.000Z'],
    ['2026-03-01T00:00:00Z', -14, '2025-01-01T00:00:00.000Z'],
  ])('monthStart(%s, %i) is %s (UTC months)', (date, months, expected) => {
    expect(monthStart(at(date), months).toISOString()).toBe(expected);
  });

  it('keeps every change at least N months: the cutoff is the start of the month N months back', () => {
    expect(retentionCutoff(at('2026-12-07T06:00:00Z'), 12).toISOString()).toBe('2025-12-01T00:00:00.000Z');
    expect(retentionCutoff(at('2026-12-01T00:00:00Z'), 1).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('planRetention', () => {
  const cutoff = at('2025-12-01T00:00:00Z');
  const log = [
    month('2025-09', [1, 100]),
    month('2025-10', [101, 200]),
    month('2025-11', [201, 300]),
    month('2025-12', [301, 400]),
    month('2026-12', [401, 500]),
    month('2027-01'),
    DEFAULT,
  ];

  it('drops the months that ended by the cutoff, and nothing newer or the default partition', () => {
    expect(names(planRetention(log, cutoff, null))).toEqual({
      drop: ['model_changes_2025_09', 'model_changes_2025_10', 'model_changes_2025_11'],
      keep: [],
    });
  });

  it('keeps a month holding a change a consumer still needs, and every later one', () => {
    expect(names(planRetention(log, cutoff, '150'))).toEqual({
      drop: ['model_changes_2025_09'],
      keep: ['model_changes_2025_10:NEEDED', 'model_changes_2025_11:NEEDED'],
    });
    // Needed from the first id after a month: that month goes.
    expect(names(planRetention(log, cutoff, '201')).drop).toEqual(['model_changes_2025_09', 'model_changes_2025_10']);
  });

  it('drops empty expired months whatever is needed', () => {
    const withEmpty = [month('2025-08'), ...log];
    expect(names(planRetention(withEmpty, cutoff, '1')).drop).toEqual(['model_changes_2025_08']);
  });

  it('tolerates ids overlapping with the next month (transactions across midnight)', () => {
    const overlapping = [month('2025-10', [101, 205]), month('2025-11', [199, 300]), month('2025-12', [301, 400])];
    expect(names(planRetention(overlapping, cutoff, null)).drop).toEqual([
      'model_changes_2025_10',
      'model_changes_2025_11',
    ]);
  });

  it('keeps a month with changes recorded after later months (a backfill) until those are gone', () => {
    const backfilled = [month('2025-10', [101, 450]), month('2025-11', [201, 300]), month('2025-12', [301, 400])];
    expect(names(planRetention(backfilled, cutoff, null))).toEqual({
      drop: ['model_changes_2025_11'],
      keep: ['model_changes_2025_10:OUT_OF_ORDER'],
    });
    // Rows waiting in the default partition count as newer than every month.
    const waiting = [month('2025-10', [101, 200]), { ...DEFAULT, minId: '150', maxId: '160' }];
    expect(names(planRetention(waiting, cutoff, null)).keep).toEqual(['model_changes_2025_10:OUT_OF_ORDER']);
  });
});
