/**
 * The boundary between OpenRouter's `GET /api/v1/models` and the catalog: every element of the
 * listing's `data` array is validated here with zod before anything else sees it (docs/hubs.md).
 *
 * As for Hugging Face (src/catalog/huggingface/hf-record.ts): only a record that is not an object,
 * or has no usable string `id`, is rejected (quarantined by the crawl, with the reason). Any other
 * bad field is dropped, or cleaned and cut, and reported as a problem that becomes `input`
 * evidence; the model is still ingested. Fields the catalog does not read (`links`, `benchmarks`,
 * `default_parameters`, `per_request_limits`, anything new) are left out of the validated record,
 * which is what the catalog keeps as the model's raw record, so that a new field on the hub never
 * reaches storage unvalidated.
 */
import { z } from 'zod';
import { isJsonObject, jsonTypeOf, type FieldProblem } from '../record-problems.js';
import { cleanJson, inspectText, TEXT_LIMITS, type TextChange } from '../../lib/text.js';

/** A hub string beyond this is cut (the stored-JSON cap of src/lib/text.ts, as for Hugging Face). */
export const MAX_STRING = TEXT_LIMITS.field;
/** A name, slug, modality or parameter name: an identifier-sized string. */
const MAX_KEY = TEXT_LIMITS.key;
const MAX_LIST = 256;
const MAX_PRICES = 32;

/**
 * A listing id: `author/slug`, optionally with a variant (`:free`, `:thinking`); a leading `~`
 * marks OpenRouter's alias ids. No spaces or control characters.
 */
const MODEL_ID = /^~?[A-Za-z0-9][\w.-]*(?:\/[\w.+-]+)*(?::[\w.-]+)?$/;
/** A Hugging Face repository id, as `hugging_face_id` names one (src/catalog/huggingface/hf-record.ts). */
const HF_REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
/** A modality (`text`, `image`, `file`, `audio`, `embeddings`, …). */
const MODALITY = /^[a-z][a-z0-9_-]{0,31}$/;
/** A pricing key (`prompt`, `input_cache_read`, …). */
const PRICE_KEY = /^[a-z][a-z0-9_]{0,63}$/;
/** A price as the hub writes it: a decimal string, `"-1"` for "varies" (the `openrouter/auto` router). */
const PRICE = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
/** Unix seconds up to the year 9999: beyond that `created` is not a time in seconds. */
const MAX_UNIX_SECONDS = 253_402_300_799;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date');
const modalities = z
  .array(z.unknown())
  .max(MAX_LIST)
  .transform((items) => [
    ...new Set(
      items
        .filter((item): item is string => typeof item === 'string')
        .map((item) => item.trim().toLowerCase())
        .filter((item) => MODALITY.test(item)),
    ),
  ]);
const shortString = z.string().max(MAX_KEY);

const ARCHITECTURE_SCHEMAS = {
  modality: shortString.nullable(),
  input_modalities: modalities,
  output_modalities: modalities,
  tokenizer: shortString.nullable(),
  instruct_type: shortString.nullable(),
} satisfies Record<string, z.ZodType>;

const TOP_PROVIDER_SCHEMAS = {
  context_length: count.nullable(),
  max_completion_tokens: count.nullable(),
  is_moderated: z.boolean(),
} satisfies Record<string, z.ZodType>;

/** The top-level fields the catalog reads (objects are validated field by field below). */
const FIELD_SCHEMAS = {
  canonical_slug: z.string().regex(MODEL_ID).max(MAX_KEY),
  // `""` (what the hub sends for closed models) and null both mean "none"; kept as given.
  hugging_face_id: z
    .string()
    .refine((id) => id === '' || (id.length <= MAX_KEY && HF_REPO_ID.test(id)), 'not a repository id')
    .nullable(),
  name: z.string(),
  created: z.number().int().nonnegative().max(MAX_UNIX_SECONDS),
  description: z.string(),
  context_length: count.nullable(),
  supported_parameters: z
    .array(z.unknown())
    .max(MAX_LIST)
    .transform((items) => [
      ...new Set(items.filter((item): item is string => typeof item === 'string' && item.length <= MAX_KEY)),
    ]),
  knowledge_cutoff: isoDate.nullable(),
  expiration_date: isoDate.nullable(),
} satisfies Record<string, z.ZodType>;

type Fields<S extends Record<string, z.ZodType>> = { -readonly [K in keyof S]?: z.output<S[K]> };

export type OpenRouterRecord = Fields<typeof FIELD_SCHEMAS> & {
  id: string;
  architecture?: Fields<typeof ARCHITECTURE_SCHEMAS>;
  top_provider?: Fields<typeof TOP_PROVIDER_SCHEMAS>;
  /** Prices in USD per token (or per request, image, search) as the hub's decimal strings. */
  pricing?: Record<string, string>;
};

export type ValidationResult =
  | { readonly ok: true; readonly record: OpenRouterRecord; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly reason: string };

