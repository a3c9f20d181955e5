import { describe, expect, it } from 'vitest';
import { formatExportBench, rowCounter, type ExportBenchResult, type PhaseMemory } from './export.bench.js';

/** `text` through a counter in chunks of `size` bytes: every boundary a row can straddle. */
function countRows(format: 'csv' | 'jsonl' | 'json', text: string, size: number): number {
  const counter = rowCounter(format);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) counter.push(bytes.subarray(at, at + size));
  return counter.rows;
}

describe('bench export row counts', () => {
  const csv = '\uFEFFid,name\nhf:a,"one, two"\nhf:b,"a ""quoted""\nname"\nhf:c,three\n';
  const jsonl = '{"id":"hf:a","name":"x\\ny"}\n{"id":"hf:b","name":"{"}\n';
  const json = '[\n{"id":"hf:a","tags":[{"x":1}]},\n{"id":"hf:b","name":"\\n{"}\n]\n';

  it.each([1, 2, 3, 7, 1_000])('counts records, lines and array elements in chunks of %i bytes', (size) => {
    expect(countRows('csv', csv, size)).toBe(3);
    expect(countRows('jsonl', jsonl, size)).toBe(2);
    expect(countRows('json', json, size)).toBe(2);
  });

  it('counts no row in an empty export', () => {
    expect(countRows('csv', '\uFEFFid,name\n', 4)).toBe(0);
    expect(countRows('jsonl', '', 4)).toBe(0);
    expect(countRows('json', '[]\n', 4)).toBe(0);
  });
});

describe('bench export output', () => {
  const phase = (startMb: number, peakMb: number): PhaseMemory => ({
    startMb,
    peakMb,
    endMb: peakMb - 1,
    samples: [],
  });

  it('ends with the machine-readable line', () => {
    const result: ExportBenchResult = {
      options: { models: 200_000, format: 'csv', slowSeconds: 5, keep: false, reuse: false },
      listed: 200_000,
      rows: 200_000,
      bytes: 80 * 1024 * 1024,
      seconds: 8,
      firstByteSeconds: 0.05,
      cpuSeconds: 6,
      memory: phase(140.04, 152.46),
      rssAt: [{ fraction: 0.5, rssMb: 150 }],
      slow: {
        seconds: 5,
        bytes: 5 * 1024 * 1024,
        completed: false,
        memory: phase(150.2, 151.0),
        afterHangUpMb: 149,
        cursorState: 'active, ClientWrite',
        cursorClosed: true,
      },
    };
    const lines = formatExportBench(result).split('\n');
    expect(lines).toContain('    when 50% of the rows had arrived          150.0 MB');
    expect(lines).toContain('  first byte; API CPU                         after 0.05 s; 6.0 s (75% of one core)');
    expect(lines.at(-1)).toBe(
      'bench export: rows=200000 mb=80.0 seconds=8.0 rows_per_s=25000 rss_start_mb=140.0 rss_peak_mb=152.5 rss_growth_mb=12.5 slow_rss_growth_mb=0.8',
    );
  });

  it('says when the slow reader is off', () => {
    const result: ExportBenchResult = {
      options: { models: 1_000, format: 'json', slowSeconds: 0, keep: false, reuse: false },
      listed: 1_000,
      rows: 999,
      bytes: 1024 * 1024,
      seconds: 0.5,
      firstByteSeconds: 0.01,
      cpuSeconds: 0.4,
      memory: phase(100, 101),
      rssAt: [],
      slow: null,
    };
    const lines = formatExportBench(result).split('\n');
    expect(lines).toContain('  rows                                        999 of 1,000 listed models  MISMATCH');
    expect(lines.at(-1)).toMatch(/ slow_rss_growth_mb=n\/a$/);
  });
});
