/**
 * The boundary between the Civitai API and the catalog: every model record of
 * `GET /api/v1/models` (and `GET /api/v1/models/{id}`, the same shape) is validated here with zod
 * before anything else sees it (docs/hubs.md, "Civitai").
 *
 * Only a record that is not an object, or has no usable numeric `id`, is rejected (the crawl
 * quarantines it with the reason). Any other bad field — a wrong type, a huge or binary string — is
 * dropped or cut and reported as a problem (which becomes `input.*` evidence), and the model is
 * still ingested: one bad field never stops a crawl.
 *
 * The validated record keeps only what the catalog reads, so it stays small and stable: image
 * lists (which change with every upload and carry no openness fact), per-version stats, hashes
 * other than SHA256 and the creator's avatar are left out. The description is reduced from HTML to
 * text with its links kept inline (`descriptionText`), then cut to the stored-JSON cap without a
 * problem: Civitai descriptions are long pages, and a prefix is what the classifier reads.
 */
import { z } from 'zod';
import { isJsonObject, jsonTypeOf, type FieldProblem } from '../record-problems.js';
import { inspectText, TEXT_LIMITS } from '../../lib/text.js';

/** A hub string beyond this is cut (the stored-JSON cap of src/lib/text.ts). */
export const MAX_STRING = TEXT_LIMITS.field;
/** How much of a description's HTML is read at all (they rarely exceed 50 KB). */
const MAX_DESCRIPTION_HTML = 200_000;
const MAX_ITEMS = 1_000;

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
const count = z.number().int().nonnegative();
const strings = z
  .array(z.unknown())
  .transform((items) => items.filter((item): item is string => typeof item === 'string'));
/** Tags: strings, or `{ name }` objects as other Civitai endpoints give them; anything else dropped. */
const tagNames = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const name = isJsonObject(item) ? item['name'] : undefined;
    return typeof name === 'string' ? [name] : [];
  }),
);
/** An optional member the hub may also send as null (`"fp": null`): null reads as absent. */
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** One counter of `stats`: Civitai sends null for counters a fresh model has not got yet. */
const STATS_FIELDS = [
  'downloadCount',
  'thumbsUpCount',
  'thumbsDownCount',
  'favoriteCount',
  'commentCount',
  'ratingCount',
  'rating',
  'tippedAmountCount',
] as const;
export type CivitaiStats = { -readonly [K in (typeof STATS_FIELDS)[number]]?: number | null };

const FILE_SCHEMAS = {
  id: count,
  name: z.string(),
  type: z.string(),
  sizeKB: z.number().nonnegative(),
  metadata: z
    .object({ format: optionalString, fp: optionalString, size: optionalString })
    .transform(({ format, fp, size }) => ({
      ...(format === undefined ? {} : { format }),
      ...(fp === undefined ? {} : { fp }),
      ...(size === undefined ? {} : { size }),
    })),
  pickleScanResult: z.string(),
  virusScanResult: z.string(),
  downloadUrl: z.string(),
  primary: z.boolean(),
  hashes: z.object({ SHA256: optionalString }).transform(({ SHA256 }) => (SHA256 === undefined ? {} : { SHA256 })),
} satisfies Record<string, z.ZodType>;

export type CivitaiFile = { -readonly [K in keyof typeof FILE_SCHEMAS]?: z.output<(typeof FILE_SCHEMAS)[K]> };

/** A version's purchase gate (`paidAccess`): null on a free version. */
const paidAccess = z
  .object({ permanent: z.boolean().nullish(), endsAt: z.string().nullish() })
  .nullable()
  .transform((gate) => (gate === null ? null : { permanent: gate.permanent ?? null, endsAt: gate.endsAt ?? null }));

const VERSION_SCHEMAS = {
  id: count,
  /** Civitai's column is nullable: null reads as absent (the order then falls back to dates). */
  index: count.nullable().transform((index) => index ?? undefined),
  name: z.string(),
  baseModel: z.string(),
  baseModelType: z.string(),
  createdAt: isoDate,
  publishedAt: isoDate,
  updatedAt: isoDate,
  status: z.string(),
  availability: z.string(),
  nsfwLevel: count,
  trainedWords: strings,
  downloadUrl: z.string(),
  earlyAccessEndsAt: isoDate,
  /** The current API's early access: `availability` stays `Public`, the gate is here. */
  paidAccess,
  earlyAccessDeadline: isoDate.nullable().transform((deadline) => deadline ?? undefined),
} satisfies Record<string, z.ZodType>;

export type CivitaiVersion = {
  -readonly [K in keyof typeof VERSION_SCHEMAS]?: z.output<(typeof VERSION_SCHEMAS)[K]>;
} & {
  files?: CivitaiFile[];
};

