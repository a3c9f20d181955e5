/**
 * Abuse: cache poisoning through the Host header. The Atom feed writes its own absolute URL (its
 * `<id>` and self link). A client that forges `Host` (or `X-Forwarded-Host` / `-Proto`) must not
 * get that into a response a shared cache keeps for everybody:
 *
 * - with PUBLIC_URL set, the feed's URLs come from PUBLIC_URL alone — a forged Host appears nowhere,
 *   every Host gets the same bytes and ETag — and the feed is publicly cacheable;
 * - without PUBLIC_URL, the URLs follow the Host, and the response is `private, no-store` with
 *   `Vary: Host`: no shared cache may keep it, so a forged Host reaches only its sender.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { xml2js } from 'xml-js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';
import { rawGet, type RawResponse } from '../helpers/raw-get.js';

const db = useTestDatabase();
const PUBLIC_URL = 'https://catalog.example.com/open-models';
const FORGED = 'evil.example';
let withPublicUrl: RunningApi;
let withoutPublicUrl: RunningApi;

beforeAll(async () => {
  // TRUST_PROXY: X-Forwarded-* would be believed, were the feed to read them.
  const env = { NODE_ENV: 'production', TRUST_PROXY: '1' };
  withPublicUrl = await startApi({ db, redisUrl: inject('redisUrl'), env: { ...env, PUBLIC_URL: `${PUBLIC_URL}/` } });
  withoutPublicUrl = await startApi({ db, redisUrl: inject('redisUrl'), env });
});
afterAll(async () => {
  await withPublicUrl.stop();
  await withoutPublicUrl.stop();
});

beforeEach(async () => {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
  await new IngestRepository(db.pool).ingestPage([buildCatalogModel('acme/tiny'), buildCatalogModel('acme/small')]);
});

function getFeed(api: RunningApi, query: string, headers: Record<string, string>): Promise<RawResponse> {
  return rawGet(new URL(`/feeds/changes.atom${query}`, api.url), headers);
}

const FORGED_HEADERS = {
  host: FORGED,
  'x-forwarded-host': `forwarded.${FORGED}`,
  'x-forwarded-proto': 'gopher',
};

/** The feed's `<id>` and its `rel="self"` link. */
function selfUrls(body: string): { id: string; self: string | undefined } {
  const document = xml2js(body, { compact: true }) as {
    feed: { id: { _text: string }; link?: { _attributes: { rel?: string; href: string } }[] | object };
  };
  const links = (Array.isArray(document.feed.link) ? document.feed.link : [document.feed.link]) as {
    _attributes: { rel?: string; href: string };
  }[];
  return {
    id: document.feed.id._text,
    self: links.find((link) => link._attributes.rel === 'self')?._attributes.href,
  };
}

const varyOf = (response: RawResponse) =>
  String(response.headers['vary'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());

describe('with PUBLIC_URL', () => {
  it('a forged Host appears nowhere in the feed; its id and self link are under PUBLIC_URL', async () => {
    const response = await getFeed(withPublicUrl, '?kinds=CREATED', FORGED_HEADERS);
    expect(response.status).toBe(200);
    expect(response.body).not.toContain(FORGED);
    expect(response.body).not.toContain('gopher');
    expect(selfUrls(response.body)).toEqual({
      id: `${PUBLIC_URL}/feeds/changes.atom?kinds=CREATED`,
      self: `${PUBLIC_URL}/feeds/changes.atom?kinds=CREATED`,
    });
    for (const value of Object.values(response.headers)) expect(String(value)).not.toContain(FORGED);
  });

  it('every Host gets the same bytes and ETag, so the feed may be cached publicly', async () => {
    const forged = await getFeed(withPublicUrl, '?kinds=CREATED', FORGED_HEADERS);
    const honest = await getFeed(withPublicUrl, '?kinds=CREATED', { host: 'catalog.example.com' });
    expect(forged.body).toBe(honest.body);
    expect(forged.headers['etag']).toBe(honest.headers['etag']);
    expect(forged.headers['cache-control']).toBe('public, max-age=60');
    expect(varyOf(forged)).not.toContain('host');
  });
});

describe('without PUBLIC_URL', () => {
  it('the feed follows the Host but is not cacheable by shared caches', async () => {
    const response = await getFeed(withoutPublicUrl, '?kinds=CREATED', FORGED_HEADERS);
    expect(response.status).toBe(200);
    const cacheControl = String(response.headers['cache-control']);
    expect(cacheControl).not.toMatch(/public|s-maxage/);
    expect(cacheControl).toMatch(/\bprivate\b/);
    expect(cacheControl).toMatch(/\bno-store\b/);
    expect(varyOf(response)).toContain('host');
    // The sender's own Host, with only http(s) whatever X-Forwarded-Proto claims.
    expect(selfUrls(response.body).id).toBe(`http://${FORGED}/feeds/changes.atom?kinds=CREATED`);
  });

  it('a 304 carries the same headers', async () => {
    const first = await getFeed(withoutPublicUrl, '', { host: FORGED });
    const etag = String(first.headers['etag']);
    const revalidated = await getFeed(withoutPublicUrl, '', { host: FORGED, 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(String(revalidated.headers['cache-control'])).toMatch(/\bno-store\b/);
    expect(varyOf(revalidated)).toContain('host');
  });
});
