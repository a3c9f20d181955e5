/**
 * `catalog bench export [--models N] [--format csv|jsonl|json] [--slow-seconds S]`: the API's memory
 * while it streams a whole catalog out of `GET /export/models.<format>`.
 *
 * - The catalog: `--models` (200,000) generated models in a scratch database (scratch-catalog.ts,
 *   shared with `bench api` and `bench soak`; `--keep` / `--reuse`).
 * - The server: the real API (`dist/src/main.js`) in its own process, with the node options of the
 *   production start (PRODUCTION_NODE_ARGS). One small export (the most frequent author's models)
 *   warms the route up before the start reading.
 * - The full export: downloaded as a stream (node:http, never buffered), its bytes and rows counted
 *   as they arrive (CSV records after the header, JSON Lines lines, JSON array elements), the API's
 *   resident set (VmRSS) sampled every 100 ms. Its row count must equal the catalog's listed models
 *   (`removed_at IS NULL`), or the bench exits 1.
 * - The slow reader: a second export read at about 1 MB/s for `--slow-seconds` (5), then dropped.
 *   With backpressure the server holds only what the socket buffers hold, its Postgres cursor waits
 *   on the client, and its RSS stays where it was; without it, it would read the rest of the export
 *   into memory at Postgres speed. Also reported: the state of the export's Postgres session during
 *   the read and whether it is gone after the hang-up.
 * Last line: `bench export: rows=… mb=… seconds=… rows_per_s=… rss_start_mb=… rss_peak_mb=…
 * rss_growth_mb=… slow_rss_growth_mb=…` (the peaks are exact: VmHWM when it rose during the phase).
 */
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { InvalidArgumentError, type Command } from 'commander';
import { EXPORT_FORMATS, type ExportFormat } from '../../src/api/exports/export-response.js';
import { loadConfigOrExit } from '../../src/config/config.js';
import { createProgress, type Progress } from '../../src/lib/progress.js';
import { EXPORT_CURSOR } from '../../src/read-model/export.repository.js';
import { integerAtLeast } from './options.js';
import { readProcCpuSeconds, readProcMemory, type ProcStatusMemory } from './process-memory.js';
import { openScratchCatalog, SEED_PAGE, startApiChild } from './scratch-catalog.js';
import type { ScratchDatabase } from './scratch-database.js';

const MB = 1024 * 1024;
const SAMPLE_MS = 100;
/** The slow reader's pace, in bytes a second. */
const SLOW_BYTES_PER_SECOND = MB;
/** Fractions of the rows at which the RSS is reported. */
const FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1] as const;

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BRACE = 0x7b;

export interface ExportBenchOptions {
  readonly models: number;
  readonly format: ExportFormat;
  readonly slowSeconds: number;
  readonly keep: boolean;
  readonly reuse: boolean;
}

/** Rows of an export counted chunk by chunk, whatever the chunk boundaries. */
export interface RowCounter {
  push(chunk: Uint8Array): void;
  readonly rows: number;
}

/**
 * CSV: records (newlines outside double quotes, so a quoted field may hold one) after the header.
 * JSON Lines: newlines. JSON array (`[\n{…},\n{…}\n]\n`): objects that start a line.
 */
export function rowCounter(format: ExportFormat): RowCounter {
  let lines = 0;
  let quoted = false;
  let lineStart = false;
  const scan: Readonly<Record<ExportFormat, (chunk: Uint8Array) => void>> = {
    csv(chunk) {
      for (const byte of chunk) {
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === NEWLINE && !quoted) lines++;
      }
    },
    jsonl(chunk) {
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    },
    json(chunk) {
      for (const byte of chunk) {
        if (lineStart && byte === BRACE) lines++;
        lineStart = byte === NEWLINE;
      }
    },
  };
  return {
    push: scan[format],
    get rows() {
      return format === 'csv' ? Math.max(0, lines - 1) : lines;
    },
  };
}

interface Sample {
  /** Seconds since the phase started. */
  readonly at: number;
  /** Rows received by then (full export) or bytes read (slow reader). */
  readonly progress: number;
  readonly rssMb: number;
}

/** The API's RSS over one phase. */
export interface PhaseMemory {
  readonly startMb: number;
  /** The highest RSS of the phase: VmHWM when it rose during the phase (exact), else the highest sample. */
  readonly peakMb: number;
  readonly endMb: number;
  readonly samples: readonly Sample[];
}

export interface SlowReadResult {
  readonly seconds: number;
  readonly bytes: number;
  /** The export ended before the time was up (the catalog is too small to show anything). */
  readonly completed: boolean;
  readonly memory: PhaseMemory;
  /** RSS a second after the hang-up. */
  readonly afterHangUpMb: number;
  /** `state, wait_event` of the export's Postgres session at the end of the read (null: none open). */
  readonly cursorState: string | null;
  /** The export's Postgres session was gone after the hang-up (its connection discarded); null: none seen. */
  readonly cursorClosed: boolean | null;
}

