/** The fake Civitai answers as the real API does: pagination rules, filters, cursors, errors. */
import { afterEach, describe, expect, it } from 'vitest';
import { CivitaiFakeHub, civitaiRecords, lastVersionAt, type CivitaiFakeRecord } from './civitai-fake.js';

const hubs: CivitaiFakeHub[] = [];
afterEach(async () => {
  while (hubs.length) await hubs.pop()?.stop();
});

async function start(records: CivitaiFakeRecord[] = civitaiRecords(120)): Promise<CivitaiFakeHub> {
  const hub = await CivitaiFakeHub.start({ records });
  hubs.push(hub);
  return hub;
}

interface Page {
  items: { id: number; nsfw: boolean; mode?: string; modelVersions: { files: unknown[]; createdAt?: string }[] }[];
  metadata: { nextCursor?: string | number; nextPage?: string; currentPage?: number; pageSize?: number };
}

async function get(hub: CivitaiFakeHub, path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${hub.url}${path}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function walk(hub: CivitaiFakeHub, query: string): Promise<{ ids: number[]; pages: Page[] }> {
  const pages: Page[] = [];
  let url: string | undefined = `${hub.url}/api/v1/models?${query}`;
  while (url) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    pages.push(page);
    url = page.metadata.nextPage;
  }
  return { ids: pages.flatMap((page) => page.items.map((item) => item.id)), pages };
}

