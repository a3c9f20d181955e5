import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/**
 * `catalog bench <name>`: the benchmarks (test/bench/benches.ts lists them).
 *
 * Benchmarks need the development dependencies (autocannon, the fake hub in test/) and the
 * sources, so they are not part of the production build: the command loads them from
 * test/bench/ through tsx only when `bench` is the command being run. On a production install
 * (`npm ci --omit=dev`, the runtime image) it says so plainly and exits 2, and every other command
 * starts without them.
 */
const BENCH_ENTRY = join(PROJECT_ROOT, 'test', 'bench', 'benches.ts');

export const BENCH_NEEDS_DEV =
  'catalog bench needs the development dependencies and the sources: run it from a checkout after `npm ci` ' +
  '(a production install, `npm ci --omit=dev` or the runtime image, has neither).';

/** The shape of test/bench/benches.ts (not imported, so that tsc leaves the benches out of dist/). */
interface BenchesModule {
  registerBenches(bench: Command): void;
}

async function loadBenches(): Promise<BenchesModule | null> {
  if (!existsSync(BENCH_ENTRY)) return null;
  let tsImport: (specifier: string, parent: string) => Promise<unknown>;
  try {
    // A development dependency on purpose: only `catalog bench` loads it, and says so plainly when it is absent.
    // eslint-disable-next-line import-x/no-extraneous-dependencies
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    return null;
  }
  return (await tsImport(pathToFileURL(BENCH_ENTRY).href, import.meta.url)) as BenchesModule;
}

export async function registerBench(program: Command, argv: readonly string[]): Promise<void> {
  const bench = new Command('bench').description(
    'Benchmarks, from a development checkout (each ends with a machine-readable `bench <name>: …` line)',
  );
  program.addCommand(bench);
  // Load the benches only to run one (or to list them): other commands start without tsx.
  if (argv.slice(2)[0] !== 'bench') return;
  const benches = await loadBenches();
  if (benches) {
    benches.registerBenches(bench);
    return;
  }
  bench
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(() => {
      process.stderr.write(`${BENCH_NEEDS_DEV}\n`);
      process.exit(2);
    });
}
