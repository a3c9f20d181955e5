/**
 * Announcing committed change-log rows, as the write side sees it: whoever commits (worker, API,
 * CLI) publishes after the commit, never from inside a transaction. The log is the source of truth,
 * so an announcement that is lost delays a subscriber, it never loses a change. The Redis pub/sub
 * implementation is src/events/redis-change-publisher.ts.
 */
import type { CommittedChange } from './ingest.repository.js';

export interface ChangePublisher {
  publish(changes: readonly CommittedChange[]): Promise<void>;
}

/** For callers with nobody to tell (tests, one-off tools). */
export const silentPublisher: ChangePublisher = { publish: () => Promise.resolve() };
