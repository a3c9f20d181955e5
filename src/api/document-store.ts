/**
 * Apollo's store of parsed and validated documents (by query hash), so that a query text sent again
 * skips parsing and validation, bounded by an estimate of the heap its documents really hold.
 *
 * Apollo's default store is an LRU of 30 MiB, but it weighs a document by the length of its JSON,
 * and a parsed document holds far more than that: its source text, a `Location` on every node and
 * the doubly linked list of every token of the text, none of which JSON.stringify shows. Measured
 * (heap after a full GC) over the query shapes of `bench soak`, the introspection query and
 * alias-heavy documents alike: 4.0–4.3 times the JSON length, 300–350 bytes per token. So the default
 * store held up to ~130 MB of heap, and with dashboards sending their filters as literals nearly
 * every request is a new document: under `bench soak` a heap snapshot after 60 s held 4,557 of them
 * (19 MB of `Token`s, 15 MB of `Location`s), the heap left by a forced GC after 180 s was 168 MB (55
 * MB with this store), and V8 sized the heap to a multiple of it.
 *
 * Here a document weighs its token count times BYTES_PER_TOKEN (the measured upper end), and the
 * store holds at most DOCUMENT_STORE_MAX_BYTES of them: some 800 documents of a dashboard's size
 * (60 tokens), some 340 when their compiled functions are counted too (COMPILED_BYTES_PER_TOKEN). Operations that clients repeat (generated clients, persisted queries, a dashboard
 * panel's refresh) stay cached; a miss costs one parse and validation (about 0.3 ms for a
 * dashboard's query, of the ~3 ms of CPU its request takes), which a one-off text pays anyway. Its entries' verdicts in QueryLimitsMemo (a WeakMap on the document) go with them.
 */
import type { DocumentNode } from 'graphql';
import { BoundedLruCache } from '../lib/bounded-lru-cache.js';

/** Heap of a parsed document per token of its text, upper end of what was measured. */
export const BYTES_PER_TOKEN = 360;
/** The bound of the store, in estimated bytes of heap. */
export const DOCUMENT_STORE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * What a document's compiled function (execution/compiled-executor.ts) adds to the heap, per token
 * of the document: measured as the heap after a full GC over 400 compiled dashboard-size queries,
 * 25.6 KB each against 19.0 KB estimated for the document (1.35 times). A compiled function lives
 * as long as its document stays in the store, so the store weighs both.
 */
export const COMPILED_BYTES_PER_TOKEN = 490;

/** The heap a parsed document holds, estimated from its tokens (or its JSON, parsed without locations). */
export function documentHeapBytes(document: DocumentNode, bytesPerToken = BYTES_PER_TOKEN): number {
  const start = document.loc?.startToken;
  if (!start) return (JSON.stringify(document).length * 4 * bytesPerToken) / BYTES_PER_TOKEN;
  let tokens = 0;
  for (let token: typeof start | null = start; token; token = token.next) tokens++;
  return tokens * bytesPerToken;
}

/** `compiled`: documents may also hold a compiled function (GRAPHQL_COMPILE_AFTER_RUNS is not off). */
export function createDocumentStore(
  options: { maxBytes?: number; compiled: boolean } = { compiled: false },
): BoundedLruCache<DocumentNode> {
  const bytesPerToken = options.compiled ? BYTES_PER_TOKEN + COMPILED_BYTES_PER_TOKEN : BYTES_PER_TOKEN;
  return new BoundedLruCache<DocumentNode>(
    options.maxBytes ?? DOCUMENT_STORE_MAX_BYTES,
    (key, document) => key.length + documentHeapBytes(document, bytesPerToken),
  );
}
