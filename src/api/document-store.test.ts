import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_TOKEN, COMPILED_BYTES_PER_TOKEN, createDocumentStore, documentHeapBytes } from './document-store.js';

/** A dashboard's query: its filter as literals, so each value is a new document. */
const dashboardQuery = (minParameters: number) =>
  `{ models(first: 50, filter: { licenseCategories: [PERMISSIVE], minParameters: ${minParameters} }) { totalCount nodes { id name license { id category } openness { level score } } } }`;

describe('the document store', () => {
  it('weighs a document by its tokens, several times the JSON length Apollo would charge', () => {
    // <SOF> { hubs { id } } <EOF>
    expect(documentHeapBytes(parse('{ hubs { id } }'))).toBe(8 * BYTES_PER_TOKEN);
    const document = parse(dashboardQuery(7));
    expect(documentHeapBytes(document)).toBeGreaterThan(4 * JSON.stringify(document).length);
  });

  it('weighs a document parsed without locations by its JSON', () => {
    const document = parse('{ hubs { id } }', { noLocation: true });
    expect(documentHeapBytes(document)).toBe(JSON.stringify(document).length * 4);
  });

  it('keeps at most its bound of documents, evicting the least recently used', async () => {
    const key = (i: number) => `q${String(i).padStart(4, '0')}`;
    const store = createDocumentStore({
      maxBytes: 10 * (key(1).length + documentHeapBytes(parse(dashboardQuery(1000)))),
      compiled: false,
    });
    for (let i = 1; i <= 1_000; i++) await store.set(key(i), parse(dashboardQuery(i)));
    expect(store.size).toBe(10);
    expect(store.usedWeight).toBeLessThanOrEqual(store.maxWeight);
    expect(await store.get(key(1_000))).toBeDefined();
    expect(await store.get(key(990))).toBeUndefined();
  });

  it('weighs compiled functions too when documents are compiled: fewer documents in the same bound', async () => {
    const document = parse(dashboardQuery(1));
    const maxBytes = 20 * (4 + documentHeapBytes(document, BYTES_PER_TOKEN + COMPILED_BYTES_PER_TOKEN));
    const sizes = await Promise.all(
      [false, true].map(async (compiled) => {
        const store = createDocumentStore({ maxBytes, compiled });
        for (let i = 1; i <= 200; i++) await store.set(`q${String(i).padStart(3, '0')}`, parse(dashboardQuery(i)));
        return store.size;
      }),
    );
    expect(sizes[1]).toBe(20);
    expect(sizes[0]).toBeGreaterThanOrEqual(
      Math.floor((20 * (BYTES_PER_TOKEN + COMPILED_BYTES_PER_TOKEN)) / BYTES_PER_TOKEN) - 1,
    );
  });
});
