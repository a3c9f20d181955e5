import type { Command } from 'commander';
import { heartbeatKey } from '../../queue/contracts.js';
import { closeRedis, createRedis, pingRedis } from '../../queue/redis.js';
import { cliContext } from '../context.js';

export function registerWorkerStatus(program: Command): void {
  program
    .command('worker-status')
    .description('Exit 0 when a worker has beaten its heartbeat recently (for container health checks)')
    .action(async () => {
      const { config, logger } = cliContext();
      const redis = createRedis(config.redis.url, 'client', logger);
      try {
        await pingRedis(redis);
        const beat = await redis.get(heartbeatKey(config.redis.queuePrefix));
        process.stdout.write(`${beat ?? 'no worker heartbeat'}\n`);
        process.exitCode = beat ? 0 : 1;
      } finally {
        await closeRedis(redis);
      }
    });
}
