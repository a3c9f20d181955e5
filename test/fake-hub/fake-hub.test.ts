import { downloadFile, HubApiError, listModels, modelInfo } from '@huggingface/hub';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateHfRecord,
  generatedRepoId,
  type HfGeneratedRecord,
} from '../../src/catalog/seed/demo/record-generator.js';
import {
  DEFAULT_LIST_FIELDS,
  decodeCursor,
  FakeHub,
  GeneratedModelStore,
  malformed,
  MemoryModelStore,
  type FakeHubOptions,
} from './fake-hub.js';
import { expectEventually } from '../helpers/eventually.js';

const hubs: FakeHub[] = [];
afterEach(async () => {
  while (hubs.length > 0) await hubs.pop()?.stop();
});

async function startHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const hub = await FakeHub.start(options);
  hubs.push(hub);
  return hub;
}

/** @huggingface/hub's own Link parser (utils/parseLinkHeader.ts). */
const LIB_LINK = /<(https?:[/][/][^>]+)>;\s+rel="([^"]+)"/g;

function nextLink(response: Response): string | undefined {
  const header = response.headers.get('link');
  if (!header) return undefined;
  for (const [, url, rel] of header.matchAll(LIB_LINK)) if (rel === 'next') return url;
  return undefined;
}

type Entry = Record<string, unknown>;

/** GET a listing and every page after it through the Link headers. */
async function crawl(firstUrl: string): Promise<{ entries: Entry[]; pages: number; urls: string[] }> {
  const entries: Entry[] = [];
  const urls: string[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    urls.push(url);
    const response = await fetch(url);
    expect(response.status, url).toBe(200);
    entries.push(...((await response.json()) as Entry[]));
    url = nextLink(response);
  }
  return { entries, pages: urls.length, urls };
}

function ids(entries: Entry[]): string[] {
  return entries.map((entry) => entry['id'] as string);
}

function fixtureAndGenerated(count: number): MemoryModelStore {
  const store = MemoryModelStore.fromFixtures();
  store.add(...MemoryModelStore.fromGenerated(count, { seed: 11 }).all());
  return store;
}

function expectSorted(entries: Entry[], key: string, ascending: boolean): void {
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1] as Entry;
    const current = entries[i] as Entry;
    const a = previous[key] as string | number;
    const b = current[key] as string | number;
    const inOrder = ascending
      ? a < b || (a === b && (previous['_id'] as string) < (current['_id'] as string))
      : a > b || (a === b && (previous['_id'] as string) < (current['_id'] as string));
    if (!inOrder) throw new Error(`entries ${i - 1} and ${i} out of order by ${key}: ${String(a)} then ${String(b)}`);
  }
}

