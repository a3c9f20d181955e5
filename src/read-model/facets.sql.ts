/**
 * The SQL of `stats` and of `totalCount` for facet filters, over what the database maintains
 * (migration 20261127060000_catalog_facets):
 * - `model_facet_counts`, the facet cube: model counts per combination of hub, license id,
 *   openness level, MOF class, weights availability, gating, task, library and the removed flag.
 *   A filter on those fields only (`cubeAnswers`) is a condition on the cube's ~10^4 rows instead
 *   of a scan of up to millions of models; license category / commercial use / OSI approval are
 *   resolved to license ids through `licenses`, as on `models`;
 * - `model_facet_totals`, the cube rolled up per facet, hub and removed flag (a few hundred rows):
 *   the whole catalog, or some hubs (`onlyHubs`), the dashboard's usual question;
 * - `openness_daily_changes`, the net change per UTC day, hub and level of the number of models at
 *   each level, for `opennessOverTime` under the same filters.
 * Every other filter falls back to the same statements over `models m` with `filterConditions`
 * (exact, slower on large matches), and `opennessOverTime` to a replay of the matching models'
 * change rows.
 */
import { parseModelsArgs, type ModelsFilter } from './models.filter.js';
import { facetConditions, filterConditions, Params, type SqlStatement } from './models.sql.js';

/** The `ModelsFilter` fields the cube can answer. */
const CUBE_FIELDS: ReadonlySet<string> = new Set<keyof ModelsFilter>([
  'hubs',
  'licenseIds',
  'licenseCategories',
  'commercialUse',
  'osiApproved',
  'opennessLevels',
  'minOpennessLevel',
  'mofClasses',
  'weights',
  'gated',
  'tasks',
  'libraries',
  'includeRemoved',
]);

/** The fields the totals and the daily changes can answer (they are keyed by hub and removal only). */
const HUB_FIELDS: ReadonlySet<string> = new Set<keyof ModelsFilter>(['hubs', 'includeRemoved']);

/** The filter of `models` without arguments: every field at its default (no condition). */
const DEFAULT_FILTER: Readonly<Record<string, unknown>> = { ...parseModelsArgs({}).filter };