/** The top-level fields the catalog reads, each validated on its own so one bad field drops only itself. */
const FIELD_SCHEMAS = {
  name: z.string(),
  type: z.string(),
  nsfw: z.boolean(),
  nsfwLevel: count,
  minor: z.boolean(),
  poi: z.boolean(),
  sfwOnly: z.boolean(),
  availability: z.string(),
  mode: z.string().nullable(),
  allowNoCredit: z.boolean(),
  // Every element a string, or the field is dropped (and reported): `[null]` filtered down to `[]`
  // would read as "no commercial use", a claim the record never made.
  allowCommercialUse: z.union([z.array(z.string()), z.string()]),
  allowDerivatives: z.boolean(),
  allowDifferentLicense: z.boolean(),
  supportsGeneration: z.boolean(),
  userId: count,
  createdAt: isoDate,
  publishedAt: isoDate,
  lastVersionAt: isoDate,
  creator: z
    .object({ username: z.string().nullable().optional() })
    .nullable()
    .transform((creator) => (creator === null ? null : { username: creator.username ?? null })),
  tags: tagNames,
  baseModels: strings,
} satisfies Record<string, z.ZodType>;

export type CivitaiRecord = { -readonly [K in keyof typeof FIELD_SCHEMAS]?: z.output<(typeof FIELD_SCHEMAS)[K]> } & {
  /** The model id (the catalog's repoId, as a string). */
  id: number;
  /** The model page's description as text, links kept inline; null when it has none. */
  description?: string | null;
  /** Null when the hub sends none (a fresh model); counters inside may be null too. */
  stats?: CivitaiStats | null;
  /** As the hub lists them (newest first). */
  modelVersions?: CivitaiVersion[];
};

export type ValidationResult =
  | { readonly ok: true; readonly record: CivitaiRecord; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly reason: string };

/** Strings cut and stripped of binary (src/lib/text.ts with `controls`), each change a problem. */
function cleanString(value: string, field: string, problems: FieldProblem[], maxLength = MAX_STRING): string {
  const { text, binary, truncated } = inspectText(value, { maxLength, controls: true });
  if (binary)
    problems.push({ field, issue: 'binary', detail: `removed binary characters from a ${value.length}-char string` });
  if (truncated)
    problems.push({ field, issue: 'truncated', detail: `${value.length} chars truncated to ${maxLength}` });
  return text;
}

/** Strings anywhere in a (small, known-shape) value cleaned; arrays bounded. */
function cleanValue(value: unknown, field: string, problems: FieldProblem[]): unknown {
  if (typeof value === 'string') return cleanString(value, field, problems);
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) {
      problems.push({ field, issue: 'truncated', detail: `${value.length} items truncated to ${MAX_ITEMS}` });
    }
    return value.slice(0, MAX_ITEMS).map((item, index) => cleanValue(item, `${field}[${index}]`, problems));
  }
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = cleanValue(item, `${field}.${key}`, problems);
  return out;
}

