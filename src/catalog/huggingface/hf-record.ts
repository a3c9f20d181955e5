/**
 * The boundary between the Hugging Face API and the catalog: every listing record is validated
 * here with zod before anything else sees it.
 *
 * Only a record that is not an object, or has no usable string id, is rejected (quarantined by the
 * caller, with the reason). Any other bad field — wrong type, huge or binary string — is dropped or
 * truncated and reported as a problem (which becomes evidence), and the model is still ingested:
 * one bad field never stops a crawl.
 */
import { z } from 'zod';
import { jsonTypeOf, type FieldProblem } from '../record-problems.js';
import { inspectText, TEXT_LIMITS } from '../../lib/text.js';

/** A hub string beyond this is cut (the stored-JSON cap of src/lib/text.ts). */
export const MAX_STRING = TEXT_LIMITS.field;
const MAX_ARRAY = 10_000;
const MAX_DEPTH = 12;

/** A repo id as the hub allows it: `name` or `owner/name`, no spaces or control characters. */
const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
const count = z.number().int().nonnegative();

/** The fields the catalog reads, each validated on its own so one bad field drops only itself. */
const FIELD_SCHEMAS = {
  _id: z.string(),
  modelId: z.string(),
  author: z.string(),
  sha: z.string().regex(/^[0-9a-f]{7,64}$/i),
  createdAt: isoDate,
  lastModified: isoDate,
  downloads: count,
  downloadsAllTime: count,
  likes: count,
  private: z.boolean(),
  gated: z.union([z.literal(false), z.literal(true), z.literal('auto'), z.literal('manual')]),
  disabled: z.boolean(),
  library_name: z.string(),
  pipeline_tag: z.string(),
  tags: z.array(z.unknown()).transform((tags) => tags.filter((tag): tag is string => typeof tag === 'string')),
  cardData: z.record(z.string(), z.unknown()),
  siblings: z
    .array(z.unknown())
    .transform((files) =>
      files.filter(
        (file): file is { rfilename: string } =>
          typeof file === 'object' && file !== null && typeof (file as { rfilename?: unknown }).rfilename === 'string',
      ),
    ),
  safetensors: z.object({ total: count.optional(), parameters: z.record(z.string(), count).optional() }).loose(),
  gguf: z
    .object({ total: count.optional(), architecture: z.string().optional(), context_length: count.optional() })
    .loose(),
  inferenceProviderMapping: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
  baseModels: z.unknown(),
  'model-index': z.unknown(),
  config: z.record(z.string(), z.unknown()),
  spaces: z.array(z.string()),
  trendingScore: z.number(),
} satisfies Record<string, z.ZodType>;

export type HfRecord = { -readonly [K in keyof typeof FIELD_SCHEMAS]?: z.output<(typeof FIELD_SCHEMAS)[K]> } & {
  id: string;
};

export type ValidationResult =
  | { readonly ok: true; readonly record: HfRecord; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Bound a value: strings truncated and stripped of binary (src/lib/text.ts with `controls`: NUL,
 * lone surrogates, other control characters and U+FFFD, which Postgres refuses in JSON or which
 * are not text), object keys too; arrays and depth limited.
 */
function sanitize(value: unknown, path: string, problems: FieldProblem[], depth = 0): unknown {
  if (typeof value === 'string') {
    const { text, binary, truncated } = inspectText(value, { maxLength: MAX_STRING, controls: true });
    if (binary)
      problems.push({
        field: path,
        issue: 'binary',
        detail: `removed binary characters from a ${value.length}-char string`,
      });
    if (truncated)
      problems.push({ field: path, issue: 'truncated', detail: `${value.length} chars truncated to ${MAX_STRING}` });
    return text;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) {
    problems.push({ field: path, issue: 'too-deep', detail: `nested deeper than ${MAX_DEPTH} levels; dropped` });
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) {
      problems.push({ field: path, issue: 'truncated', detail: `${value.length} items truncated to ${MAX_ARRAY}` });
    }
    return value.slice(0, MAX_ARRAY).map((item, index) => sanitize(item, `${path}[${index}]`, problems, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [rawKey, item] of Object.entries(value)) {
    const key = inspectText(rawKey, { maxLength: TEXT_LIMITS.key, controls: true });
    if (key.binary || key.truncated)
      problems.push({
        field: `${path}.${key.text}`,
        issue: key.binary ? 'binary' : 'truncated',
        detail: `key of ${rawKey.length} chars ${key.binary ? 'stripped of binary characters' : `truncated to ${TEXT_LIMITS.key}`}`,
      });
    const clean = sanitize(item, `${path}.${key.text}`, problems, depth + 1);
    if (clean !== undefined) out[key.text] = clean;
  }
  return out;
}

/** Any value made safe to store as JSON (bounded strings and keys, no binary), for quarantined records. */
export function boundForStorage(value: unknown): unknown {
  return sanitize(value, '', []);
}

export function validateHfRecord(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `record is ${jsonTypeOf(input)}, not an object` };
  }
  const raw = input as Record<string, unknown>;
  // Listing records carry the repo id in `id` (and `modelId`); `_id` is the Mongo id, never a repo id.
  const idSource =
    typeof raw['id'] === 'string' ? raw['id'] : typeof raw['modelId'] === 'string' ? raw['modelId'] : null;
  if (idSource === null) return { ok: false, reason: `no string id (id is ${jsonTypeOf(raw['id'])})` };
  const id = idSource.trim();
  if (!REPO_ID.test(id) || id.length > 256) {
    return { ok: false, reason: `unusable id ${JSON.stringify(id.slice(0, 80))}` };
  }

  const problems: FieldProblem[] = [];
  const record = { id, ...validateFields(raw, FIELD_SCHEMAS, problems) } as HfRecord;
  return { ok: true, record, problems };
}

/**
 * Each field of `schemas` that `raw` has, bounded (`sanitize`) and then validated on its own: a
 * field its schema refuses is left out with a `wrong-type` problem, and only that field. Shared by
 * the hubs whose records are flat objects of documented fields (Hugging Face, ModelScope).
 */
export function validateFields(
  raw: Readonly<Record<string, unknown>>,
  schemas: Readonly<Record<string, z.ZodType>>,
  problems: FieldProblem[],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(schemas)) {
    if (!(field in raw) || raw[field] === undefined) continue;
    const parsed = schema.safeParse(sanitize(raw[field], field, problems));
    if (parsed.success) fields[field] = parsed.data;
    else
      problems.push({
        field,
        issue: 'wrong-type',
        detail: `${jsonTypeOf(raw[field])} rejected: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
  }
  return fields;
}

export type { FieldProblem } from '../record-problems.js';
