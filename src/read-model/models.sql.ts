/**
 * The SQL of `Query.models`: one page statement and one COUNT statement with the same WHERE. Kept
 * in this one function (`modelsSql`) so that a bare `http` + `pg` benchmark handler runs exactly
 * the SQL text the API runs.
 *
 * Index-friendly by construction:
 * - every filter is a condition on a column of `models` (the openness fields are denormalized
 *   there); license category / commercial use / OSI are resolved against the small `licenses`
 *   table once (an InitPlan array), then matched on `models.license_id`;
 * - search is `search_vector @@ tsquery` (GIN index), ranked with ts_rank;
 * - pages are keyset seeks `(key, id) > (cursor)` in `ORDER BY key, id` order, each served by a
 *   `(key, id)` B-tree index read forward or backward; there is no OFFSET;
 * - a nullable key is read in two segments, non-null keys then null keys (nulls last in both
 *   directions), each its own range of the same index; the second segment is read only for the
 *   rows the first could not fill (its LIMIT subtracts the first's rows, so a full first segment
 *   leaves it unexecuted); a cursor inside the null segment seeks on the id alone;
 * - DERIVATIVES keeps its key in `model_lineage_counts`: its first segment walks that table's
 *   (total, model_id) index joined to `models`, its keyless segment (models without derivatives)
 *   is read like a null segment, placed where 0 sorts.
 */
import { HUB_IDS, HUBS } from '../config/hubs.js';
import type { Cursor } from './cursor.js';
import { maxParametersForMemory, PRECISION_BITS } from './deployment.view.js';
import type { ModelsFilter, ModelsQuery } from './models.filter.js';
import {
  RELEVANCE_DOWNLOADS_OFFSET,
  RELEVANCE_TIER_SPAN,
  RELEVANCE_TIERS,
  relevanceKey,
  relevancePosition,
  SORT_KEYS,
  type OrderDirection,
  type SortKey,
} from './sort-keys.js';
import { estimatedMatches, type SearchQuery } from './search.js';

export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** The columns of a `ModelRow` (catalog.rows.ts), aliased to its field names. */
export const MODEL_COLUMNS = `m.id, m.hub_id AS "hubId", m.repo_id AS "repoId", m.author, m.name, m.task, m.library,
  coalesce(m.tags, '{}') AS tags, coalesce(m.base_models, '{}') AS "baseModels", m.gating, m.license_id AS "licenseId",
  m.license_hub_value AS "licenseHubValue", m.parameter_count AS "parameterCount", m.downloads,
  m.downloads_all_time AS "downloadsAllTime", m.likes, m.created_at AS "createdAt", m.last_modified AS "lastModified",
  m.removed_at AS "removedAt", m.card_summary AS "cardSummary", coalesce(m.formats, '{}') AS formats,
  coalesce(m.quantizations, '{}') AS quantizations, coalesce(m.local_apps, '{}') AS "localApps",
  coalesce(m.inference_providers, '{}') AS "inferenceProviders", m.spaces,
  m.base_model_relation AS "baseModelRelation", m.hub_data AS "hubData", m.openness_level AS "opennessLevel", m.openness_score AS "opennessScore",
  m.mof_class AS "mofClass", m.weights_availability AS "weightsAvailability"`;

/**
 * The columns of a `ModelHead` (catalog.rows.ts): the ones both page indexes hold (migration
 * 20261127100000_page_head_indexes), so that a head page of the default order reads no table row.
 */
export const MODEL_HEAD_COLUMNS = `m.id, m.license_id AS "licenseId", m.downloads, m.removed_at AS "removedAt",
  m.openness_level AS "opennessLevel", m.openness_score AS "opennessScore", m.mof_class AS "mofClass"`;

/**
 * What a page reads of each model: `full` rows (MODEL_COLUMNS), or only the `head`
 * (MODEL_HEAD_COLUMNS) when the query selects nothing else (model-projection.ts).
 */
export type Projection = 'full' | 'head';

/** The parameters of one statement: `add` a value, get its `$n`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Conditions on the list fields of a filter (hubs, authors, tasks, libraries, tags, licenses and
 * their category, commercial use and OSI approval, openness levels, MOF classes, weights, gating)
 * over the table aliased `a`. `models` and the facet cube (facets.sql.ts) name these columns alike;
 * the cube has no author or tags, and is only asked for filters without them (`cubeAnswers`).
 */
