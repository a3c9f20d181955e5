import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { disagreementsCsv, figures, formatReport, runOpennessEval, TARGETS } from '../../references/eval.js';
import {
  DEFAULT_REFERENCE_DATA_DIR,
  defaultHubResponsesDir,
  EvalDataError,
  loadEvalInput,
} from '../../references/eval.loader.js';

export const DEFAULT_DISAGREEMENTS_FILE = 'eval-openness-disagreements.csv';

export interface EvalOpennessOptions {
  readonly data?: string;
  readonly hubResponses?: string;
  readonly out?: string;
}

/**
 * Run the openness eval and print its figures. Exit code: 0 when the targets are met,
 * 1 when one is not, 2 when the reference data cannot be read.
 */
export async function runEvalOpenness(
  options: EvalOpennessOptions,
  io: { stdout: Writable; stderr: Writable; cwd: string },
): Promise<number> {
  const dataDir = options.data === undefined ? DEFAULT_REFERENCE_DATA_DIR : resolve(io.cwd, options.data);
  const hubDir =
    options.hubResponses === undefined ? defaultHubResponsesDir(dataDir) : resolve(io.cwd, options.hubResponses);
  let input;
  try {
    input = loadEvalInput(dataDir, hubDir);
  } catch (error) {
    if (!(error instanceof EvalDataError)) throw error;
    io.stderr.write(
      `eval openness: ${error.message}\n  The reference data (ground_truth.csv, hf_license_map.csv) lives in ../shared/data/openness-reference by default; pass --data DIR to point elsewhere.\n`,
    );
    return 2;
  }
  const report = runOpennessEval(input);
  const out = resolve(io.cwd, options.out ?? DEFAULT_DISAGREEMENTS_FILE);
  await writeFile(out, disagreementsCsv(report));
  const disagreements = report.outcomes.filter((outcome) => outcome.comparable && !outcome.agree).length;
  io.stdout.write(`${formatReport(report)}\n\n${disagreements} disagreements written to ${out}\n`);
  const f = figures(report);
  const met = (value: { agreedOrExplained: number; total: number }, goal: number): boolean =>
    value.total > 0 && value.agreedOrExplained / value.total >= goal;
  return met(f.licenseVsMot, TARGETS.licenseVsMot) && met(f.licenseVsOsai, TARGETS.licenseVsOsai) ? 0 : 1;
}

export function registerEval(program: Command): void {
  // Created through `program.command` so it inherits the program's settings (exit codes, help on error).
  const evalCommand = program.command('eval').description('Measure the automatic results against expert references');
  evalCommand
    .command('openness')
    .description(
      'Compare the openness classification with the Model Openness Tool and the European Open Source AI Index on the reference models; write every disagreement, with its reason, to a CSV file',
    )
    .option(
      '--data <dir>',
      'reference data directory (ground_truth.csv, hf_license_map.csv)',
      DEFAULT_REFERENCE_DATA_DIR,
    )
    .option(
      '--hub-responses <dir>',
      'recorded Hugging Face responses (*.body.json); default <data>/../hub-fixtures/huggingface',
    )
    .option('--out <file>', 'where to write the disagreements (CSV)', DEFAULT_DISAGREEMENTS_FILE)
    .action(async (options: EvalOpennessOptions) => {
      process.exitCode = await runEvalOpenness(options, {
        stdout: process.stdout,
        stderr: process.stderr,
        cwd: process.cwd(),
      });
    });
}
