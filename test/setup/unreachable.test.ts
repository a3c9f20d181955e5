/**
 * The integration suite must fail at once, naming the URL it tried, when Postgres or Redis is not
 * reachable. Runs vitest itself on one small file with a dead URL.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

async function runSuiteWith(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      'integration',
      'test/queue/queue.test.ts',
    ],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('integration setup with a dependency down', () => {
  it('fails naming the Postgres URL it tried', async () => {
    const { code, output } = await runSuiteWith({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/catalog',
      REDIS_URL: inject('redisUrl'),
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'Integration tests need PostgreSQL, which is not reachable at postgresql://postgres@127.0.0.1:1/postgres',
    );
  });

  it('fails naming the Redis URL it tried', async () => {
    const { code, output } = await runSuiteWith({
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(code).not.toBe(0);
    expect(output).toContain('Integration tests need Redis, which is not reachable at redis://127.0.0.1:1');
  });
});
