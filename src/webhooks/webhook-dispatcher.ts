/**
 * Webhook dispatch: follows the change log from a durable cursor and turns each batch of new rows
 * into deliveries, one per webhook whose filter matches (split when a batch holds many of its
 * changes), then queues one job per delivery.
 *
 * Crash safety: the deliveries of a batch and the cursor past it commit in ONE transaction, so a
 * crash before the commit creates nothing and the batch is read again, and a crash after it has
 * the deliveries on record: jobs are queued after the commit, and a delivery whose job was never
 * queued (or was lost with Redis) is queued again by `requeuePending` (at start, then
 * periodically), which BullMQ's job-id dedupe makes idempotent.
 *
 * One dispatcher at a time: a batch holds the cursor row's lock (FOR UPDATE) until it commits, so
 * worker processes take turns, and webhook creation takes the same row's lock (FOR SHARE) to read
 * the log's head, so a webhook is either seen by a batch or created after it (never a change lost
 * between the two). Within a process, `wake` is single-flight: a wake during a run asks for one
 * more pass, so no announcement is dropped.
 *
 * Woken by the change announcements on Redis (its own subscriber connection) and by a timer: an
 * announcement may be lost, the log cannot, so the timer is the guarantee and pub/sub the speed.
 *
 * Outages: a failed run (Postgres down) is tried again within a second or two, not at the next
 * tick. Deliveries that could not be queued (Redis down), and every pending delivery once Redis is
 * back (a restarted Redis may have lost their jobs), are queued again by the next run
 * (`requeueAfterOutage`), so they go out seconds after Redis returns, not at the overdue sweep.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { matchesChange, parseChangeFilter, type ChangeFilter } from '../events/change-filter.js';
import { changesChannel } from '../events/redis-change-publisher.js';
import type { Logger } from '../lib/logger.js';
import { backoffDelay } from '../lib/retry.js';
import { subscribeWhenReady } from '../queue/redis.js';
import type { DueDelivery, WebhookQueue } from './webhook-queue.js';
import { WebhookRepository, type ActiveWebhook, type CreatedDelivery } from './webhook.repository.js';

/** The statement that creates the cursor row when it is missing (see the repository). */
export { ENSURE_CURSOR } from './webhook.repository.js';

/** Change-log rows read per batch (one transaction each). */
export const DISPATCH_BATCH_SIZE = 500;
/** At most this many changes in one delivery body; more matching changes make more deliveries. */
export const MAX_CHANGES_PER_DELIVERY = 100;
/** Pending deliveries this much past due are queued again by the periodic sweep (their job was lost). */
export const OVERDUE_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;
const SWEEP_PAGE = 1_000;
/** After a failed run, the next one comes this soon (doubling, jittered, to the cap). */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2_000;
/** While runs keep failing, one log line this often. */
const FAILURE_LOG_EVERY_MS = 10_000;

export interface DispatchResult {
  /** Change-log rows read. */
  readonly read: number;
  /** Deliveries created. */
  readonly created: number;
}

export interface WebhookDispatcherDeps {
  readonly pool: pg.Pool;
  readonly queue: WebhookQueue;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Instrumentation seam (tests): runs after the deliveries are written, just before COMMIT. */
  readonly beforeCommit?: () => Promise<void>;
}

