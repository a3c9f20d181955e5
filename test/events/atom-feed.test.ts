/**
 * `GET /feeds/changes.atom`: a valid Atom document (parsed here with an XML parser) of the newest
 * matching changes, newest first, with filters from the query string, conditional GET, and a 400
 * naming the problem for bad parameters.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { xml2js } from 'xml-js';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository, type CommittedChange } from '../../src/catalog/ingest.repository.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel, buildLicense, buildOpenness } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let api: RunningApi;

beforeAll(async () => {
  api = await startApi({
    db,
    redisUrl: inject('redisUrl'),
    queuePrefix: `test-atom-${randomBytes(4).toString('hex')}`,
  });
});
afterAll(() => api.stop());

beforeEach(async () => {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
});

const NC = buildLicense({
  id: 'CC-BY-NC-4.0',
  name: 'CC BY-NC 4.0',
  category: 'NON_COMMERCIAL',
  hubValue: 'cc-by-nc-4.0',
});
const model = (repoId: string, license = buildLicense()): CatalogModel =>
  buildCatalogModel(repoId, { license, openness: buildOpenness({ license }) });

interface Entry {
  id: string;
  title: string;
  link: string;
  category: string;
}

async function feed(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/feeds/changes.atom${query}`, { headers });
  const text = await response.text();
  return { response, text };
}

function entries(text: string): Entry[] {
  const document = xml2js(text, { compact: true }) as {
    feed: { entry?: unknown };
  };
  const raw = document.feed.entry;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as {
    id: { _text: string };
    title: { _text?: string; _cdata?: string };
    link: { _attributes: { href: string } };
    category: { _attributes: { term: string } };
  }[];
  return list.map((entry) => ({
    id: entry.id._text,
    title: entry.title._text ?? entry.title._cdata ?? '',
    link: entry.link._attributes.href,
    category: entry.category._attributes.term,
  }));
}

async function seed(): Promise<CommittedChange[]> {
  const ingest = new IngestRepository(db.pool);
  const changes: CommittedChange[] = [];
  changes.push(...(await ingest.ingestPage([model('meta-llama/Llama-3.1-8B'), model('acme/tiny')]))!.changes);
  changes.push(...(await ingest.ingestPage([model('acme/tiny', NC)]))!.changes);
  return changes;
}

describe('Atom feed of changes', () => {
  it('serves the newest changes first as Atom, with a readable title and the model link', async () => {
    const changes = await seed();
    const { response, text } = await feed('');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const document = xml2js(text, { compact: true }) as { feed: { _attributes: { xmlns: string } } };
    expect(document.feed._attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
    const got = entries(text);
    expect(got.map((entry) => entry.id)).toEqual(
      [...changes].reverse().map((change) => `urn:open-model-catalog:change:${change.id}`),
    );
    expect(got[0]).toMatchObject({
      title: 'acme/tiny: license MIT → CC-BY-NC-4.0',
      link: 'https://huggingface.co/acme/tiny',
      category: 'LICENSE_CHANGED',
    });
  });

  it('filters by the query string (lists comma-separated or repeated) and limits', async () => {
    const changes = await seed();
    const licensed = entries(
      (await feed('?kinds=LICENSE_CHANGED,GATING_CHANGED&licenseCategories=NON_COMMERCIAL')).text,
    );
    expect(licensed.map((entry) => entry.category)).toEqual(['LICENSE_CHANGED']);
    const byAuthor = entries((await feed('?authors=meta-llama&authors=nobody')).text);
    expect(byAuthor.map((entry) => entry.title)).toEqual([
      expect.stringMatching(/^meta-llama\/Llama-3.1-8B: new model/),
    ]);
    const limited = entries((await feed('?limit=1')).text);
    expect(limited.map((entry) => entry.id)).toEqual([`urn:open-model-catalog:change:${changes.at(-1)?.id}`]);
  });

  it('answers 304 to a reader whose copy is current, and 200 again after a new change', async () => {
    await seed();
    const first = await feed('?kinds=CREATED');
    const etag = first.response.headers.get('etag') as string;
    expect(etag).toBeTruthy();
    expect((await feed('?kinds=CREATED', { 'if-none-match': etag })).response.status).toBe(304);
    await new IngestRepository(db.pool).ingestPage([model('acme/new')]);
    expect((await feed('?kinds=CREATED', { 'if-none-match': etag })).response.status).toBe(200);
  });

  it('refuses bad parameters with 400 and says which', async () => {
    for (const [query, message] of [
      ['?kinds=NOPE', /kinds/],
      ['?limit=0', /limit/],
      ['?limit=1000', /limit/],
      ['?since=yesterday', /since/],
      ['?colour=red', /unknown query parameter/],
    ] as const) {
      const { response, text } = await feed(query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type'), query).toMatch(/^application\/json/);
      expect(text).toMatch(message);
      expect(text).toContain('"code":"BAD_USER_INPUT"');
    }
  });
});