describe('fake civitai: listing', () => {
  it('walks sort=Newest with cursors to the end: every listed model once, lastVersionAt descending', async () => {
    const hub = await start();
    const { ids, pages } = await walk(hub, 'limit=25&sort=Newest&nsfw=true&archived=true');
    expect(ids.length).toBe(hub.listable().length);
    expect(new Set(ids).size).toBe(ids.length);
    const times = ids.map((id) => lastVersionAt(hub.get(id)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const cursor = pages[0]?.metadata.nextCursor;
    expect(cursor).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\|\d+$/);
    // The cursor names the first model of the next page.
    expect(String(cursor).split('|')[1]).toBe(String(pages[1]?.items[0]?.id));
    expect(pages.at(-1)?.metadata).toEqual({});
  });

  it('walks sort=Oldest ascending, and Highest Rated with three-part cursors', async () => {
    const hub = await start();
    const oldest = await walk(hub, 'limit=30&sort=Oldest&nsfw=true&archived=true');
    const times = oldest.ids.map((id) => lastVersionAt(hub.get(id)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const rated = await walk(hub, 'limit=30&nsfw=true&archived=true');
    expect(rated.ids.length).toBe(hub.listable().length);
    expect(String(rated.pages[0]?.metadata.nextCursor)).toMatch(/^\d+\|\d+\|\d+$/);
  });

  it('lists only SFW levels without nsfw=true, and archived models only with archived=true', async () => {
    const hub = await start();
    const sfw = await walk(hub, 'sort=Newest&archived=true');
    const expected = hub.listable().filter((record) => (record.nsfwLevel & 3) !== 0);
    expect(sfw.ids.sort()).toEqual(expected.map((record) => record.id).sort());
    expect(expected.length).toBeLessThan(hub.listable().length);
    // Flagged SFW but rated R only: hidden all the same.
    expect(
      hub.listable().some((record) => !record.nsfw && record.nsfwLevel === 4 && !sfw.ids.includes(record.id)),
    ).toBe(true);

    const live = await walk(hub, 'sort=Newest&nsfw=true');
    const archived = hub.listable().filter((record) => record.mode === 'Archived');
    expect(archived.length).toBeGreaterThan(0);
    expect(live.ids.length).toBe(hub.listable().length - archived.length);
    const withArchived = await walk(hub, 'sort=Newest&nsfw=true&archived=true');
    const listedArchived = withArchived.pages.flatMap((page) => page.items).find((item) => item.mode === 'Archived');
    expect(listedArchived?.modelVersions.every((version) => version.files.length === 0)).toBe(true);
  });

  it('enforces limit ≤ 100, page × limit ≤ 1000 (a 429), and no page with a query (a 400)', async () => {
    const hub = await start(civitaiRecords(5));
    expect((await get(hub, '/api/v1/models?limit=101')).status).toBe(400);
    expect((await get(hub, '/api/v1/models?limit=100&page=10')).status).toBe(200);
    const tooDeep = await get(hub, '/api/v1/models?limit=100&page=11');
    expect(tooDeep.status).toBe(429);
    expect(tooDeep.body).toEqual({ error: "You've requested too many pages, please use cursors instead" });
    expect(tooDeep.headers.get('retry-after')).toBeNull();
    const search = await get(hub, '/api/v1/models?query=lora&page=1');
    expect(search.status).toBe(400);
    expect((await get(hub, '/api/v1/models?sort=Best')).status).toBe(400);
    expect((await get(hub, '/api/v1/models?sort=Newest&cursor=12|34|56')).status).toBe(400);
    expect((await get(hub, '/api/v1/models?sort=Newest&cursor=soon|34')).status).toBe(400);
    const paged = (await get(hub, '/api/v1/models?limit=2&page=1&nsfw=true')).body as Page;
    expect(paged.metadata).toMatchObject({ currentPage: 1, pageSize: 2 });
  });

  it('searches with numeric cursors that skip the model they name, as the search index does', async () => {
    const hub = await start();
    const first = (await get(hub, '/api/v1/models?query=LORA&limit=5&nsfw=true')).body as Page;
    const cursor = first.metadata.nextCursor;
    expect(typeof cursor).toBe('number');
    const second = (await get(hub, `/api/v1/models?query=LORA&limit=5&nsfw=true&cursor=${cursor}`)).body as Page;
    expect(second.items.map((item) => item.id)).not.toContain(cursor);
    expect(second.items[0]?.id).toBeLessThan(Number(cursor));
  });

  it('the injected cursor bug leaves out the model its cursor names, for as many pages as asked', async () => {
    const hub = await start();
    hub.skipCursorItems(1);
    const { ids, pages } = await walk(hub, 'limit=20&sort=Newest&nsfw=true&archived=true');
    const named = Number(String(pages[0]?.metadata.nextCursor).split('|')[1]);
    expect(ids).not.toContain(named);
    expect(ids.length).toBe(hub.listable().length - 1);
    expect(hub.cursorItemsSkipped).toBe(1);
  });

  it('lists Public and EarlyAccess versions only, and leaves out a model with none after reading its row', async () => {
    const records = civitaiRecords(30);
    const [mixed, hidden] = [records[3]!, records[4]!];
    mixed.modelVersions = [
      { ...mixed.modelVersions[0]!, id: 1, availability: 'Private' },
      { ...mixed.modelVersions[0]!, id: 2, availability: 'Public' },
    ];
    for (const version of hidden.modelVersions) version['availability'] = 'Private';
    const hub = await start(records);
    expect(hub.listable().map((record) => record.id)).not.toContain(hidden.id);

    // Pages as long as the models before it: the first page's extra row, which its cursor names, is it.
    const before = hub
      .all()
      .sort((a, b) => lastVersionAt(a) - lastVersionAt(b) || a.id - b.id)
      .findIndex((record) => record.id === hidden.id);
    expect(before).toBeGreaterThan(0);
    const { ids, pages } = await walk(hub, `limit=${before}&sort=Oldest&nsfw=true&archived=true`);
    expect(ids).not.toContain(hidden.id);
    expect(ids.length).toBe(hub.listable().length);
    const listedMixed = pages.flatMap((page) => page.items).find((item) => item.id === mixed.id);
    expect(listedMixed?.modelVersions).toHaveLength(1);
    // The row was read: the cursor before it names it, though its page leaves it out.
    expect(String(pages[0]?.metadata.nextCursor)).toMatch(new RegExp(`\\|${hidden.id}$`));
    expect(pages[1]?.items.map((item) => item.id)).not.toContain(hidden.id);
    const detail = (await get(hub, `/api/v1/models/${hidden.id}`)).body as Page['items'][number];
    expect(detail.modelVersions.length).toBe(hidden.modelVersions.length);
  });

  it('breaks the metadata of listing pages on request: a nextPage by page number, or none at all', async () => {
    const hub = await start(civitaiRecords(10));
    hub.breakMetadata('page-number', { skip: 1 });
    const first = (await get(hub, '/api/v1/models?limit=3&sort=Oldest')).body as Page;
    expect(first.metadata.nextCursor).toBeDefined();
    const next = `/api/v1/models?limit=3&sort=Oldest&cursor=${encodeURIComponent(String(first.metadata.nextCursor))}`;
    const second = (await get(hub, next)).body as Page;
    expect(second.metadata).toEqual({
      currentPage: 2,
      pageSize: 3,
      nextPage: `${hub.url}/api/v1/models?limit=3&sort=Oldest&page=3`,
    });
    expect(second.items).toHaveLength(3);

    hub.breakMetadata('missing');
    const bare = (await get(hub, '/api/v1/models?limit=3&sort=Oldest')).body as Record<string, unknown>;
    expect(Object.keys(bare)).toEqual(['items']);
    expect(((await get(hub, '/api/v1/models?limit=3&sort=Oldest')).body as Page).metadata.nextCursor).toBeDefined();
  });

  it('serves one model with its versions’ createdAt, or a 404', async () => {
    const record = civitaiRecords(1)[0]!;
    record.modelVersions[0]!['createdAt'] = '2025-01-01T00:00:00.000Z';
    const hub = await start([record]);
    const found = await get(hub, `/api/v1/models/${record.id}`);
    expect(found.status).toBe(200);
    expect((found.body as Page['items'][number]).modelVersions[0]?.createdAt).toBe('2025-01-01T00:00:00.000Z');
    const listed = (await get(hub, '/api/v1/models?nsfw=true')).body as Page;
    expect(listed.items[0]?.modelVersions[0]?.createdAt).toBeUndefined();
    expect(await get(hub, '/api/v1/models/9')).toMatchObject({ status: 404, body: { error: 'No model with id 9' } });
  });

  it('injects faults: 5xx, 429 with Retry-After, truncated JSON', async () => {
    const hub = await start(civitaiRecords(3));
    hub.failNext(1, 502, { route: 'list' });
    hub.rateLimitBurst(1, 3, { route: 'list' });
    hub.truncateNext(1, { route: 'list' });
    expect((await fetch(`${hub.url}/api/v1/models`)).status).toBe(502);
    const limited = await fetch(`${hub.url}/api/v1/models`);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    const truncated = await fetch(`${hub.url}/api/v1/models`);
    expect(truncated.status).toBe(200);
    await expect(truncated.json()).rejects.toThrow();
    expect((await fetch(`${hub.url}/api/v1/models`)).status).toBe(200);
  });
});
