/**
 * Every benchmark of `catalog bench`. Each lives in test/bench/<name>.bench.ts and exports a
 * `register…Bench(bench: Command)` function added to the list below. Every bench prints a progress
 * bar while it runs and ends with one machine-readable line `bench <name>: key=value …` that other
 * people's scripts parse: keep those names stable.
 *
 * Benchmarks are development tools: they drive load with autocannon and serve a fake hub from
 * test/, so they live beside the tests, outside the product (src/), and run from these sources
 * through tsx (src/cli/commands/bench.command.ts loads this module).
 */
import type { Command } from 'commander';
import { registerApiBench } from './api.bench.js';
import { registerClassifyBench } from './classify.bench.js';
import { registerCrawlBench } from './crawl.bench.js';
import { registerExportBench } from './export.bench.js';
import { registerIngestBench } from './ingest.bench.js';
import { registerNotifyBench } from './notify.bench.js';
import { registerScaleBench } from './scale.bench.js';
import { registerSoakBench } from './soak.bench.js';

const BENCHES: ((bench: Command) => void)[] = [
  registerClassifyBench,
  registerIngestBench,
  registerCrawlBench,
  registerApiBench,
  registerNotifyBench,
  registerSoakBench,
  registerExportBench,
  registerScaleBench,
];

export function registerBenches(bench: Command): void {
  for (const register of BENCHES) register(bench);
}
