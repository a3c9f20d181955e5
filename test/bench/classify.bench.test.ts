import { describe, expect, it } from 'vitest';
import type { ProgressStream } from '../../src/lib/progress.js';
import { formatClassifyBench, runClassifyBench, type ClassifyBenchResult } from './classify.bench.js';

const quiet: ProgressStream = { isTTY: false, write: () => true };

describe('bench classify', () => {
  it('classifies every generated record once per phase', () => {
    const result = runClassifyBench(1_000, quiet);
    expect(result.records).toBe(1_000);
    expect(result.distinctIds).toBe(1_000);
    expect(Object.values(result.levels).reduce((sum, count) => sum + count, 0)).toBe(1_000);
    expect(result.recordsPerSecond).toBeGreaterThan(0);
    expect(result.withParseRecordsPerSecond).toBeGreaterThan(0);
  });

  it('ends with the machine-readable line', () => {
    const result: ClassifyBenchResult = {
      records: 200_000,
      distinctIds: 200_000,
      classifyMs: 2_000,
      withParseMs: 4_000,
      recordsPerSecond: 100_000,
      withParseRecordsPerSecond: 50_000,
      levels: {
        CLOSED: 1,
        WEIGHTS_RESTRICTED: 2,
        OPEN_WEIGHTS_CONDITIONAL: 3,
        OPEN_WEIGHTS: 4,
        OPEN_TOOLING: 5,
        OPEN_SCIENCE: 6,
      },
    };
    const lines = formatClassifyBench(result).split('\n');
    expect(lines.at(-1)).toBe('bench classify: records_per_s=100000 with_parse_records_per_s=50000');
    expect(lines).toContain(
      'levels: CLOSED=1 WEIGHTS_RESTRICTED=2 OPEN_WEIGHTS_CONDITIONAL=3 OPEN_WEIGHTS=4 OPEN_TOOLING=5 OPEN_SCIENCE=6',
    );
  });
});