export interface ExportBenchResult {
  readonly options: ExportBenchOptions;
  /** `SELECT count(*) FROM models WHERE removed_at IS NULL`. */
  readonly listed: number;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** From the request to the first byte of the body (the headers go out with the first rows). */
  readonly firstByteSeconds: number;
  /** CPU seconds the API spent on the export (user + system). */
  readonly cpuSeconds: number;
  readonly memory: PhaseMemory;
  /** RSS when each fraction of the rows had arrived. */
  readonly rssAt: readonly { readonly fraction: number; readonly rssMb: number }[];
  readonly slow: SlowReadResult | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET as a stream, refused unless 200. */
async function openExport(url: string): Promise<IncomingMessage> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    get(url, { agent: false }, resolve).once('error', reject);
  });
  if (response.statusCode !== 200) {
    let text = '';
    for await (const chunk of response) text += String(chunk);
    throw new Error(`bench export: GET ${url} answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  return response;
}

/** Samples the API's memory every SAMPLE_MS from `start()` to `stop()`. */
function memoryPhase(pid: number, progress: () => number) {
  const read = async (): Promise<ProcStatusMemory> => {
    const memory = await readProcMemory(pid);
    if (!memory) throw new Error(`bench export: cannot read /proc/${pid}/status (the API exited, or not Linux)`);
    return memory;
  };
  const samples: Sample[] = [];
  let timer: NodeJS.Timeout | null = null;
  let before: ProcStatusMemory | null = null;
  let startedAt = 0;
  const sample = async () => {
    const memory = await readProcMemory(pid);
    if (memory)
      samples.push({ at: (performance.now() - startedAt) / 1_000, progress: progress(), rssMb: memory.rssMb });
  };
  return {
    async start(): Promise<void> {
      before = await read();
      startedAt = performance.now();
      timer = setInterval(() => void sample(), SAMPLE_MS);
    },
    async stop(): Promise<PhaseMemory> {
      if (timer) clearInterval(timer);
      const after = await read();
      const start = before as ProcStatusMemory;
      samples.push({ at: (performance.now() - startedAt) / 1_000, progress: progress(), rssMb: after.rssMb });
      const sampled = Math.max(start.rssMb, ...samples.map((s) => s.rssMb));
      return {
        startMb: start.rssMb,
        peakMb: after.peakRssMb > start.peakRssMb ? after.peakRssMb : sampled,
        endMb: after.rssMb,
        samples,
      };
    },
    cancel() {
      if (timer) clearInterval(timer);
    },
  };
}

/** The whole export, counted as it streams, with a progress bar of rows. */
async function fullExport(url: string, format: ExportFormat, listed: number, pid: number) {
  const file = `models.${format}`;
  const counter = rowCounter(format);
  let bytes = 0;
  const phase = memoryPhase(pid, () => counter.rows);
  await phase.start();
  const progress = createProgress({ label: `bench export: ${file}`, total: listed, unit: 'rows' });
  const cpu = async () => (await readProcCpuSeconds(pid)) ?? Number.NaN;
  const cpuBefore = await cpu();
  const started = performance.now();
  let firstByteSeconds = Number.NaN;
  try {
    const response = await openExport(url);
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (bytes === 0) firstByteSeconds = (performance.now() - started) / 1_000;
      bytes += chunk.length;
      counter.push(chunk);
      progress.update(counter.rows);
    }
  } catch (error) {
    phase.cancel();
    progress.stop();
    throw error;
  }
  const seconds = (performance.now() - started) / 1_000;
  const cpuSeconds = (await cpu()) - cpuBefore;
  progress.stop(`${(bytes / MB).toFixed(1)} MB`);
  return { rows: counter.rows, bytes, seconds, firstByteSeconds, cpuSeconds, memory: await phase.stop() };
}

interface ExportSession {
  readonly pid: number;
  /** `state, wait_event`. */
  readonly state: string;
}

/** The export's Postgres session while a cursor is open (idle pooled connections left aside), or null. */
async function openExportSession(scratch: ScratchDatabase): Promise<ExportSession | null> {
  const { rows } = await scratch.db.pool.query<ExportSession>(
    `SELECT pid, concat_ws(', ', state, wait_event) AS state FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND position($1 in query) > 0`,
    [EXPORT_CURSOR],
  );
  return rows[0] ?? null;
}

/** Whether the Postgres backend `pid` is gone within `ms`. */
async function sessionGone(scratch: ScratchDatabase, pid: number, ms: number): Promise<boolean> {
  for (const deadline = performance.now() + ms; performance.now() < deadline; await sleep(100)) {
    const { rowCount } = await scratch.db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rowCount === 0) return true;
  }
  return false;
}

/** A second export read at SLOW_BYTES_PER_SECOND for `seconds`, then dropped. */
async function slowRead(url: string, seconds: number, pid: number, scratch: ScratchDatabase): Promise<SlowReadResult> {
  let bytes = 0;
  const target = seconds * SLOW_BYTES_PER_SECOND;
  const phase = memoryPhase(pid, () => bytes);
  await phase.start();
  let progress: Progress | undefined;
  let completed = false;
  let session: ExportSession | null;
  try {
    const response = await openExport(url);
    // The pace, and the bar, from the headers on (they go out with the first rows).
    progress = createProgress({ label: 'bench export: slow reader', total: target, unit: 'bytes' });
    const bar = progress;
    const started = performance.now();
    session = await new Promise<ExportSession | null>((resolve, reject) => {
      let resume: NodeJS.Timeout | undefined;
      const hangUp = setTimeout(() => {
        clearTimeout(resume);
        // What Postgres sees of the export while the client lags behind, then the hang-up.
        openExportSession(scratch).then((found) => {
          response.destroy();
          resolve(found);
        }, reject);
      }, seconds * 1_000);
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        bar.update(Math.min(bytes, target));
        // Ahead of the pace: pause until it catches up (the socket then fills, and the server must wait).
        const aheadMs = (bytes / SLOW_BYTES_PER_SECOND) * 1_000 - (performance.now() - started);
        if (aheadMs > 0) {
          response.pause();
          resume = setTimeout(() => response.resume(), aheadMs);
        }
      });
      response.once('end', () => {
        completed = true;
        clearTimeout(hangUp);
        resolve(null);
      });
      response.on('error', (error) => {
        clearTimeout(hangUp);
        clearTimeout(resume);
        reject(error);
      });
    });
  } catch (error) {
    phase.cancel();
    progress?.stop();
    throw error;
  }
  progress.stop();
  const memory = await phase.stop();
  // The server notices the hang-up, destroys the row stream and discards its connection.
  const cursorClosed = session === null ? null : await sessionGone(scratch, session.pid, 5_000);
  await sleep(1_000);
  const after = await readProcMemory(pid);
  return {
    seconds,
    bytes,
    completed,
    memory,
    afterHangUpMb: after?.rssMb ?? Number.NaN,
    cursorState: session?.state ?? null,
    cursorClosed,
  };
}

/** The RSS when each fraction of `total` rows had arrived (the first sample at or past it). */
function rssAtFractions(samples: readonly Sample[], total: number) {
  return FRACTIONS.map((fraction) => {
    const sample = samples.find((s) => s.progress >= fraction * total) ?? samples.at(-1);
    return { fraction, rssMb: sample?.rssMb ?? Number.NaN };
  });
}

export async function runExportBench(options: ExportBenchOptions): Promise<ExportBenchResult> {
  const config = loadConfigOrExit();
  const scratch = await openScratchCatalog(config, {
    bench: 'export',
    models: options.models,
    reuse: options.reuse,
    label: 'bench export',
  });
  const api = await startApiChild(config, scratch, {
    pool: 10,
    queuePrefix: `bench-export-${process.pid}`,
  }).catch(async (error: unknown) => {
    await scratch.db.close();
    throw error;
  });
  try {
    const pid = api.child.pid;
    if (pid === undefined) throw new Error('bench export: the API has no pid');
    const { rows } = await scratch.db.pool.query<{ listed: number; author: string | null }>(
      `SELECT (SELECT count(*)::int FROM models WHERE removed_at IS NULL) AS listed,
        (SELECT author FROM models WHERE author IS NOT NULL GROUP BY author ORDER BY count(*) DESC LIMIT 1) AS author`,
    );
    const listed = rows[0]?.listed ?? 0;
    const url = `${api.url}/export/models.${options.format}`;
    // Warm-up: the route, the formatter and the cursor's code paths, over a few thousand rows.
    const warmUp = await openExport(`${url}?authors=${encodeURIComponent(rows[0]?.author ?? 'nobody')}`);
    warmUp.resume();
    await once(warmUp, 'end');
    await sleep(1_000);

    const full = await fullExport(url, options.format, listed, pid);
    await sleep(1_000);
    const slow = options.slowSeconds > 0 ? await slowRead(url, options.slowSeconds, pid, scratch) : null;
    return {
      options,
      listed,
      ...full,
      rssAt: rssAtFractions(full.memory.samples, full.rows),
      slow,
    };
  } finally {
    await api.stop();
    if (options.keep) await scratch.db.close();
    else await scratch.drop();
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const mb1 = (value: number) => round1(value).toFixed(1);
const count = (value: number) => value.toLocaleString('en-US');

export function formatExportBench(result: ExportBenchResult): string {
  const { options, memory, slow } = result;
  const start = round1(memory.startMb);
  const peak = round1(memory.peakMb);
  const sizeMb = result.bytes / MB;
  const rowsPerSecond = result.seconds > 0 ? result.rows / result.seconds : 0;
  const slowGrowth = slow ? round1(slow.memory.peakMb) - round1(slow.memory.startMb) : null;
  const row = (name: string, value: string) => `  ${name.padEnd(44)}${value}`;
  const lines = [
    `bench export over ${count(options.models)} models: GET /export/models.${options.format}, ` +
      (slow ? `then a reader at 1 MB/s for ${options.slowSeconds} s` : 'no slow reader'),
    row(
      'rows',
      `${count(result.rows)} of ${count(result.listed)} listed models${result.rows === result.listed ? '' : '  MISMATCH'}`,
    ),
    row(
      'size, time, rate',
      `${sizeMb.toFixed(1)} MB in ${result.seconds.toFixed(1)} s: ${count(Math.round(rowsPerSecond))} rows/s, ${(sizeMb / Math.max(result.seconds, 1e-9)).toFixed(1)} MB/s`,
    ),
    row(
      'first byte; API CPU',
      `after ${result.firstByteSeconds.toFixed(2)} s; ${result.cpuSeconds.toFixed(1)} s (${((100 * result.cpuSeconds) / Math.max(result.seconds, 1e-9)).toFixed(0)}% of one core)`,
    ),
    row('API RSS before the export', `${mb1(memory.startMb)} MB`),
    ...result.rssAt.map(({ fraction, rssMb }) =>
      row(`  when ${(fraction * 100).toFixed(0)}% of the rows had arrived`, `${mb1(rssMb)} MB`),
    ),
    row('  peak during the export', `${mb1(memory.peakMb)} MB (+${mb1(peak - start)})`),
    row('  end of the export', `${mb1(memory.endMb)} MB (${memory.samples.length} samples)`),
    ...(slow
      ? [
          row(
            'slow reader',
            `${(slow.bytes / MB).toFixed(1)} MB of ${sizeMb.toFixed(1)} MB in ${slow.seconds} s${slow.completed ? ' (the whole export: too small to show anything)' : ''}`,
          ),
          row(
            '  API RSS before / peak',
            `${mb1(slow.memory.startMb)} / ${mb1(slow.memory.peakMb)} MB (+${mb1(slowGrowth ?? 0)})`,
          ),
          row('  API RSS 1 s after the hang-up', `${mb1(slow.afterHangUpMb)} MB`),
          row('  export session in Postgres at the end', slow.cursorState ?? 'none open'),
          row(
            '  export session after the hang-up',
            slow.cursorClosed === null ? 'n/a' : slow.cursorClosed ? 'closed' : 'STILL OPEN after 5 s',
          ),
        ]
      : []),
    `bench export: rows=${result.rows} mb=${sizeMb.toFixed(1)} seconds=${result.seconds.toFixed(1)} ` +
      `rows_per_s=${Math.round(rowsPerSecond)} rss_start_mb=${start.toFixed(1)} rss_peak_mb=${peak.toFixed(1)} ` +
      `rss_growth_mb=${(peak - start).toFixed(1)} slow_rss_growth_mb=${slowGrowth === null ? 'n/a' : slowGrowth.toFixed(1)}`,
  ];
  return lines.join('\n');
}

export function registerExportBench(bench: Command): void {
  bench
    .command('export')
    .description(
      "The API's memory while it streams a whole catalog of N generated models out of /export/models.<format>, and while a client reads one at 1 MB/s",
    )
    .option('--models <count>', 'models in the catalog', integerAtLeast(SEED_PAGE), 200_000)
    .option(
      '--format <format>',
      'csv, jsonl or json',
      (value: string) => {
        if (!Object.hasOwn(EXPORT_FORMATS, value)) throw new InvalidArgumentError('expected csv, jsonl or json');
        return value as ExportFormat;
      },
      'csv',
    )
    .option('--slow-seconds <s>', 'how long the slow reader reads (0: none)', integerAtLeast(0), 5)
    .option('--keep', 'keep the scratch catalog database for a later --reuse')
    .option('--reuse', 'start from the kept catalog database when it holds N models')
    .action(
      async (options: {
        models: number;
        format: ExportFormat;
        slowSeconds: number;
        keep?: boolean;
        reuse?: boolean;
      }) => {
        const result = await runExportBench({ ...options, keep: options.keep ?? false, reuse: options.reuse ?? false });
        process.stdout.write(`${formatExportBench(result)}\n`);
        if (result.rows !== result.listed) {
          process.stderr.write(
            `bench export: the export held ${result.rows} rows, the catalog lists ${result.listed} models\n`,
          );
          process.exitCode = 1;
        }
      },
    );
}
