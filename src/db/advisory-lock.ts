/**
 * Session-level advisory locks for work that must not run twice at once across processes (two
 * crawl requests for the same hub and mode, say).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/**
 * Run `run` holding the advisory lock (`lockClass`, hashtext(`key`)) on a connection of its own.
 * The lock is tried, not waited for: a waiting session would hold a pool connection that the
 * holder's own queries may need. Tried again every 20–50 ms until `timeoutMs`, then an error.
 */
export async function withTryAdvisoryLock<T>(
  pool: pg.Pool,
  lockClass: number,
  key: string,
  run: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = await pool.connect();
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [lockClass, key],
      );
      locked = rows[0]?.locked === true;
      if (locked) return await run();
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lockClass, key]);
      client.release();
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the advisory lock ${key}`);
    await sleep(20 + Math.random() * 30);
  }
}
