/** The one logger: structured JSON lines on stdout (pino). Children carry a `component` field. */
import { format } from 'node:util';
import { pino, type Logger } from 'pino';

export type { Logger };

/** What the logger reads of the configuration (src/config/config.ts's Config has both). */
export interface LoggerSettings {
  readonly logLevel: string;
  readonly env: string;
}

/** `stream: 'stderr'` for CLIs, whose stdout is their output. */
export function createLogger(config: LoggerSettings, name: string, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino(
    {
      name,
      level: config.logLevel,
      base: { pid: process.pid, service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    // Synchronous writes: lines stay in order and none is lost when the process exits.
    pino.destination({ fd: stream === 'stdout' ? 1 : 2, sync: true }),
  );
}

/** A URL safe to log: the password, if any, is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

type ConsoleMethod = 'debug' | 'log' | 'info' | 'warn' | 'error' | 'trace';
const CONSOLE_LEVELS: Record<ConsoleMethod, 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug',
  trace: 'debug',
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
};

/**
 * Route what libraries print by themselves through `logger`, so that every line a long-running
 * process writes is JSON: `console.*` (BullMQ's warnings and its last-resort `console.error` of an
 * unheard 'error' event, graphql-ws's and Express's error dumps, Prisma's warnings) and Node's
 * process warnings (printed to stderr by default). For the API and the worker only: a CLI's
 * stdout is its output.
 */
export function captureProcessOutput(logger: Logger): void {
  const log = logger.child({ source: 'console' });
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    const level = CONSOLE_LEVELS[method];
    console[method] = (...args: unknown[]) => {
      const err = args.find((arg): arg is Error => arg instanceof Error);
      const text = format(...args.filter((arg) => arg !== err));
      log[level](err ? { err } : {}, text || err?.message || '');
    };
  }
  // Node's own listener prints "(node:…) Warning: …"; one listener that logs replaces it.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ err: warning }, `process warning: ${warning.message}`));
}
