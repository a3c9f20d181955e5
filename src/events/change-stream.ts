/**
 * One API instance's view of the live change log. It follows the log itself, in id order, from
 * the newest id at start; Redis pub/sub (the writers' after-commit announcements) only tells it
 * when to look. So an instance never trusts pub/sub alone: an announcement that is lost, arrives
 * late or out of order, or names ids this instance has not read yet, all end the same way — the
 * next read from the log returns every row after the last one it delivered, gaps filled, each row
 * once. While pub/sub is healthy a slow timer is the safety net; while the subscriber connection
 * is down the instance polls the log quickly, and reads at once when the connection returns.
 *
 * Listeners are called synchronously with each batch, in id order, right after `position` moves
 * past it, so `listen()` can hand a new listener an exact seam: it will see every row with an id
 * above the position it was given, and none at or below it.
 */
import type { Redis } from 'ioredis';
import { dependencyOutage } from '../lib/dependencies.js';
import type { Logger } from '../lib/logger.js';
import { EMPTY_CHANGE_FILTER } from './change-filter.js';
import { subscribeWhenReady } from '../queue/redis.js';
import { changesChannel } from './redis-change-publisher.js';
import type { ChangeLog, LoggedChange } from './change-log.repository.js';

export type ChangeListener = (changes: readonly LoggedChange[]) => void;

const FAILURE_LOG_EVERY_MS = 10_000;

export interface ChangeStreamOptions {
  readonly log: ChangeLog;
  /** A connection for this stream alone (it enters subscriber mode). */
  readonly subscriber: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  /** Safety-net read interval while pub/sub is healthy. */
  readonly idlePollMs?: number;
  /** Read interval while the pub/sub connection is down. */
  readonly degradedPollMs?: number;
  /** Rows per read from the log. */
  readonly batchSize?: number;
  /** Runs once per batch read, before listeners see it (e.g. attach the models, once for all subscribers). */
  readonly enrich?: (changes: LoggedChange[]) => Promise<void>;
}

export class ChangeStream {
  /** Null until the newest id at start is known (Postgres may be down when the API starts). */
  private position: string | null = null;
  private readonly started: Promise<void>;
  private subscribed: Promise<void> = Promise.resolve();
  private markStarted: () => void = () => undefined;
  private readonly listeners = new Set<ChangeListener>();
  private reading: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pubSubHealthy = false;
  private stopped = false;
  /** Reads in a row that failed, and when the last was logged. */
  private failures = 0;
  private lastFailureLogged = 0;
  private readonly onMessage = () => this.wake();
  private readonly onReady = () => {
    if (!this.pubSubHealthy) this.options.logger.info('change announcements resumed; reading the log');
    this.pubSubHealthy = true;
    this.schedule();
    this.wake();
    // ioredis re-subscribes just after `ready`: read once more past that window.
    setTimeout(() => this.wake(), 250).unref();
  };
  private readonly onDown = () => {
    if (this.pubSubHealthy) this.options.logger.warn('change announcements lost; polling the log until they return');
    this.pubSubHealthy = false;
    this.schedule();
  };

  constructor(private readonly options: ChangeStreamOptions) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  /** The id of the last row delivered to listeners (null until the stream knows where the log ends). */
  get lastId(): string | null {
    return this.position;
  }

  /**
   * Resolves once the stream is subscribed to the announcements and has read the log past them
   * (or gave up subscribing, and polls): from then on it does nothing until a change is announced
   * or the safety-net timer fires. Tests wait for it before counting a request's statements.
   */
  following(): Promise<void> {
    return this.subscribed;
  }

  /** Resolves once the stream knows where the log ends and can hand out seams. */
  ready(): Promise<void> {
    return this.started;
  }

  get healthy(): boolean {
    return this.pubSubHealthy;
  }

  /**
   * Subscribe and start following. Does not wait for Redis or Postgres: while either is down the
   * stream keeps trying (a subscription asked for meanwhile waits in `ready()`).
   */
  start(): void {
    const { subscriber, prefix, logger } = this.options;
    subscriber.on('message', this.onMessage);
    subscriber.on('ready', this.onReady);
    subscriber.on('close', this.onDown);
    subscriber.on('end', this.onDown);
    this.subscribed = subscribeWhenReady(subscriber, changesChannel(prefix))
      // Announcements made before the SUBSCRIBE took effect are not coming: read past them.
      .then(async () => {
        this.wake();
        while (this.reading) await this.reading;
      })
      .catch((error: unknown) => {
        if (!this.stopped) logger.warn({ err: error }, 'could not subscribe to change announcements; polling the log');
      });
    this.pubSubHealthy = subscriber.status === 'ready';
    this.schedule();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
    const { subscriber } = this.options;
    subscriber.off('message', this.onMessage);
    subscriber.off('ready', this.onReady);
    subscriber.off('close', this.onDown);
    subscriber.off('end', this.onDown);
    await this.reading;
  }

  /**
   * Add a listener; returns the position it starts after (it will be called with every row whose
   * id is greater, and no other) and a function that removes it.
   */
  listen(listener: ChangeListener): { readonly after: string; readonly close: () => void } {
    if (this.position === null) throw new Error('ChangeStream.listen before ready()');
    this.listeners.add(listener);
    return { after: this.position, close: () => this.listeners.delete(listener) };
  }

  /** Read the log now (coalesced: one read at a time, one more if woken meanwhile). */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll()
      .then(() => {
        if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'reading the change log resumed');
        this.failures = 0;
      })
      .catch((error: unknown) => {
        // Postgres down: a line now and one every 10 s while it lasts, not one per retry.
        this.failures++;
        if (Date.now() - this.lastFailureLogged >= FAILURE_LOG_EVERY_MS) {
          this.lastFailureLogged = Date.now();
          this.options.logger.error(
            { err: error, failures: this.failures, outage: dependencyOutage(error) },
            'reading the change log failed; will retry',
          );
        }
        // Soon, not at the next safety-net tick: no announcement may come to wake the stream.
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = null;
          this.wake();
        }, this.options.degradedPollMs ?? 500).unref();
      })
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async readAll(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1_000;
    if (this.position === null) {
      // Live delivery starts at the end of the log as it is now; older rows are catch-up's.
      this.position = await this.options.log.latestId();
      this.markStarted();
      return;
    }
    for (;;) {
      const rows = await this.options.log.read(this.position, EMPTY_CHANGE_FILTER, batchSize);
      if (rows.length === 0 || this.stopped) return;
      await this.options.enrich?.(rows);
      if (this.stopped) return;
      // Position first, then the listeners, with no await between: listen() seams stay exact.
      this.position = (rows.at(-1) as LoggedChange).id;
      for (const listener of this.listeners) {
        try {
          listener(rows);
        } catch (error) {
          this.options.logger.error({ err: error }, 'a change listener failed');
        }
      }
      if (rows.length < batchSize) return;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const every = this.pubSubHealthy ? (this.options.idlePollMs ?? 5_000) : (this.options.degradedPollMs ?? 500);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
      this.schedule();
    }, every);
    this.timer.unref();
  }
}
