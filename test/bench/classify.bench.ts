/**
 * `catalog bench classify [--n N]`: classifier throughput on one core over N distinct generated
 * Hugging Face records. Records are generated and serialized first (untimed); then, after a
 * warm-up pass, (a) classifyHuggingFace over already-parsed objects (parsing untimed, done in
 * chunks to bound memory) and (b) JSON.parse + classify from the strings. Target (issue 4):
 * (a) ≥ 50,000 records/s.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { generateHfRecords } from '../../src/catalog/seed/demo/record-generator.js';
import { createProgress, type ProgressStream } from '../../src/lib/progress.js';
import { classifyHuggingFace } from '../../src/openness/classify.js';
import { OPENNESS_LEVELS, type OpennessLevel } from '../../src/openness/types.js';

const DEFAULT_RECORDS = 200_000;
const MIN_RECORDS = 1_000;
/** Parsed objects are held this many at a time in phase (a): few enough to stay in the young generation. */
const CHUNK = 1_000;
const WARM_UP_RECORDS = 20_000;

export interface ClassifyBenchResult {
  readonly records: number;
  readonly distinctIds: number;
  readonly classifyMs: number;
  readonly withParseMs: number;
  readonly recordsPerSecond: number;
  readonly withParseRecordsPerSecond: number;
  readonly levels: Readonly<Record<OpennessLevel, number>>;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < MIN_RECORDS) {
    throw new InvalidArgumentError(`expected an integer ≥ ${MIN_RECORDS}`);
  }
  return count;
}

function serializeRecords(count: number, stream?: ProgressStream): { lines: string[]; distinctIds: number } {
  const progress = createProgress({ label: 'classify: generate', total: count, unit: 'records', stream });
  const lines: string[] = new Array<string>(count);
  const ids = new Set<string>();
  let index = 0;
  for (const record of generateHfRecords(count)) {
    ids.add(record.id);
    lines[index++] = JSON.stringify(record);
    if (index % 1_000 === 0) progress.update(index);
  }
  progress.update(index);
  progress.stop();
  return { lines, distinctIds: ids.size };
}

/** `stream` receives the progress bars (stderr by default). */
export function runClassifyBench(count: number, stream?: ProgressStream): ClassifyBenchResult {
  const { lines, distinctIds } = serializeRecords(count, stream);
  const levels = Object.fromEntries(OPENNESS_LEVELS.map((level) => [level, 0])) as Record<OpennessLevel, number>;

  // Warm-up: let the JIT optimize the classifier (and fill the license cache) before timing.
  const warmUp = Math.min(count, WARM_UP_RECORDS);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < warmUp; i++) classifyHuggingFace(JSON.parse(lines[i] ?? 'null'));
  }

  const classifyProgress = createProgress({ label: 'classify: (a)', total: count, unit: 'records', stream });
  let classifyMs = 0;
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const parsed: unknown[] = [];
    for (let i = start; i < end; i++) parsed.push(JSON.parse(lines[i] ?? 'null'));
    const startedAt = performance.now();
    for (const record of parsed) levels[classifyHuggingFace(record).level]++;
    classifyMs += performance.now() - startedAt;
    classifyProgress.update(end);
  }
  classifyProgress.stop();

  const parseProgress = createProgress({ label: 'classify: (b)', total: count, unit: 'records', stream });
  let checksum = 0;
  let withParseMs = 0;
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const startedAt = performance.now();
    for (let i = start; i < end; i++) checksum += classifyHuggingFace(JSON.parse(lines[i] ?? 'null')).score;
    withParseMs += performance.now() - startedAt;
    parseProgress.update(end);
  }
  parseProgress.stop();
  if (Number.isNaN(checksum)) throw new Error('a score was NaN');

  return {
    records: count,
    distinctIds,
    classifyMs,
    withParseMs,
    recordsPerSecond: Math.floor((count * 1_000) / classifyMs),
    withParseRecordsPerSecond: Math.floor((count * 1_000) / withParseMs),
    levels,
  };
}

export function formatClassifyBench(result: ClassifyBenchResult): string {
  const row = (name: string, ms: number, rate: number): string =>
    `${name.padEnd(26)} ${String(result.records).padStart(9)} ${(ms / 1_000).toFixed(2).padStart(9)} ${String(rate).padStart(11)} ${((ms * 1_000) / result.records).toFixed(2).padStart(9)}`;
  const levels = OPENNESS_LEVELS.map((level) => `${level}=${result.levels[level]}`).join(' ');
  return [
    `records: ${result.records} (${result.distinctIds} distinct ids), one core, warm-up ${Math.min(result.records, WARM_UP_RECORDS)} × 2`,
    `${'phase'.padEnd(26)} ${'records'.padStart(9)} ${'seconds'.padStart(9)} ${'records/s'.padStart(11)} ${'µs/record'.padStart(9)}`,
    row('(a) classify (parsed)', result.classifyMs, result.recordsPerSecond),
    row('(b) JSON.parse + classify', result.withParseMs, result.withParseRecordsPerSecond),
    `levels: ${levels}`,
    `bench classify: records_per_s=${result.recordsPerSecond} with_parse_records_per_s=${result.withParseRecordsPerSecond}`,
  ].join('\n');
}

export function registerClassifyBench(bench: Command): void {
  bench
    .command('classify')
    .description('Openness classifier throughput on one core over distinct generated Hugging Face records')
    .option('--n <count>', `number of records (at least ${MIN_RECORDS})`, parseCount, DEFAULT_RECORDS)
    .action((options: { n: number }) => {
      process.stdout.write(`${formatClassifyBench(runClassifyBench(options.n))}\n`);
    });
}
