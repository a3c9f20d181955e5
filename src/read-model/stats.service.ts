/**
 * What the `stats`, `licenses` and `license` resolvers call. A `stats` result reads all its facets
 * with one statement, the first time a facet (or `totalCount`) is asked for, and each
 * `opennessOverTime` with one more: a dashboard's query costs a constant, small number of
 * statements whatever it selects.
 */
import {
  COMMERCIAL_USE,
  LICENSE_CATEGORIES,
  MOF_CLASSES,
  OPENNESS_LEVELS,
  WEIGHTS_AVAILABILITY,
  type OpennessLevel,
} from '../openness/types.js';
import type { LicenseParent } from './catalog.rows.js';
import type { Facet, FacetRow, OpennessChangeRow } from './facets.sql.js';
import { parseModelsArgs, type ModelsArgs, type ModelsFilter } from './models.filter.js';
import type { StatsRepository } from './stats.repository.js';
import type { StatsLoaders } from './stats.loaders.js';
import {
  addBuckets,
  bucketsBetween,
  MAX_BUCKETS,
  parseFacetLimit,
  parseLicenseFilter,
  parseOpennessRange,
  TIME_UNITS,
  type OpennessOverTimeArgs,
} from './stats.filter.js';

/** The per-request view of the stats read side: the repository and this request's loaders. */
export interface StatsReader {
  readonly repository: StatsRepository;
  readonly loaders: StatsLoaders;
}

/** One value of a facet (the parent of every `*FacetCount` type). */
export interface FacetCount {
  readonly value: string | null;
  readonly count: number;
}

export interface FacetCounts {
  readonly total: number;
  /** Every facet's values, sorted (count descending, then value). */
  readonly facets: ReadonlyMap<Facet, readonly FacetCount[]>;
}

/** The parent of `CatalogStats`. */
export interface CatalogStatsParent {
  readonly filter: ModelsFilter;
  /** The facets, read once (lazily) for all the fields that need them. */
  readonly counts: () => Promise<FacetCounts>;
}

/** Enum facets sort ties in their declared order; the others by code point. */
const DECLARED_ORDER: Partial<Record<Facet, readonly string[]>> = {
  licenseCategory: LICENSE_CATEGORIES,
  commercialUse: COMMERCIAL_USE,
  opennessLevel: OPENNESS_LEVELS,
  mofClass: MOF_CLASSES,
  weights: WEIGHTS_AVAILABILITY,
};

function compareValues(facet: Facet): (a: FacetCount, b: FacetCount) => number {
  const order = DECLARED_ORDER[facet];
  const rank = (value: string) => order?.indexOf(value) ?? 0;
  return (a, b) => {
    if (a.count !== b.count) return b.count - a.count;
    if (a.value === b.value) return 0;
    if (a.value === null) return 1;
    if (b.value === null) return -1;
    const byRank = rank(a.value) - rank(b.value);
    if (byRank !== 0) return byRank;
    return a.value < b.value ? -1 : 1;
  };
}

export function facetCountsOf(rows: readonly FacetRow[]): FacetCounts {
  let total = 0;
  const facets = new Map<Facet, FacetCount[]>();
  for (const row of rows) {
    if (row.facet === 'total') total = row.count;
    // Grouping an empty source still yields the total's row, never a value row with count 0.
    else if (row.count > 0) {
      const list = facets.get(row.facet) ?? [];
      list.push({ value: row.value, count: row.count });
      facets.set(row.facet, list);
    }
  }
  for (const [facet, list] of facets) list.sort(compareValues(facet));
  return { total, facets };
}

export function catalogStats(args: { filter?: ModelsArgs['filter'] }, stats: StatsReader): CatalogStatsParent {
  const { filter } = parseModelsArgs({ filter: args.filter });
  let counts: Promise<FacetCounts> | undefined;
  return {
    filter,
    counts: () => (counts ??= stats.repository.facets(filter).then(facetCountsOf)),
  };
}