describe('GET /api/models over an in-memory store', () => {
  it.each([
    ['createdAt', '1'],
    ['createdAt', '-1'],
    ['lastModified', '-1'],
    ['downloads', '-1'],
    ['likes', '-1'],
    ['trendingScore', '-1'],
  ])(
    'pages through Link headers visiting every record exactly once (sort=%s direction=%s)',
    async (sort, direction) => {
      const store = fixtureAndGenerated(2_000);
      const hub = await startHub({ store });
      const { entries, pages, urls } = await crawl(
        `${hub.url}/api/models?sort=${sort}&direction=${direction}&limit=150&expand[]=${sort}&expand[]=sha`,
      );
      expect(pages).toBe(Math.ceil(store.size / 150));
      expect(entries).toHaveLength(store.size);
      expect(new Set(ids(entries))).toEqual(new Set(store.all().map((record) => record.id)));
      expectSorted(entries, sort, sort === 'createdAt' && direction === '1');
      // Absolute next URLs on the hub itself, keeping the query and adding an opaque keyset cursor.
      for (const url of urls.slice(1)) {
        expect(url.startsWith(`${hub.url}/api/models?`)).toBe(true);
        const params = new URL(url).searchParams;
        expect(params.get('limit')).toBe('150');
        expect(params.getAll('expand[]')).toEqual([sort, 'sha']);
        expect(decodeCursor(params.get('cursor') ?? '')?.keyset.key).toBe(sort);
      }
    },
  );

  it('writes cursors exactly like the Hub: base64 of a keyset on (sort key, _id)', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const response = await fetch(`${hub.url}/api/models?sort=likes&limit=2`);
    const page = (await response.json()) as Entry[];
    const cursor = new URL(nextLink(response) ?? '').searchParams.get('cursor') ?? '';
    const last = page[1] as Entry;
    expect(JSON.parse(Buffer.from(cursor, 'base64').toString())).toEqual({
      $or: [{ likes: last['likes'], _id: { $gt: last['_id'] } }, { likes: { $lt: last['likes'] } }],
    });
    expect(response.headers.get('link')).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/api\/models\?.*cursor=[^>]+%3D>; rel="next"$/,
    );
    const downloads = await fetch(`${hub.url}/api/models?sort=downloads&limit=2`);
    const downloadsCursor = new URL(nextLink(downloads) ?? '').searchParams.get('cursor') ?? '';
    expect((JSON.parse(Buffer.from(downloadsCursor, 'base64').toString()) as { $or: unknown[] }).$or).toContainEqual({
      downloads: null,
    });
    expect((await fetch(`${hub.url}/api/models?cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);
    // A cursor of one sort order is not valid for another.
    expect((await fetch(`${hub.url}/api/models?sort=createdAt&cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
  });

  it('keeps cursors valid while records are added, modified and removed between pages', async () => {
    const store = fixtureAndGenerated(300);
    const hub = await startHub({ store });
    const originals = new Set(store.all().map((record) => record.id));
    const seen: string[] = [];
    let url: string | undefined = `${hub.url}/api/models?sort=createdAt&direction=1&limit=40&expand[]=createdAt`;
    let round = 0;
    while (url) {
      const response = await fetch(url);
      const page = (await response.json()) as Entry[];
      seen.push(...ids(page));
      url = nextLink(response);
      round++;
      if (round === 2) {
        // Already-seen records change, one is removed, and new ones arrive (created later).
        const first = page[0] as Entry;
        store.commit(first['id'] as string, { likes: 999 });
        store.setLicense(seen[0] as string, 'mit');
        store.remove(seen[1] as string);
        originals.delete(seen[1] as string);
        store.add(...MemoryModelStore.fromGenerated(5, { seed: 99, baseTime: Date.UTC(2030, 0, 1) }).all());
        // A repo not seen yet is renamed: it keeps its _id and createdAt, so its place in the order.
        const unseen = [...originals].find((id) => !seen.includes(id) && id.includes('/')) as string;
        store.rename(unseen, `${unseen}-renamed`);
        originals.delete(unseen);
        originals.add(`${unseen}-renamed`);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of originals) expect(seen).toContain(id);
    expect(seen.slice(-5)).toEqual(
      MemoryModelStore.fromGenerated(5, { seed: 99, baseTime: Date.UTC(2030, 0, 1) })
        .all()
        .map((record) => record.id),
    );
  });

  it('honours direction=1 for createdAt only and silently ignores it for the other keys', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const get = async (query: string) => ids((await (await fetch(`${hub.url}/api/models?${query}`)).json()) as Entry[]);
    const ascending = await get('sort=createdAt&direction=1');
    // Ties (the Hub's 2022-03-02T23:29:04Z placeholder date) are ordered by _id both ways.
    expect(ascending.slice(0, 2)).toEqual(['google-bert/bert-base-uncased', 'openai-community/gpt2']);
    expect((await get('sort=createdAt&direction=-1')).slice(-3)).toEqual([
      'dbmdz/bert-large-cased-finetuned-conll03-english',
      'google-bert/bert-base-uncased',
      'openai-community/gpt2',
    ]);
    expect(new Set(await get('sort=createdAt&direction=-1'))).toEqual(new Set(ascending));
    for (const sort of ['downloads', 'likes', 'lastModified']) {
      expect(await get(`sort=${sort}&direction=1`)).toEqual(await get(`sort=${sort}`));
    }
    expect((await fetch(`${hub.url}/api/models?sort=popularity`)).status).toBe(400);
  });

  it('returns the default list fields without expand, and only _id, id and the expanded keys with it', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const plain = (await (await fetch(`${hub.url}/api/models`)).json()) as Entry[];
    for (const entry of plain) {
      expect(Object.keys(entry)).toEqual(DEFAULT_LIST_FIELDS.filter((field) => field in entry));
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(['_id', 'id', 'likes', 'private', 'downloads', 'tags', 'createdAt', 'modelId']),
      );
    }
    const expanded = (await (
      await fetch(`${hub.url}/api/models?expand[]=sha&expand=cardData&expand[]=gguf`)
    ).json()) as Entry[];
    for (const entry of expanded) {
      expect(Object.keys(entry).slice(0, 3)).toEqual(['_id', 'id', 'sha']);
      expect(['_id', 'id', 'sha', 'cardData', 'gguf']).toEqual(expect.arrayContaining(Object.keys(entry)));
    }
    expect(
      expanded.find((entry) => entry['id'] === 'bartowski/Qwen2.5-Coder-1.5B-Instruct-GGUF')?.['gguf'],
    ).toMatchObject({
      architecture: 'qwen2',
    });
    expect(
      expanded.find((entry) => entry['id'] === 'dbmdz/bert-large-cased-finetuned-conll03-english'),
    ).not.toHaveProperty('cardData');
    const withBase = (await (await fetch(`${hub.url}/api/models?expand[]=baseModels&search=Slerp`)).json()) as Entry[];
    expect(withBase[0]?.['baseModels']).toEqual({
      relation: 'merge',
      models: [{ id: 'HuggingFaceH4/zephyr-7b-beta' }, { id: 'teknium/OpenHermes-2.5-Mistral-7B' }],
    });
    const bad = await fetch(`${hub.url}/api/models?expand[]=sha&expand[]=licenseText`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await bad.json()) as { error: string }).error).toMatch(/licenseText/);
  });

  it('filters by search, author, filter (ANDed tags), pipeline_tag and gated', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const get = async (query: string) =>
      ids((await (await fetch(`${hub.url}/api/models?${query}`)).json()) as Entry[]).sort();
    expect(await get('search=BERT')).toEqual([
      'dbmdz/bert-large-cased-finetuned-conll03-english',
      'google-bert/bert-base-uncased',
    ]);
    expect(await get('search=bert&search=large')).toEqual(['dbmdz/bert-large-cased-finetuned-conll03-english']);
    expect(await get('author=meta-llama')).toEqual(['meta-llama/Llama-3.1-8B-Instruct']);
    expect(await get('author=meta')).toEqual([]);
    expect(await get('filter=license:apache-2.0&filter=gguf')).toEqual(['bartowski/Qwen2.5-Coder-1.5B-Instruct-GGUF']);
    expect(await get('filter=base_model:adapter:Qwen/Qwen2.5-0.5B-Instruct')).toEqual([
      'tiny-lab/qwen2.5-0.5b-sql-lora',
    ]);
    expect(await get('filter=text-to-image&filter=license:other')).toEqual(['black-forest-labs/FLUX.1-dev']);
    expect(await get('pipeline_tag=fill-mask')).toEqual(['google-bert/bert-base-uncased']);
    expect(await get('gated=true')).toEqual(['black-forest-labs/FLUX.1-dev', 'meta-llama/Llama-3.1-8B-Instruct']);
    expect((await get('gated=false')).length).toBe(11);
  });

  it('caps limit at 1000 and rejects a limit that is not a positive integer', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromGenerated(1_200) });
    const big = await fetch(`${hub.url}/api/models?limit=5000&expand[]=sha`);
    expect(((await big.json()) as Entry[]).length).toBe(1_000);
    expect(nextLink(big)).toBeDefined();
    const all = await fetch(`${hub.url}/api/models?expand[]=sha`);
    expect(((await all.json()) as Entry[]).length).toBe(1_000);
    expect((await fetch(`${hub.url}/api/models?limit=0`)).status).toBe(400);
    expect((await fetch(`${hub.url}/api/models?limit=ten`)).status).toBe(400);
  });
});

