/**
 * Which change-log rows a reader wants: the one filter of the change feed (`changes`), live
 * subscriptions (`modelChanged`), webhooks and the Atom feed. It is evaluated in two places that
 * must agree — as SQL over `model_changes` (feed pages, catch-up) and in memory over rows already
 * read (live delivery) — so both forms live here, next to each other, over the same columns: the
 * state of the model AFTER the change, which the row itself carries (migration 20261127070000).
 */
import { z } from 'zod';
import type { ChangeKind } from '../catalog/catalog-model.js';
import { CatalogError } from '../lib/errors.js';
import { LICENSE_CATEGORIES, OPENNESS_LEVELS, type LicenseCategory, type OpennessLevel } from '../openness/types.js';

export const CHANGE_KINDS = [
  'CREATED',
  'UPDATED',
  'LICENSE_CHANGED',
  'GATING_CHANGED',
  'OPENNESS_CHANGED',
  'REMOVED',
  'RESTORED',
] as const satisfies readonly ChangeKind[];

/** At most this many values per list field. */
export const MAX_CHANGE_FILTER_VALUES = 100;

export interface ChangeFilter {
  readonly kinds: readonly ChangeKind[];
  readonly modelIds: readonly string[];
  readonly authors: readonly string[];
  readonly hubs: readonly string[];
  readonly licenseCategories: readonly LicenseCategory[];
  /** The model's openness level after the change is at least this. */
  readonly minOpennessLevel: OpennessLevel | null;
  /** Changes that occurred at or after this instant. */
  readonly since: Date | null;
}

/** The facts of a change-log row a filter looks at (the model's state after the change). */
export interface ChangeFacts {
  readonly modelId: string;
  readonly kind: ChangeKind;
  readonly occurredAt: Date;
  readonly hubId: string | null;
  readonly author: string | null;
  readonly licenseCategory: LicenseCategory | null;
  readonly opennessLevel: OpennessLevel | null;
}

export const EMPTY_CHANGE_FILTER: ChangeFilter = {
  kinds: [],
  modelIds: [],
  authors: [],
  hubs: [],
  licenseCategories: [],
  minOpennessLevel: null,
  since: null,
};

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(MAX_CHANGE_FILTER_VALUES, `at most ${MAX_CHANGE_FILTER_VALUES} values`)
    .nullish()
    .transform((values) => [...new Set(values ?? [])] as z.output<T>[]);
const text = z.string().min(1, 'must not be empty').max(300, 'at most 300 characters');

/**
 * The filter as GraphQL hands it over and as a webhook stores it (JSON: `since` as an ISO string).
 * Enum values are checked here too, because stored filters and URL query strings (Atom) do not
 * pass through GraphQL's own validation.
 */
const changeFilterSchema = z
  .object({
    kinds: list(z.enum(CHANGE_KINDS)),
    modelIds: list(text),
    authors: list(text),
    hubs: list(text),
    licenseCategories: list(z.enum(LICENSE_CATEGORIES)),
    minOpennessLevel: z
      .enum(OPENNESS_LEVELS)
      .nullish()
      .transform((value) => value ?? null),
    since: z
      .union([z.date(), z.iso.datetime({ offset: true }).transform((value) => new Date(value))])
      .nullish()
      .transform((value) => value ?? null),
  })
  .strict();

export type ChangeFilterInput = z.input<typeof changeFilterSchema>;

/** A validated filter, or INVALID_ARGUMENT (BAD_USER_INPUT) naming every problem. */
export function parseChangeFilter(input: unknown, argument = 'filter'): ChangeFilter {
  const parsed = changeFilterSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${[argument, ...issue.path].join('.')}: ${issue.message}`);
  throw new CatalogError('INVALID_ARGUMENT', problems.join('; '), {
    argument,
    fields: parsed.error.issues.map((issue) => issue.path.join('.')),
  });
}

/** The filter as JSON (what a webhook stores; `parseChangeFilter` reads it back). */
export function changeFilterToJson(filter: ChangeFilter): Record<string, unknown> {
  return { ...filter, since: filter.since?.toISOString() ?? null };
}

const LEVEL_RANK = new Map<OpennessLevel, number>(OPENNESS_LEVELS.map((level, rank) => [level, rank]));

/** In memory: whether a row already read matches (the live path). */
export function matchesChange(filter: ChangeFilter, change: ChangeFacts): boolean {
  const anyOf = <T>(values: readonly T[], value: T | null) =>
    values.length === 0 || (value !== null && values.includes(value));
  if (!anyOf(filter.kinds, change.kind)) return false;
  if (!anyOf(filter.modelIds, change.modelId)) return false;
  if (!anyOf(filter.authors, change.author)) return false;
  if (!anyOf(filter.hubs, change.hubId)) return false;
  if (!anyOf(filter.licenseCategories, change.licenseCategory)) return false;
  if (filter.minOpennessLevel !== null) {
    if (change.opennessLevel === null) return false;
    if ((LEVEL_RANK.get(change.opennessLevel) ?? -1) < (LEVEL_RANK.get(filter.minOpennessLevel) ?? 0)) return false;
  }
  if (filter.since !== null && change.occurredAt.getTime() < filter.since.getTime()) return false;
  return true;
}

/**
 * As SQL: the conditions over `model_changes` aliased `alias`, parameters appended to `values`
 * (placeholders continue from its length). The enum order of "OpennessLevel" is the order of
 * OPENNESS_LEVELS, so `>=` means what LEVEL_RANK means above.
 */
export function changeFilterConditions(filter: ChangeFilter, values: unknown[], alias = 'c'): string[] {
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  const anyOf = (column: string, list: readonly string[], type: string) => {
    if (list.length > 0) where.push(`${alias}.${column} = ANY(${param(list)}::${type}[])`);
  };
  anyOf('kind', filter.kinds, '"ChangeKind"');
  anyOf('model_id', filter.modelIds, 'text');
  anyOf('author', filter.authors, 'text');
  anyOf('hub_id', filter.hubs, 'text');
  anyOf('license_category', filter.licenseCategories, '"LicenseCategory"');
  if (filter.minOpennessLevel !== null)
    where.push(`${alias}.openness_level >= ${param(filter.minOpennessLevel)}::"OpennessLevel"`);
  if (filter.since !== null) where.push(`${alias}.occurred_at >= ${param(filter.since)}::timestamptz`);
  return where;
}
