/**
 * Postgres and Redis being down, as the processes see it. At start, processes do not crash-loop
 * when a dependency is down: they retry with backoff and log which dependency is missing until it
 * answers. At run time, `dependencyOutage` tells an outage (retry later: SERVICE_UNAVAILABLE for
 * clients, a postponed job for workers) from a bug, whatever layer the error went through.
 */
import type { Logger } from './logger.js';
import { retryWithBackoff } from './retry.js';

/** Which dependency an outage error came from; `network` when only the socket tells (ECONNREFUSED …). */
export type Outage = 'postgres' | 'redis' | 'network';

/** Socket failures: the peer is down, restarting, or unreachable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * Prisma's codes for an unreachable database: can't reach (P1001), timed out (P1002, P1008), the
 * server closed the connection (P1017), no connection from the pool in time (P2024).
 */
const PRISMA_OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/adapter-pg's kinds for the same (meta.driverAdapterError.cause.kind). */
const ADAPTER_OUTAGE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/**
 * SQLSTATEs of a server going away or refusing sessions: connection exceptions (class 08), admin
 * or crash shutdown and "starting up" (57P01–57P03), too many connections (53300).
 */
const PG_OUTAGE_STATE = /^(08|57P0[123]$|53300$)/;
/** node-postgres and pg-pool say these in words only. */
const PG_OUTAGE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** ioredis: no connection and no offline queue, a command retried to its limit, a closed connection. */
const REDIS_OUTAGE_MESSAGE =
  /^(Stream isn't writeable and enableOfflineQueue options is false|Reached the max retries per request limit|Connection is closed\.)/;

function outageOfOne(error: object): Outage | null {
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (error instanceof DependencyDownError) return 'network';
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return 'network';
    if (PRISMA_OUTAGE_CODES.has(code)) return 'postgres';
    if (PG_OUTAGE_STATE.test(code) && /^[0-9A-Z]{5}$/.test(code)) return 'postgres';
  }
  if (name === 'PrismaClientInitializationError') return 'postgres';
  if (name === 'MaxRetriesPerRequestError' || name === 'RedisNotConnectedError') return 'redis';
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } })
    .meta;
  const adapterCause = meta?.driverAdapterError?.cause;
  if (typeof adapterCause?.kind === 'string' && ADAPTER_OUTAGE_KINDS.has(adapterCause.kind)) return 'postgres';
  if (typeof adapterCause?.originalCode === 'string' && PG_OUTAGE_STATE.test(adapterCause.originalCode)) {
    return 'postgres';
  }
  if (typeof message === 'string') {
    if (PG_OUTAGE_MESSAGE.test(message)) return 'postgres';
    if (REDIS_OUTAGE_MESSAGE.test(message)) return 'redis';
  }
  return null;
}

/**
 * The dependency whose outage caused `error`, or null when it is not an outage. Looks through the
 * wrappers errors travel in: `cause`, GraphQL's `originalError`, an AggregateError's `errors`.
 */
export function dependencyOutage(error: unknown): Outage | null {
  const seen = new Set<object>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    const outage = outageOfOne(next);
    if (outage) return outage;
    const { cause, originalError, errors } = next as { cause?: unknown; originalError?: unknown; errors?: unknown };
    pending.push(cause, originalError, ...(Array.isArray(errors) ? (errors as unknown[]) : []));
  }
  return null;
}

export class DependencyDownError extends Error {
  constructor(readonly down: Readonly<Record<string, string>>) {
    super(
      `waiting for ${Object.entries(down)
        .map(([name, why]) => `${name} (${why})`)
        .join(', ')}`,
    );
    this.name = 'DependencyDownError';
  }
}

/** Resolve once `probe` reports nothing down; `probe` returns what is down, with reasons. */
export async function waitForDependencies(options: {
  probe: () => Promise<Record<string, string>>;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<void> {
  const { probe, logger, signal } = options;
  await retryWithBackoff(
    async () => {
      const down = await probe();
      if (Object.keys(down).length > 0) throw new DependencyDownError(down);
    },
    { what: 'dependency check', logger, initialDelayMs: 500, maxDelayMs: 15_000, ...(signal ? { signal } : {}) },
  );
  logger.info('dependencies reachable');
}

/** One dependency's check: whether it answered, how fast, and what is missing. */
export interface CheckResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly pending?: readonly string[];
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: {
    readonly postgres: CheckResult;
    readonly redis: CheckResult;
    readonly migrations: CheckResult;
    /** The read replica, when one is configured (docs/replicas.md). */
    readonly replica?: CheckResult;
  };
  /** Informational: the last worker heartbeat, or null when no worker has beaten recently. */
  readonly worker: { readonly lastHeartbeat: unknown } | null;
}

/** Probe built from the API's readiness check. */
export function readinessProbe(readiness: () => Promise<Readiness>) {
  return async () => {
    const { checks } = await readiness();
    return Object.fromEntries(
      Object.entries(checks)
        .filter(([, check]) => !check.ok)
        .map(([name, check]) => [name, check.error ?? 'down']),
    );
  };
}

/** The API serves health endpoints at once and reports in the background until all is reachable. */
export function watchDependencies(options: {
  readiness: () => Promise<Readiness>;
  logger: Logger;
  signal?: AbortSignal;
}): void {
  waitForDependencies({
    probe: readinessProbe(options.readiness),
    logger: options.logger,
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: unknown) => {
    if (!options.signal?.aborted) options.logger.error({ err: error }, 'dependency watch stopped');
  });
}
