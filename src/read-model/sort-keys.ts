/**
 * The orders of `models` and the key each sorts by: its SQL expression, its type (to check a
 * cursor's key text before it reaches SQL) and where rows without a key go. Read by the filter
 * (models.filter.ts, cursor checks) and the statement builder (models.sql.ts).
 */
export type OrderField =
  | 'DOWNLOADS'
  | 'LIKES'
  | 'CREATED_AT'
  | 'LAST_MODIFIED'
  | 'PARAMETERS'
  | 'OPENNESS_SCORE'
  | 'RELEVANCE'
  | 'DERIVATIVES'
  | 'DOWNLOADS_ALL_TIME';
export type OrderDirection = 'ASC' | 'DESC';

export interface SortKey {
  /** The key's SQL expression; `tsquery` is the search parameter (RELEVANCE only). */
  readonly expression: (tsquery: string | null) => string;
  /** The key's type, to cast a cursor's key text back. */
  readonly type: 'integer' | 'bigint' | 'timestamptz' | 'double precision' | 'real';
  readonly nullable: boolean;
  /**
   * Where the rows without a key sort: `last` in both directions (nulls last, the default), or
   * `low`, where the lowest keys sort (first ASC, last DESC).
   */
  readonly nullsAt?: 'last' | 'low';
  /**
   * A key kept in another table: the rows with a key are read from `from` (joined to `models m`)
   * in its (key, `id`) index order where `present`; the rows without one are `models m` rows where
   * `absent`, by id.
   */
  readonly joined?: { readonly from: string; readonly id: string; readonly present: string; readonly absent: string };
}

/** RELEVANCE keys: tier × 2³² + downloads + 2³¹ (downloads is a 32-bit integer, maybe negative). */
export const RELEVANCE_TIER_SPAN = 4_294_967_296n;
export const RELEVANCE_DOWNLOADS_OFFSET = 2_147_483_648n;

/** The RELEVANCE key of a row of `models m` in `tier`. */
export function relevanceKey(tier: number): string {
  return `(${BigInt(tier) * RELEVANCE_TIER_SPAN + RELEVANCE_DOWNLOADS_OFFSET}::bigint + m.downloads)`;
}

/** The number of RELEVANCE tiers (models.sql.ts, relevanceTiers). */
export const RELEVANCE_TIERS = 5;

/** Whether a bigint key text is a RELEVANCE position: a tier and a 32-bit downloads count. */
export function isRelevanceKey(key: string): boolean {
  const value = BigInt(key);
  return value >= 0n && value < BigInt(RELEVANCE_TIERS) * RELEVANCE_TIER_SPAN;
}

/** A RELEVANCE key's tier and downloads (the key text was checked as a bigint). */
export function relevancePosition(key: string): { tier: number; downloads: number } {
  const value = BigInt(key);
  const tier = value >= 0n ? value / RELEVANCE_TIER_SPAN : -1n;
  return { tier: Number(tier), downloads: Number(value - tier * RELEVANCE_TIER_SPAN - RELEVANCE_DOWNLOADS_OFFSET) };
}

export const SORT_KEYS: Readonly<Record<OrderField, SortKey>> = {
  DOWNLOADS: { expression: () => 'm.downloads', type: 'integer', nullable: false },
  LIKES: { expression: () => 'm.likes', type: 'integer', nullable: false },
  CREATED_AT: { expression: () => 'm.created_at', type: 'timestamptz', nullable: true },
  LAST_MODIFIED: { expression: () => 'm.last_modified', type: 'timestamptz', nullable: true },
  PARAMETERS: { expression: () => 'm.parameter_count', type: 'bigint', nullable: true },
  OPENNESS_SCORE: { expression: () => 'm.openness_score', type: 'double precision', nullable: true },
  // Ranked search (docs/search.md): the match's tier and then downloads, in one number, so that
  // each tier is read in the downloads index's order (models.sql.ts, relevancePage). `expression`
  // is the key of the lowest tier; a page of this order is built by relevancePage, not from it.
  RELEVANCE: {
    expression: () => relevanceKey(0),
    type: 'bigint',
    nullable: false,
  },
  // The counts table holds only bases with derivatives (or that had some); a model without any is
  // a row of the keyless segment, placed where 0 sorts.
  DERIVATIVES: {
    expression: () => 'lc.total',
    type: 'integer',
    nullable: true,
    nullsAt: 'low',
    joined: {
      from: 'model_lineage_counts lc JOIN models m ON m.id = lc.model_id',
      id: 'lc.model_id',
      present: 'lc.total > 0',
      absent: 'NOT EXISTS (SELECT 1 FROM model_lineage_counts lc WHERE lc.model_id = m.id AND lc.total > 0)',
    },
  },
  DOWNLOADS_ALL_TIME: { expression: () => 'm.downloads_all_time', type: 'bigint', nullable: true },
};

const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };
export const INT8 = { min: -9_223_372_036_854_775_808n, max: 9_223_372_036_854_775_807n };
const FLOAT_TEXT = /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

/** A float's text whose value is 0 although its digits are not: it underflowed, and Postgres refuses it. */
const underflows = (key: string, value: number) => value === 0 && /[1-9]/.test(key.split(/e/i)[0] ?? '');

/**
 * Whether `key` is the text of a value of `type` (a cursor's key, before it reaches SQL): also in
 * the type's range, as Postgres checks it, so a forged cursor is INVALID_CURSOR and not a SQL error.
 */
export function isKeyText(type: SortKey['type'], key: string): boolean {
  switch (type) {
    case 'integer':
      return /^-?\d{1,10}$/.test(key) && Number(key) >= INT4.min && Number(key) <= INT4.max;
    case 'bigint':
      return /^-?\d{1,19}$/.test(key) && BigInt(key) >= INT8.min && BigInt(key) <= INT8.max;
    case 'timestamptz': {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(key) || key.startsWith('0000')) return false;
      // Date.parse rolls 2024-02-30 over to March; Postgres refuses it: the fields must round-trip.
      const seconds = key.slice(0, 19);
      const time = Date.parse(`${seconds}Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().startsWith(seconds);
    }
    case 'double precision': {
      const value = Number(key);
      return FLOAT_TEXT.test(key) && Number.isFinite(value) && !underflows(key, value);
    }
    case 'real': {
      const value = Math.fround(Number(key));
      return FLOAT_TEXT.test(key) && Number.isFinite(value) && !underflows(key, value);
    }
  }
}
