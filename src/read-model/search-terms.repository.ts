/**
 * The catalog's dictionary of repo-id words (`search_terms`, migration 20261208010000_ranked_search)
 * and what it says of a search's words: known, or the known words most like it (pg_trgm trigram
 * similarity, served by the table's GIN trigram index). Answers are cached for a few minutes: the
 * same words are searched again and again, and a word the catalog learns in the meantime only
 * widens a search a little later.
 *
 * Also what a ranked page plans with, each read at most every five minutes: where the walks of the
 * search table's downloads order stop (walkBounds), and how often its commonest words occur, from
 * the planner's statistics (wordFrequencies; docs/search.md, "Few matches").
 */
import type pg from 'pg';
import { BoundedLruCache } from '../lib/bounded-lru-cache.js';
import { SEARCH_WALK_ROWS } from './models.sql.js';
import {
  expandSearch,
  wordsToLookUp,
  type OrderKey,
  type SearchQuery,
  type WalkBounds,
  type WordFrequencies,
  type WordKnowledge,
} from './search.js';

/** How alike two words must be to stand for each other (pg_trgm similarity, 0–1). */
export const MIN_SIMILARITY = 0.45;
/** Known words a word may stand for, at most. */
export const MAX_SIMILAR = 3;
const CACHE_SECONDS = 300;
/** About 10,000 words with their answers. */
const CACHE_WEIGHT = 1_000_000;

export class SearchTermsRepository {
  private readonly cache = new BoundedLruCache<WordKnowledge>(
    CACHE_WEIGHT,
    (word, value) => 40 + word.length + value.similar.reduce((sum, similar) => sum + 8 + similar.length, 0),
  );

  /** Where the walks stop, read at most every CACHE_SECONDS (walkBounds). */
  readonly walkBounds: () => Promise<WalkBounds>;
  /** The search table's commonest words, read at most every CACHE_SECONDS (wordFrequencies). */
  readonly wordFrequencies: () => Promise<WordFrequencies | null>;

  constructor(private readonly pool: pg.Pool) {
    this.walkBounds = keptFor(CACHE_SECONDS, () => this.readWalkBounds());
    this.wordFrequencies = keptFor(CACHE_SECONDS, () => this.readWordFrequencies());
  }

  /**
   * Where the first SEARCH_WALK_ROWS rows of the search table's downloads order end, each way: two
   * index reads. Any position splits a tier exactly (its walk above, the GIN index below); a current
   * one keeps the walk near SEARCH_WALK_ROWS rows, and the planner sees it as a constant, with its
   * histogram.
   */
  private async readWalkBounds(): Promise<WalkBounds> {
    const at = async (direction: 'DESC' | 'ASC'): Promise<OrderKey | null> => {
      const { rows } = await this.pool.query<OrderKey>(
        `SELECT downloads, id FROM model_search ORDER BY downloads ${direction}, id ${direction} OFFSET $1 LIMIT 1`,
        [SEARCH_WALK_ROWS - 1],
      );
      return rows[0] ?? null;
    };
    const [DESC, ASC] = await Promise.all([at('DESC'), at('ASC')]);
    return { DESC, ASC };
  }

  /**
   * The commonest words of the search documents and how often each occurs, in the whole document
   * and in the name part: the statistics ANALYZE keeps for the planner (`most_common_elems`; their
   * frequencies end with two more entries, the least and the greatest of them). Null until the
   * table has been analyzed.
   */
  private async readWordFrequencies(): Promise<WordFrequencies | null> {
    const { rows } = await this.pool.query<{ column: string; words: string[]; shares: number[]; rows: number }>(
      `SELECT s.attname AS column, s.most_common_elems::text::text[] AS words, s.most_common_elem_freqs AS shares,
              c.reltuples AS rows
       FROM pg_class c
       JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname
       WHERE c.oid = 'model_search'::regclass AND s.attname IN ('search_vector', 'name_vector')
         AND s.most_common_elems IS NOT NULL AND c.reltuples >= 0`,
    );
    const shares = (column: string) => {
      const row = rows.find((candidate) => candidate.column === column);
      return row ? new Map(row.words.map((word, i) => [word, row.shares[i] ?? 0])) : null;
    };
    const common = shares('search_vector');
    const commonInName = shares('name_vector');
    return common && commonInName ? { rows: rows[0]?.rows ?? 0, common, commonInName } : null;
  }

