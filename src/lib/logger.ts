/** The one logger: structured JSON lines on stdout (pino). Children carry a `component` field. */
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger };

/** `stream: 'stderr'` for CLIs, whose stdout is their output. */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'env'>,
  name: string,
  stream: 'stdout' | 'stderr' = 'stdout',
): Logger {
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