/** A facet's values, the `limit` most frequent when given. */
export async function facetValues(
  stats: CatalogStatsParent,
  facet: Facet,
  limit?: number | null,
): Promise<FacetCount[]> {
  const max = parseFacetLimit(limit);
  const values = (await stats.counts()).facets.get(facet) ?? [];
  return values.slice(0, max ?? values.length);
}

export interface OpennessBucket {
  readonly start: Date;
  readonly end: Date;
  readonly levels: { readonly level: OpennessLevel; readonly count: number; readonly change: number }[];
  readonly total: number;
  readonly change: number;
}

const levelIndex = (level: string) => OPENNESS_LEVELS.indexOf(level as OpennessLevel);

/**
 * The level counts at the end of each bucket: the baseline (every change before the first bucket)
 * plus the changes of each bucket in turn.
 */
export async function opennessOverTime(
  stats: CatalogStatsParent,
  args: OpennessOverTimeArgs,
  reader: StatsReader,
  now: Date = new Date(),
): Promise<OpennessBucket[]> {
  const range = parseOpennessRange(args, now);
  const { interval } = range;
  const end = addBuckets(range.last, interval, 1);
  const rows = await reader.repository.opennessChanges(stats.filter, TIME_UNITS[interval], range.first, end);

  // Without `from`: from the first bucket with a change, at most MAX_BUCKETS back.
  let first = range.first;
  if (first === null) {
    const earliest = rows.reduce<Date | null>(
      (min, row) => (row.bucket !== null && (min === null || row.bucket < min) ? row.bucket : min),
      null,
    );
    const oldestServed = addBuckets(range.last, interval, 1 - MAX_BUCKETS);
    first = earliest === null || earliest > range.last ? range.last : earliest < oldestServed ? oldestServed : earliest;
  }
  const firstTime = first.getTime();

  const baseline = OPENNESS_LEVELS.map(() => 0);
  const changes = new Map<number, number[]>();
  const add = (row: OpennessChangeRow) => {
    const index = levelIndex(row.level);
    if (index < 0) return;
    if (row.bucket === null || row.bucket.getTime() < firstTime) {
      baseline[index] = (baseline[index] ?? 0) + row.change;
      return;
    }
    const bucket = changes.get(row.bucket.getTime()) ?? OPENNESS_LEVELS.map(() => 0);
    bucket[index] = (bucket[index] ?? 0) + row.change;
    changes.set(row.bucket.getTime(), bucket);
  };
  rows.forEach(add);

  const counts = [...baseline];
  const buckets: OpennessBucket[] = [];
  const count = bucketsBetween(first, range.last, interval);
  for (let i = 0; i < count; i++) {
    const start = addBuckets(first, interval, i);
    const delta = changes.get(start.getTime()) ?? OPENNESS_LEVELS.map(() => 0);
    const levels = OPENNESS_LEVELS.map((level, index) => {
      counts[index] = (counts[index] ?? 0) + (delta[index] ?? 0);
      return { level, count: counts[index] ?? 0, change: delta[index] ?? 0 };
    });
    buckets.push({
      start,
      end: addBuckets(first, interval, i + 1),
      levels,
      total: levels.reduce((sum, level) => sum + level.count, 0),
      change: levels.reduce((sum, level) => sum + level.change, 0),
    });
  }
  return buckets;
}

/** A `licenses` row as a `License` (no model, so no hub value). */
export const asLicense = (row: Omit<LicenseParent, 'hubValue'>): LicenseParent => ({ ...row, hubValue: null });

/** `licenses(filter)`: most used first; their model counts go to the request's loader. */
export async function findLicenses(
  filter: Parameters<typeof parseLicenseFilter>[0],
  reader: StatsReader,
): Promise<LicenseParent[]> {
  const rows = await reader.repository.licenses(parseLicenseFilter(filter));
  return rows.map(({ modelCount, ...license }) => {
    reader.loaders.licenseModelCount.prime(license.id, modelCount);
    return asLicense(license);
  });
}
