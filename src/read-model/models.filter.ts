/**
 * `Query.models` arguments → a validated, normalized query for the SQL compiler (models.sql.ts).
 * GraphQL has already checked types and enum values; this checks what SDL cannot say (list sizes,
 * ranges, a usable search, cursors) and applies the defaults of the order.
 */
import { z } from 'zod';
import type {
  CommercialUse,
  LicenseCategory,
  MofClass,
  OpennessLevel,
  WeightsAvailability,
} from '../openness/types.js';
import { CatalogError } from '../lib/errors.js';
import { decodeCursor, type Cursor } from './cursor.js';
import type { Precision } from './deployment.view.js';
import { INT8, isKeyText, isRelevanceKey, SORT_KEYS, type OrderDirection, type OrderField } from './sort-keys.js';
import { pageRequest, type PageArgs } from './pagination.js';
import { parseSearch, type SearchQuery } from './search.js';

export type { SearchQuery } from './search.js';

export interface ModelsFilter {
  readonly search: SearchQuery | null;
  readonly hubs: readonly string[];
  readonly authors: readonly string[];
  readonly tasks: readonly string[];
  readonly libraries: readonly string[];
  readonly tags: readonly string[];
  readonly licenseIds: readonly string[];
  readonly licenseCategories: readonly LicenseCategory[];
  readonly commercialUse: readonly CommercialUse[];
  readonly osiApproved: boolean | null;
  readonly opennessLevels: readonly OpennessLevel[];
  readonly minOpennessLevel: OpennessLevel | null;
  readonly mofClasses: readonly MofClass[];
  readonly weights: readonly WeightsAvailability[];
  readonly gated: boolean | null;
  readonly minParameters: bigint | null;
  readonly maxParameters: bigint | null;
  readonly createdSince: Date | null;
  readonly updatedSince: Date | null;
  readonly includeRemoved: boolean;
  /** Leave out a model when a `sameAs` model is listed on a hub of higher `mirrorRank` (config/hubs.ts). */
  readonly collapseMirrors: boolean;
  /** Estimated memory at `memoryPrecision` at most this (GB); see deployment.view.ts. */
  readonly maxMemoryGb: number | null;
  readonly memoryPrecision: Precision;
  /** Lowercase. */
  readonly formats: readonly string[];
  readonly minDerivatives: number | null;
}

export interface ModelsQuery {
  readonly filter: ModelsFilter;
  readonly order: { readonly field: OrderField; readonly direction: OrderDirection };
  readonly page: { readonly size: number; readonly backward: boolean; readonly cursor: Cursor | null };
}

/** `Query.models` arguments, as GraphQL hands them over (null and absent alike). */
export interface ModelsArgs extends PageArgs {
  readonly filter?: Partial<Record<keyof ModelsFilter, unknown>> | null;
  readonly orderBy?: { readonly field: OrderField; readonly direction?: OrderDirection | null } | null;
  /** `models(collapseMirrors: true)`: the same as `filter.collapseMirrors` (either one turns it on). */
  readonly collapseMirrors?: boolean | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_FILTER_VALUES = 100;
export const MAX_SEARCH_LENGTH = 200;

const values = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
    .nullish()
    .transform((list) => list ?? []);
const text = z.string().min(1, 'must not be empty');
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? null);
// The BigInt scalar takes any integer as a string or literal; the column is a Postgres bigint.
const parameterCount = optional(
  z
    .union([z.bigint(), z.number().int()])
    .transform((value) => BigInt(value))
    .refine((value) => value >= 0n, 'must not be negative')
    .refine((value) => value <= INT8.max, `must be at most ${INT8.max} (a 64-bit integer)`),
);

