/**
 * `catalog bench scale` end to end on a small catalog (the real API and worker processes, a scratch
 * database, the fake hub), and the records it seeds from: every hub's, each built by its own hub's
 * builder, with the demo generator's popularity.
 */
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, inject, it } from 'vitest';
import { loadTypeDefs } from '../../src/api/schema.js';
import { popularityOf } from '../../src/catalog/seed/demo/popularity.js';
import { benchRecord, buildBenchRecord } from './bench-records.js';
import { DEEP_QUERY, formatScaleBench, runScaleBench } from './scale.bench.js';

describe('bench records', () => {
  it('are every hub’s, each built by its own builder, the same for the same index', () => {
    const hubs = new Map<string, number>();
    const ids = new Set<string>();
    for (let index = 0; index < 20_000; index++) {
      const built = buildBenchRecord(index);
      if (!built.ok) throw new Error(`record ${index}: ${built.reason}`);
      hubs.set(built.model.hubId, (hubs.get(built.model.hubId) ?? 0) + 1);
      ids.add(built.model.id);
    }
    expect(Object.fromEntries(hubs)).toEqual({ huggingface: 16_000, civitai: 2_600, modelscope: 1_398, openrouter: 2 });
    expect(ids.size).toBe(20_000);
    expect(buildBenchRecord(12_345)).toEqual(buildBenchRecord(12_345));
  });

  it('carry the demo generator’s popularity on every hub, not the fakes’ counters that grow with the index', () => {
    for (const index of [80, 81, 93, 94, 180, 1_093, 19_999]) {
      const { hub } = benchRecord(index);
      const built = buildBenchRecord(index);
      if (!built.ok) throw new Error(built.reason);
      expect(hub.hubId).not.toBe('huggingface');
      if (built.model.downloads !== 0) expect(built.model.downloads).toBe(popularityOf(1, index).downloads);
    }
  });
});

describe('bench scale', () => {
  it('sends a deep-pagination query of the schema', () => {
    expect(validate(buildSchema(loadTypeDefs()), parse(DEEP_QUERY))).toEqual([]);
  });

  it('seeds, sizes, loads the API and runs the worker, and ends with the machine-readable line', async () => {
    process.env['DATABASE_URL'] = inject('databaseUrl');
    process.env['REDIS_URL'] = inject('redisUrl');
    const options = { models: 3_000, seconds: 1, connections: 4, pool: 4, workerSeconds: 6, keep: true, reuse: false };
    const report = await runScaleBench(options);
    expect(report.ingest?.models).toBe(3_000);
    expect(report.sizedModels).toBe(3_000);
    expect(report.databaseBytes).toBeGreaterThan(3_000 * 1_000);
    expect(report.queries.map((query) => query.query)).toEqual(['filtered', 'search', 'stats', 'deep']);
    for (const query of report.queries) {
      expect(query.failed, query.query).toBe(0);
      expect(query.requestsPerSecond, query.query).toBeGreaterThan(0);
    }
    expect(report.apiPeakRssMb).toBeGreaterThan(30);
    expect(report.worker.peakRssMb).toBeGreaterThan(30);
    // The worker crawled the fake hub's listing into the catalog: its Hugging Face records are
    // there already, the rest (every record the mix gave to another hub) are new.
    expect(report.worker.models).toBeGreaterThan(0);
    expect(report.models).toBeGreaterThan(3_000);
    const lines = formatScaleBench(report, options).split('\n');
    expect(lines.at(-1)).toMatch(
      /^bench scale: models=\d+ ingest_per_s=\d+ bytes_per_model=\d+ p99_ms_filtered=\d+ p99_ms_search=\d+ p99_ms_stats=\d+ p99_ms_deep=\d+ api_rss_mb=\d+ worker_rss_mb=\d+$/,
    );

    // Again over the kept catalog (then dropped): the worker's FULL crawl resumes the run the first
    // bench stopped mid-crawl, and its pace is still what it ingests.
    const again = await runScaleBench({ ...options, keep: false, reuse: true });
    expect(again.ingest?.models ?? 0).toBe(0);
    expect(again.worker.models).toBeGreaterThan(0);
    expect(again.models).toBeGreaterThanOrEqual(report.models);
  }, 180_000);
});
