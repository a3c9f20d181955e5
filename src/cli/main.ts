#!/usr/bin/env node
/**
 * `catalog`: the one CLI. Each subcommand lives in src/cli/commands/<name>.command.ts and is
 * registered here.
 */
import { Command } from 'commander';
import { registerApiKey } from './commands/apikey.command.js';
import { registerBench } from './commands/bench.command.js';
import { registerClassify } from './commands/classify.command.js';
import { registerCrawl } from './commands/crawl.command.js';
import { registerEval } from './commands/eval.command.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerReferences } from './commands/references.command.js';
import { registerSeed } from './commands/seed.command.js';
import { registerWorkerStatus } from './commands/worker-status.command.js';

const program = new Command()
  .name('catalog')
  .description('The open-model catalog: how open is this AI model, really?')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

for (const register of [
  registerMigrate,
  registerSeed,
  registerCrawl,
  registerClassify,
  registerWorkerStatus,
  registerReferences,
  registerEval,
  registerApiKey,
])
  register(program);
// Benchmarks run from a development checkout only (bench.command.ts).
await registerBench(program, process.argv);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`catalog: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