describe('GET /api/models over a generator-backed store', () => {
  it.each([
    ['1', 'ascending'],
    ['-1', 'descending'],
  ])('pages 25,000 generated records by createdAt (direction=%s, %s) exactly once each', async (direction) => {
    const count = 25_000;
    const hub = await startHub({ store: new GeneratedModelStore(count, { seed: 3 }) });
    const { entries, pages } = await crawl(
      `${hub.url}/api/models?sort=createdAt&direction=${direction}&limit=1000&expand[]=createdAt`,
    );
    expect(pages).toBe(25);
    expect(entries).toHaveLength(count);
    const expected = Array.from({ length: count }, (_, index) => generatedRepoId(index, { seed: 3 }));
    expect(ids(entries)).toEqual(direction === '1' ? expected : expected.reverse());
  });

  it('serves a 1,000,000-model hub page by page: default listing, cursors, model info', async () => {
    const count = 1_000_000;
    const hub = await startHub({ store: new GeneratedModelStore(count) });
    const started = performance.now();
    const { entries } = await (async () => {
      const collected: Entry[] = [];
      let url: string | undefined = `${hub.url}/api/models?limit=500`;
      for (let page = 0; page < 3 && url; page++) {
        const response = await fetch(url);
        collected.push(...((await response.json()) as Entry[]));
        url = nextLink(response);
      }
      return { entries: collected };
    })();
    // Trending order is served newest-first by the generated store.
    expect(ids(entries)).toEqual(Array.from({ length: 1_500 }, (_, k) => generatedRepoId(count - 1 - k)));
    expect(Object.keys(entries[0] as Entry)).toEqual(
      DEFAULT_LIST_FIELDS.filter((field) => field in (entries[0] as Entry)),
    );
    expect(performance.now() - started).toBeLessThan(10_000);

    const middle = generateHfRecord(654_321);
    const info = await fetch(`${hub.url}/api/models/${middle.id}`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      _id: middle._id,
      id: middle.id,
      sha: middle.sha,
      siblings: middle.siblings,
    });
    expect((await fetch(`${hub.url}/api/models/${generatedRepoId(count)}`)).status).toBe(401);
  });

  it('supports sort=downloads, likes and lastModified through a sorted index built on first use', async () => {
    const count = 5_000;
    const store = new GeneratedModelStore(count, { seed: 4 });
    const hub = await startHub({ store });
    for (const sort of ['downloads', 'likes', 'lastModified']) {
      const { entries } = await crawl(`${hub.url}/api/models?sort=${sort}&limit=1000&expand[]=${sort}`);
      expect(new Set(ids(entries)).size).toBe(count);
      expectSorted(entries, sort, false);
    }
    const filtered = await crawl(
      `${hub.url}/api/models?sort=createdAt&direction=1&filter=gguf&limit=100&expand[]=tags`,
    );
    expect(filtered.entries.length).toBeGreaterThan(100);
    expect(filtered.entries.every((entry) => (entry['tags'] as string[]).includes('gguf'))).toBe(true);
    expect(filtered.entries.length).toBe(
      Array.from({ length: count }, (_, index) => store.record(index)).filter((record) => record.tags.includes('gguf'))
        .length,
    );
  });
});