const filterSchema = z
  .object({
    search: optional(
      z
        .string()
        .max(MAX_SEARCH_LENGTH, `at most ${MAX_SEARCH_LENGTH} characters`)
        .transform((search, context) => {
          const parsed = parseSearch(search);
          if (parsed === null) {
            context.addIssue({ code: 'custom', message: 'needs at least one letter or digit' });
            return z.NEVER;
          }
          return parsed;
        }),
    ),
    hubs: values(text),
    authors: values(text),
    tasks: values(text),
    libraries: values(text),
    tags: values(text),
    licenseIds: values(text),
    licenseCategories: values(z.custom<LicenseCategory>((v) => typeof v === 'string')),
    commercialUse: values(z.custom<CommercialUse>((v) => typeof v === 'string')),
    osiApproved: optional(z.boolean()),
    opennessLevels: values(z.custom<OpennessLevel>((v) => typeof v === 'string')),
    minOpennessLevel: optional(z.custom<OpennessLevel>((v) => typeof v === 'string')),
    mofClasses: values(z.custom<MofClass>((v) => typeof v === 'string')),
    weights: values(z.custom<WeightsAvailability>((v) => typeof v === 'string')),
    gated: optional(z.boolean()),
    minParameters: parameterCount,
    maxParameters: parameterCount,
    createdSince: optional(z.date()),
    updatedSince: optional(z.date()),
    includeRemoved: z
      .boolean()
      .nullish()
      .transform((value) => value ?? false),
    collapseMirrors: z
      .boolean()
      .nullish()
      .transform((value) => value ?? false),
    maxMemoryGb: optional(z.number().min(0, 'must not be negative')),
    memoryPrecision: z
      .enum(['BITS16', 'BITS8', 'BITS4'])
      .nullish()
      .transform((value): Precision => value ?? 'BITS16'),
    formats: values(text).transform((formats) => [...new Set(formats.map((format) => format.toLowerCase()))]),
    minDerivatives: optional(z.number().int().min(0, 'must not be negative')),
  })
  .refine(
    (filter) =>
      filter.minParameters === null || filter.maxParameters === null || filter.minParameters <= filter.maxParameters,
    { message: 'must not be greater than `maxParameters`', path: ['minParameters'] },
  );

function parseFilter(filter: ModelsArgs['filter']): ModelsFilter {
  const parsed = filterSchema.safeParse(filter ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `filter.${issue.path.join('.')} ${issue.message}`);
  throw new CatalogError('INVALID_ARGUMENT', problems.join('; '), {
    argument: 'filter',
    fields: parsed.error.issues.map((issue) => issue.path.join('.')),
  });
}

/** The effective order: RELEVANCE needs a search; without orderBy, RELEVANCE with one, else DOWNLOADS DESC. */
function orderOf(orderBy: ModelsArgs['orderBy'], search: SearchQuery | null): ModelsQuery['order'] {
  if (!orderBy) return search ? { field: 'RELEVANCE', direction: 'DESC' } : { field: 'DOWNLOADS', direction: 'DESC' };
  if (orderBy.field === 'RELEVANCE' && !search) return { field: 'DOWNLOADS', direction: 'DESC' };
  return { field: orderBy.field, direction: orderBy.direction ?? 'DESC' };
}

export function parseModelsArgs(args: ModelsArgs): ModelsQuery {
  const page = pageRequest(args, DEFAULT_PAGE_SIZE);
  const parsed = parseFilter(args.filter);
  const filter = args.collapseMirrors ? { ...parsed, collapseMirrors: true } : parsed;
  const order = orderOf(args.orderBy, filter.search);
  let cursor: Cursor | null = null;
  if (page.cursor !== null) {
    cursor = decodeCursor(page.cursor, `${order.field}:${order.direction}`, page.cursorArgument);
    const key = SORT_KEYS[order.field];
    const malformed = cursor.key === null ? !key.nullable : !isKeyText(key.type, cursor.key);
    if (malformed || (order.field === 'RELEVANCE' && cursor.key !== null && !isRelevanceKey(cursor.key))) {
      throw new CatalogError(
        'INVALID_CURSOR',
        `\`${page.cursorArgument}\` is not a valid cursor for this connection: its position is malformed`,
        { argument: page.cursorArgument },
      );
    }
  }
  return { filter, order, page: { size: page.size, backward: page.backward, cursor } };
}
