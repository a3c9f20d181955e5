import { describe, expect, it } from 'vitest';
import { createProgress, formatRate, type ProgressStream } from './progress.js';

function captureStream(isTTY: boolean): ProgressStream & { readonly output: string[] } {
  const output: string[] = [];
  return {
    isTTY,
    output,
    write(chunk: string) {
      output.push(chunk);
      return true;
    },
  };
}

describe('createProgress', () => {
  it('draws nothing off a terminal and writes one summary line when stopped', () => {
    const stream = captureStream(false);
    let clock = 0;
    const progress = createProgress({ label: 'bench x', total: 100, unit: 'records', stream, now: () => clock });
    progress.increment(40);
    clock = 1_000;
    progress.update(100);
    clock = 2_000;
    expect(stream.output).toEqual([]);
    const summary = progress.stop('done');
    expect(summary).toEqual({ value: 100, elapsedMs: 2_000, ratePerSecond: 50 });
    expect(stream.output).toEqual(['bench x: 100 records in 2.0s (50.0/s); done\n']);
  });

  it('stops once', () => {
    const stream = captureStream(false);
    const progress = createProgress({ label: 'x', stream, now: () => 0 });
    progress.increment();
    progress.stop();
    progress.stop();
    expect(stream.output).toEqual(['x: 1 items in 0.0s (0.0/s)\n']);
  });
});

describe('formatRate', () => {
  it.each([
    [12.34, '12.3'],
    [512.4, '512'],
    [54_321, '54.3k'],
    [2_500_000, '2.50M'],
  ])('%d → %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});