/** No condition: null, an empty list, or the field's default (such as `memoryPrecision` alone). */
const isUnset = (field: string, value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  value === DEFAULT_FILTER[field];

/**
 * Every field set in `filter` is one of `fields`. Written over whatever fields the filter has, so
 * that a filter field added later (by anyone) is never silently ignored: it makes the filter fall
 * back to `models` until it is added to a set above.
 */
const onlyUses = (filter: ModelsFilter, fields: ReadonlySet<string>): boolean =>
  Object.entries(filter).every(([field, value]) => fields.has(field) || isUnset(field, value));

export function cubeAnswers(filter: ModelsFilter): boolean {
  return onlyUses(filter, CUBE_FIELDS);
}

/** The whole catalog or some hubs: `model_facet_totals` and `openness_daily_changes` answer. */
export function onlyHubs(filter: ModelsFilter): boolean {
  return onlyUses(filter, HUB_FIELDS);
}

/** `filter` (only hubs and removal) over the totals `t`. */
function totalsConditions(filter: ModelsFilter, params: Params): string[] {
  const where: string[] = [];
  if (!filter.includeRemoved) where.push('NOT t.removed');
  if (filter.hubs.length > 0) where.push(`t.hub_id = ANY(${params.add(filter.hubs)}::text[])`);
  return where;
}

/** `filterConditions` over the cube `f` (only for filters `cubeAnswers` accepts). */
function cubeConditions(filter: ModelsFilter, params: Params): string[] {
  return [...(filter.includeRemoved ? [] : ['NOT f.removed']), ...facetConditions(filter, params, 'f')];
}

const whereClause = (conditions: readonly string[]) =>
  conditions.length > 0 ? `\nWHERE ${conditions.join('\n  AND ')}` : '';

/**
 * `totalCount` from the totals (every model has one license value) or the cube; null when the
 * filter needs `models` (modelsSql's COUNT then).
 */
export function cubeCountSql(filter: ModelsFilter): SqlStatement | null {
  if (!cubeAnswers(filter)) return null;
  const params = new Params();
  if (onlyHubs(filter)) {
    const where = ["t.facet = 'license'", ...totalsConditions(filter, params)];
    return {
      text: `SELECT coalesce(sum(t.model_count), 0)::int AS "totalCount" FROM model_facet_totals t${whereClause(where)}`,
      values: params.values,
    };
  }
  const where = cubeConditions(filter, params);
  return {
    text: `SELECT coalesce(sum(f.model_count), 0)::int AS "totalCount" FROM model_facet_counts f${whereClause(where)}`,
    values: params.values,
  };
}

export const FACETS = [
  'hub',
  'license',
  'licenseCategory',
  'commercialUse',
  'opennessLevel',
  'mofClass',
  'weights',
  'task',
  'library',
] as const;
export type Facet = (typeof FACETS)[number];

/** A row of `facetsSql`: one value of one facet (`total`: the number of matching models). */
export interface FacetRow {
  readonly facet: Facet | 'total';
  readonly value: string | null;
  readonly count: number;
}

/** The facet columns as `source` (below) names them. */
const FACET_COLUMNS = 'hub_id, license_id, openness_level, mof_class, weights_availability, task, library';

/** The matching models as rows of facet columns with a count `n`: cube rows, or models (n = 1). */
function facetSource(filter: ModelsFilter, params: Params): string {
  if (cubeAnswers(filter)) {
    return `SELECT ${FACET_COLUMNS.replace(/(\w+)/g, 'f.$1')}, f.model_count AS n
FROM model_facet_counts f${whereClause(cubeConditions(filter, params))}`;
  }
  const tsquery = filter.search ? params.add(filter.search.tsquery) : null;
  return `SELECT ${FACET_COLUMNS.replace(/(\w+)/g, 'm.$1')}, 1 AS n
FROM models m${whereClause(filterConditions(filter, params, tsquery))}`;
}

/** The facet values of the totals: per facet and value, then hubs and the total from the license facet. */
function totalsGrouped(filter: ModelsFilter, params: Params): string {
  const where = whereClause(totalsConditions(filter, params));
  const licenseOnly = where === '' ? "\nWHERE t.facet = 'license'" : `${where}\n  AND t.facet = 'license'`;
  return `SELECT t.facet, t.value, sum(t.model_count)::int AS count FROM model_facet_totals t${where}
GROUP BY t.facet, t.value
UNION ALL
SELECT 'hub', t.hub_id, sum(t.model_count)::int FROM model_facet_totals t${licenseOnly}
GROUP BY t.hub_id
UNION ALL
SELECT 'total', NULL, coalesce(sum(t.model_count), 0)::int FROM model_facet_totals t${licenseOnly}`;
}

/** The facet values of `source` (rows of facet columns with a count): one GROUPING SETS pass, `()` the total. */
const SOURCE_GROUPED = `SELECT CASE
      WHEN GROUPING(hub_id) = 0 THEN 'hub'
      WHEN GROUPING(license_id) = 0 THEN 'license'
      WHEN GROUPING(openness_level) = 0 THEN 'opennessLevel'
      WHEN GROUPING(mof_class) = 0 THEN 'mofClass'
      WHEN GROUPING(weights_availability) = 0 THEN 'weights'
      WHEN GROUPING(task) = 0 THEN 'task'
      WHEN GROUPING(library) = 0 THEN 'library'
      ELSE 'total'
    END AS facet,
    coalesce(hub_id, license_id, openness_level::text, mof_class::text, weights_availability::text, task, library) AS value,
    coalesce(sum(n), 0)::int AS count
  FROM source
  GROUP BY GROUPING SETS ((), (hub_id), (license_id), (openness_level), (mof_class), (weights_availability), (task), (library))`;

/**
 * Every facet of a filter in one statement: from the totals when the filter allows, else one
 * GROUPING SETS pass over the cube's or the models' matching rows; license category and
 * commercial use rolled up from the license ids through `licenses`. Unsorted; at most a few
 * hundred rows.
 */
export function facetsSql(filter: ModelsFilter): SqlStatement {
  const params = new Params();
  const grouped = onlyHubs(filter)
    ? `grouped AS (\n${totalsGrouped(filter, params)}\n)`
    : `source AS (\n${facetSource(filter, params)}\n), grouped AS (\n${SOURCE_GROUPED}\n)`;
  const text = `WITH ${grouped}
SELECT facet, value, count FROM grouped
UNION ALL
SELECT 'licenseCategory', l.category::text, sum(g.count)::int
FROM grouped g LEFT JOIN licenses l ON l.id = g.value WHERE g.facet = 'license' GROUP BY l.category
UNION ALL
SELECT 'commercialUse', l.commercial_use::text, sum(g.count)::int
FROM grouped g LEFT JOIN licenses l ON l.id = g.value WHERE g.facet = 'license' GROUP BY l.commercial_use`;
  return { text, values: params.values };
}

export type TimeUnit = 'day' | 'week' | 'month';

/** A row of `opennessChangesSql`: the net change at one level in one bucket (null: before `start`). */
export interface OpennessChangeRow {
  readonly bucket: Date | null;
  readonly level: string;
  readonly change: number;
}

/**
 * The net change of the number of models at each level per bucket (`date_trunc(unit, …, 'UTC')`)
 * for changes before `end`; changes before `start` (when given) are summed into one row with a
 * null bucket, the baseline. Listed models only, unless the filter includes removed ones.
 *
 * From `openness_daily_changes` when the filter allows (`onlyHubs`). Otherwise the
 * matching models' change rows are replayed the way the daily table's trigger and
 * `catalog_facets_rebuild()` (migration 20261127060000_catalog_facets) count them: the models are
 * chosen by their current attributes other than removal (removal is what the REMOVED and RESTORED
 * rows say), and the level a REMOVED row (or a RESTORED row that did not change it) stands for is
 * the one the model's last level-carrying row set.
 */
export function opennessChangesSql(filter: ModelsFilter, unit: TimeUnit, start: Date | null, end: Date): SqlStatement {
  const params = new Params();
  const delta = filter.includeRemoved ? 'all' : 'listed';
  const $unit = params.add(unit);
  const $start = params.add(start);
  const $end = params.add(end);
  const bucket = (day: string) =>
    `CASE WHEN ${day} < ${$start}::timestamptz THEN NULL ELSE date_trunc(${$unit}, ${day}, 'UTC') END`;
  if (onlyHubs(filter)) {
    const where = [`d.day < ${$end}::timestamptz`];
    if (filter.hubs.length > 0) where.push(`d.hub_id = ANY(${params.add(filter.hubs)}::text[])`);
    return {
      text: `SELECT ${bucket('d.day')} AS bucket, d.openness_level::text AS level, sum(d.${delta}_delta)::int AS change
FROM openness_daily_changes d${whereClause(where)}
GROUP BY 1, 2`,
      values: params.values,
    };
  }
  const tsquery = filter.search ? params.add(filter.search.tsquery) : null;
  const chosen = filterConditions({ ...filter, includeRemoved: true }, params, tsquery);
  const text = `WITH chosen AS MATERIALIZED (
  SELECT m.id FROM models m${whereClause(chosen)}
), events AS (
  SELECT c.id, c.model_id, c.kind, c.occurred_at,
    coalesce('openness.level' = ANY(c.changed_fields), false) AS level_changed,
    (c.before ->> 'openness.level')::"OpennessLevel" AS level_before,
    CASE WHEN c.kind = 'CREATED' OR 'openness.level' = ANY(c.changed_fields)
      THEN (c.after ->> 'openness.level')::"OpennessLevel" END AS level_after
  FROM model_changes c JOIN chosen ON chosen.id = c.model_id
  WHERE c.occurred_at < ${$end}::timestamptz
    AND (c.kind IN ('CREATED', 'REMOVED', 'RESTORED') OR 'openness.level' = ANY(c.changed_fields))
), runs AS (
  SELECT e.*, count(level_after) OVER (PARTITION BY model_id ORDER BY id) AS run FROM events e
), leveled AS (
  SELECT r.*, first_value(level_after) OVER (PARTITION BY model_id, run ORDER BY id) AS level_now FROM runs r
), deltas AS (
  SELECT occurred_at, level_after AS level, 1 AS listed, 1 AS "all" FROM leveled WHERE kind = 'CREATED'
  UNION ALL
  SELECT occurred_at, level_before, CASE WHEN kind = 'RESTORED' THEN 0 ELSE -1 END, -1
  FROM leveled WHERE kind <> 'CREATED' AND level_changed
  UNION ALL
  SELECT occurred_at, level_after, CASE WHEN kind = 'RESTORED' THEN 0 ELSE 1 END, 1
  FROM leveled WHERE kind <> 'CREATED' AND level_changed
  UNION ALL
  SELECT occurred_at, level_now, -1, 0 FROM leveled WHERE kind = 'REMOVED'
  UNION ALL
  SELECT occurred_at, level_now, 1, 0 FROM leveled WHERE kind = 'RESTORED'
)
SELECT ${bucket('occurred_at')} AS bucket, level::text AS level, sum("${delta}")::int AS change
FROM deltas
WHERE level IS NOT NULL
GROUP BY 1, 2`;
  return { text, values: params.values };
}