/** Strings cleaned of binary characters and cut to `MAX_STRING`, each change a problem. */
function cleaned(value: unknown, path: string, problems: FieldProblem[]): unknown {
  const changes: TextChange[] = [];
  const out = cleanJson(value, { maxLength: MAX_STRING, controls: true, changes, path });
  for (const change of changes) problems.push({ field: change.path, issue: change.issue, detail: change.detail });
  return out;
}

/** Each field of `schemas` present in `raw`, validated on its own: a bad field drops only itself. */
function validateFields<S extends Record<string, z.ZodType>>(
  raw: Record<string, unknown>,
  schemas: S,
  prefix: string,
  problems: FieldProblem[],
): Fields<S> {
  const out: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(schemas)) {
    const value = raw[field];
    if (value === undefined) continue;
    const path = `${prefix}${field}`;
    const parsed = schema.safeParse(cleaned(value, path, problems));
    if (parsed.success) out[field] = parsed.data;
    else
      problems.push({
        field: path,
        issue: typeIssues(parsed.error.issues) ? 'wrong-type' : 'invalid',
        detail: `${jsonTypeOf(value)} rejected: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
  }
  return out as Fields<S>;
}

/** Whether a value was refused for its JSON type (else for its content: a pattern, a range). */
function typeIssues(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.every(
    (issue) =>
      issue.code === 'invalid_type' ||
      (issue.code === 'invalid_union' && issue.errors.every((branch) => typeIssues(branch))),
  );
}

function nested<S extends Record<string, z.ZodType>>(
  raw: Record<string, unknown>,
  field: string,
  schemas: S,
  problems: FieldProblem[],
): Fields<S> | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    problems.push({ field, issue: 'wrong-type', detail: `${jsonTypeOf(value)} rejected: expected an object` });
    return undefined;
  }
  return validateFields(value, schemas, `${field}.`, problems);
}

/** The prices that read as prices; every other entry dropped with a problem. */
function pricingOf(raw: Record<string, unknown>, problems: FieldProblem[]): Record<string, string> | undefined {
  const value = raw['pricing'];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    problems.push({
      field: 'pricing',
      issue: 'wrong-type',
      detail: `${jsonTypeOf(value)} rejected: expected an object`,
    });
    return undefined;
  }
  const prices: Record<string, string> = {};
  let kept = 0;
  for (const [key, price] of Object.entries(value)) {
    const field = `pricing.${key.slice(0, 64)}`;
    if (!PRICE_KEY.test(key)) {
      problems.push({ field: 'pricing', issue: 'invalid', detail: `key ${JSON.stringify(key.slice(0, 64))} dropped` });
    } else if (typeof price !== 'string') {
      problems.push({ field, issue: 'wrong-type', detail: `${jsonTypeOf(price)} rejected: expected a decimal string` });
    } else if (price.length > 64 || !PRICE.test(price.trim()) || !Number.isFinite(Number(price))) {
      // `1e400` has a price's digits but is no finite number: kept, it would read as a price that varies.
      problems.push({ field, issue: 'invalid', detail: `${JSON.stringify(price.slice(0, 64))} is not a price` });
    } else if (kept >= MAX_PRICES) {
      problems.push({ field, issue: 'truncated', detail: `more than ${MAX_PRICES} prices; dropped` });
    } else {
      prices[key] = price.trim();
      kept++;
    }
  }
  return prices;
}

export function validateOpenRouterRecord(input: unknown): ValidationResult {
  if (!isJsonObject(input)) return { ok: false, reason: `record is ${jsonTypeOf(input)}, not an object` };
  const rawId = input['id'];
  if (typeof rawId !== 'string') return { ok: false, reason: `no string id (id is ${jsonTypeOf(rawId)})` };
  const id = rawId.trim();
  if (id.length > MAX_KEY || !MODEL_ID.test(id)) {
    return { ok: false, reason: `unusable id ${JSON.stringify(id.slice(0, 80))}` };
  }

  const problems: FieldProblem[] = [];
  const record: OpenRouterRecord = { id, ...validateFields(input, FIELD_SCHEMAS, '', problems) };
  if (record.name !== undefined && record.name.length > MAX_KEY) {
    problems.push({ field: 'name', issue: 'truncated', detail: `${record.name.length} chars truncated to ${MAX_KEY}` });
    record.name = inspectText(record.name, { maxLength: MAX_KEY }).text;
  }
  const architecture = nested(input, 'architecture', ARCHITECTURE_SCHEMAS, problems);
  if (architecture !== undefined) record.architecture = architecture;
  const topProvider = nested(input, 'top_provider', TOP_PROVIDER_SCHEMAS, problems);
  if (topProvider !== undefined) record.top_provider = topProvider;
  const pricing = pricingOf(input, problems);
  if (pricing !== undefined) record.pricing = pricing;
  return { ok: true, record, problems };
}

export type { FieldProblem } from '../record-problems.js';
