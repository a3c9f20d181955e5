/**
 * Arguments of `stats`, its facets and `opennessOverTime`, and of `licenses`: what SDL cannot say
 * (ranges, the number of buckets, `from` ≤ `to`), checked with zod and refused with
 * BAD_USER_INPUT, never clamped. Also the UTC bucket arithmetic of `opennessOverTime`, which must
 * agree with Postgres' `date_trunc(unit, …, 'UTC')` (facets.sql.ts).
 */
import { z } from 'zod';
import type { CommercialUse, LicenseCategory } from '../openness/types.js';
import { CatalogError } from '../lib/errors.js';
import type { TimeUnit } from './facets.sql.js';
import { MAX_FILTER_VALUES, MAX_SEARCH_LENGTH } from './models.filter.js';
import type { LicensesFilter } from './stats.repository.js';

/** The largest `limit` of a facet. */
export const MAX_FACET_LIMIT = 1_000;
/** The most buckets `opennessOverTime` returns. */
export const MAX_BUCKETS = 1_000;

export type TimeInterval = 'DAY' | 'WEEK' | 'MONTH';

export const TIME_UNITS: Readonly<Record<TimeInterval, TimeUnit>> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

function invalid(argument: string, message: string, details: Record<string, unknown> = {}): CatalogError {
  return new CatalogError('INVALID_ARGUMENT', message, { argument, ...details });
}

/** A facet's `limit`: null (every value) or 1 to MAX_FACET_LIMIT. */
export function parseFacetLimit(limit: number | null | undefined): number | null {
  if (limit === null || limit === undefined) return null;
  if (limit < 1 || limit > MAX_FACET_LIMIT)
    throw invalid('limit', `\`limit\` is ${limit}; it must be between 1 and ${MAX_FACET_LIMIT}`, {
      maximum: MAX_FACET_LIMIT,
    });
  return limit;
}

const DAY_MS = 86_400_000;

/** The first instant of the UTC bucket holding `date` (weeks start on Monday, as ISO and Postgres say). */
export function bucketStart(date: Date, interval: TimeInterval): Date {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (interval) {
    case 'DAY':
      return new Date(day);
    case 'WEEK':
      return new Date(day - ((date.getUTCDay() + 6) % 7) * DAY_MS);
    case 'MONTH':
      return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  }
}

/** The bucket `count` buckets after the one starting at `start` (a bucket start). */
export function addBuckets(start: Date, interval: TimeInterval, count: number): Date {
  switch (interval) {
    case 'DAY':
      return new Date(start.getTime() + count * DAY_MS);
    case 'WEEK':
      return new Date(start.getTime() + count * 7 * DAY_MS);
    case 'MONTH':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
  }
}

/** How many buckets from the one starting at `first` to the one starting at `last`, both included. */
export function bucketsBetween(first: Date, last: Date, interval: TimeInterval): number {
  switch (interval) {
    case 'DAY':
      return Math.round((last.getTime() - first.getTime()) / DAY_MS) + 1;
    case 'WEEK':
      return Math.round((last.getTime() - first.getTime()) / (7 * DAY_MS)) + 1;
    case 'MONTH':
      return (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + (last.getUTCMonth() - first.getUTCMonth()) + 1;
  }
}

export interface OpennessOverTimeArgs {
  readonly interval: TimeInterval;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

export interface OpennessRange {
  readonly interval: TimeInterval;
  /** The first bucket's start; null without `from` (from the first change, decided by the data). */
  readonly first: Date | null;
  /** The last bucket's start (the one holding `to`). */
  readonly last: Date;
}

/** `from` ≤ `to`, at most MAX_BUCKETS buckets; `to` defaults to `now`. */
export function parseOpennessRange(args: OpennessOverTimeArgs, now: Date): OpennessRange {
  const to = args.to ?? now;
  const last = bucketStart(to, args.interval);
  if (args.from === null || args.from === undefined) return { interval: args.interval, first: null, last };
  if (args.from > to) {
    throw invalid(
      'from',
      `\`from\` (${args.from.toISOString()}) is after \`to\` (${to.toISOString()}${args.to ? '' : ', now'})`,
    );
  }
  const first = bucketStart(args.from, args.interval);
  const buckets = bucketsBetween(first, last, args.interval);
  if (buckets > MAX_BUCKETS) {
    throw invalid(
      'from',
      `${buckets} ${args.interval} buckets from \`from\` to \`to\`; at most ${MAX_BUCKETS} are served: ` +
        'narrow the range or use a longer interval',
      { buckets, maximum: MAX_BUCKETS },
    );
  }
  return { interval: args.interval, first, last };
}

const licenseFilterSchema = z.object({
  categories: z
    .array(z.custom<LicenseCategory>((value) => typeof value === 'string'))
    .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
    .nullish()
    .transform((list) => list ?? []),
  commercialUse: z
    .array(z.custom<CommercialUse>((value) => typeof value === 'string'))
    .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
    .nullish()
    .transform((list) => list ?? []),
  osiApproved: z
    .boolean()
    .nullish()
    .transform((value) => value ?? null),
  search: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_SEARCH_LENGTH, `at most ${MAX_SEARCH_LENGTH} characters`)
    .nullish()
    .transform((value) => value ?? null),
});

export function parseLicenseFilter(filter: Partial<Record<keyof LicensesFilter, unknown>> | null | undefined) {
  const parsed = licenseFilterSchema.safeParse(filter ?? {});
  if (parsed.success) return parsed.data satisfies LicensesFilter;
  const problems = parsed.error.issues.map((issue) => `filter.${issue.path.join('.')} ${issue.message}`);
  throw new CatalogError('INVALID_ARGUMENT', problems.join('; '), {
    argument: 'filter',
    fields: parsed.error.issues.map((issue) => issue.path.join('.')),
  });
}