export class WebhookDispatcher {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  private subscriber: Redis | undefined;
  /** Set when deliveries may be missing from the queue (an enqueue failed, Redis came back). */
  private requeueAll = false;
  private failures = 0;
  private lastFailureLogged = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly repository: WebhookRepository;

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.repository = new WebhookRepository(deps.pool);
  }

  /**
   * Start following the log: queue deliveries left pending by an earlier process, subscribe to
   * the announcements on `subscriber` (a connection of its own: subscribing takes it over), and
   * wake every `everyMs` as the safety net.
   */
  async start(options: { subscriber: Redis; prefix: string; everyMs: number }): Promise<void> {
    await this.requeuePending();
    this.lastSweep = Date.now();
    this.subscriber = options.subscriber;
    this.subscriber.on('message', () => this.wakeAndLog());
    // After a reconnect, announcements made meanwhile are gone, and a restarted Redis may have
    // lost queued deliveries: read the log, and queue every pending delivery again.
    let connectedBefore = this.subscriber.status === 'ready';
    this.subscriber.on('ready', () => {
      if (connectedBefore) this.requeueAfterOutage();
      else this.wakeAndLog();
      connectedBefore = true;
    });
    await subscribeWhenReady(this.subscriber, changesChannel(options.prefix));
    this.timer = setInterval(() => {
      this.wakeAndLog();
      if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
        this.lastSweep = Date.now();
        this.requeuePending(OVERDUE_AFTER_MS).catch((error: unknown) =>
          this.deps.logger.warn({ err: error }, 'could not re-queue pending webhook deliveries'),
        );
      }
    }, options.everyMs);
    this.wakeAndLog();
  }

  /**
   * Queue every pending delivery again in the next run, and run now: for when Redis returns
   * (idempotent: a delivery whose job still exists is not queued twice).
   */
  requeueAfterOutage(): void {
    this.requeueAll = true;
    this.wakeAndLog();
  }

  /** Stop waking, and wait for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    if (this.subscriber && this.subscriber.status === 'ready') {
      await this.subscriber.unsubscribe().catch(() => undefined);
    }
    await this.running?.catch(() => undefined);
  }

  /**
   * Dispatch everything committed so far. Calls during a run share it and make it read once more
   * when it ends (the change that woke them may have committed after its last read).
   */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          // Asked for before this pass (an enqueue failed in an earlier one, or Redis came back).
          const requeue = this.requeueAll;
          while (!this.stopped) {
            const { read } = await this.dispatchBatch();
            if (read < (this.deps.batchSize ?? DISPATCH_BATCH_SIZE)) break;
          }
          if (requeue && !this.stopped) await this.requeueAllPending();
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }

  /** Queue every pending delivery; if Redis still refuses, ask for it again, and for a run soon. */
  private async requeueAllPending(): Promise<void> {
    this.requeueAll = false;
    try {
      await this.requeuePending();
    } catch (error) {
      this.requeueAll = true;
      this.logFailure(error, 'could not queue the pending webhook deliveries; retrying shortly');
      this.retrySoon();
    }
  }

  private wakeAndLog(): void {
    if (this.stopped) return;
    this.wake().then(
      () => {
        if (this.failures > 0) this.deps.logger.info({ failures: this.failures }, 'webhook dispatch resumed');
        this.failures = 0;
        // An enqueue failed in this run: the next one, soon, queues them again.
        if (this.requeueAll) this.retrySoon();
      },
      (error: unknown) => {
        this.failures++;
        this.logFailure(error, 'webhook dispatch failed; retrying shortly');
        this.retrySoon();
      },
    );
  }

  /** While an outage lasts: a line now, then one every 10 s. */
  private logFailure(error: unknown, message: string): void {
    const now = Date.now();
    if (now - this.lastFailureLogged < FAILURE_LOG_EVERY_MS) return;
    this.lastFailureLogged = now;
    this.deps.logger.warn({ err: error, failures: this.failures }, message);
  }

  /**
   * Another run soon, not at the next tick: nothing else may wake the dispatcher when the outage
   * ends. Only once started (a dispatcher driven by `wake()` calls runs nothing by itself).
   */
  private retrySoon(): void {
    if (this.stopped || this.timer === undefined || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.wakeAndLog();
      },
      backoffDelay(Math.max(1, this.failures), RETRY_FIRST_MS, RETRY_MAX_MS),
    );
    this.retryTimer.unref();
  }

  /** One batch: read rows past the cursor, create their deliveries, advance the cursor, commit; then queue. */
  async dispatchBatch(): Promise<DispatchResult> {
    const { logger } = this.deps;
    const { repository } = this;
    const batchSize = this.deps.batchSize ?? DISPATCH_BATCH_SIZE;
    const batch = await repository.transaction(async (tx) => {
      // Held until COMMIT: worker processes take turns, and webhook creation waits for this batch.
      const cursor = await repository.lockCursor(tx);
      // Read under that lock, so every webhook created before this batch is visible.
      const webhooks = await repository.listDispatchedWebhooks(tx);
      if (webhooks.length === 0) {
        // Nobody to deliver to: skip straight to the head instead of reading the log in batches.
        await repository.advanceCursorToHead(tx);
        return null;
      }
      const changes = await repository.readChangesAfter(tx, cursor, batchSize);
      if (changes.length === 0) return null;
      const planned: { webhook_id: string; change_ids: string[]; enabled: boolean }[] = [];
      for (const webhook of webhooks) {
        const filter = this.filterOf(webhook);
        if (!filter) continue;
        const after = BigInt(webhook.after_change_id);
        const ids = changes.filter((c) => BigInt(c.id) > after && matchesChange(filter, c)).map((c) => c.id);
        for (let i = 0; i < ids.length; i += MAX_CHANGES_PER_DELIVERY) {
          planned.push({
            webhook_id: webhook.id,
            change_ids: ids.slice(i, i + MAX_CHANGES_PER_DELIVERY),
            enabled: webhook.enabled,
          });
        }
      }
      let created: CreatedDelivery[] = [];
      // Deliveries of a disabled webhook are recorded too: they wait for it to be enabled again.
      if (planned.length > 0) created = await repository.insertDeliveries(tx, planned);
      const last = changes.at(-1)!.id;
      await repository.advanceCursor(tx, last);
      await this.deps.beforeCommit?.();
      return { webhooks, read: changes.length, created, last };
    });
    if (batch === null) return { read: 0, created: 0 };
    const { webhooks, read, created, last } = batch;
    const enabled = new Set(webhooks.filter((w) => w.enabled).map((w) => w.id));
    const toQueue: DueDelivery[] = created.filter((d) => enabled.has(d.webhook_id)).map((d) => ({ id: d.id }));
    if (created.length > 0)
      logger.debug({ through: last, read, deliveries: created.length }, 'webhook deliveries created');
    await this.deps.queue.enqueue(toQueue).catch((error: unknown) => {
      // On record: the next run queues them again (and every later one, until Redis answers).
      this.requeueAll = true;
      logger.warn({ err: error, deliveries: toQueue.length }, 'could not queue webhook deliveries; they stay pending');
    });
    return { read, created: created.length };
  }

  /**
   * Queue the pending deliveries of enabled webhooks again (a no-op for those whose job exists),
   * each not before its next attempt is due. With `overdueMs`, only those due that long ago: a
   * job that should have run by then was lost.
   */
  async requeuePending(overdueMs: number | null = null): Promise<number> {
    let after = '0';
    let queued = 0;
    for (;;) {
      const rows = await this.repository.pendingDeliveriesPage(after, overdueMs, SWEEP_PAGE);
      await this.deps.queue.enqueue(rows.map((row) => ({ id: row.id, notBefore: row.next_attempt_at })));
      queued += rows.length;
      if (rows.length < SWEEP_PAGE) break;
      after = rows.at(-1)!.id;
    }
    if (queued > 0) this.deps.logger.info({ deliveries: queued }, 'pending webhook deliveries queued');
    return queued;
  }

  /** A stored filter that no longer parses (an enum value gone, say) matches nothing, loudly. */
  private filterOf(webhook: ActiveWebhook): ChangeFilter | null {
    try {
      return parseChangeFilter(webhook.filter);
    } catch (error) {
      this.deps.logger.error({ err: error, webhookId: webhook.id }, 'stored webhook filter is invalid; skipping it');
      return null;
    }
  }
}
