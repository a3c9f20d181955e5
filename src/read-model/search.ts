/**
 * A search text → the queries of ranked search (docs/search.md). Pure: the words the catalog knows
 * come from SearchTermsRepository (search-terms.repository.ts) and are merged in by `expandSearch`.
 *
 * - Every whitespace-separated term must match: its words adjacent and in order (`llama-3.1` is
 *   the phrase llama 3 1). A word where a letter meets a digit also matches split there (`llama3`
 *   finds "Llama-3"; the document side splits names the same way, migration
 *   20261208010000_ranked_search, so `llama 3` finds "Llama3").
 * - `literal`: the terms as typed; `inName`: the same, in the repo id, author or name only (the
 *   document's weight A); `exactName`: the words a model's name has when it is exactly what was
 *   typed (after the last `/`, so `meta-llama/Llama-3.1-8B` is the name Llama-3.1-8B).
 * - `tsquery`, what a model must match: `literal`, widened by `expandSearch` with the known words
 *   most like a word the catalog does not know (typos: `mistrl` → mistral) and with the last word
 *   as a prefix (`mist` → mistral), so that search works while it is typed.
 *
 * Words are letters and digits only, so quoting them in a tsquery cannot be broken out of.
 */

export interface SearchQuery {
  readonly text: string;
  /** The words of each term. */
  readonly terms: readonly (readonly string[])[];
  /** What `tsquery` says, as data: each term's forms, any of which matches it (estimatedMatches). */
  readonly forms: readonly (readonly TermForm[])[];
  /** Every term as typed (a phrase of its words, or of its words split at letter-digit joins). */
  readonly literal: string;
  /** `literal` in the repo id, author or name (weight A) only. */
  readonly inName: string;
  /** The words of an exactly matching name (`models.search_name`), space-separated. */
  readonly exactName: string;
  /** What a model must match: `literal`, or wider once expanded. */
  readonly tsquery: string;
  /** `tsquery` in the repo id, author or name only. */
  readonly tsqueryInName: string;
  /**
   * Where the first SEARCH_WALK_ROWS rows of the search table's downloads order end, each way
   * (search-terms.repository.ts, cached): where a ranked page's tiers stop walking (models.sql.ts).
   * Absent: each page reads it; null: the table holds fewer rows.
   */
  readonly walkBounds?: WalkBounds;
  /**
   * How often the search table's commonest words occur (estimatedMatches): null before the table
   * has statistics, absent when not asked (only ranked pages ask).
   */
  readonly frequencies?: WordFrequencies | null;
}

/** One way a term matches: its words adjacent and in order, the last maybe as a prefix. */
export interface TermForm {
  readonly words: readonly string[];
  readonly prefix: boolean;
}

/**
 * How often the commonest words of the search documents occur, in the whole document and in the
 * name part (`pg_stats.most_common_elems` of `model_search.search_vector` and `name_vector`: what
 * the planner knows, search-terms.repository.ts).
 */
export interface WordFrequencies {
  /** Rows of the search table. */
  readonly rows: number;
  /** The fraction of rows with each of the commonest words anywhere. */
  readonly common: ReadonlyMap<string, number>;
  /** The fraction of rows with each of the commonest words in the repo id, author or name. */
  readonly commonInName: ReadonlyMap<string, number>;
}

/** A row's position in the downloads order: `(downloads, id)`. */
export interface OrderKey {
  readonly downloads: number;
  readonly id: string;
}

export interface WalkBounds {
  readonly DESC: OrderKey | null;
  readonly ASC: OrderKey | null;
}

/** What the catalog knows of a query word (search-terms.repository.ts). */
export interface WordKnowledge {
  /** Some repo id has the word. */
  readonly known: boolean;
  /** The known words most like it, best first (empty for a known word). */
  readonly similar: readonly string[];
}

/** Words shorter than this are not corrected (too many words are one letter away). */
export const MIN_CORRECTED_LENGTH = 4;
/** The last word is also a prefix from this length on (`ll:*` would match half the catalog). */
export const MIN_PREFIX_LENGTH = 3;

/** The words of a text as the search document splits them: runs of letters and digits, lowercase. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * `llama3` → `llama 3`: split where a word of three letters or more meets a digit, as the document's
 * names are split (at every letter-digit join). Shorter runs stay whole: `t5` or `to1` split would be
 * phrases of the catalog's commonest tokens ("to", "1"), which the GIN index can only check row by
 * row (tens of thousands of rows at a million models), and the word as typed finds them already.
 */
function splitWords(words: readonly string[]): string[] {
  return words.flatMap((word) => word.replace(/(\p{L}{3,})(?=\p{N})/gu, '$1 ').split(' '));
}

function phrase({ words, prefix }: TermForm, weight: '' | ':A'): string {
  return words
    .map((word, i) => `'${word}'${prefix && i === words.length - 1 ? `:*${weight.slice(1)}` : weight}`)
    .join(' <-> ');
}

