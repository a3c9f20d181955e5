/**
 * Readiness: the API can serve when Postgres and Redis answer and every migration is applied.
 * Each check has its own timeout so `/readyz` answers quickly and names what is down.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { pendingMigrations } from '../db/migrate.js';
import { heartbeatKey } from '../queue/contracts.js';
import { pingRedis } from '../queue/redis.js';

export interface CheckResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly pending?: readonly string[];
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly postgres: CheckResult; readonly redis: CheckResult; readonly migrations: CheckResult };
  /** Informational: the last worker heartbeat, or null when no worker has beaten recently. */
  readonly worker: { readonly lastHeartbeat: unknown } | null;
}

export interface ReadinessDeps {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly migrationsDir: string;
  readonly queuePrefix: string;
  readonly timeoutMs?: number;
}

async function timed(run: () => Promise<Partial<CheckResult> | void>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const extra = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ...extra, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function createReadinessCheck(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  // Once every migration is applied it stays applied; stop re-reading the directory then.
  let migrationsApplied = false;

  return async () => {
    const [postgres, redis, migrations] = await Promise.all([
      timed(async () => {
        await deps.pool.query('SELECT 1');
      }, timeoutMs),
      timed(async () => {
        await pingRedis(deps.redis, timeoutMs);
      }, timeoutMs),
      timed(async () => {
        if (migrationsApplied) return { pending: [] };
        const pending = await pendingMigrations(deps.pool, deps.migrationsDir);
        migrationsApplied = pending.length === 0;
        return migrationsApplied
          ? { pending }
          : { ok: false, pending, error: `${pending.length} migration(s) not applied: run \`npx catalog migrate\`` };
      }, timeoutMs),
    ]);
    let worker: Readiness['worker'] = null;
    if (redis.ok) {
      const beat = await deps.redis.get(heartbeatKey(deps.queuePrefix)).catch(() => null);
      worker = beat ? { lastHeartbeat: JSON.parse(beat) as unknown } : null;
    }
    return { ready: postgres.ok && redis.ok && migrations.ok, checks: { postgres, redis, migrations }, worker };
  };
}
