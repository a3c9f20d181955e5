/**
 * One `modelChanged` subscription: catch-up from the log, then live rows from the instance's
 * ChangeStream, filtered, each change exactly once.
 *
 * The seam: the subscription starts listening first; `listen()` returns the stream position P at
 * that instant, and the listener receives exactly the rows above P. Catch-up reads the log for
 * `after < id ≤ P` (page by page), then the buffered live rows follow. Every row delivered moves
 * `lastId`, and nothing at or below `lastId` is delivered again — which also covers an `after`
 * beyond P (a client that saw rows through another, faster instance).
 *
 * Retention may drop a month of the log while catch-up reads it: after each page, the horizon is
 * read again, and a catch-up position it passed ends the subscription with CHANGES_EXPIRED (the
 * rows after that position are no longer all there) instead of skipping them.
 *
 * Written as an explicit AsyncIterator rather than an async generator: a generator suspended in
 * `await` (waiting for the next change) cannot run its `finally` when the client unsubscribes,
 * so its listener would leak until the next change arrived.
 */
import type { GraphQLError } from 'graphql';
import { CatalogError, toGraphQLError } from '../lib/errors.js';
import { matchesChange, type ChangeFilter } from './change-filter.js';
import { changesExpired, type ChangeLog, type LoggedChange } from './change-log.repository.js';
import type { ChangeStream } from './change-stream.js';

/** Undelivered live changes a subscriber may have before it is ended as too slow. */
export const MAX_PENDING_CHANGES = 10_000;
const CATCH_UP_PAGE = 500;

/** `a > b` for canonical decimal ids (no leading zeros): by length, then text — no BigInt per row. */
const greater = (a: string, b: string) => a.length > b.length || (a.length === b.length && a > b);

export class ChangeSubscription implements AsyncIterableIterator<LoggedChange> {
  private readonly live: LoggedChange[] = [];
  private catchUp: LoggedChange[] = [];
  /** Where catch-up reading continues; null once caught up. */
  private catchUpFrom: string | null;
  private readonly seam: string;
  private lastId: string;
  private waiting: ((result: IteratorResult<LoggedChange>) => void) | null = null;
  private failure: GraphQLError | null = null;
  private done = false;
  private readonly close: () => void;

  constructor(
    stream: ChangeStream,
    private readonly log: ChangeLog,
    private readonly filter: ChangeFilter,
    after: string | null,
    private readonly maxPending = MAX_PENDING_CHANGES,
  ) {
    const listening = stream.listen((rows) => this.onLive(rows));
    this.close = listening.close;
    this.seam = listening.after;
    this.lastId = after !== null && greater(after, this.seam) ? after : this.seam;
    this.catchUpFrom = after !== null && greater(this.seam, after) ? after : null;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<LoggedChange>> {
    if (this.done) return { done: true, value: undefined };
    if (this.failure) return this.fail();
    if (this.catchUpFrom !== null || this.catchUp.length > 0) {
      const change = await this.nextCaughtUp();
      if (change) return this.deliver(change);
      if (this.done) return { done: true, value: undefined };
      if (this.failure) return this.fail();
    }
    const change = this.live.shift();
    if (change) return this.deliver(change);
    if (this.failure) return this.fail();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LoggedChange>> {
    this.finish();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<LoggedChange>> {
    this.finish();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * The next change of the catch-up range, reading the log a page at a time; null when none is
   * left, or when the range fell behind the retention horizon (`failure` then says so).
   */
  private async nextCaughtUp(): Promise<LoggedChange | null> {
    while (this.catchUp.length === 0 && this.catchUpFrom !== null) {
      const from = this.catchUpFrom;
      const rows = await this.log.read(from, this.filter, CATCH_UP_PAGE, this.seam);
      // "0" reads from the oldest change kept, wherever the horizon is; any other position must
      // still be at or above it once the page is read.
      const horizon = from === '0' ? null : await this.log.horizon();
      if (this.done) return null;
      if (horizon && greater(horizon.throughId, from)) {
        this.failure = toGraphQLError(changesExpired(horizon, { argument: 'after', value: from }));
        return null;
      }
      this.catchUp = rows;
      this.catchUpFrom = rows.length < CATCH_UP_PAGE ? null : (rows.at(-1) as LoggedChange).id;
    }
    return this.catchUp.shift() ?? null;
  }

  private deliver(change: LoggedChange): IteratorResult<LoggedChange> {
    this.lastId = change.id;
    return { done: false, value: change };
  }

  private onLive(rows: readonly LoggedChange[]): void {
    if (this.done || this.failure) return;
    for (const row of rows) {
      if (!greater(row.id, this.lastId) || !matchesChange(this.filter, row)) continue;
      if (this.waiting && this.catchUpFrom === null && this.catchUp.length === 0) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(this.deliver(row));
        continue;
      }
      this.live.push(row);
    }
    if (this.live.length > this.maxPending) {
      this.live.length = 0;
      this.failure = toGraphQLError(
        new CatalogError(
          'SUBSCRIBER_TOO_SLOW',
          `this subscription fell more than ${this.maxPending} changes behind and was ended; resubscribe with \`after: "${this.lastId}"\` to continue where it stopped`,
          { lastDeliveredId: this.lastId },
        ),
      );
      // No consumer can be waiting here: a waiting consumer takes each row as it comes, so the
      // buffer only grows while it is busy elsewhere (catch-up, or a slow socket); its next
      // `next()` receives the failure.
    }
  }

  private fail(): Promise<IteratorResult<LoggedChange>> {
    const failure = this.failure as GraphQLError;
    this.finish();
    return Promise.reject(failure);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.close();
    this.live.length = 0;
    this.catchUp = [];
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ done: true, value: undefined });
  }
}
