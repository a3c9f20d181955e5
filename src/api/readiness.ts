/**
 * Readiness: the API can serve when Postgres (and its read replica, when one is configured) and
 * Redis answer and every migration is applied.
 * Each check has its own timeout so `/readyz` answers quickly and names what is down. What it
 * says about a failed check is for anyone who can reach `/readyz`: without `exposeDetails`
 * (production), a short reason ("unreachable", "no answer within 2000 ms"), never the driver's
 * message with its host and port.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { pingDatabase } from '../db/database.js';
import { pendingMigrations } from '../db/migrate.js';
import { dependencyOutage, type CheckResult, type Readiness } from '../lib/dependencies.js';
import { heartbeatKey } from '../queue/contracts.js';
import { pingRedis } from '../queue/redis.js';

export interface ReadinessDeps {
  readonly pool: pg.Pool;
  /**
   * The read replica's pool (DATABASE_READ_URL), checked as `replica`: the catalog's reads fail
   * while it is down, so the instance is not ready (docs/replicas.md).
   */
  readonly replicaPool?: pg.Pool | null;
  readonly redis: Redis;
  readonly migrationsDir: string;
  readonly queuePrefix: string;
  readonly timeoutMs?: number;
  /** Report a failed check with the driver's message (development); default: a short reason only. */
  readonly exposeDetails?: boolean;
}

class CheckTimeout extends Error {}

/** A failed check's reason, safe to show anyone: what kind of failure, not where. */
function publicReason(error: unknown): string {
  if (error instanceof CheckTimeout) return error.message;
  return dependencyOutage(error) ? 'unreachable' : 'check failed';
}

async function timed(
  run: () => Promise<Partial<CheckResult> | void>,
  timeoutMs: number,
  exposeDetails: boolean,
): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const extra = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ...extra, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: exposeDetails ? (error as Error).message : publicReason(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

export function createReadinessCheck(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const exposeDetails = deps.exposeDetails ?? false;
  // Once every migration is applied it stays applied; stop re-reading the directory then.
  let migrationsApplied = false;

  return async () => {
    const { replicaPool } = deps;
    const [postgres, redis, migrations, replica] = await Promise.all([
      timed(() => pingDatabase(deps.pool), timeoutMs, exposeDetails),
      timed(
        async () => {
          await pingRedis(deps.redis, timeoutMs);
        },
        timeoutMs,
        exposeDetails,
      ),
      timed(
        async () => {
          if (migrationsApplied) return { pending: [] };
          const pending = await pendingMigrations(deps.pool, deps.migrationsDir);
          migrationsApplied = pending.length === 0;
          return migrationsApplied
            ? { pending }
            : { ok: false, pending, error: `${pending.length} migration(s) not applied: run \`npx catalog migrate\`` };
        },
        timeoutMs,
        exposeDetails,
      ),
      replicaPool ? timed(() => pingDatabase(replicaPool), timeoutMs, exposeDetails) : null,
    ]);
    let worker: Readiness['worker'] = null;
    if (redis.ok) {
      const beat = await deps.redis.get(heartbeatKey(deps.queuePrefix)).catch(() => null);
      worker = beat ? { lastHeartbeat: JSON.parse(beat) as unknown } : null;
    }
    return {
      ready: postgres.ok && redis.ok && migrations.ok && (replica?.ok ?? true),
      checks: { postgres, redis, migrations, ...(replica ? { replica } : {}) },
      worker,
    };
  };
}
