/**
 * The store behind automatic persisted queries: query text by hash, least recently used first out,
 * bounded by the heap its entries hold, so hashes registered by clients can never grow the process
 * without bound. Per instance: a client that meets an instance without its hash gets
 * PERSISTED_QUERY_NOT_FOUND and resends the query, as the APQ protocol intends.
 * (Structurally Apollo's `KeyValueCache<string>`.)
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { BoundedLruCache } from '../../lib/bounded-lru-cache.js';
import type { ClientErrorCode } from '../../lib/errors.js';

export class BoundedQueryCache extends BoundedLruCache<string> {
  constructor(maxBytes: number, now: () => number = Date.now) {
    super(maxBytes, weight, now);
  }

  get maxBytes(): number {
    return this.maxWeight;
  }

  get usedBytes(): number {
    return this.usedWeight;
  }
}

/**
 * Bytes of heap an entry holds: two per UTF-16 code unit of key and text (the worst case: V8 keeps
 * text with any non-Latin-1 character in two bytes per unit), plus the fixed cost of the strings
 * and the map entry (measured on Node 20: a 20-character query took about 220 bytes of heap), so
 * that many tiny queries cannot hold several times the configured bound.
 */
const ENTRY_OVERHEAD_BYTES = 160;
const weight = (key: string, value: string): number => 2 * (key.length + value.length) + ENTRY_OVERHEAD_BYTES;

/**
 * Apollo 5 refuses a persisted query whose `sha256Hash` is not the hash of the `query` sent with
 * it, or whose protocol version is not 1, with HTTP 400 but a GraphQLError without a code, which
 * its formatting then reports as INTERNAL_SERVER_ERROR (a server fault, masked and logged as one).
 * These are the client's mistakes: the hash mismatch gets the code other servers give it (Apollo
 * Router, GraphQL Yoga), the version BAD_REQUEST. Matched by Apollo's exact messages, and only
 * while they have no code, so a future Apollo that codes them itself wins.
 */
const PERSISTED_QUERY_REFUSALS = new Map<string, ClientErrorCode>([
  ['provided sha does not match query', 'PERSISTED_QUERY_HASH_MISMATCH'],
  ['Unsupported persisted query version', 'BAD_REQUEST'],
]);

/**
 * Codes Apollo's persisted-query refusals as they are met (`didEncounterErrors` runs before any
 * formatting): list it before plugins that read error codes there.
 */
export function persistedQueryErrorsPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = PERSISTED_QUERY_REFUSALS.get(error.message);
            if (code && error.extensions['code'] === undefined) error.extensions['code'] = code;
          }
          return Promise.resolve();
        },
      });
    },
  };
}
