/**
 * `eval openness` over the real reference data of ../shared (ground truth, license map, recorded
 * hub responses): the agreement targets, and the CLI end to end. No database.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../src/references/csv.js';
import {
  figures,
  REASONS,
  runOpennessEval,
  TARGETS,
  type EvalReport,
  type Figures,
} from '../../src/references/eval.js';
import { loadEvalInput } from '../../src/references/eval.loader.js';
import { SHARED_REFERENCE_DIR, sharedReferenceDataPresent, warnWhenSharedDataAbsent } from './fake-sources.js';
import { runCli } from '../helpers/processes.js';

warnWhenSharedDataAbsent('eval openness over the real reference data (the agreement targets)');

const dir = mkdtempSync(join(tmpdir(), 'catalog-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalog eval openness without reference data', () => {
  it('says where it looked and exits 2', async () => {
    const missing = join(dir, 'no-such-dir');
    const run = await runCli(['eval', 'openness', '--data', missing, '--out', join(dir, 'x.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`reference data directory not found: ${missing}`);
    expect(run.stderr).toContain('--data DIR');
    expect(run.stdout).toBe('');
  });
});

describe.skipIf(!sharedReferenceDataPresent)('eval openness over ../shared/data/openness-reference', () => {
  // Computed before the tests, not while collecting them: collection runs even when skipped.
  let report: EvalReport;
  let f: Figures;
  beforeAll(() => {
    report = runOpennessEval(loadEvalInput(SHARED_REFERENCE_DIR));
    f = figures(report);
  });

  it('evaluates every reference model with an HF repo id, some with fields of a recorded hub response', () => {
    expect(report.evaluated).toHaveLength(486);
    expect(report.withoutRepoId).toBe(84);
    expect(report.evaluated.filter((entry) => entry.origin.hubFields.length > 0).length).toBeGreaterThan(0);
  });

  it(`agrees with MOT on license openness on ≥ ${TARGETS.licenseVsMot * 100}% of license-known models (free-text rejections counted as ours right)`, () => {
    expect(f.licenseVsMot.total).toBeGreaterThan(100);
    expect(f.licenseVsMot.agreedOrExplained / f.licenseVsMot.total).toBeGreaterThanOrEqual(TARGETS.licenseVsMot);
  });

  it(`agrees with the Index's license grade on ≥ ${TARGETS.licenseVsOsai * 100}% of license-known models`, () => {
    expect(f.licenseVsOsai.total).toBeGreaterThan(100);
    expect(f.licenseVsOsai.agreedOrExplained / f.licenseVsOsai.total).toBeGreaterThanOrEqual(TARGETS.licenseVsOsai);
  });

  it('leaves no disagreement tagged our-error, and tags every one with a reason of the fixed list', () => {
    const disagreements = report.outcomes.filter((outcome) => outcome.comparable && !outcome.agree);
    expect(
      disagreements
        .filter((outcome) => outcome.reason === 'our-error')
        .map((o) => [o.comparison, o.model.name, o.detail]),
    ).toEqual([]);
    for (const outcome of disagreements) expect(REASONS).toContain(outcome.reason);
  });

  it('prints the figures and writes the disagreements (CLI)', async () => {
    const out = join(dir, 'disagreements.csv');
    const run = await runCli(['eval', 'openness', '--data', SHARED_REFERENCE_DIR, '--out', out], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /license openness vs MOT: \d+\.\d% \(\d+\/\d+\) raw; \d+\.\d% \(\d+\/\d+\) explained — met/,
    );
    expect(run.stdout).toMatch(/license openness vs Index license grade: \d+\.\d% \(\d+\/\d+\) raw/);
    expect(run.stdout).toMatch(/MOF class vs MOT: \d+\.\d% \(\d+\/\d+\)/);
    expect(run.stdout).toMatch(/weights grade vs Index: \d+\.\d% \(\d+\/\d+\)/);
    const { records } = parseCsvRecords(readFileSync(out, 'utf8'));
    const expected = report.outcomes.filter((outcome) => outcome.comparable && !outcome.agree).length;
    expect(records).toHaveLength(expected);
    expect(run.stdout).toContain(`${expected} disagreements written to ${out}`);
  });
});
