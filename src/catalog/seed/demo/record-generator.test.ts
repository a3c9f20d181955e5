import { beforeAll, describe, expect, it } from 'vitest';
import {
  CREATED_AT_STEP_SECONDS,
  generateHfRecord,
  generateHfRecords,
  generatedCreatedAt,
  generatedRecordIndex,
  generatedRepoId,
  generatedSortKeys,
  mutateHfRecord,
  type HfGeneratedRecord,
} from './record-generator.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const WEIGHT_FILE = /\.(safetensors|bin|gguf|onnx|h5|pth|zip|pkl)$/;

function licensesOf(record: HfGeneratedRecord): string[] {
  return record.tags.filter((tag) => tag.startsWith('license:')).map((tag) => tag.slice('license:'.length));
}

function relationOf(record: HfGeneratedRecord): string | undefined {
  return /^base_model:(finetune|adapter|quantized|merge):/.exec(
    record.tags.find((tag) => /^base_model:\w+:/.test(tag)) ?? '',
  )?.[1];
}

describe('generateHfRecord', () => {
  it('is deterministic in (index, seed, baseTime) and differs across seeds', () => {
    for (const index of [0, 1, 17, 4_242, 999_999]) {
      expect(generateHfRecord(index)).toEqual(generateHfRecord(index));
      expect(generateHfRecord(index, { seed: 7 })).toEqual(generateHfRecord(index, { seed: 7 }));
    }
    expect(generateHfRecord(5, { seed: 2 }).sha).not.toBe(generateHfRecord(5).sha);
    const later = generateHfRecord(3, { baseTime: Date.UTC(2024, 0, 1) });
    expect(later.createdAt.startsWith('2024-01-01')).toBe(true);
  });

  it('generateHfRecords yields the same records as generateHfRecord, from `start`', () => {
    const streamed = [...generateHfRecords(5, { start: 100, seed: 3 })];
    expect(streamed).toEqual([100, 101, 102, 103, 104].map((index) => generateHfRecord(index, { seed: 3 })));
  });

  it('rejects indices that are not non-negative integers', () => {
    expect(() => generateHfRecord(-1)).toThrow(RangeError);
    expect(() => generateHfRecord(1.5)).toThrow(RangeError);
  });

  it('produces records in the shape of GET /api/models?expand[]=…', () => {
    for (const record of generateHfRecords(2_000)) {
      expect(record._id).toMatch(/^[0-9a-f]{24}$/);
      expect(record.id).toMatch(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/);
      expect(record.modelId).toBe(record.id);
      expect(record.author).toBe(record.id.split('/')[0]);
      expect(record.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(record.createdAt).toMatch(ISO_MS);
      expect(record.lastModified).toMatch(ISO_MS);
      expect(record.lastModified >= record.createdAt).toBe(true);
      expect(record.private).toBe(false);
      expect(record.disabled).toBe(false);
      expect([false, 'auto', 'manual']).toContain(record.gated);
      expect(record.downloadsAllTime).toBeGreaterThanOrEqual(record.downloads);
      expect(record.tags.at(-1)).toBe('region:us');
      expect(new Set(record.tags).size).toBe(record.tags.length);
      expect(record.siblings[0]).toEqual({ rfilename: '.gitattributes' });
      if (record.pipeline_tag) expect(record.tags).toContain(record.pipeline_tag);
      if (record.library_name) expect(record.tags).toContain(record.library_name);
      const cardLicense = record.cardData?.license;
      expect(licensesOf(record)).toEqual(cardLicense === undefined ? [] : [cardLicense].flat());
      if (record.safetensors) {
        const sum = Object.values(record.safetensors.parameters).reduce((total, n) => total + n, 0);
        expect(record.safetensors.total).toBe(sum);
      }
      if (record.gguf) expect(record.siblings.some((file) => file.rfilename.endsWith('.gguf'))).toBe(true);
      const baseModels = record.cardData?.base_model;
      if (baseModels !== undefined) {
        for (const base of [baseModels].flat()) expect(record.tags).toContain(`base_model:${base}`);
      }
    }
  });
});

describe('over 100,000 records', () => {
  const N = 100_000;
  const records: HfGeneratedRecord[] = [];
  beforeAll(() => {
    for (const record of generateHfRecords(N)) records.push(record);
  });

  const share = (predicate: (record: HfGeneratedRecord) => boolean): number =>
    records.filter(predicate).length / records.length;

  it('ids and _ids are distinct; createdAt and _id strictly increase with the index', () => {
    expect(new Set(records.map((record) => record.id)).size).toBe(N);
    expect(new Set(records.map((record) => record._id)).size).toBe(N);
    let outOfOrder = 0;
    for (let i = 1; i < N; i++) {
      const previous = records[i - 1] as HfGeneratedRecord;
      const current = records[i] as HfGeneratedRecord;
      if (current.createdAt <= previous.createdAt || current._id <= previous._id) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
  });

  it('has a realistic license mix', () => {
    const counts = new Map<string, number>();
    for (const record of records) {
      const key = licensesOf(record)[0] ?? 'none';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([license]) => license);
    expect(ranked[0]).toBe('apache-2.0');
    expect(ranked.slice(1, 3).sort()).toEqual(['mit', 'none']);
    const shareOf = (license: string) => (counts.get(license) ?? 0) / N;
    expect(shareOf('none')).toBeGreaterThan(0.2);
    expect(shareOf('none')).toBeLessThan(0.3);
    expect(shareOf('apache-2.0')).toBeGreaterThan(0.25);
    expect(shareOf('apache-2.0')).toBeLessThan(0.38);
    expect(shareOf('mit')).toBeGreaterThan(0.09);
    expect(shareOf('other')).toBeGreaterThan(0.04);
    expect(shareOf('other')).toBeLessThan(0.1);
    for (const license of [
      'openrail',
      'creativeml-openrail-m',
      'openrail++',
      'llama2',
      'llama3',
      'llama3.1',
      'gemma',
      'cc-by-nc-4.0',
      'cc-by-4.0',
      'unknown',
      'gpl-3.0',
      'bsd-3-clause',
    ]) {
      expect(shareOf(license), license).toBeGreaterThan(0.001);
    }
    const others = records.filter((record) => record.cardData?.license === 'other');
    const named = others.filter((record) => record.cardData?.license_name && record.cardData.license_link);
    expect(named.length / others.length).toBeGreaterThan(0.6);
    expect(share((record) => Array.isArray(record.cardData?.license))).toBeGreaterThan(0);
    expect(share((record) => record.siblings.some((file) => file.rfilename.startsWith('LICENSE')))).toBeGreaterThan(
      0.05,
    );
  });

  it('gates about 5% of repos, mostly manually', () => {
    const gated = share((record) => record.gated !== false);
    expect(gated).toBeGreaterThan(0.035);
    expect(gated).toBeLessThan(0.07);
    expect(share((record) => record.gated === 'manual') / gated).toBeGreaterThan(0.55);
    expect(share((record) => record.gated === 'auto')).toBeGreaterThan(0);
  });

  it('makes about 30% derivatives, each pointing at earlier generated repos', () => {
    const derivatives = records.filter((record) => relationOf(record) !== undefined);
    expect(derivatives.length / N).toBeGreaterThan(0.25);
    expect(derivatives.length / N).toBeLessThan(0.36);
    expect(new Set(derivatives.map(relationOf))).toEqual(new Set(['finetune', 'adapter', 'quantized', 'merge']));
    for (const [index, record] of records.entries()) {
      for (const tag of record.tags) {
        if (!tag.startsWith('base_model:') || /^base_model:\w+:/.test(tag)) continue;
        const parent = generatedRecordIndex(tag.slice('base_model:'.length));
        expect(parent).toBeDefined();
        expect(parent as number).toBeLessThan(index);
      }
    }
    expect(share((record) => Array.isArray(record.cardData?.base_model))).toBeGreaterThan(0);
  });

  it('has power-law popularity: most near zero, a few in the millions', () => {
    expect(share((record) => record.downloads === 0)).toBeGreaterThan(0.35);
    expect(share((record) => record.downloads < 100)).toBeGreaterThan(0.8);
    const millions = records.filter((record) => record.downloads >= 1_000_000).length;
    expect(millions).toBeGreaterThan(0);
    expect(millions).toBeLessThan(100);
    expect(share((record) => record.likes === 0)).toBeGreaterThan(0.6);
    expect(Math.max(...records.map((record) => record.likes))).toBeGreaterThan(100);
  });

  it('has parameter counts from 10M to 400B where there are safetensors, and none otherwise', () => {
    const totals = records.flatMap((record) => (record.safetensors ? [record.safetensors.total] : []));
    expect(totals.length / N).toBeGreaterThan(0.35);
    expect(totals.length / N).toBeLessThan(0.7);
    expect(Math.min(...totals)).toBeGreaterThanOrEqual(10_000_000);
    expect(Math.max(...totals)).toBeLessThanOrEqual(400_000_000_000);
    expect(Math.max(...totals)).toBeGreaterThan(100_000_000_000);
    const ggufs = records.filter((record) => record.gguf);
    expect(ggufs.length / N).toBeGreaterThan(0.03);
    expect(ggufs.every((record) => record.safetensors === undefined && record.gguf!.context_length > 0)).toBe(true);
  });

  it('has realistic tasks, libraries and files', () => {
    const count = (values: (string | undefined)[]) => {
      const counts = new Map<string, number>();
      for (const value of values) counts.set(value ?? '', (counts.get(value ?? '') ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1]).map(([value]) => value);
    };
    expect(count(records.map((record) => record.pipeline_tag))[0]).toBe('text-generation');
    expect(count(records.map((record) => record.library_name))[0]).toBe('transformers');
    const files = (record: HfGeneratedRecord) => record.siblings.map((file) => file.rfilename);
    expect(
      share((record) => files(record).some((file) => /^model-00001-of-0000\d\.safetensors$/.test(file))),
    ).toBeGreaterThan(0.01);
    expect(share((record) => files(record).some((file) => file.endsWith('.bin')))).toBeGreaterThan(0.02);
    expect(share((record) => files(record).some((file) => /-Q4_K_M\.gguf$/.test(file)))).toBeGreaterThan(0.005);
    expect(share((record) => files(record).some((file) => file.endsWith('.onnx')))).toBeGreaterThan(0.01);
    expect(share((record) => !files(record).some((file) => WEIGHT_FILE.test(file)))).toBeGreaterThan(0.05);
    expect(share((record) => files(record).includes('README.md'))).toBeGreaterThan(0.7);
    expect(share((record) => record.cardData === undefined)).toBeGreaterThan(0.05);
    expect(share((record) => record.cardData?.['model-index'] !== undefined)).toBeGreaterThan(0.005);
    expect(share((record) => record.tags.some((tag) => tag.startsWith('arxiv:')))).toBeGreaterThan(0.1);
    expect(share((record) => record.tags.some((tag) => tag.startsWith('dataset:')))).toBeGreaterThan(0.1);
    const withProviders = records.filter((record) => record.inferenceProviderMapping);
    expect(withProviders.length).toBeGreaterThan(0);
    expect(withProviders.length / N).toBeLessThan(0.01);
    for (const record of withProviders) {
      expect(record.downloads).toBeGreaterThanOrEqual(20_000);
      expect(record.inferenceProviderMapping![0]).toEqual({
        provider: expect.any(String) as string,
        providerId: expect.any(String) as string,
        status: expect.stringMatching(/^(live|staging)$/) as string,
        task: expect.any(String) as string,
      });
    }
  });
});

describe('cheap accessors', () => {
  it('generatedRepoId, generatedCreatedAt and generatedSortKeys agree with the full record', () => {
    for (const index of [0, 9, 123, 65_537, 2_900_000]) {
      const record = generateHfRecord(index, { seed: 5 });
      expect(generatedRepoId(index, { seed: 5 })).toBe(record.id);
      expect(new Date(generatedCreatedAt(index, { seed: 5 })).toISOString()).toBe(record.createdAt);
      const keys = generatedSortKeys(index, { seed: 5 });
      expect(keys).toEqual({
        createdAt: Date.parse(record.createdAt),
        lastModified: Date.parse(record.lastModified),
        downloads: record.downloads,
        likes: record.likes,
        trendingScore: record.trendingScore,
      });
    }
  });

  it('parses the index back from a generated repo id, and nothing else', () => {
    expect(generatedRecordIndex(generatedRepoId(31_337))).toBe(31_337);
    expect(generatedRecordIndex(generatedRepoId(31_337, { seed: 9 }), { seed: 9 })).toBe(31_337);
    expect(generatedRecordIndex(generatedRepoId(31_337, { seed: 9 }))).toBeUndefined();
    expect(generatedRecordIndex('google-bert/bert-base-uncased')).toBeUndefined();
    expect(generatedRecordIndex('someone/model-zz')).toBeUndefined();
  });

  it('spaces createdAt by the documented step', () => {
    const span = generatedCreatedAt(1_000_000) - generatedCreatedAt(0);
    expect(Math.abs(span / 1_000_000 / 1000 - CREATED_AT_STEP_SECONDS)).toBeLessThan(0.01);
  });
});

describe('mutateHfRecord', () => {
  const records = [...generateHfRecords(400)];

  it('commit: a new sha and a later lastModified, nothing else', () => {
    for (const record of records.slice(0, 50)) {
      const next = mutateHfRecord(record, 'commit', 1);
      expect(next.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(next.sha).not.toBe(record.sha);
      expect(next.lastModified > record.lastModified).toBe(true);
      expect({ ...next, sha: record.sha, lastModified: record.lastModified }).toEqual(record);
      const second = mutateHfRecord(record, 'commit', 2);
      expect(second.lastModified > next.lastModified).toBe(true);
      expect(mutateHfRecord(record, 'commit', 1)).toEqual(next);
    }
  });

  it('license: a commit that changes the license in tags and card data', () => {
    for (const record of records) {
      const next = mutateHfRecord(record, 'license', 1);
      expect(next.sha).not.toBe(record.sha);
      expect(next.lastModified > record.lastModified).toBe(true);
      const before = licensesOf(record);
      const after = licensesOf(next);
      expect(after).not.toEqual(before);
      expect(after).toEqual(next.cardData?.license === undefined ? [] : [next.cardData.license]);
      expect(next.tags.at(-1)).toBe('region:us');
      expect(next.siblings.map((file) => file.rfilename)).toContain('README.md');
      if (next.cardData?.license === 'other') {
        expect(next.cardData.license_link).toBe('LICENSE');
        expect(next.siblings.map((file) => file.rfilename)).toContain('LICENSE');
      } else {
        expect(next.cardData?.license_name).toBeUndefined();
      }
      expect(record.tags).toEqual(generateHfRecord(records.indexOf(record)).tags);
    }
  });

  it('gating: toggles gated without a commit, as a repo setting on the Hub', () => {
    for (const record of records.slice(0, 50)) {
      const next = mutateHfRecord(record, 'gating', 1);
      expect(next.gated === false).toBe(record.gated !== false);
      expect(next.sha).toBe(record.sha);
      expect(next.lastModified).toBe(record.lastModified);
      expect(mutateHfRecord(next, 'gating', 2).gated).toBe(false);
    }
  });

  it('downloads: more downloads and likes, no commit', () => {
    for (const record of records.slice(0, 50)) {
      const next = mutateHfRecord(record, 'downloads', 1);
      expect(next.downloads).toBeGreaterThan(record.downloads);
      expect(next.downloadsAllTime - record.downloadsAllTime).toBe(next.downloads - record.downloads);
      expect(next.likes).toBeGreaterThanOrEqual(record.likes);
      expect(next.sha).toBe(record.sha);
    }
  });
});

describe('streaming', () => {
  it('generates 1,000,000 records lazily without growing the heap', { timeout: 60_000 }, () => {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let previousCreatedAt = '';
    for (const record of generateHfRecords(1_000_000)) {
      if (record.createdAt <= previousCreatedAt) throw new Error(`createdAt not increasing at ${count}`);
      previousCreatedAt = record.createdAt;
      count++;
      if (count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(1_000_000);
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });
});
