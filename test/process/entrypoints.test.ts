/**
 * The three entry points as a user runs them: real processes, real Postgres and Redis, signals.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { heartbeatKey } from '../../src/queue/contracts.js';
import { dropDatabase, scratchDatabaseUrl } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { runProcess, startNpmScript, startProcess, type RunningProcess } from '../helpers/processes.js';
import { HUB_IDS } from '../../src/config/hubs.js';

const running: RunningProcess[] = [];
afterEach(async () => {
  while (running.length) await running.pop()?.stop('SIGKILL');
});
const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    // No crawls from these processes: the hub is not reachable from tests.
    CRAWL_SCHEDULE: 'off',
    HF_ENDPOINT: 'http://127.0.0.1:9',
    ...extra,
  };
}

function start(entry: string, environment: Record<string, string>): RunningProcess {
  const child = startProcess(entry, environment);
  running.push(child);
  return child;
}

async function obliterate(prefix: string): Promise<void> {
  const queue = new Queue('system', { connection: redis, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.del(heartbeatKey(prefix));
}

describe('API process (src/main.ts)', () => {
  it('listens, answers /readyz 200, and stops within 10 s on SIGTERM with everything closed', async () => {
    const api = start('src/main.ts', env());
    const listening = await api.waitForLog((line) => line.msg === 'API listening');
    const { port } = listening['address'] as { port: number };

    const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(readyz.status).toBe(200);

    const { code, ms } = await api.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    const closed = api.lines.filter((line) => line.msg === 'closed').map((line) => line['step']);
    expect(closed).toEqual(['http', 'redis', 'postgres']);
    expect(api.lines.at(-1)?.msg).toBe('shutdown complete');
  });

  it('exits with code 2 and every configuration problem at once, starting nothing', async () => {
    const result = await runProcess('src/main.ts', env({ PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'http://x' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid configuration (3 problems)');
    expect(result.stderr).toContain('PORT: must be an integer');
    expect(result.stderr).toContain('LOG_LEVEL:');
    expect(result.stderr).toContain('REDIS_URL:');
    expect(result.stdout).toBe('');
  });

  it('keeps serving /healthz and logs retries while Redis is unreachable at start', async () => {
    const api = start('src/main.ts', env({ REDIS_URL: 'redis://127.0.0.1:1' }));
    const { port } = (await api.waitForLog((line) => line.msg === 'API listening'))['address'] as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(readyz.status).toBe(503);
    expect(((await readyz.json()) as { checks: { redis: { ok: boolean } } }).checks.redis.ok).toBe(false);
    const retry = await api.waitForLog((line) => line.msg === 'dependency check failed; retrying');
    expect(JSON.stringify(retry)).toContain('redis');
    expect((await api.stop('SIGTERM')).code).toBe(0);
  });
});

describe('the README commands: npm start and npm run worker', () => {
  it('start in production, become ready, and stop within 10 s when npm receives SIGTERM, leaving nothing running', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const pids: number[] = [];
    try {
      const api = startNpmScript('start', env({ QUEUE_PREFIX: prefix }));
      running.push(api);
      const worker = startNpmScript('worker', env({ QUEUE_PREFIX: prefix }));
      running.push(worker);
      const listening = await api.waitForLog((line) => line.msg === 'API listening');
      const { port } = listening['address'] as { port: number };
      // The README's production start: NODE_ENV defaults to production under npm start.
      expect(listening['env']).toBe('production');
      const workerReady = await worker.waitForLog((line) => line.msg === 'worker ready');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const apiPid = (await api.waitForLog((line) => line.msg === 'API listening'))['pid'] as number;
      const workerPid = workerReady['pid'] as number;
      pids.push(apiPid, workerPid);

      for (const [npm, pid] of [
        [api, apiPid],
        [worker, workerPid],
      ] as const) {
        const { code, ms } = await npm.stop('SIGTERM');
        expect(code).toBe(0);
        expect(ms).toBeLessThan(10_000);
        expect(npm.lines.at(-1)?.msg).toBe('shutdown complete');
        expect(isAlive(pid)).toBe(false);
      }
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
      await obliterate(prefix);
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('worker process (jobs/worker.ts)', () => {
  it('logs ready, beats its heartbeat through BullMQ, registers its schedules once however often it starts, and stops on SIGTERM', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    try {
      const first = start('jobs/worker.ts', env({ QUEUE_PREFIX: prefix }));
      await first.waitForLog((line) => line.msg === 'worker ready');
      const second = start('jobs/worker.ts', env({ QUEUE_PREFIX: prefix }));
      await second.waitForLog((line) => line.msg === 'worker ready');

      const beat = await expectEventually(async () => {
        const value = await redis.get(heartbeatKey(prefix));
        expect(value).not.toBeNull();
        return JSON.parse(value!) as { worker: string; at: string };
      });
      expect(Date.parse(beat.at)).toBeGreaterThan(Date.now() - 60_000);
      const status = await runProcess('src/cli/main.ts', env({ QUEUE_PREFIX: prefix }), ['worker-status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(beat.worker);
      const nobody = await runProcess('src/cli/main.ts', env({ QUEUE_PREFIX: `${prefix}-idle` }), ['worker-status']);
      expect(nobody.code).toBe(1);
      // The heartbeat and change-log maintenance, once each, however many workers started.
      const queue = new Queue('system', { connection: redis, prefix });
      expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key).sort()).toEqual([
        'change-log-maintenance',
        'worker-heartbeat',
      ]);
      await queue.close();

      for (const worker of [first, second]) {
        const { code, ms } = await worker.stop('SIGTERM');
        expect(code).toBe(0);
        expect(ms).toBeLessThan(10_000);
        expect(
          worker.lines.filter((line) => line.msg === 'closed').map((line) => line['step']),
          JSON.stringify(worker.lines),
        ).toEqual(['workers', 'queues', 'redis (producers)', 'redis (workers)', 'postgres']);
      }
    } finally {
      await obliterate(prefix);
    }
  });

  it('waits for Redis with logged retries instead of crashing, and still stops cleanly', async () => {
    const worker = start('jobs/worker.ts', env({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'never' }));
    const retry = await worker.waitForLog((line) => line.msg === 'dependency check failed; retrying');
    expect(JSON.stringify(retry)).toContain('redis');
    await worker.waitForLog((line) => line.msg === 'dependency check failed; retrying' && line['attempt'] === 2);
    expect(worker.child.exitCode).toBeNull();
    const { code, ms } = await worker.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('CLI (src/cli/main.ts)', () => {
  it('--help lists the subcommands', async () => {
    const result = await runProcess('src/cli/main.ts', env(), ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: catalog/);
    expect(result.stdout).toMatch(/^\s+migrate\b/m);
    expect(result.stdout).toMatch(/^\s+seed\b/m);
  });

  it('an unknown subcommand is a usage error (exit 2)', async () => {
    const result = await runProcess('src/cli/main.ts', env(), ['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('migrate creates and migrates a new database, then reports it up to date; seed is idempotent', async () => {
    const url = scratchDatabaseUrl('cli');
    try {
      const first = await runProcess('src/cli/main.ts', env({ DATABASE_URL: url }), ['migrate']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Applied \d+ migration\(s\)/);
      const second = await runProcess('src/cli/main.ts', env({ DATABASE_URL: url }), ['migrate']);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/is up to date/);
      for (let i = 0; i < 2; i++) {
        const seed = await runProcess('src/cli/main.ts', env({ DATABASE_URL: url }), ['seed']);
        expect(seed.code).toBe(0);
        expect(seed.stdout).toContain(`Seeded ${HUB_IDS.length} hub(s): ${HUB_IDS.join(', ')}`);
        // Every hub's hand-written records; the second run finds them all in place.
        for (const hub of HUB_IDS)
          expect(seed.stdout).toMatch(new RegExp(`^Seed snapshot, ${hub}: [1-9]\\d* hand-written`, 'm'));
        if (i === 1) expect(seed.stdout).not.toMatch(/\([1-9]\d* new\)/);
      }
    } finally {
      await dropDatabase(url);
    }
  });
});
