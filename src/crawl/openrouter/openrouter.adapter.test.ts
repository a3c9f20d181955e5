/** The adapter against a stub client; its HTTP against the fake hub is test/crawl/openrouter.test.ts. */
import { describe, expect, it } from 'vitest';
import { openRouterRecord } from '../../../test/fake-hub/openrouter/records.js';
import { emptyCounters, type HubClient, HubRequestError } from '../../outbound/hub-client.js';
import { OpenRouterAdapter } from './openrouter.adapter.js';

const ENDPOINT = 'https://openrouter.ai';

/** An adapter whose client answers every request with `answer(url)`, and the URLs it was asked. */
function answering(answer: (url: URL) => unknown): { adapter: OpenRouterAdapter; urls: string[] } {
  const urls: string[] = [];
  const client = {
    counters: emptyCounters(),
    requestJson: (url: string) => {
      urls.push(url);
      return Promise.resolve({ response: new Response(null, { status: 200 }), body: answer(new URL(url)) });
    },
  } as unknown as HubClient;
  return { adapter: new OpenRouterAdapter({ endpoint: ENDPOINT, pageSize: 2, createClient: () => client }), urls };
}

describe('OpenRouterAdapter', () => {
  it('passes an entry listed twice on as listed: ingest keeps the last of an id, as for every hub', async () => {
    const first = openRouterRecord('acme/x', { name: 'Acme: X' });
    const again = openRouterRecord('acme/x', { name: 'Acme: X (listed again)' });
    const { adapter } = answering(() => ({ data: [first, again] }));

    const page = await adapter.fetchPage(adapter.firstCursor('FULL'));

    expect(page.records).toEqual([first, again]);
  });

  it('asks the hub nothing for details: the listing entry, stored at every sighting, is the whole record', async () => {
    const { adapter, urls } = answering(() => ({ data: [openRouterRecord('acme/x')] }));

    const details = await adapter.fetchDetails('acme/x');

    expect(details).toMatchObject({ record: {}, readme: null, licenseText: null });
    expect(urls).toEqual([]);
  });

  it.each([
    ['the same offset, its parameters in another order', '/api/v1/models?limit=2&offset=0'],
    ['an earlier offset', '/api/v1/models?offset=0&limit=2'],
    ['the same page without an offset', '/api/v1/models?limit=2'],
  ])('a links.next that does not move past the page (%s) fails the page', async (_name, next) => {
    const { adapter } = answering((url) => ({
      data: [openRouterRecord(`acme/x-${url.searchParams.get('offset')}`)],
      links: { next },
      totalCount: 10,
    }));
    const second = `${ENDPOINT}/api/v1/models?output_modalities=all&offset=2&limit=2`;
    const cursor = next.includes('offset=0') ? second : adapter.firstCursor('FULL');

    const error: unknown = await adapter.fetchPage(cursor).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HubRequestError);
    expect((error as Error).message).toMatch(/does not move past/);
  });

  it('follows a links.next that moves on, with the filter put back, and stops at totalCount', async () => {
    const { adapter } = answering((url) => ({
      data: [openRouterRecord(`acme/x-${url.searchParams.get('offset')}`)],
      links: { next: `/api/v1/models?offset=${Number(url.searchParams.get('offset')) + 2}&limit=2` },
      totalCount: 4,
    }));

    const first = await adapter.fetchPage(adapter.firstCursor('FULL'));
    expect(first.nextCursor).toBe(`${ENDPOINT}/api/v1/models?offset=2&limit=2&output_modalities=all`);
    expect((await adapter.fetchPage(first.nextCursor!)).nextCursor).toBeNull();
  });
});