export function facetConditions(filter: ModelsFilter, params: Params, a: string): string[] {
  const where: string[] = [];
  const anyOf = (column: string, values: readonly string[], type: string) => {
    if (values.length > 0) where.push(`${a}.${column} = ANY(${params.add(values)}::${type}[])`);
  };
  anyOf('hub_id', filter.hubs, 'text');
  anyOf('author', filter.authors, 'text');
  anyOf('task', filter.tasks, 'text');
  anyOf('library', filter.libraries, 'text');
  if (filter.tags.length > 0) where.push(`${a}.tags && ${params.add(filter.tags)}::text[]`);
  anyOf('license_id', filter.licenseIds, 'text');

  const license: string[] = [];
  if (filter.licenseCategories.length > 0)
    license.push(`l.category = ANY(${params.add(filter.licenseCategories)}::"LicenseCategory"[])`);
  if (filter.commercialUse.length > 0)
    license.push(`l.commercial_use = ANY(${params.add(filter.commercialUse)}::"CommercialUse"[])`);
  if (filter.osiApproved !== null) license.push(`l.osi_approved = ${params.add(filter.osiApproved)}::boolean`);
  if (license.length > 0)
    where.push(`${a}.license_id = ANY(ARRAY(SELECT l.id FROM licenses l WHERE ${license.join(' AND ')}))`);

  anyOf('openness_level', filter.opennessLevels, '"OpennessLevel"');
  if (filter.minOpennessLevel !== null)
    where.push(`${a}.openness_level >= ${params.add(filter.minOpennessLevel)}::"OpennessLevel"`);
  anyOf('mof_class', filter.mofClasses, '"MofClass"');
  anyOf('weights_availability', filter.weights, '"WeightsAvailability"');
  if (filter.gated !== null) anyOf('gating', filter.gated ? ['AUTO', 'MANUAL'] : ['NONE'], '"Gating"');
  return where;
}

/**
 * The WHERE conditions of a filter (without any keyset bound) over `models m`; `tsquery` is the
 * search parameter. Also the fallback of `stats` for filters the facet cube cannot answer (facets.sql.ts).
 */
/** The condition of the listed models: what a filter of nothing but a search reduces to. */
const LISTED = 'm.removed_at IS NULL';

export function filterConditions(filter: ModelsFilter, params: Params, tsquery: string | null): string[] {
  const where: string[] = [];
  if (!filter.includeRemoved) where.push(LISTED);
  if (tsquery) where.push(`m.search_vector @@ to_tsquery('simple', ${tsquery})`);
  where.push(...facetConditions(filter, params, 'm'));
  if (filter.minParameters !== null)
    where.push(`m.parameter_count >= ${params.add(filter.minParameters.toString())}::bigint`);
  if (filter.maxParameters !== null)
    where.push(`m.parameter_count <= ${params.add(filter.maxParameters.toString())}::bigint`);
  if (filter.createdSince !== null) where.push(`m.created_at >= ${params.add(filter.createdSince)}::timestamptz`);
  if (filter.updatedSince !== null) where.push(`m.last_modified >= ${params.add(filter.updatedSince)}::timestamptz`);
  // Memory is estimated from the parameter count alone: the bound is a parameter count (index-served).
  if (filter.maxMemoryGb !== null) {
    const bound = maxParametersForMemory(filter.maxMemoryGb, PRECISION_BITS[filter.memoryPrecision]);
    where.push(`m.parameter_count <= ${params.add(bound.toString())}::bigint`);
  }
  if (filter.formats.length > 0) where.push(`m.formats && ${params.add(filter.formats)}::text[]`);
  if (filter.collapseMirrors) where.push(...mirrorConditions(params));
  if (filter.minDerivatives !== null && filter.minDerivatives > 0) {
    where.push(
      `m.id IN (SELECT lcf.model_id FROM model_lineage_counts lcf WHERE lcf.total >= ${params.add(filter.minDerivatives)}::integer)`,
    );
  }
  return where;
}

