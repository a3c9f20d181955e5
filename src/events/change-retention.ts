/**
 * Change-log maintenance (docs/changes.md): the monthly partitions ahead of time, and retention.
 *
 * Each run (the worker's `change-log-maintenance` job, hourly and at start) creates the partitions
 * of this month and the next `monthsAhead`, and of every month that has rows waiting in the default
 * partition (moving them in). Then, with a retention of N months, it drops the partitions that
 * ended before the start of the month N months before this one (so every change is kept at least
 * N months), except:
 *
 * - a partition holding a change some consumer still needs: `neededFrom` is the smallest such id
 *   (webhooks' pending deliveries and dispatch position, src/webhooks/webhook.repository.ts).
 *   Subscriptions are not consumers here: they live as long as a connection, and one that resumes
 *   from an expired id is told so (CHANGES_EXPIRED);
 * - a partition holding an id above the smallest id of a partition at least a month newer (a
 *   change recorded long after it occurred, as a backfill would). Dropping it would move the
 *   horizon past most of the log; it waits until those newer months are gone too. Ids of adjacent
 *   months overlap by the few changes whose transactions spanned midnight, which does not block.
 *
 * The decision is `planRetention`, a pure function; the database work is the repository's.
 */
import type { Logger } from '../lib/logger.js';
import type { ChangeLogHorizon } from './change-log.repository.js';
import {
  isLockTimeout,
  type ChangePartition,
  type ChangePartitionRepository,
  type ExpiredPartition,
} from './change-partitions.repository.js';

/** The first instant of the UTC month `date` falls in, moved by `months`. */
export function monthStart(date: Date, months = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

/** Partitions that end at or before this instant are expired under a retention of `months`. */
export function retentionCutoff(now: Date, months: number): Date {
  return monthStart(now, -months);
}

/** Why an expired partition is kept. */
export type KeptReason =
  /** A consumer (a webhook) still needs one of its changes. */
  | 'NEEDED'
  /** It holds ids above changes of a partition at least a month newer. */
  | 'OUT_OF_ORDER';

export interface RetentionPlan {
  readonly drop: readonly ExpiredPartition[];
  readonly keep: readonly { readonly partition: ChangePartition; readonly reason: KeptReason }[];
}

/**
 * Which partitions to drop: those whose month ended by `cutoff`, whose changes nobody needs (every
 * id below `neededFrom`, when there is one), and whose ids are all below those of the partitions
 * that begin a month or more after theirs ends (and of the default partition).
 */
export function planRetention(
  partitions: readonly ChangePartition[],
  cutoff: Date,
  neededFrom: string | null,
): RetentionPlan {
  const drop: ExpiredPartition[] = [];
  const keep: { partition: ChangePartition; reason: KeptReason }[] = [];
  for (const partition of partitions) {
    const { from, to } = partition;
    if (from === null || to === null || to.getTime() > cutoff.getTime()) continue;
    if (partition.maxId === null) {
      drop.push({ name: partition.name, to, maxId: null });
      continue;
    }
    const maxId = BigInt(partition.maxId);
    if (neededFrom !== null && maxId >= BigInt(neededFrom)) {
      keep.push({ partition, reason: 'NEEDED' });
      continue;
    }
    const later = monthStart(to, 1).getTime();
    const overtaken = partitions.some(
      (other) =>
        other !== partition &&
        other.minId !== null &&
        (other.from === null || other.from.getTime() >= later) &&
        BigInt(other.minId) < maxId,
    );
    if (overtaken) keep.push({ partition, reason: 'OUT_OF_ORDER' });
    else drop.push({ name: partition.name, to, maxId: partition.maxId });
  }
  return { drop, keep };
}

export interface ChangeLogMaintenanceOptions {
  readonly partitions: ChangePartitionRepository;
  /** CHANGE_RETENTION_MONTHS: 0 keeps every change. */
  readonly retentionMonths: number;
  /** CHANGE_PARTITIONS_AHEAD: months created ahead of the current one. */
  readonly monthsAhead: number;
  /** The smallest change id a consumer still needs; null when none needs any. */
  readonly neededFrom: () => Promise<string | null>;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** What a run did. */
export interface MaintenanceReport {
  /** False when another run held the maintenance lock: this one did nothing. */
  readonly ran: boolean;
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  readonly kept: readonly { readonly name: string; readonly reason: KeptReason }[];
  /** Months whose partition could not be created or dropped within the lock timeout (tried next run). */
  readonly postponed: readonly string[];
  /** The horizon after the run, when it moved. */
  readonly horizon: ChangeLogHorizon | null;
}

const partitionName = (month: Date) =>
  `model_changes_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

export class ChangeLogMaintenance {
  constructor(private readonly options: ChangeLogMaintenanceOptions) {}

  async run(): Promise<MaintenanceReport> {
    const report = await this.options.partitions.withMaintenanceLock(() => this.runLocked());
    return report ?? { ran: false, created: [], dropped: [], kept: [], postponed: [], horizon: null };
  }

  private async runLocked(): Promise<MaintenanceReport> {
    const { partitions, logger, retentionMonths, monthsAhead } = this.options;
    const now = this.options.clock?.() ?? new Date();
    const created: string[] = [];
    const postponed: string[] = [];

    const ahead = Array.from({ length: monthsAhead + 1 }, (_, i) => monthStart(now, i));
    const months = new Map([...(await partitions.monthsInDefault()), ...ahead].map((m) => [m.getTime(), m]));
    for (const month of [...months.values()].sort((a, b) => a.getTime() - b.getTime())) {
      try {
        if (await partitions.ensurePartition(month)) created.push(partitionName(month));
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        postponed.push(partitionName(month));
      }
    }
    if (created.length > 0) logger.info({ partitions: created }, 'change-log partitions created');

    let dropped: readonly string[] = [];
    let kept: MaintenanceReport['kept'] = [];
    let horizon: ChangeLogHorizon | null = null;
    if (retentionMonths > 0) {
      const cutoff = retentionCutoff(now, retentionMonths);
      // Read before the partitions: a consumer's position only moves forward, so the partitions
      // read after it can only be more droppable than this says, never less.
      const neededFrom = await this.options.neededFrom();
      const plan = planRetention(await partitions.partitions(), cutoff, neededFrom);
      kept = plan.keep.map(({ partition, reason }) => ({ name: partition.name, reason }));
      for (const { partition, reason } of plan.keep) {
        logger.warn(
          { partition: partition.name, reason, maxId: partition.maxId, neededFrom, retentionMonths },
          reason === 'NEEDED'
            ? 'expired change-log partition kept: a webhook still needs its changes (pending deliveries or dispatch behind)'
            : 'expired change-log partition kept: it holds changes recorded after newer months',
        );
      }
      try {
        const result = await partitions.dropExpired(plan.drop);
        if (result) {
          dropped = result.dropped;
          horizon = result.horizon;
          logger.info({ partitions: dropped, horizon, retentionMonths }, 'expired change-log partitions dropped');
        } else if (plan.drop.length > 0) {
          postponed.push(...plan.drop.map((partition) => partition.name));
          logger.info({ partitions: plan.drop.map((p) => p.name) }, 'expired partitions changed meanwhile; next run');
        }
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        postponed.push(...plan.drop.map((partition) => partition.name));
      }
    }
    if (postponed.length > 0) {
      logger.warn({ partitions: postponed }, 'change-log maintenance postponed (locks busy); the next run tries again');
    }
    return { ran: true, created, dropped, kept, postponed, horizon };
  }
}
