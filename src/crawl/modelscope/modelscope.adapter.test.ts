/** The adapter's pure parts; its HTTP is tested against the fake hub (test/crawl/modelscope.test.ts). */
import { describe, expect, it } from 'vitest';
import { HubRequestError } from '../../outbound/hub-client.js';
import { decodeCursor, encodeCursor, envelopeData, listingOf, ModelScopeAdapter } from './modelscope.adapter.js';

const adapter = new ModelScopeAdapter({
  endpoint: 'https://www.modelscope.cn',
  pageSize: 50,
  createClient: () => {
    throw new Error('no HTTP in unit tests');
  },
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
    expect(listingOf({ success: true, data: { models: [], total_count: '7' } }, 'u').total).toBeNull();
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