/** Parse the known fields of `raw` with their schemas into `out`; a field that fails is dropped and reported. */
function parseFields(
  raw: Record<string, unknown>,
  schemas: Readonly<Record<string, z.ZodType>>,
  path: string,
  out: Record<string, unknown>,
  problems: FieldProblem[],
): void {
  for (const [field, schema] of Object.entries(schemas)) {
    const value = raw[field];
    if (value === undefined) continue;
    const where = path === '' ? field : `${path}.${field}`;
    const parsed = schema.safeParse(cleanValue(value, where, problems));
    if (parsed.success) {
      // A schema may read a null as absent (`index: null`): then the field is left out.
      if (parsed.data !== undefined) out[field] = parsed.data;
    } else
      problems.push({
        field: where,
        issue: 'wrong-type',
        detail: `${jsonTypeOf(value)} rejected: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
  }
}

/**
 * Entities decoded: only those whose character can start neither a tag nor another entity, so the
 * reduction is idempotent (`&amp;`, `&lt;` and `&gt;` stay as they are).
 */
const ENTITIES: Readonly<Record<string, string>> = { quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

/**
 * A description's HTML as text: each link's target kept inline where its tag opened
 * (`(https://…) text`), other tags dropped, a few entities decoded, blank runs collapsed.
 * Idempotent, so a stored record validates to itself (reclassification reads it again).
 */
export function descriptionText(html: string): string {
  // A tag never spans a `<` (`[^<>]`, not `[^>]`): each scan ends at the next `<`, so the reduction
  // is linear. With `[^>]*` an unclosed `<a href="x" ` repeated went cubic (12 KB took seconds,
  // the 200 KB a description may have would hold a crawl page for hours).
  return (
    html
      .replace(/<a\s[^<>]*?href\s*=\s*["']([^"'<>]*)["'][^<>]*>/gi, ' ($1) ')
      .replace(/<(br|\/p|\/h\d|\/li|\/div)\b[^<>]*>/gi, '\n')
      .replace(/<[^<>]*>/g, ' ')
      // What is left of `<` and `>` belongs to no tag; dropped, so a second pass finds none to pair.
      .replace(/[<>]/g, ' ')
      .replace(/&(quot|apos|nbsp|#39);/g, (_match, name: string) => ENTITIES[name] ?? '')
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n\s*/g, '\n')
      .trim()
  );
}

/** Binary characters out first (so their removal leaves no blank run behind), then text, then the cap. */
function parseDescription(value: unknown, problems: FieldProblem[]): string | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string') {
    problems.push({ field: 'description', issue: 'wrong-type', detail: `${jsonTypeOf(value)} rejected: not a string` });
    return undefined;
  }
  const cleaned = inspectText(value, { maxLength: MAX_DESCRIPTION_HTML, controls: true });
  if (cleaned.binary) problems.push({ field: 'description', issue: 'binary', detail: 'removed binary characters' });
  return inspectText(descriptionText(cleaned.text), { maxLength: MAX_STRING }).text.trim();
}

function parseStats(value: unknown, problems: FieldProblem[]): CivitaiStats | null | undefined {
  if (value === null) return null;
  if (!isJsonObject(value)) {
    problems.push({ field: 'stats', issue: 'wrong-type', detail: `${jsonTypeOf(value)} rejected: not an object` });
    return undefined;
  }
  const stats: CivitaiStats = {};
  for (const field of STATS_FIELDS) {
    const counter = value[field];
    if (counter === undefined) continue;
    if (counter === null || (typeof counter === 'number' && Number.isFinite(counter) && counter >= 0)) {
      stats[field] = counter;
    } else {
      problems.push({ field: `stats.${field}`, issue: 'wrong-type', detail: `${jsonTypeOf(counter)} rejected` });
    }
  }
  return stats;
}

function parseList<T>(
  value: unknown,
  field: string,
  problems: FieldProblem[],
  item: (raw: Record<string, unknown>, path: string) => T,
): T[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ field, issue: 'wrong-type', detail: `${jsonTypeOf(value)} rejected: not an array` });
    return undefined;
  }
  if (value.length > MAX_ITEMS) {
    problems.push({ field, issue: 'truncated', detail: `${value.length} items truncated to ${MAX_ITEMS}` });
  }
  const out: T[] = [];
  value.slice(0, MAX_ITEMS).forEach((entry, index) => {
    if (isJsonObject(entry)) out.push(item(entry, `${field}[${index}]`));
    else problems.push({ field: `${field}[${index}]`, issue: 'wrong-type', detail: `${jsonTypeOf(entry)} dropped` });
  });
  return out;
}

function parseVersion(raw: Record<string, unknown>, path: string, problems: FieldProblem[]): CivitaiVersion {
  const version: Record<string, unknown> = {};
  parseFields(raw, VERSION_SCHEMAS, path, version, problems);
  if (raw['files'] !== undefined) {
    const files = parseList(raw['files'], `${path}.files`, problems, (file, filePath) => {
      const out: Record<string, unknown> = {};
      parseFields(file, FILE_SCHEMAS, filePath, out, problems);
      return out;
    });
    if (files !== undefined) version['files'] = files;
  }
  return version;
}

/**
 * A model id as the hub gives it: a positive integer (a string of digits is accepted and read as
 * one). The one reading of an id, shared with the adapter's cursor check (src/crawl/civitai/).
 */
export function civitaiModelId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) {
    const id = Number(value.trim());
    return id > 0 ? id : null;
  }
  return null;
}

export function validateCivitaiRecord(input: unknown): ValidationResult {
  if (!isJsonObject(input)) return { ok: false, reason: `record is ${jsonTypeOf(input)}, not an object` };
  const rawId = input['id'];
  if (rawId === undefined || rawId === null) return { ok: false, reason: `no numeric id (id is ${jsonTypeOf(rawId)})` };
  const id = civitaiModelId(rawId);
  if (id === null) {
    const shown =
      typeof rawId === 'string' || typeof rawId === 'number' || typeof rawId === 'boolean'
        ? String(rawId)
        : (JSON.stringify(rawId) ?? jsonTypeOf(rawId));
    return { ok: false, reason: `unusable id ${JSON.stringify(shown.slice(0, 80))}` };
  }

  const problems: FieldProblem[] = [];
  const record: Record<string, unknown> = { id };
  parseFields(input, FIELD_SCHEMAS, '', record, problems);
  if (input['description'] !== undefined) {
    const description = parseDescription(input['description'], problems);
    if (description !== undefined) record['description'] = description;
  }
  if (input['stats'] !== undefined) {
    const stats = parseStats(input['stats'], problems);
    if (stats !== undefined) record['stats'] = stats;
  }
  if (input['modelVersions'] !== undefined) {
    const versions = parseList(input['modelVersions'], 'modelVersions', problems, (version, path) =>
      parseVersion(version, path, problems),
    );
    if (versions !== undefined) record['modelVersions'] = versions;
  }
  return { ok: true, record: record as CivitaiRecord, problems };
}

export type { FieldProblem } from '../record-problems.js';
