/** The adapter's pure parts; its HTTP is tested against the fake hub (test/crawl/modelscope.test.ts). */
import { describe, expect, it } from 'vitest';
import { emptyCounters, type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import { decodeCursor, encodeCursor, envelopeData, listingOf, ModelScopeAdapter } from './modelscope.adapter.js';

const adapter = new ModelScopeAdapter({
  endpoint: 'https://www.modelscope.cn',
  pageSize: 50,
  createClient: () => {
    throw new Error('no HTTP in unit tests');
  },
});

/** An adapter whose client answers each JSON request with `answer(url)`: a body, or a status without one. */
function answering(answer: (url: URL) => unknown, pageSize = 3): { adapter: ModelScopeAdapter; urls: string[] } {
  const urls: string[] = [];
  const client = {
    counters: emptyCounters(),
    requestJson: (url: string) => {
      urls.push(url);
      const body = answer(new URL(url));
      return Promise.resolve(
        typeof body === 'number'
          ? { response: new Response(null, { status: body }), body: null }
          : { response: new Response(null, { status: 200 }), body },
      );
    },
  } as unknown as HubClient;
  return {
    adapter: new ModelScopeAdapter({ endpoint: 'https://www.modelscope.cn', pageSize, createClient: () => client }),
    urls,
  };
}

const listing = (ids: readonly string[], total: number) => ({
  success: true,
  data: { models: ids.map((id) => ({ id, last_modified: 1_727_254_800 })), total_count: total },
});

describe('cursors', () => {
  it('the first page of both modes: page 1, the configured size, newest-modified first', () => {
    for (const mode of ['FULL', 'INCREMENTAL'] as const) {
      const { url, state } = decodeCursor(adapter.firstCursor(mode));
      expect(url.toString()).toBe(
        'https://www.modelscope.cn/openapi/v1/models?page_number=1&page_size=50&sort=last_modified',
      );
      expect(state).toEqual({ mode, phase: 'list', total: null, previous: [], head: null });
    }
  });

  it('round-trips its state in the fragment, which is never sent to the hub', () => {
    const url = new URL('https://www.modelscope.cn/openapi/v1/models?page_number=4&page_size=50&sort=last_modified');
    const state = { mode: 'FULL', phase: 'head', total: 1234, previous: ['Qwen/a', 'iic/b'], head: 1 } as const;
    const cursor = encodeCursor(url, state);
    expect(new URL(cursor).hash).toMatch(/^#state=[\w-]+$/);
    expect(decodeCursor(cursor)).toEqual({ url, state });
  });

  it('refuses a cursor without state, and one off the configured hub', async () => {
    expect(() => decodeCursor('https://www.modelscope.cn/openapi/v1/models?page_number=2')).toThrow(
      /not a ModelScope cursor/,
    );
    const elsewhere = encodeCursor(new URL('https://evil.example/openapi/v1/models?page_number=1&page_size=5'), {
      mode: 'FULL',
      phase: 'list',
      total: null,
      previous: [],
      head: null,
    });
    await expect(adapter.fetchPage(elsewhere)).rejects.toThrow(/is not on https:\/\/www.modelscope.cn/);
  });
});

describe('envelopes', () => {
  it('a listing: its models and total_count', () => {
    const body = { success: true, data: { models: [{ id: 'a/b' }], total_count: 7 } };
    expect(listingOf(body, 'u')).toEqual({ models: [{ id: 'a/b' }], total: 7 });
  });

  it('a listing without a usable total still lists', () => {
    expect(listingOf({ success: true, data: { models: [] } }, 'u')).toEqual({ models: [], total: null });
    expect(listingOf({ success: true, data: { models: [], total_count: -7 } }, 'u').total).toBeNull();
    expect(listingOf({ success: true, data: { models: [], total_count: '7 models' } }, 'u').total).toBeNull();
  });

  it('reads a total written as digits, as the records write their counts', () => {
    expect(listingOf({ success: true, data: { models: [], total_count: '7' } }, 'u').total).toBe(7);
  });

  it.each([
    [{ success: false, message: '系统繁忙，请稍后再试', data: null }, /success=false: 系统繁忙，请稍后再试/],
    [{ success: false, message: 'x'.repeat(5_000) }, /success=false: x+$/],
    [{ data: { models: [] } }, /success=undefined/],
    [{ success: true, data: null }, /without a data object/],
    [{ success: true, data: { models: {} } }, /without a models list/],
    [[{ id: 'a/b' }], /an array, not an envelope/],
    [null, /object, not an envelope/],
  ])('%j is a retryable error, never an empty page', (body, message) => {
    let error: unknown;
    try {
      listingOf(body, 'u');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HubRequestError);
    expect((error as HubRequestError).retryable).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.length).toBeLessThan(2_200);
  });

  it('reads the capitalized envelope of the older API too', () => {
    expect(envelopeData({ Success: true, Data: { Files: [] } }, 'u')).toEqual({ Files: [] });
  });
});

describe('pages', () => {
  it('a page that ends like the page before fails, instead of being read on to total_count', async () => {
    // A hub that ignores page_number: every request answers the first page, and a full sweep read
    // on would see 3 models of 9 and mark the other 6 removed.
    const { adapter: stuck } = answering(() => listing(['a/1', 'a/2', 'a/3'], 9));
    const first = await stuck.fetchPage(stuck.firstCursor('FULL'));
    expect(first.nextCursor).not.toBeNull();

    const error: unknown = await stuck.fetchPage(first.nextCursor!).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubRequestError);
    expect((error as Error).message).toMatch(/page 2 ends with the same 3 models as page 1/);
  });

  it('a page that starts with the end of the page before (a model added at the head) is read on', async () => {
    const pages: Record<string, string[]> = { '1': ['a/1', 'a/2', 'a/3'], '2': ['a/3', 'a/4', 'a/5'] };
    const { adapter: shifting } = answering((url) => listing(pages[url.searchParams.get('page_number')!] ?? [], 9));
    const first = await shifting.fetchPage(shifting.firstCursor('INCREMENTAL'));
    const second = await shifting.fetchPage(first.nextCursor!);
    expect(second.records.map((record) => (record as { id: string }).id)).toEqual(['a/4', 'a/5']);
  });
});

describe('fetchDetails', () => {
  it("keeps out the detail's own revision (`last_modified`, `sha`): enrichment keys details on the listing's", async () => {
    const { adapter: hub, urls } = answering((url) =>
      url.pathname.startsWith('/openapi/')
        ? {
            success: true,
            data: { id: 7, name: 'tiny', sha: '0123abcd', license: 'MIT', last_modified: 1_727_254_801 },
          }
        : 404,
    );
    const details = await hub.fetchDetails('acme-lab/tiny');
    expect(details?.record).toEqual({ id: 'acme-lab/tiny', name: 'tiny', license: 'MIT' });
    expect(urls.map((url) => new URL(url).pathname)).toEqual([
      '/openapi/v1/models/acme-lab/tiny',
      '/api/v1/models/acme-lab/tiny/repo/files',
    ]);
  });
});