describe('@huggingface/hub against the fake hub', () => {
  it('listModels pages at 500 through Link headers and sees every model', async () => {
    const store = fixtureAndGenerated(1_200);
    const hub = await startHub({ store });
    const requested: string[] = [];
    const models = [];
    for await (const model of listModels({
      hubUrl: hub.url,
      additionalFields: ['cardData', 'sha'],
      fetch: (input, init) => {
        requested.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    })) {
      models.push(model);
    }
    expect(models).toHaveLength(store.size);
    expect(new Set(models.map((model) => model.name))).toEqual(new Set(store.all().map((record) => record.id)));
    const llama = models.find((model) => model.name === 'meta-llama/Llama-3.1-8B-Instruct');
    expect(llama).toMatchObject({
      id: '6698d8a0653e4babe21e2b7c',
      gated: 'manual',
      task: 'text-generation',
      private: false,
    });
    expect(llama?.cardData).toMatchObject({ license: 'llama3.1' });
    expect(llama?.updatedAt).toEqual(new Date('2024-09-25T17:00:57.000Z'));
    expect(requested).toHaveLength(Math.ceil(store.size / 500));
    const first = new URL(requested[0] as string).searchParams;
    expect(first.get('limit')).toBe('500');
    expect(first.getAll('expand')).toEqual([
      'pipeline_tag',
      'private',
      'gated',
      'downloads',
      'likes',
      'lastModified',
      'cardData',
      'sha',
    ]);
    expect(hub.counters().byRoute.list).toBe(requested.length);
  });

  it('listModels searches by owner, query and tags', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const names = async (search: Parameters<typeof listModels>[0]) => {
      const found: string[] = [];
      for await (const model of listModels({ ...search, hubUrl: hub.url })) found.push(model.name);
      return found.sort();
    };
    expect(await names({ search: { owner: 'HuggingFaceH4' } })).toEqual(['HuggingFaceH4/zephyr-7b-beta']);
    expect(await names({ search: { query: 'lora' } })).toEqual([
      'tiny-lab/qwen2.5-0.5b-sql-lora',
      'watercolor-studio/sdxl-watercolor-lora',
    ]);
    expect(await names({ search: { tags: ['diffusers', 'license:creativeml-openrail-m'] } })).toEqual([
      'CompVis/stable-diffusion-v1-4',
    ]);
  });

  it('modelInfo reads full records, follows a rename and reports a missing repo as 401', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.models.addRedirect('bert-base-uncased', 'google-bert/bert-base-uncased');
    const info = await modelInfo({
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      hubUrl: hub.url,
      additionalFields: ['cardData', 'filePaths', 'safetensors', 'sha'],
    });
    expect(info).toMatchObject({
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      gated: 'manual',
      cardData: { license: 'llama3.1' },
      safetensors: { total: 8_030_261_248 },
    });
    expect(info.filePaths).toContain('model-00004-of-00004.safetensors');
    expect(hub.requestsTo('/api/models/meta-llama/Llama-3.1-8B-Instruct/revision/HEAD')).toHaveLength(1);

    const renamed = await modelInfo({ name: 'bert-base-uncased', hubUrl: hub.url, additionalFields: ['cardData'] });
    expect(renamed.name).toBe('google-bert/bert-base-uncased');
    expect(renamed.cardData).toMatchObject({ license: 'apache-2.0' });

    const missing = await modelInfo({ name: 'nobody/nothing', hubUrl: hub.url }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(HubApiError);
    expect(missing).toMatchObject({
      statusCode: 401,
      message: expect.stringMatching(/^Invalid username or password\./) as string,
    });
  });

  it('downloadFile fetches README.md and LICENSE, and null for a file that is not there', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.setFile('meta-llama/Llama-3.1-8B-Instruct', 'LICENSE', 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT (fake)\n');
    const readme = await downloadFile({ repo: 'google-bert/bert-base-uncased', path: 'README.md', hubUrl: hub.url });
    expect(await readme?.text()).toMatch(
      /^---\nlanguage: en\n[\s\S]*license: apache-2.0\n[\s\S]*---\n\n# bert-base-uncased/,
    );
    const license = await downloadFile({ repo: 'meta-llama/Llama-3.1-8B-Instruct', path: 'LICENSE', hubUrl: hub.url });
    expect(await license?.text()).toBe('LLAMA 3.1 COMMUNITY LICENSE AGREEMENT (fake)\n');
    expect(await downloadFile({ repo: 'google-bert/bert-base-uncased', path: 'NOTICE', hubUrl: hub.url })).toBeNull();
  });
});

