import { Command } from 'commander';
import { registerApiBench } from '../../bench/api.bench.js';
import { registerClassifyBench } from '../../bench/classify.bench.js';
import { registerCrawlBench } from '../../bench/crawl.bench.js';
import { registerIngestBench } from '../../bench/ingest.bench.js';
import { registerNotifyBench } from '../../bench/notify.bench.js';

/**
 * `catalog bench <name>`: benchmark commands. Each benchmark lives in src/bench/<name>.bench.ts
 * and exports a `register…Bench(bench: Command)` function added to the list below. Every bench
 * prints a progress bar while it runs and ends with one machine-readable line
 * `bench <name>: key=value …` that other people's scripts parse: keep those names stable.
 */
const BENCHES: ((bench: Command) => void)[] = [
  registerClassifyBench,
  registerIngestBench,
  registerCrawlBench,
  registerApiBench,
  registerNotifyBench,
];

export function registerBench(program: Command): void {
  const bench = new Command('bench').description(
    'Benchmarks (each ends with a machine-readable `bench <name>: …` line)',
  );
  for (const register of BENCHES) register(bench);
  program.addCommand(bench);
}
