/** `catalog classify` end to end: the real CLI (through tsx) on a temp file and on stdin. No database. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/processes.js';

/** The real CLI, with stdin when given (classify reads `-` / no argument from it). */
const runClassify = (args: string[], stdin?: string) =>
  runCli(args, { stdin: stdin ?? '', env: { LOG_LEVEL: 'info' } });

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    gated: false,
    library_name: 'transformers',
    tags: ['transformers', 'license:mit'],
    cardData: { license: 'mit' },
    siblings: [{ rfilename: 'README.md' }, { rfilename: 'model.safetensors' }],
    ...extra,
  });

const INPUT = [record('acme/one'), '', '{"id": "broken",', '   ', record('acme/two', { gated: 'manual' }), '42'].join(
  '\n',
);

const dir = mkdtempSync(join(tmpdir(), 'catalog-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parseLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('catalog classify', () => {
  it('classifies a JSON Lines file, one output line per record, reporting bad lines and going on', async () => {
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, `${INPUT}\n`);
    const run = await runClassify(['classify', file]);
    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(/^classify: line 3 rejected: not JSON: /) as unknown,
      'classify: line 6 rejected: expected a JSON object (a Hugging Face model record), got a number',
      'classify: 2 of 6 line(s) rejected',
      '',
    ]);
    expect(run.code).toBe(0);
    const lines = parseLines(run.stdout);
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0] ?? {})).toEqual([
      'id',
      'license',
      'weights',
      'code',
      'data',
      'documentation',
      'level',
      'mofClass',
      'missingComponents',
      'score',
      'rulesVersion',
      'evidence',
    ]);
    expect(lines[0]).toMatchObject({ id: 'huggingface:acme/one', license: { id: 'MIT' }, level: 'OPEN_WEIGHTS' });
    expect(lines[1]).toEqual({ line: 3, error: expect.any(String) as unknown });
    expect(lines[2]).toMatchObject({
      id: 'huggingface:acme/two',
      weights: { availability: 'GATED_MANUAL' },
      level: 'OPEN_WEIGHTS_CONDITIONAL',
    });
    expect(lines[3]).toEqual({
      line: 6,
      error: 'expected a JSON object (a Hugging Face model record), got a number',
    });
  });

  it.each([[['classify', '-']], [['classify']]])('reads stdin for %j', async (args) => {
    const run = await runClassify(args, `${record('acme/stdin')}\r\n`);
    expect(run.code).toBe(0);
    expect(parseLines(run.stdout)).toEqual([expect.objectContaining({ id: 'huggingface:acme/stdin' })]);
  });

  it('exits 1 with a clear message when the input cannot be opened', async () => {
    const missing = join(dir, 'missing.jsonl');
    const run = await runClassify(['classify', missing]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`classify: cannot open ${missing}`);
  });

  it('exits 1 when the input is a directory', async () => {
    const run = await runClassify(['classify', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is a directory');
  });
});