describe('model info and files over raw HTTP', () => {
  it('answers 307 with a relative Location for a renamed repo, keeping the revision and query', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    // The repo lived at `gpt2` until it moved under its organisation.
    hub.models.rename('openai-community/gpt2', 'gpt2');
    hub.models.rename('gpt2', 'openai-community/gpt2');
    expect(hub.models.lookup('gpt2')).toEqual({ kind: 'renamed', to: 'openai-community/gpt2' });
    const response = await fetch(`${hub.url}/api/models/gpt2`, { redirect: 'manual' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/api/models/openai-community/gpt2');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('Temporary Redirect. Redirecting to /api/models/openai-community/gpt2');
    const revision = await fetch(`${hub.url}/api/models/gpt2/revision/main?expand=sha`, { redirect: 'manual' });
    expect(revision.headers.get('location')).toBe('/api/models/openai-community/gpt2/revision/main?expand=sha');
    const followed = await fetch(`${hub.url}/api/models/gpt2/revision/main?expand=sha`);
    expect(await followed.json()).toEqual({
      _id: '621ffdc036468d709f1740b7',
      id: 'openai-community/gpt2',
      sha: expect.any(String) as string,
    });
    expect(hub.requestsTo(/^\/api\/models\/(gpt2|openai-community\/gpt2)\/revision\/main/)).toHaveLength(3);
  });

  it('answers 401 RepoNotFound for a missing repo and 404 RevisionNotFound for an unknown revision', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const missing = await fetch(`${hub.url}/api/models/nobody/nothing`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-error-code')).toBe('RepoNotFound');
    expect(missing.headers.get('x-error-message')).toBe('Invalid username or password.');
    expect(await missing.json()).toEqual({ error: 'Invalid username or password.' });
    const revision = await fetch(`${hub.url}/api/models/openai-community/gpt2/revision/v9.9`);
    expect(revision.status).toBe(404);
    expect(revision.headers.get('x-error-code')).toBe('RevisionNotFound');
    const bySha = await fetch(`${hub.url}/api/models/openai-community/gpt2/revision/a1c3e5f7091b`);
    expect(bySha.status).toBe(200);
  });

  it('returns the full model info without the list-only fields unless expanded', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const full = (await (await fetch(`${hub.url}/api/models/black-forest-labs/FLUX.1-dev`)).json()) as Entry;
    expect(full).toMatchObject({
      gated: 'auto',
      cardData: { license: 'other', license_name: 'flux-1-dev-non-commercial-license', license_link: 'LICENSE.md' },
    });
    expect(Object.keys(full)).toEqual(
      expect.arrayContaining(['_id', 'id', 'author', 'sha', 'lastModified', 'siblings', 'config', 'createdAt', 'tags']),
    );
    expect(full).not.toHaveProperty('trendingScore');
    expect(full).not.toHaveProperty('inferenceProviderMapping');
    const expanded = (await (
      await fetch(`${hub.url}/api/models/black-forest-labs/FLUX.1-dev?expand[]=inferenceProviderMapping`)
    ).json()) as Entry;
    expect(Object.keys(expanded)).toEqual(['_id', 'id', 'inferenceProviderMapping']);
    expect(expanded['inferenceProviderMapping']).toContainEqual({
      provider: 'fal-ai',
      providerId: 'fal-ai/flux/dev',
      status: 'live',
      task: 'text-to-image',
    });
    expect((await fetch(`${hub.url}/api/models/black-forest-labs/FLUX.1-dev?expand=nope`)).status).toBe(400);
  });

  it('resolves README.md and LICENSE files with Range support, 404 EntryNotFound otherwise', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures(), gatedFilesNeedToken: true });
    const license = await fetch(`${hub.url}/google-bert/bert-base-uncased/resolve/main/LICENSE`);
    expect(license.status).toBe(200);
    expect(await license.text()).toMatch(/Apache License/);
    expect(license.headers.get('ratelimit')).toMatch(/^"resolvers";r=\d+;t=\d+$/);
    const head = await fetch(`${hub.url}/google-bert/bert-base-uncased/resolve/main/README.md`, {
      headers: { Range: 'bytes=0-0' },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toMatch(/^bytes 0-0\/\d+$/);
    expect(await head.text()).toBe('-');
    const weights = await fetch(`${hub.url}/google-bert/bert-base-uncased/resolve/main/model.safetensors`);
    expect(weights.status).toBe(404);
    expect(weights.headers.get('x-error-code')).toBe('EntryNotFound');
    const unlisted = await fetch(`${hub.url}/dbmdz/bert-large-cased-finetuned-conll03-english/resolve/main/README.md`);
    expect(unlisted.status).toBe(404);
    const gated = await fetch(`${hub.url}/black-forest-labs/FLUX.1-dev/resolve/main/LICENSE.md`);
    expect(gated.status).toBe(401);
    expect(gated.headers.get('x-error-code')).toBe('GatedRepo');
    const withToken = await fetch(`${hub.url}/black-forest-labs/FLUX.1-dev/resolve/main/LICENSE.md`, {
      headers: { Authorization: 'Bearer hf_test' },
    });
    expect(await withToken.text()).toMatch(/^flux-1-dev-non-commercial-license license/);
    expect((await fetch(`${hub.url}/nobody/nothing/resolve/main/README.md`)).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('puts RateLimit and RateLimit-Policy on every /api response', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const responses = [
      await fetch(`${hub.url}/api/models`),
      await fetch(`${hub.url}/api/models/openai-community/gpt2`),
      await fetch(`${hub.url}/api/models/nobody/nothing`),
      await fetch(`${hub.url}/api/models?expand=wrong`),
      await fetch(`${hub.url}/api/spaces`),
    ];
    responses.forEach((response, n) => {
      expect(response.headers.get('ratelimit')).toMatch(new RegExp(`^"api";r=${999 - n};t=(300|299)$`));
      expect(response.headers.get('ratelimit-policy')).toBe('"fixed window";"api";q=1000;w=300');
    });
  });

  it('answers 429 with Retry-After once the window quota is spent, and again after the window resets', async () => {
    let now = 1_000_000;
    const hub = await startHub({
      store: MemoryModelStore.fromFixtures(),
      rateLimit: { quota: 3, windowMs: 10_000 },
      now: () => now,
    });
    const get = () => fetch(`${hub.url}/api/models?limit=1`);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await get();
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('ratelimit'));
      now += 1_000;
    }
    expect(remaining).toEqual(['"api";r=2;t=10', '"api";r=1;t=9', '"api";r=0;t=8']);
    now += 2_500; // 5.5 s into the window
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(limited.headers.get('ratelimit')).toBe('"api";r=0;t=5');
    expect(limited.headers.get('ratelimit-policy')).toBe('"fixed window";"api";q=3;w=10');
    expect(((await limited.json()) as { error: string }).error).toMatch(/rate-limited/);
    // Resolves have their own bucket and still pass.
    expect((await fetch(`${hub.url}/google-bert/bert-base-uncased/resolve/main/README.md`)).status).toBe(200);
    now += 4_500; // the window has ended
    const again = await get();
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit')).toBe('"api";r=2;t=10');
    expect(hub.counters().throttled).toBe(1);
    expect(hub.counters().byStatus.get(429)).toBe(1);
  });

  it('works on the real clock with a short window, and the policy can be changed', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures(), rateLimit: { quota: 2, windowMs: 800 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${hub.url}/api/models?limit=1`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 850));
    expect((await fetch(`${hub.url}/api/models?limit=1`)).status).toBe(200);
    hub.setRateLimit({ quota: 50, windowMs: 120_000 });
    const response = await fetch(`${hub.url}/api/models?limit=1`);
    expect(response.headers.get('ratelimit')).toBe('"api";r=49;t=120');
    expect(response.headers.get('ratelimit-policy')).toBe('"fixed window";"api";q=50;w=120');
  });
});

describe('fault injection', () => {
  it('answers 5xx for the next N requests, or for one path', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const handle = hub.failNext(3, 502);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${hub.url}/api/models?limit=1`)).status);
    expect(statuses).toEqual([502, 502, 502, 200]);
    expect(handle).toMatchObject({ served: 3, remaining: 0 });
    hub.inject({ kind: 'status', status: 500, skip: 1, times: 2 });
    statuses.length = 0;
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${hub.url}/api/models?limit=1`)).status);
    expect(statuses).toEqual([200, 500, 500, 200]);
    hub.failPath('/api/models/openai-community/gpt2', 503);
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(503);
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(503);
    expect((await fetch(`${hub.url}/api/models/google-bert/bert-base-uncased`)).status).toBe(200);
    const failing = await fetch(`${hub.url}/api/models/openai-community/gpt2`);
    expect(failing.headers.get('ratelimit')).toMatch(/^"api";r=\d+/);
    expect(await failing.json()).toEqual({ error: 'fake hub: injected 503' });
    hub.clearFaults();
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(200);
    expect(hub.counters().faults).toBe(8);
  });

  it('hangs a request until the client gives up, and still stops cleanly', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.hangNext(2, { route: 'list' });
    const hung = fetch(`${hub.url}/api/models`, { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/aborted|timeout/i);
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(200);
    void fetch(`${hub.url}/api/models`).catch(() => undefined); // never answered
    await expectEventually(() => expect(hub.counters().inFlight).toBe(1));
    expect(hub.log.filter((entry) => entry.fault === 'hang')).toHaveLength(2);
    await hub.stop();
    expect(hub.counters().inFlight).toBe(0);
  });

  it('answers slowly, and counts concurrent requests', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.delayNext(400, 3);
    const started = performance.now();
    const responses = await Promise.all([1, 2, 3].map(() => fetch(`${hub.url}/api/models?limit=1`)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(hub.counters().maxConcurrent).toBe(3);
    await expectEventually(() => expect(hub.log.every((entry) => (entry.durationMs ?? 0) >= 390)).toBe(true));
  });

  it('truncates a JSON body mid-way, cleanly or by cutting the connection', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.truncateNext(1, { route: 'list' });
    const cut = await fetch(`${hub.url}/api/models`);
    expect(cut.status).toBe(200);
    expect(cut.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(cut.headers.get('link')).toBeNull();
    const text = await cut.text();
    expect(text.length).toBeGreaterThan(100);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    hub.truncateNext(1, { route: 'info', abort: true, keepBytes: 64 });
    const aborted = await fetch(`${hub.url}/api/models/openai-community/gpt2`);
    expect(aborted.status).toBe(200);
    await expect(aborted.text()).rejects.toThrow();
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(200);
  });

  it("fails one model's info, README or LICENSE, every time or a number of times", async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const repo = 'google-bert/bert-base-uncased';
    hub.failModel(repo);
    hub.failModel(repo, { file: 'README.md', status: 503, times: 2 });
    hub.failModel(repo, { file: 'LICENSE', status: 'reset' });
    for (const query of ['', '?expand[]=sha', '/revision/main']) {
      expect((await fetch(`${hub.url}/api/models/${repo}${query}`)).status).toBe(500);
    }
    expect((await fetch(`${hub.url}/api/models/openai-community/gpt2`)).status).toBe(200);
    const readme = `${hub.url}/${repo}/resolve/main/README.md`;
    expect([(await fetch(readme)).status, (await fetch(readme)).status, (await fetch(readme)).status]).toEqual([
      503, 503, 200,
    ]);
    await expect(fetch(`${hub.url}/${repo}/resolve/main/LICENSE`)).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${hub.url}/openai-community/gpt2/resolve/main/README.md`)).status).toBe(200);
  });

  it('serves detail-only content, NUL bytes and lone surrogates included, that listings do not show', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    const repo = 'openai-community/gpt2';
    const licenseName = 'Custom\u0000 License \ud800';
    hub.setInfo(repo, (record) => ({ ...record, cardData: { ...record.cardData, license_name: licenseName } }));
    const info = (await (await fetch(`${hub.url}/api/models/${repo}`)).json()) as { cardData: Entry };
    expect(info.cardData['license_name']).toBe(licenseName);
    const expanded = await modelInfo({ name: repo, hubUrl: hub.url, additionalFields: ['cardData'] });
    expect((expanded as unknown as { cardData: Entry }).cardData['license_name']).toBe(licenseName);
    const listed = (await (await fetch(`${hub.url}/api/models?search=gpt2&expand[]=cardData`)).json()) as Entry[];
    expect(listed.find((entry) => entry['id'] === repo)?.['cardData']).not.toHaveProperty('license_name', licenseName);
  });

  it('resets a connection without answering', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.resetNext();
    await expect(fetch(`${hub.url}/api/models`)).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${hub.url}/api/models`)).status).toBe(200);
  });

  it('puts malformed records inside an otherwise valid page', async () => {
    const store = fixtureAndGenerated(20);
    const hub = await startHub({ store });
    const base = store.get('openai-community/gpt2') as HfGeneratedRecord;
    const entries = [
      ...malformed.nonObjects(),
      malformed.withoutId(base),
      malformed.wrongTypes(base),
      malformed.hugeString(base),
      malformed.binaryString(base),
    ];
    hub.injectMalformed(entries, { position: 'middle' });
    const response = await fetch(
      `${hub.url}/api/models?sort=createdAt&direction=1&limit=10&expand[]=cardData&expand[]=downloads`,
    );
    expect(response.status).toBe(200);
    expect(nextLink(response)).toBeDefined();
    const page = (await response.json()) as unknown[];
    expect(page).toHaveLength(10 + entries.length);
    expect(page.slice(5, 8)).toEqual([42, 'x', null]);
    expect(page[8]).not.toHaveProperty('id');
    expect(page[9]).toMatchObject({ downloads: 'many', tags: 7 });
    expect(((page[10] as HfGeneratedRecord).cardData?.license_name ?? '').length).toBe(2 * 1024 * 1024);
    expect((page[11] as HfGeneratedRecord).pipeline_tag).toContain('\u0000');
    // The next page is unaffected and the walk still sees every real record once.
    const rest = await crawl(nextLink(response) ?? '');
    const real = [...page.slice(0, 5), ...page.slice(5 + entries.length)] as Entry[];
    expect(real.every((entry) => typeof entry['id'] === 'string' && typeof entry['downloads'] === 'number')).toBe(true);
    expect(new Set([...ids(real), ...ids(rest.entries)]).size).toBe(store.size);
  });

  it('replaces a body, and sends bursts of 429s with Retry-After', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.inject({ kind: 'body', body: { unexpected: true }, route: 'list' });
    expect(await (await fetch(`${hub.url}/api/models`)).json()).toEqual({ unexpected: true });
    hub.rateLimitBurst(2, 7);
    for (let i = 0; i < 2; i++) {
      const limited = await fetch(`${hub.url}/api/models`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.headers.get('ratelimit')).toBe('"api";r=0;t=7');
    }
    expect((await fetch(`${hub.url}/api/models`)).status).toBe(200);
    expect(hub.counters().throttled).toBe(2);
  });

  it('logs every request with its route, status and fault, and counts per path', async () => {
    const hub = await startHub({ store: MemoryModelStore.fromFixtures() });
    hub.failNext(1, 500, { route: 'info' });
    await fetch(`${hub.url}/api/models?limit=2`);
    await fetch(`${hub.url}/api/models/openai-community/gpt2`);
    await fetch(`${hub.url}/api/models/openai-community/gpt2`);
    await fetch(`${hub.url}/openai-community/gpt2/resolve/main/README.md`);
    const counters = hub.counters();
    expect(counters.requests).toBe(4);
    expect(counters.byPath.get('/api/models/openai-community/gpt2')).toBe(2);
    expect(counters.byRoute).toEqual({ list: 1, info: 2, resolve: 1, other: 0 });
    expect(counters.byStatus.get(500)).toBe(1);
    expect(hub.log.map((entry) => [entry.route, entry.status, entry.fault])).toEqual([
      ['list', 200, undefined],
      ['info', 500, 'status'],
      ['info', 200, undefined],
      ['resolve', 200, undefined],
    ]);
    expect(hub.requestsTo('/api/models')[0]?.url).toBe('/api/models?limit=2');
    hub.resetLog();
    expect(hub.counters().requests).toBe(0);
  });
});