/**
 * `collapseMirrors`: leave `m` out when a model it is the same as (`Model.sameAs`: a declared link
 * either way, or its unambiguous mirror) is listed on a hub of lower `mirrorRank`. Three NOT EXISTS,
 * one per kind of link, each an index lookup per row (primary key, the GIN index on
 * `same_as_declared`, the (mirror_key, hub_id) index), as in CatalogReadRepository.sameAsByIds.
 */
function mirrorConditions(params: Params): string[] {
  const order = params.add([...HUB_IDS].sort((a, b) => HUBS[a].mirrorRank - HUBS[b].mirrorRank));
  const before = (other: string) =>
    `array_position(${order}::text[], ${other}.hub_id) < array_position(${order}::text[], m.hub_id)`;
  const listed = (alias: string) => `${alias}.removed_at IS NULL`;
  return [
    `NOT EXISTS (SELECT 1 FROM models o WHERE o.id = ANY(m.same_as_declared) AND ${listed('o')} AND ${before('o')})`,
    `NOT EXISTS (SELECT 1 FROM models o WHERE o.same_as_declared @> ARRAY[m.id] AND ${listed('o')} AND ${before('o')})`,
    `(m.mirror_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM models o WHERE o.mirror_key = m.mirror_key AND o.hub_id <> m.hub_id AND ${listed('o')} AND ${before('o')}
        AND NOT EXISTS (SELECT 1 FROM models d WHERE d.mirror_key = m.mirror_key AND d.hub_id = o.hub_id AND d.id <> o.id AND ${listed('d')})
        AND NOT EXISTS (SELECT 1 FROM models d WHERE d.mirror_key = m.mirror_key AND d.hub_id = m.hub_id AND d.id <> m.id AND ${listed('d')})))`,
  ];
}

const flip = (direction: OrderDirection): OrderDirection => (direction === 'ASC' ? 'DESC' : 'ASC');

interface Segment {
  readonly nullKeys: boolean;
  /** Keyset bound: rows strictly after this cursor in scan order. */
  readonly after: Cursor | null;
}

/**
 * The segments a page reads, in scan order. Non-nullable keys: one. Nullable keys: non-null keys
 * then null keys in the order's direction (nulls last), reversed when reading backward — or, for
 * nulls placed `low`, null keys first when the scan runs ASC; a cursor skips the segments before
 * its own.
 */
function segmentsOf(key: SortKey, scan: OrderDirection, backward: boolean, cursor: Cursor | null): Segment[] {
  if (!key.nullable) return [{ nullKeys: false, after: cursor }];
  const values: Segment = { nullKeys: false, after: cursor && cursor.key !== null ? cursor : null };
  const nulls: Segment = { nullKeys: true, after: cursor && cursor.key === null ? cursor : null };
  const nullsFirst = key.nullsAt === 'low' ? scan === 'ASC' : backward;
  const ordered = nullsFirst ? [nulls, values] : [values, nulls];
  if (cursor === null) return ordered;
  const start = ordered.findIndex((segment) => segment.nullKeys === (cursor.key === null));
  return ordered.slice(start);
}

/** Where a segment's rows come from: FROM clause, key and id expressions, segment condition. */
function sourceOf(sortKey: SortKey, key: string, nullKeys: boolean) {
  const { joined } = sortKey;
  if (joined) {
    return nullKeys
      ? { from: 'models m', key: `NULL::${sortKey.type}`, id: 'm.id', condition: joined.absent }
      : { from: joined.from, key, id: joined.id, condition: joined.present };
  }
  const condition = sortKey.nullable ? `${key} IS ${nullKeys ? '' : 'NOT '}NULL` : null;
  return { from: 'models m', key, id: 'm.id', condition };
}

/**
 * How a page finds its rows. `index`: walk the order's (key, id) index and keep the rows that
 * match — the fastest plan while matches are common (about size × total / matches rows read).
 * `filter`: read every matching row through the filters' own indexes, then keep the first `size`
 * in order (a top-N sort) — the plan for rare matches, where a walk would read most of the index
 * to find a page. The planner cannot tell the two apart (it does not know how many rows a mix of
 * license categories and levels matches); the facet cube does, exactly, so the caller chooses.
 */
export type PagePlan = 'index' | 'filter';

/**
 * Every page statement's outer shape: the chosen rows (`chosen`, a query of ids or heads with their
 * `sortKey`) as `page`, in `order`; the columns of `projection` joined from `models` unless `chosen`
 * already holds them (`withHeads`: heads chosen from `models` itself).
 */
