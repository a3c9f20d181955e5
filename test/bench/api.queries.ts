/**
 * The queries `bench api` sends and their random arguments: one module, so the API and the bare
 * handler are driven with arguments drawn from the same distributions.
 */
import { LICENSE_CATEGORIES, OPENNESS_LEVELS, type LicenseCategory } from '../../src/openness/types.js';

export type BenchQuery = 'filtered' | 'search' | 'stats';

/** The bare handler's route for each query (it takes `{ variables }` as the API would). */
export const BARE_ROUTES: Readonly<Record<BenchQuery, string>> = {
  filtered: '/filtered',
  search: '/search',
  stats: '/stats',
};

export interface Vocabulary {
  readonly words: readonly string[];
}

const INTERVALS = ['DAY', 'WEEK', 'MONTH'] as const;

export const BENCH_QUERIES: Readonly<Record<BenchQuery, string>> = {
  filtered: `query Filtered($categories: [LicenseCategory!], $level: OpennessLevel) {
  models(first: 50, filter: { licenseCategories: $categories, minOpennessLevel: $level }) {
    totalCount
    nodes { id license { id category } openness { level score } }
  }
}`,
  search: `query Search($search: String!) {
  models(first: 20, filter: { search: $search }) {
    nodes { id name license { id category } openness { level score } }
  }
}`,
  stats: `query Stats($limit: Int!, $interval: TimeInterval!, $from: DateTime) {
  stats {
    totalCount
    byLicense(limit: $limit) { value count }
    byLicenseCategory { value count }
    byCommercialUse { value count }
    byOpennessLevel { value count }
    byMofClass { value count }
    byWeights { value count }
    byHub { value count }
    byTask(limit: $limit) { value count }
    byLibrary(limit: $limit) { value count }
    opennessOverTime(interval: $interval, from: $from) { start levels { level count } }
  }
}`,
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** One or two license categories (the common dashboard selections). */
function categories(): LicenseCategory[] {
  const first = pick(LICENSE_CATEGORIES);
  if (Math.random() < 0.5) return [first];
  const second = pick(LICENSE_CATEGORIES);
  return second === first ? [first] : [first, second];
}

export function randomVariables(query: BenchQuery, vocabulary: Vocabulary): Record<string, unknown> {
  switch (query) {
    case 'filtered':
      return { categories: categories(), level: pick(OPENNESS_LEVELS) };
    case 'search': {
      const words = vocabulary.words.length > 0 ? vocabulary.words : ['llama'];
      return { search: Math.random() < 0.3 ? `${pick(words)} ${pick(words)}` : pick(words) };
    }
    case 'stats': {
      // A dashboard's chart: the last 1–3 months by day, 6–24 months by week, 1–3 years by month.
      const interval = pick(INTERVALS);
      const ranges: Record<(typeof INTERVALS)[number], readonly [number, number, number]> = {
        DAY: [1, 30, 90],
        WEEK: [7, 26, 104],
        MONTH: [30, 12, 36],
      };
      const [unit, min, max] = ranges[interval];
      const back = (min + Math.floor(Math.random() * (max - min + 1))) * unit;
      return {
        limit: 5 + Math.floor(Math.random() * 46),
        interval,
        from: new Date(Date.now() - back * 86_400_000).toISOString(),
      };
    }
  }
}
