/**
 * A progress bar for long CLI runs (benchmarks, imports) over cli-progress, on stderr so stdout
 * stays the command's output. On a terminal it shows the count, rate and ETA (a bar and ETA only
 * when the total is known); when stderr is not a TTY (CI logs, pipes) it draws nothing and
 * `stop()` writes one summary line.
 */
import cliProgress from 'cli-progress';

/** The part of a stream the helper needs; `process.stderr` by default. */
export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly label: string;
  /** Unknown (a counter without bar or ETA) when omitted. */
  readonly total?: number;
  /** What is counted, for the summary line; default `items`. */
  readonly unit?: string;
  readonly stream?: ProgressStream;
  /** Milliseconds since an arbitrary origin; injectable for tests. */
  readonly now?: () => number;
}

export interface ProgressSummary {
  readonly value: number;
  readonly elapsedMs: number;
  /** Units per second over the whole run (0 when no time elapsed). */
  readonly ratePerSecond: number;
}

export interface Progress {
  increment(delta?: number): void;
  update(value: number): void;
  /** Stops the bar (idempotent) and writes the summary line, with `detail` appended when given. */
  stop(detail?: string): ProgressSummary;
}

export function formatRate(ratePerSecond: number): string {
  if (ratePerSecond >= 1_000_000) return `${(ratePerSecond / 1_000_000).toFixed(2)}M`;
  if (ratePerSecond >= 10_000) return `${(ratePerSecond / 1_000).toFixed(1)}k`;
  return ratePerSecond >= 100 ? ratePerSecond.toFixed(0) : ratePerSecond.toFixed(1);
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? 'items';
  const total = options.total !== undefined && options.total > 0 ? options.total : undefined;
  const startedAt = now();
  let value = 0;
  let stopped: ProgressSummary | null = null;

  const rate = (): number => {
    const seconds = (now() - startedAt) / 1_000;
    return seconds > 0 ? value / seconds : 0;
  };

  let bar: cliProgress.SingleBar | null = null;
  if (stream.isTTY === true) {
    const format =
      total === undefined
        ? `${options.label} {value} ${unit} | {rate}/s | {duration_formatted}`
        : `${options.label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`;
    bar = new cliProgress.SingleBar({
      format,
      stream: stream as unknown as NodeJS.WritableStream,
      barsize: 24,
      hideCursor: null,
      // Leave the terminal's line wrapping alone, so an interrupted run cannot leave it disabled.
      linewrap: true,
      etaBuffer: 50,
    });
    bar.start(total ?? 0, 0, { rate: '0' });
  }

  const render = (): void => bar?.update(value, { rate: formatRate(rate()) });

  return {
    increment(delta = 1) {
      value += delta;
      render();
    },
    update(next) {
      value = next;
      render();
    },
    stop(detail) {
      if (stopped !== null) return stopped;
      const elapsedMs = now() - startedAt;
      stopped = { value, elapsedMs, ratePerSecond: elapsedMs > 0 ? (value * 1_000) / elapsedMs : 0 };
      render();
      bar?.stop();
      const seconds = (elapsedMs / 1_000).toFixed(1);
      const suffix = detail === undefined ? '' : `; ${detail}`;
      stream.write(
        `${options.label}: ${value} ${unit} in ${seconds}s (${formatRate(stopped.ratePerSecond)}/s)${suffix}\n`,
      );
      return stopped;
    },
  };
}