/** A term's literal forms: its phrase, and its split phrase when that differs. */
function literalForms(words: readonly string[]): TermForm[] {
  const split = splitWords(words);
  const forms = [{ words, prefix: false }];
  if (split.length !== words.length) forms.push({ words: split, prefix: false });
  return forms;
}

/** A term's tsquery: any of its forms. */
const group = (forms: readonly TermForm[], weight: '' | ':A' = '') =>
  `(${forms.map((form) => `(${phrase(form, weight)})`).join(' | ')})`;

/** The tsquery of terms (every one must match), each as `weight` says. */
const allOf = (forms: readonly (readonly TermForm[])[], weight: '' | ':A' = '') =>
  forms.map((term) => group(term, weight)).join(' & ');

/** The ranked-search queries of a text; null when it has no word at all. */
export function parseSearch(text: string): SearchQuery | null {
  const terms = text
    .split(/\s+/)
    .map((term) => searchWords(term))
    .filter((words) => words.length > 0);
  if (terms.length === 0) return null;
  const forms = terms.map((words) => literalForms(words));
  const literal = allOf(forms);
  const inName = allOf(forms, ':A');
  const slash = text.lastIndexOf('/');
  const exactName = searchWords(slash < 0 ? text : text.slice(slash + 1)).join(' ');
  return {
    text,
    terms,
    forms,
    literal,
    inName,
    exactName: exactName === '' ? searchWords(text).join(' ') : exactName,
    tsquery: literal,
    tsqueryInName: inName,
  };
}

/** The words worth asking the catalog about: one-word terms long enough to correct, not numbers. */
export function wordsToLookUp(search: SearchQuery): string[] {
  const words = search.terms
    .filter((words) => words.length === 1)
    .map((words) => words[0] as string)
    .filter((word) => word.length >= MIN_CORRECTED_LENGTH && !/^\p{N}+$/u.test(word));
  return [...new Set(words)];
}

/**
 * `search` widened: a one-word term the catalog does not know also matches the known words most
 * like it; the last term's last word also matches as a prefix. Unchanged when neither applies.
 */
export function expandSearch(search: SearchQuery, knowledge: ReadonlyMap<string, WordKnowledge>): SearchQuery {
  let widened = false;
  const forms = search.terms.map((words, index) => {
    const list = literalForms(words);
    const about = words.length === 1 ? knowledge.get(words[0] as string) : undefined;
    if (about && !about.known && about.similar.length > 0) {
      list.push(...about.similar.map((similar) => ({ words: [similar], prefix: false })));
      widened = true;
    }
    const last = words[words.length - 1] as string;
    if (index === search.terms.length - 1 && last.length >= MIN_PREFIX_LENGTH && !/^\p{N}+$/u.test(last)) {
      list.push({ words, prefix: true });
      widened = true;
    }
    return list;
  });
  if (!widened) return search;
  return { ...search, forms, tsquery: allOf(forms), tsqueryInName: allOf(forms, ':A') };
}

/** The listed words in code-unit order, with their shares: the words a prefix begins are a range. */
const SORTED = new WeakMap<ReadonlyMap<string, number>, { readonly words: string[]; readonly shares: number[] }>();

/** The share of rows with a listed word that `prefix` begins (a binary search, then the range). */
function prefixShare(common: ReadonlyMap<string, number>, prefix: string): number {
  let sorted = SORTED.get(common);
  if (!sorted) {
    const words = [...common.keys()].sort();
    sorted = { words, shares: words.map((word) => common.get(word) ?? 0) };
    SORTED.set(common, sorted);
  }
  const { words, shares } = sorted;
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((words[middle] as string) < prefix) low = middle + 1;
    else high = middle;
  }
  let sum = 0;
  for (let i = low; i < words.length && (words[i] as string).startsWith(prefix); i++) sum += shares[i] ?? 0;
  return sum;
}

/**
 * About how many rows `search.tsquery` matches (`literal` with `{ literal: true }`; in the name part
 * with `{ inName: true }`), as the planner would reckon it from the same statistics: a phrase as
 * often as its rarest word, a term as often as its forms together, terms as independent. A word the
 * statistics do not list counts as none: rarer than their rarest, it is below their resolution, and
 * a caller that trusts the estimate bounds what it reads (models.sql.ts, relevanceProbePage).
 */
export function estimatedMatches(
  search: SearchQuery,
  frequencies: WordFrequencies,
  { literal = false, inName = false }: { readonly literal?: boolean; readonly inName?: boolean } = {},
): number {
  const common = inName ? frequencies.commonInName : frequencies.common;
  const frequency = (word: string, prefix: boolean) => (prefix ? prefixShare(common, word) : (common.get(word) ?? 0));
  let share = 1;
  for (const term of literal ? search.terms.map((words) => literalForms(words)) : search.forms) {
    let termShare = 0;
    for (const { words, prefix } of term)
      termShare += Math.min(...words.map((word, i) => frequency(word, prefix && i === words.length - 1)));
    share *= Math.min(1, termShare);
  }
  return share * frequencies.rows;
}
