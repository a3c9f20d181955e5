/**
 * Announces committed change-log rows on Redis pub/sub. Called only after the commit (never from
 * inside a transaction), by whoever committed: worker, API or CLI. The log is the source of
 * truth: a lost announcement delays a subscriber until it reads the log, it never loses a change,
 * so a publish failure is logged and swallowed.
 */
import type { Redis } from 'ioredis';
import type { CommittedChange } from '../catalog/ingest.repository.js';
import type { Logger } from '../lib/logger.js';

export interface ChangePublisher {
  publish(changes: readonly CommittedChange[]): Promise<void>;
}

export const changesChannel = (prefix: string) => `${prefix}:changes`;

export class RedisChangePublisher implements ChangePublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async publish(changes: readonly CommittedChange[]): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.redis.publish(changesChannel(this.prefix), JSON.stringify({ changes }));
    } catch (error) {
      this.logger.warn(
        { err: error, count: changes.length },
        'could not announce changes; subscribers will catch up from the log',
      );
    }
  }
}

export const silentPublisher: ChangePublisher = { publish: () => Promise.resolve() };