function pageText(chosen: string, order: string, projection: Projection, withHeads = projection === 'head'): string {
  const head = `WITH page AS MATERIALIZED (\n${chosen}\n)\n`;
  if (withHeads) return `${head}SELECT * FROM page\n${order}`;
  const columns = projection === 'head' ? MODEL_HEAD_COLUMNS : MODEL_COLUMNS;
  return `${head}SELECT ${columns}, page."sortKey"\nFROM page JOIN models m ON m.id = page.id\n${order}`;
}

/** The best tier of RELEVANCE (an exact name); the tiers count down to 0. */
const RELEVANCE_TOP_TIER = RELEVANCE_TIERS - 1;

/**
 * The tiers of ranked search, best first (docs/search.md): each a condition on `models m` that
 * matches the search and leaves out every better tier, so that the tiers split the matches between
 * them. What was typed ranks above what a correction or a prefix found; in each, the repo id,
 * author and name rank above tags and the card's summary. Each tier names only the queries it
 * needs (a tier's query implies the search's own, and stating both would make the planner take
 * the two for independent and expect a fraction of the rows, and read the tier by its GIN index
 * when a walk of the downloads order finds a page in a few hundred rows).
 *
 * On the search table (`searchTable`), "in the repo id, author or name" is its `name_vector`, the
 * weight-A part of the document with its own GIN index, matched by the unweighted queries
 * (`literal`, `tsquery`): the same rows as `search_vector @@` the weighted ones, but the index
 * answers exactly where a weighted query has every row with the word anywhere read and rechecked
 * (migration 20261210000000_search_name_vector).
 */
/**
 * How a tier's queries are shown to the planner: as constants (`planned`, with their selectivity);
 * `hidden`, values it sees only when the statement runs (it then expects few matches, and reads them
 * by the GIN index: relevancePage's fallback); or `walked`, constants no index can answer, so that
 * it walks the downloads order (relevancePage, for a tier whose words are common).
 */
type TierMode = 'planned' | 'hidden' | 'walked';

function relevanceTiers(search: SearchQuery, params: Params, searchTable: boolean): ((mode?: TierMode) => string)[] {
  // Each tier adds the parameters it names: a tier a cursor skips must leave none unused.
  let shown: TierMode = 'planned';
  const matches = (query: string, column = 'm.search_vector') => {
    if (shown === 'hidden') return `${column} @@ (SELECT to_tsquery('simple', ${params.add(query)}))`;
    const condition = `${column} @@ to_tsquery('simple', ${params.add(query)})`;
    return shown === 'walked' ? `(${condition}) IS TRUE` : condition;
  };
  const inName = (weighted: string, words: string) =>
    searchTable ? matches(words, 'm.name_vector') : matches(weighted);
  const exact = () => `m.search_name = ${params.add(search.exactName)}::text`;
  const tiers: (() => string)[] = [
    // 4: the name is exactly what was typed.
    () => `${exact()} AND ${matches(search.literal)}`,
    // 3: every term as typed in the repo id, author or name.
    () => `${inName(search.inName, search.literal)} AND NOT coalesce(${exact()}, false)`,
    // 2: every term as typed, somewhere (tags, the card's summary).
    () => `${matches(search.literal)} AND NOT ${inName(search.inName, search.literal)}`,
  ];
  if (search.tsquery !== search.literal) {
    // 1 and 0: only with a correction or the last word as a prefix, in the name, then elsewhere.
    tiers.push(() => `${inName(search.tsqueryInName, search.tsquery)} AND NOT ${matches(search.literal)}`);
    tiers.push(
      () =>
        `${matches(search.tsquery)} AND NOT ${inName(search.tsqueryInName, search.tsquery)} AND NOT ${matches(search.literal)}`,
    );
  }
  return tiers.map((tier) => (mode: TierMode = 'planned') => {
    shown = mode;
    const condition = tier();
    shown = 'planned';
    return condition;
  });
}

/**
 * Whether a ranked page of `filter` reads the search table (docs/search.md, "The search table"): a
 * search of the listed models alone. The table has the same columns under the same names, for
 * listed models only; other filters read `models`, which has their columns.
 */
export function readsSearchTable(filter: ModelsFilter): boolean {
  return listedOnly(filterConditions(filter, new Params(), null));
}