  /** `filter` with its search expanded (below); the same object when it has none. */
  async expandFilter<F extends { readonly search: SearchQuery | null }>(filter: F): Promise<F> {
    return filter.search === null ? filter : { ...filter, search: await this.expand(filter.search) };
  }

  /**
   * `filter` expanded, its search also told where a ranked page's tiers stop walking (walkBounds)
   * and how often the commonest words occur (wordFrequencies).
   */
  async expandForPage<F extends { readonly search: SearchQuery | null }>(filter: F): Promise<F> {
    if (filter.search === null) return filter;
    const [search, walkBounds, frequencies] = await Promise.all([
      this.expand(filter.search),
      this.walkBounds(),
      this.wordFrequencies(),
    ]);
    return { ...filter, search: { ...search, walkBounds, frequencies } };
  }

  /** `search` with its unknown words corrected and its last word a prefix (search.ts). */
  async expand(search: SearchQuery): Promise<SearchQuery> {
    const words = wordsToLookUp(search);
    const knowledge = new Map<string, WordKnowledge>();
    const missing: string[] = [];
    for (const word of words) {
      const cached = await this.cache.get(word);
      if (cached) knowledge.set(word, cached);
      else missing.push(word);
    }
    if (missing.length > 0) {
      for (const [word, about] of await this.lookUp(missing)) {
        knowledge.set(word, about);
        await this.cache.set(word, about, { ttl: CACHE_SECONDS });
      }
    }
    return expandSearch(search, knowledge);
  }

  /** One statement for all the words: each known, or its most similar known words. */
  private async lookUp(words: readonly string[]): Promise<Map<string, WordKnowledge>> {
    const { rows } = await this.pool.query<{ word: string; known: boolean; similar: string[] }>(
      `SELECT q.word, k.known,
              CASE WHEN k.known THEN '{}'::text[] ELSE ARRAY(
                SELECT s.term FROM search_terms s
                WHERE s.term % q.word AND similarity(s.term, q.word) >= $2
                ORDER BY similarity(s.term, q.word) DESC, s.term
                LIMIT $3) END AS similar
       FROM unnest($1::text[]) AS q(word)
       CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_terms s WHERE s.term = q.word) AS known) AS k`,
      [words, MIN_SIMILARITY, MAX_SIMILAR],
    );
    return new Map(rows.map((row) => [row.word, { known: row.known, similar: row.similar }]));
  }
}

/** `read`, its answer kept `seconds`; a failed read is not kept (the next call asks again). */
function keptFor<T>(seconds: number, read: () => Promise<T>): () => Promise<T> {
  let kept: { readonly value: Promise<T>; readonly until: number } | null = null;
  return () => {
    const now = Date.now();
    if (kept === null || kept.until <= now) {
      const value = read();
      kept = { value, until: now + seconds * 1000 };
      value.catch(() => {
        if (kept?.value === value) kept = null;
      });
    }
    return kept.value;
  };
}

/**
 * One dictionary reader (and its cache) per pool, for the read repositories on that pool: they
 * expand a filter's search before they build its SQL, so that `models`, `stats` and the exports of
 * one filter match the same models.
 */
const BY_POOL = new WeakMap<pg.Pool, SearchTermsRepository>();

export function searchTermsOf(pool: pg.Pool): SearchTermsRepository {
  let terms = BY_POOL.get(pool);
  if (!terms) BY_POOL.set(pool, (terms = new SearchTermsRepository(pool)));
  return terms;
}
