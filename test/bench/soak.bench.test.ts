import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../src/api/schema.js';
import { parseProcCpuSeconds, parseProcStatus } from './process-memory.js';
import { formatSoakBench, rssChart, type MemorySample, type SoakResult } from './soak.bench.js';
import { APQ_QUERIES, soakRequest, type SoakKind, type SoakVocabulary } from './soak.requests.js';

const vocabulary: SoakVocabulary = {
  words: ['llama', 'mistral', 'qwen'],
  tasks: ['text-generation', 'fill-mask'],
  libraries: ['transformers', 'gguf'],
  authors: ['meta-llama', 'google'],
  licenseIds: ['Apache-2.0', 'MIT', 'LicenseRef-llama3.1'],
  modelIds: ['huggingface:meta-llama/Llama-3.1-8B', 'huggingface:google/gemma-2b'],
  deepCursors: ['opaque-cursor'],
};

/** A seeded generator, so a failure names a reproducible request. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

describe('bench soak requests', () => {
  const schema = buildSchema(loadTypeDefs());
  const requests = Array.from({ length: 2_000 }, (_, i) => soakRequest(seeded(i + 1), vocabulary));

  it('are valid operations of the schema, of every kind', () => {
    const kinds = new Set<SoakKind>();
    for (const request of requests) {
      kinds.add(request.kind);
      const body = JSON.parse(request.body) as { query?: string };
      const errors = validate(schema, parse(body.query ?? (APQ_QUERIES[0] as string)));
      expect(errors.map((error) => `${error.message} in ${request.body}`)).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(['apq', 'deep', 'filtered', 'model', 'search', 'stats']);
  });

  it('are nearly all new query texts, as dashboards sending literals make them', () => {
    const literal = requests.filter((request) => !['deep', 'apq'].includes(request.kind));
    const texts = new Set(literal.map((request) => (JSON.parse(request.body) as { query: string }).query));
    expect(texts.size).toBeGreaterThan(0.9 * literal.length);
  });

  it('send a known APQ hash alone, an unknown one with its query', () => {
    const apq = (registered: boolean) => {
      for (let seed = 1; ; seed++) {
        const request = soakRequest(seeded(seed), vocabulary, () => registered);
        if (request.kind === 'apq') return JSON.parse(request.body) as Record<string, unknown>;
      }
    };
    expect(apq(true)).not.toHaveProperty('query');
    expect(apq(false)).toHaveProperty('query');
    expect(apq(false)).toHaveProperty('extensions.persistedQuery.sha256Hash');
  });
});

describe('bench soak memory readings', () => {
  it('reads VmRSS, VmHWM and RssAnon from /proc/<pid>/status', () => {
    const status =
      'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  153600 kB\nRssAnon:\t  102400 kB\nRssFile:\t 51200 kB\n';
    expect(parseProcStatus(status)).toEqual({ rssMb: 150, peakRssMb: 200, anonMb: 100 });
    expect(parseProcStatus('Name:\tnode\n')).toBeNull();
  });

  it('reads user plus system CPU time from /proc/<pid>/stat, whatever the command name holds', () => {
    const stat = '4242 (node (api) x) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 0 0 20 0 11 0 98765 0 0';
    expect(parseProcCpuSeconds(stat)).toBeCloseTo(18.01);
  });

  const sample = (at: number, rssMb: number, phase: MemorySample['phase']): MemorySample => ({
    at,
    phase,
    rssMb,
    heapUsedMb: null,
    externalMb: null,
  });

  it('charts RSS over time, each column the highest sample of its slice, with the phases under it', () => {
    const samples = [
      ...Array.from({ length: 4 }, (_, i) => sample(i, 100, 'warm-up')),
      ...Array.from({ length: 8 }, (_, i) => sample(4 + i, 150 + i * 5, 'load')),
      ...Array.from({ length: 4 }, (_, i) => sample(12 + i, 110, 'rest')),
    ];
    const chart = rssChart(samples, 8, 4);
    expect(chart).toEqual([
      '  190 MB │    ██  ',
      '         │  ████  ',
      '         │  ████  ',
      '  100 MB │████████',
      '         └────────',
      '   phase  ww████··',
      '          0 s 15 s',
    ]);
  });

  it('ends with the machine-readable line', () => {
    const reading = (rssMb: number) => ({ proc: { rssMb, peakRssMb: 210.4, anonMb: rssMb - 40 }, heap: null });
    const result: SoakResult = {
      options: {
        models: 20_000,
        seconds: 180,
        restSeconds: 30,
        warmUpSeconds: 10,
        connections: 50,
        subscribers: 10,
        changesPerSecond: 5,
        pool: 10,
        heap: false,
        nodeArgs: [],
        keep: false,
        reuse: false,
      },
      boot: reading(130),
      start: reading(180.6),
      end: reading(200),
      afterRest: reading(195.2),
      afterGc: null,
      peakRssMb: 210.4,
      samples: [],
      requests: 36_000,
      byKind: { filtered: 1, search: 1, stats: 1, model: 1, deep: 1, apq: 1 },
      errors: 0,
      firstError: null,
      apqNotFound: 0,
      changesCommitted: 900,
      subscriptionEvents: 9_000,
      loadCpuSeconds: 150,
      loadGc: { count: 900, major: 40, totalMs: 3_600 },
    };
    const lines = formatSoakBench(result).split('\n');
    expect(lines).toContain(
      '  API CPU over the load 150.0 s, 4.17 ms per request; GC pauses 900 (40 full), 3.6 s = 2.0% of the load',
    );
    expect(lines.at(-1)).toBe(
      'bench soak: rss_start_mb=181 rss_peak_mb=210 rss_after_rest_mb=195 requests=36000 errors=0',
    );
  });
});