/** Whether a filter's conditions (filterConditions, without a search) are the listed models' alone. */
const listedOnly = (where: readonly string[]) => where.length === 1 && where[0] === LISTED;

/**
 * Matches a ranked search of the search table reads whole when the statistics expect no more
 * (relevanceProbePage): at most this many rows, whatever their number turns out to be.
 */
export const SEARCH_PROBE_ROWS = 1_000;

/** The column of a probe page's rows that holds how many matches it found (relevanceProbePage). */
export const PROBE_FOUND = 'probeFound';

/**
 * A ranked page of a search with few matches (docs/search.md, "Few matches"): every match of the
 * search, read by the GIN index of the whole document at once, up to `maxRows` + 1 of them, each
 * given its tier by the same conditions as relevanceTiers, then ordered by the RELEVANCE key. One
 * index read where the tiers read the index once or twice each (8 reads for a search with a prefix,
 * each the whole posting lists of its words).
 *
 * Every row has PROBE_FOUND, the number of matches read: more than `maxRows` means the statistics
 * were wrong and the page is not whole (the caller reads relevancePage instead). With no row of the
 * page to carry it (no match, or none after the cursor), one row of nulls carries it.
 */
export function relevanceProbePage(
  query: ModelsQuery,
  search: SearchQuery,
  projection: Projection,
  maxRows: number,
): SqlStatement {
  const params = new Params();
  const tsquery = `to_tsquery('simple', ${params.add(search.tsquery)})`;
  const literal = `to_tsquery('simple', ${params.add(search.literal)})`;
  const exact = params.add(search.exactName);
  // The tiers of relevanceTiers, best first (the last, 0, is the ELSE): each the first condition a
  // match meets. search-plans.test.ts reads every page both ways and compares the keys.
  const tier = [
    `m.search_name = ${exact}::text AND m.search_vector @@ ${literal}`,
    `m.name_vector @@ ${literal}`,
    `m.search_vector @@ ${literal}`,
    `m.name_vector @@ ${tsquery}`,
  ].map((condition, i) => `WHEN ${condition} THEN ${RELEVANCE_TOP_TIER - i}`);
  const direction = query.page.backward ? flip(query.order.direction) : query.order.direction;
  const after = direction === 'ASC' ? '>' : '<';
  const cursor = query.page.cursor;
  const seek =
    cursor === null
      ? ''
      : `\nWHERE (r."sortKey", r.id) ${after} (${params.add(cursor.key ?? '0')}::bigint, ${params.add(cursor.id)}::text)`;
  const columns = projection === 'head' ? MODEL_HEAD_COLUMNS : MODEL_COLUMNS;
  const text =
    `WITH found AS MATERIALIZED (\nSELECT m.id, (CASE ${tier.join(' ')} ELSE 0 END) * ${RELEVANCE_TIER_SPAN}::bigint` +
    ` + ${RELEVANCE_DOWNLOADS_OFFSET}::bigint + m.downloads AS "sortKey"\nFROM model_search m\n` +
    `WHERE m.search_vector @@ ${tsquery}\nLIMIT ${params.add(maxRows + 1)}\n),\n` +
    `page AS MATERIALIZED (\nSELECT r.id, r."sortKey" FROM found r${seek}\n` +
    `ORDER BY r."sortKey" ${direction}, r.id ${direction}\nLIMIT ${params.add(query.page.size + 1)}\n)\n` +
    `SELECT ${columns}, page."sortKey", counted.found AS "${PROBE_FOUND}"\n` +
    `FROM (SELECT count(*)::int AS found FROM found) counted\n` +
    `LEFT JOIN (page JOIN models m ON m.id = page.id) ON true\n` +
    `ORDER BY page."sortKey" ${direction}, page.id ${direction}`;
  return { text, values: params.values };
}

/**
 * Rows of the downloads order a tier of the search table may walk before it reads the rest of its
 * matches by the GIN index (relevancePage): 5,000 narrow rows take a few milliseconds, and a tier
 * that finds no page in them matches fewer than one row in 250 of the most downloaded.
 */
export const SEARCH_WALK_ROWS = 5_000;

