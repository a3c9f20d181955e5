import { describe, expect, it } from 'vitest';
import { CatalogError } from '../lib/errors.js';
import { encodeCursor } from './cursor.js';
import { ageDays, estimateMemoryGb, maxParametersForMemory, PRECISION_BITS } from './deployment.view.js';
import { parseModelsArgs, type ModelsArgs } from './models.filter.js';
import { modelsSql } from './models.sql.js';

describe('estimateMemoryGb', () => {
  it.each<[number, number, number]>([
    // Llama-3.1-8B: 8,030,261,248 × 2 bytes × 1.2 = 19.27 GB.
    [8_030_261_248, 16, 19.27],
    [8_030_261_248, 8, 9.64],
    [8_030_261_248, 4, 4.82],
    [124_439_808, 16, 0.3],
    [0, 16, 0],
  ])('%d parameters at %d bits: %d GB', (parameters, bits, gb) => {
    expect(estimateMemoryGb(parameters, bits)).toBe(gb);
  });
});

describe('maxParametersForMemory: the largest count whose estimate fits', () => {
  const maxima = [0, 0.004, 0.005, 0.3, 1, 4.82, 9.64, 19.27, 19.2, 80, 123.456, 1_000];
  it.each(Object.entries(PRECISION_BITS))('%s: exact at every bound', (_precision, bits) => {
    for (const max of maxima) {
      const bound = Number(maxParametersForMemory(max, bits));
      expect(estimateMemoryGb(bound, bits), `${max} GB`).toBeLessThanOrEqual(max);
      expect(estimateMemoryGb(bound + 1, bits), `${max} GB`).toBeGreaterThan(max);
    }
  });

  it('stays within bigint for absurd budgets', () => {
    expect(maxParametersForMemory(1e300, 4)).toBe(9_223_372_036_854_775_807n);
    expect(maxParametersForMemory(1e9, 16)).toBeGreaterThan(400_000_000_000_000_000n);
  });
});

describe('ageDays', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it.each<[string | null, number | null]>([
    ['2026-03-10T00:00:00Z', 0],
    ['2026-03-09T12:00:00Z', 1],
    ['2026-03-09T12:00:01Z', 0],
    ['2025-03-10T12:00:00Z', 365],
    [null, null],
  ])('%s → %j', (createdAt, days) => {
    expect(ageDays(createdAt === null ? null : new Date(createdAt), now)).toBe(days);
  });
});

describe('parseModelsArgs: deployment filters', () => {
  it('defaults the precision, lowercases and dedupes formats', () => {
    const { filter } = parseModelsArgs({ filter: { maxMemoryGb: 24, formats: ['GGUF', 'gguf', 'Safetensors'] } });
    expect(filter).toMatchObject({
      maxMemoryGb: 24,
      memoryPrecision: 'BITS16',
      formats: ['gguf', 'safetensors'],
      minDerivatives: null,
    });
  });

  it.each<[string, ModelsArgs['filter'], RegExp]>([
    ['a negative maxMemoryGb', { maxMemoryGb: -1 }, /filter\.maxMemoryGb must not be negative/],
    ['a negative minDerivatives', { minDerivatives: -3 }, /filter\.minDerivatives must not be negative/],
  ])('refuses %s', (_name, filter, message) => {
    const parse = () => parseModelsArgs({ filter });
    expect(parse).toThrow(CatalogError);
    expect(parse).toThrow(message);
  });
});

describe('modelsSql: deployment filters and orders', () => {
  const sql = (args: ModelsArgs) => modelsSql(parseModelsArgs(args));
  const cursor = (order: string, key: string | null) => encodeCursor({ order, key, id: 'huggingface:a/b' });

  it('maxMemoryGb is a parameter-count bound; formats an array overlap; minDerivatives a semi-join', () => {
    const { count } = sql({ filter: { maxMemoryGb: 19.27, formats: ['gguf'], minDerivatives: 2 } });
    expect(count.text).toContain('m.parameter_count <= $1::bigint');
    expect(count.values[0]).toBe(maxParametersForMemory(19.27, 16).toString());
    expect(count.text).toContain('m.formats && $2::text[]');
    expect(count.text).toMatch(/m\.id IN \(SELECT lcf\.model_id FROM model_lineage_counts lcf WHERE lcf\.total >= \$3/);
  });

  const segments = (text: string) =>
    [...text.matchAll(/FROM (model_lineage_counts lc JOIN models m|models m)\b/g)].map((match) =>
      match[1] === 'models m' ? 'none' : 'counted',
    );

  it.each<[string, ModelsArgs, string[]]>([
    [
      'ASC from the start: models without derivatives first',
      { orderBy: { field: 'DERIVATIVES', direction: 'ASC' } },
      ['none', 'counted'],
    ],
    [
      'DESC from the start: counted first',
      { orderBy: { field: 'DERIVATIVES', direction: 'DESC' } },
      ['counted', 'none'],
    ],
    [
      'DESC backward from the end: none first',
      { orderBy: { field: 'DERIVATIVES', direction: 'DESC' }, last: 3 },
      ['none', 'counted'],
    ],
    [
      'ASC backward from the end: counted first',
      { orderBy: { field: 'DERIVATIVES', direction: 'ASC' }, last: 3 },
      ['counted', 'none'],
    ],
    [
      'ASC after a model without derivatives: the rest of them, then the counted',
      { orderBy: { field: 'DERIVATIVES', direction: 'ASC' }, after: cursor('DERIVATIVES:ASC', null) },
      ['none', 'counted'],
    ],
    [
      'ASC after a counted model: only counted ones remain',
      { orderBy: { field: 'DERIVATIVES', direction: 'ASC' }, after: cursor('DERIVATIVES:ASC', '3') },
      ['counted'],
    ],
    [
      'DESC after a model without derivatives: only those remain',
      { orderBy: { field: 'DERIVATIVES', direction: 'DESC' }, after: cursor('DERIVATIVES:DESC', null) },
      ['none'],
    ],
  ])('DERIVATIVES, %s', (_name, args, expected) => {
    expect(segments(sql(args).page.text)).toEqual(expected);
  });

  it('DERIVATIVES seeks on the counts index, and on the id among models without derivatives', () => {
    const counted = sql({ orderBy: { field: 'DERIVATIVES' }, after: cursor('DERIVATIVES:DESC', '3') }).page.text;
    expect(counted).toContain('(lc.total, lc.model_id) < ($1::integer, $2)');
    expect(counted).toContain('ORDER BY lc.total DESC, lc.model_id DESC');
    const none = sql({ orderBy: { field: 'DERIVATIVES' }, after: cursor('DERIVATIVES:DESC', null) }).page.text;
    expect(none).toContain(
      'NOT EXISTS (SELECT 1 FROM model_lineage_counts lc WHERE lc.model_id = m.id AND lc.total > 0)',
    );
    expect(none).toContain('m.id < $1');
  });

  it('DOWNLOADS_ALL_TIME is a nullable bigint key: unknown last', () => {
    const { page } = sql({ orderBy: { field: 'DOWNLOADS_ALL_TIME', direction: 'ASC' } });
    expect([...page.text.matchAll(/m\.downloads_all_time (IS (?:NOT )?NULL)/g)].map((match) => match[1])).toEqual([
      'IS NOT NULL',
      'IS NULL',
    ]);
  });
});
