/**
 * Announces committed change-log rows on Redis pub/sub (the ChangePublisher of
 * src/catalog/change-publisher.ts). A lost announcement delays a subscriber until it reads the log,
 * it never loses a change, so a publish failure is logged and swallowed.
 */
import type { Redis } from 'ioredis';
import type { ChangePublisher } from '../catalog/change-publisher.js';
import type { CommittedChange } from '../catalog/ingest.repository.js';
import type { Logger } from '../lib/logger.js';

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