/**
 * A tier of the search table walks the top of the downloads order, whatever the planner's choice,
 * when the statistics expect at least this many of its matches for each row of a page there: the
 * walk then stops after a few hundred rows. The planner would rather intersect the tier's GIN index
 * with the order's range, which reads the whole posting list of each word (14 ms for a word in 5.6%
 * of the names, where the walk read 350 rows in 1 ms: docs/search.md, "Common words").
 */
const WALK_MATCHES_PER_ROW = 4;

/** Whether `tier`'s part above the walk's bound walks it for a page of `rows` (WALK_MATCHES_PER_ROW). */
function walksHead(search: SearchQuery, tier: number, rows: number): boolean {
  const { frequencies } = search;
  if (!frequencies || frequencies.rows <= 0) return false;
  // Tiers 3 and 1 are in the name; 3 and 2 are the terms as typed (relevanceTiers).
  const matches = estimatedMatches(search, frequencies, { literal: tier >= 2, inName: tier % 2 === 1 });
  return (matches / frequencies.rows) * SEARCH_WALK_ROWS >= WALK_MATCHES_PER_ROW * rows;
}

/**
 * A page of RELEVANCE: the tiers one after the other, each read in the downloads order
 * (`models_page_by_downloads_idx`, or the search's GIN index and a top-N sort when its matches are
 * few: the planner sees the tsquery and its selectivity), each only for the rows the tiers before
 * it left to fill (its LIMIT subtracts theirs; a tier whose LIMIT is 0 reads nothing). The key
 * (sort-keys.ts, relevanceKey) orders tier first, then downloads, then id: the cursor is a
 * position in that order and seeks into its tier.
 */
function relevancePage(query: ModelsQuery, search: SearchQuery, projection: Projection): SqlStatement {
  const params = new Params();
  // The search itself is each tier's condition (relevanceTiers).
  const where = filterConditions(query.filter, params, null);
  // readsSearchTable, from the conditions this page has built already.
  const searchTable = listedOnly(where);
  const tiers = relevanceTiers(search, params, searchTable);
  const direction = query.page.backward ? flip(query.order.direction) : query.order.direction;
  const after = direction === 'ASC' ? '>' : '<';
  const cursor =
    query.page.cursor === null
      ? null
      : { ...relevancePosition(query.page.cursor.key ?? '0'), id: query.page.cursor.id };
  // Best tier first when reading DESC; scan order otherwise.
  const order = tiers.map((condition, i) => ({ tier: RELEVANCE_TOP_TIER - i, condition }));
  const scan = direction === 'DESC' ? order : [...order].reverse();
  const limit = params.add(query.page.size + 1);
  const withHeads = projection === 'head' && !searchTable;
  const columns = withHeads ? MODEL_HEAD_COLUMNS : 'm.id';
  const segments: string[] = [];
  // The tiers' CTEs, in order (tier_0 … tier_n, with their bounds and heads between them).
  const tierNames: string[] = [];
  const bounds = new Set<string>();
  for (const { tier, condition } of scan) {
    if (cursor !== null && (direction === 'DESC' ? tier > cursor.tier : tier < cursor.tier)) continue;
    const n = tierNames.length;
    tierNames.push(`tier_${n}`);
    const rows = `${limit}${tierNames
      .slice(0, n)
      .map((name) => ` - (SELECT count(*) FROM ${name})`)
      .join('')}`;
    const seek = (key: string) =>
      cursor !== null && tier === cursor.tier
        ? [`(${key}, m.id) ${after} (${params.add(cursor.downloads)}::integer, ${params.add(cursor.id)})`]
        : [];
    const select = `SELECT ${columns}, ${relevanceKey(tier)} AS "sortKey"`;
    // The planner's choice: a walk of the downloads order, or the GIN index and a top-N sort.
    const plainTier = (conditions: readonly string[]) =>
      `tier_${n} AS MATERIALIZED (\n${select}\nFROM ${searchTable ? 'model_search' : 'models'} m\n` +
      `WHERE ${conditions.join('\n  AND ')}\nORDER BY m.downloads ${direction}, m.id ${direction}\nLIMIT ${rows}\n)`;
    if (!searchTable || tier === RELEVANCE_TOP_TIER) {
      segments.push(plainTier([...(searchTable ? [] : where), condition(), ...seek('m.downloads')]));
      continue;
    }
    // The search table. The planner chooses between a walk of the downloads order and the GIN
    // index with a top-N sort, but it estimates a phrase or words searched together as if their
    // words were independent: for "model gpt2" (common words, rarely in one name) it expects a page
    // within a few hundred rows and walks the whole table for one match (1–1.5 s at a million
    // models). So its choice is bounded to the first SEARCH_WALK_ROWS rows of the order (`bound_…`:
    // the last of them, read from the index alone); below them, when they hold no page, the
    // matches are read by the GIN index: the fallback hides its queries from the planner
    // (relevanceTiers), which then plans for few matches, and orders by `downloads + 0`, which no
    // index walks.
    const cursorTier = cursor !== null && tier === cursor.tier;
    const known = cursorTier || search.walkBounds === undefined ? undefined : search.walkBounds[direction];
    if (known === null) {
      // Fewer rows than a walk's bound: the planner's choice, as for `models`.
      segments.push(plainTier([condition()]));
      continue;
    }
    let edge: string;
    if (known !== undefined) {
      edge = `(${params.add(known.downloads)}::integer, ${params.add(known.id)}::text)`;
    } else {
      // A cursor's tier (or a search built without the repository): the bound after the cursor.
      const bound = cursorTier ? `bound_${n}` : 'bound_top';
      if (cursorTier || !bounds.has(bound)) {
        bounds.add(bound);
        const within = seek('m.downloads');
        const reverse = direction === 'DESC' ? 'ASC' : 'DESC';
        segments.push(
          `${bound} AS MATERIALIZED (\nSELECT t.downloads, t.id FROM (\n  SELECT m.downloads, m.id FROM model_search m` +
            `${within.length > 0 ? `\n  WHERE ${within.join(' AND ')}` : ''}\n  ORDER BY m.downloads ${direction}, m.id ${direction}\n` +
            `  LIMIT ${SEARCH_WALK_ROWS}\n) t\nORDER BY t.downloads ${reverse}, t.id ${reverse}\nLIMIT 1\n)`,
        );
      }
      edge = `((SELECT downloads FROM ${bound}), (SELECT id FROM ${bound}))`;
    }
    const within = direction === 'DESC' ? '>=' : '<=';
    const head = [
      condition(walksHead(search, tier, query.page.size + 1) ? 'walked' : 'planned'),
      ...seek('m.downloads'),
      `(m.downloads, m.id) ${within} ${edge}`,
    ];
    const found = `(SELECT count(*) FROM head_${n})`;
    const rest = [
      condition('hidden'),
      ...seek('m.downloads + 0'),
      `(m.downloads + 0, m.id) ${after} ${edge}`,
      `${found} < ${rows}`,
    ];
    segments.push(
      `head_${n} AS MATERIALIZED (\n${select}\nFROM model_search m\nWHERE ${head.join('\n  AND ')}\n` +
        `ORDER BY m.downloads ${direction}, m.id ${direction}\nLIMIT ${rows}\n),\n` +
        `tier_${n} AS MATERIALIZED (\nSELECT * FROM head_${n}\nUNION ALL\n` +
        `(${select}\nFROM model_search m\nWHERE ${rest.join('\n  AND ')}\n` +
        `ORDER BY m.downloads + 0 ${direction}, m.id ${direction}\nLIMIT ${rows} - ${found})\n)`,
    );
  }
  const union =
    tierNames.map((name) => `SELECT * FROM ${name}`).join('\nUNION ALL\n') ||
    `SELECT ${columns}, NULL::bigint AS "sortKey" FROM models m WHERE false`;
  const ordered = `ORDER BY page."sortKey" ${direction}, page.id ${direction}`;
  const chosen = segments.length > 0 ? `WITH ${segments.join(',\n')}\n${union}` : union;
  return { text: pageText(chosen, ordered, projection, withHeads), values: params.values };
}

function pageStatement(query: ModelsQuery, plan: PagePlan, projection: Projection): SqlStatement {
  if (query.order.field === 'RELEVANCE' && query.filter.search)
    return relevancePage(query, query.filter.search, projection);
  const params = new Params();
  const tsquery = query.filter.search ? params.add(query.filter.search.tsquery) : null;
  const where = filterConditions(query.filter, params, tsquery);
  const sortKey = SORT_KEYS[query.order.field];
  const key = sortKey.expression(tsquery);
  const direction = query.page.backward ? flip(query.order.direction) : query.order.direction;
  const after = direction === 'ASC' ? '>' : '<';
  const segments = segmentsOf(sortKey, direction, query.page.backward, query.page.cursor).map((segment) => {
    const source = sourceOf(sortKey, key, segment.nullKeys);
    const conditions = [...where];
    if (source.condition !== null) conditions.push(source.condition);
    if (segment.after && segment.nullKeys) conditions.push(`${source.id} ${after} ${params.add(segment.after.id)}`);
    else if (segment.after) {
      const bound = `${params.add(segment.after.key)}::${sortKey.type}`;
      conditions.push(`(${source.key}, ${source.id}) ${after} (${bound}, ${params.add(segment.after.id)})`);
    }
    return { source, conditions };
  });
  const limit = params.add(query.page.size + 1);

  // Step 1 chooses the page's rows as (id, sort key) only, so that an index holding the filter
  // columns serves it without reading the table (index-only); step 2 reads the chosen rows whole.
  // A head projection reads its few columns in step 1 (the page indexes hold them) and has no step 2.
  // Within the null segment `key` is constant; ordering by it too keeps the (key, id) index's order.
  const columns = projection === 'head' ? MODEL_HEAD_COLUMNS : 'm.id';
  const select = ({ source, conditions }: (typeof segments)[number], segment: string, rows: string) => {
    const where = conditions.length > 0 ? `\nWHERE ${conditions.join('\n  AND ')}` : '';
    if (plan === 'filter') {
      // A MATERIALIZED CTE is planned on its own, for its WHERE alone (the filters' indexes), not
      // for the outer ORDER BY … LIMIT; its rows (all the matches, few by the plan's choice) are
      // then top-N sorted.
      const matching = `matching${segment === '' ? '' : segment.replace(/\D/g, '')}`;
      return (
        `(WITH ${matching} AS MATERIALIZED (\nSELECT ${columns}, ${source.key} AS "sortKey"${segment}\nFROM ${source.from}${where}\n)\n` +
        `SELECT * FROM ${matching}\nORDER BY "sortKey" ${direction}, id ${direction}\nLIMIT ${rows})`
      );
    }
    return (
      `SELECT ${columns}, ${source.key} AS "sortKey"${segment}\n` +
      `FROM ${source.from}${where}\n` +
      `ORDER BY ${source.key} ${direction}, ${source.id} ${direction}\nLIMIT ${rows}`
    );
  };
  const [first, second] = segments as [(typeof segments)[number], (typeof segments)[number] | undefined];
  const chosen =
    second === undefined
      ? select(first, '', limit)
      : `WITH first_segment AS MATERIALIZED (\n${select(first, ', 0 AS segment', limit)}\n)\n` +
        `SELECT * FROM (\nSELECT * FROM first_segment\nUNION ALL\n(` +
        select(second, ', 1 AS segment', `${limit} - (SELECT count(*) FROM first_segment)`) +
        `)\n) segments\nORDER BY segment, "sortKey" ${direction}, id ${direction}\nLIMIT ${limit}`;
  const order = `ORDER BY ${second === undefined ? '' : 'page.segment, '}page."sortKey" ${direction}, page.id ${direction}`;
  return { text: pageText(chosen, order, projection), values: params.values };
}

function countStatement(filter: ModelsFilter): SqlStatement {
  const params = new Params();
  const tsquery = filter.search ? params.add(filter.search.tsquery) : null;
  const where = filterConditions(filter, params, tsquery);
  return {
    text: `SELECT count(*)::int AS "totalCount" FROM models m${where.length > 0 ? `\nWHERE ${where.join('\n  AND ')}` : ''}`,
    values: params.values,
  };
}

/** The page (`size + 1` rows in scan order, each with its `sortKey`) and the total count. */
export function modelsSql(
  query: ModelsQuery,
  plan: PagePlan = 'index',
  projection: Projection = 'full',
): { page: SqlStatement; count: SqlStatement } {
  return { page: pageStatement(query, plan, projection), count: countStatement(query.filter) };
}

/** What a `models` selection needs read: the columns, and whether any model's license is selected. */
export interface ModelsSelection {
  readonly columns: Projection;
  /** Load the page's licenses with the page (one statement), so each `license` resolves at once. */
  readonly licenses: boolean;
}
