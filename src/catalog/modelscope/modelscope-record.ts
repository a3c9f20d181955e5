/**
 * The boundary between the ModelScope OpenAPI and the catalog: every listing (and detail) record
 * is validated here with zod before anything else reads it.
 *
 * No real captured ModelScope answer exists (docs/hubs.md, "ModelScope"): the fields are the
 * documented ones (`id`, `owner`, `name`, `license`, `tasks`, `tags`, `downloads`, `likes`,
 * `created_at`, `last_modified`, `params`, `file_size`), and each is read in every shape a hub of
 * this kind is known to send: `id` as `owner/name` or `owner` + `name` apart; times as unix
 * seconds, milliseconds or ISO text; `tasks` and `tags` as a list or one string; numbers as text.
 *
 * Only a record that is not an object, or names no owner and model name, is rejected (quarantined by
 * the caller, with the reason). Any other bad field is dropped or cut and reported as a problem
 * (evidence on the model), and the model is still ingested.
 *
 * The validated record is what the catalog stores (`raw`) and rebuilds from (reclassification), so
 * validating it again gives it back unchanged.
 */
import { z } from 'zod';
import { validateFields } from '../huggingface/hf-record.js';
import { isJsonObject, jsonTypeOf, type FieldProblem } from '../record-problems.js';
import { TEXT_LIMITS } from '../../lib/text.js';

/** One segment of a repository path: ModelScope owners and model names (`Qwen`, `Qwen2.5-7B-Instruct`). */
const SEGMENT = /^[A-Za-z0-9_][\w.-]*$/;
const MAX_SEGMENT = 128;

/** Unix seconds below this are read as seconds, above as milliseconds (this is 2286 in seconds). */
const MILLISECONDS_FROM = 10_000_000_000;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
/** `2024-09-19 10:30:00` or `2024-09-19T10:30:00` with no zone: read as UTC, never the host's zone. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A ModelScope time: unix seconds or milliseconds (a number or digits), or ISO-8601 text. Null when
 * it is none of those or falls outside 2000–2100 (a zero, a sentinel, a typo).
 */
export function parseHubTime(value: unknown): Date | null {
  let time: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const number = Number(value);
    if (!Number.isFinite(number)) return null;
    time = number >= MILLISECONDS_FROM ? number : number * 1000;
  } else if (typeof value === 'string') {
    const text = value.trim();
    time = Date.parse(ZONELESS.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  } else {
    return null;
  }
  if (Number.isNaN(time) || time < EARLIEST || time >= LATEST) return null;
  return new Date(Math.round(time));
}

const time = z.union([z.number(), z.string()]).refine((value) => parseHubTime(value) !== null, 'not a time');
/** A count: a non-negative integer, or its digits as text (normalized to a number). */
const count = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/)])
  .transform(Number)
  .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));
/** A size or parameter count: non-negative, possibly fractional (`7.6` billions), or its text. */
const quantity = z
  .union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/)])
  .transform(Number)
  .pipe(z.number().nonnegative().max(Number.MAX_SAFE_INTEGER));

/** Names from a list of names, of `{name}` / `{Name}` objects, or one string (`"a,b"` split); null is none. */
function namesOf(value: unknown): string[] | null {
  if (value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? (value as unknown[]) : null;
  if (items === null) return null;
  const names: string[] = [];
  for (const item of items) {
    const name =
      typeof item === 'string'
        ? item
        : typeof item === 'object' && item !== null
          ? ((item as { name?: unknown }).name ?? (item as { Name?: unknown }).Name)
          : undefined;
    if (typeof name !== 'string') continue;
    const trimmed = name.trim();
    if (trimmed !== '' && trimmed.length <= TEXT_LIMITS.key && !names.includes(trimmed)) names.push(trimmed);
  }
  return names;
}

const names = z.unknown().transform((value, context) => {
  const list = namesOf(value);
  if (list === null) {
    context.addIssue({ code: 'custom', message: 'not a list of names or a string' });
    return z.NEVER;
  }
  return list;
});

/** A repository file list: paths, or `{Path, Size}` objects of the files API (directories left out). */
const files = z.array(z.unknown()).transform((items) => {
  const paths: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      if (item !== '') paths.push(item);
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as { Path?: unknown; path?: unknown; Type?: unknown };
    if (entry.Type === 'tree') continue;
    const path = typeof entry.Path === 'string' ? entry.Path : entry.path;
    if (typeof path === 'string' && path !== '') paths.push(path);
  }
  return paths;
});

/** The fields the catalog reads, each validated on its own so one bad field drops only itself. */
const FIELD_SCHEMAS = {
  owner: z.string(),
  name: z.string(),
  chinese_name: z.string(),
  // Free text or null, and any other type is handed to the license resolver as it is: the resolver
  // reports an unreadable value as evidence (`license.invalid-type`) rather than as "no license".
  license: z.unknown(),
  tasks: names,
  tags: names,
  library: z.string(),
  downloads: count,
  likes: count,
  created_at: time,
  last_modified: time,
  params: quantity,
  file_size: quantity,
  private: z.boolean(),
  gated: z.union([z.boolean(), z.literal('auto'), z.literal('manual'), z.literal('none')]),
  files,
} satisfies Record<string, z.ZodType>;

export type ModelScopeRecord = {
  -readonly [K in keyof typeof FIELD_SCHEMAS]?: z.output<(typeof FIELD_SCHEMAS)[K]>;
} & {
  /** `owner/name`, however the hub wrote it. */
  id: string;
};

export type ValidationResult =
  | { readonly ok: true; readonly record: ModelScopeRecord; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly reason: string };

function segment(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return SEGMENT.test(trimmed) && trimmed.length <= MAX_SEGMENT ? trimmed : null;
}

/**
 * The repository id: `id` when it is `owner/name`; else `owner` + `name` (or `owner` + an `id`
 * without a slash). Each part trimmed, as `owner` and `name` are. Null, with why, when the record
 * names no usable owner and name.
 */
export function repoIdOf(raw: Record<string, unknown>): { repoId: string } | { reason: string } {
  const id = typeof raw['id'] === 'string' ? raw['id'].trim() : null;
  if (id !== null && id.includes('/')) {
    const [owner, name, ...rest] = id.split('/').map(segment);
    if (rest.length === 0 && owner && name) return { repoId: `${owner}/${name}` };
    return { reason: `unusable id ${JSON.stringify(id.slice(0, 80))}` };
  }
  const owner = segment(raw['owner']);
  const name = segment(raw['name']) ?? (id !== null && id !== '' ? segment(id) : null);
  if (owner !== null && name !== null) return { repoId: `${owner}/${name}` };
  return {
    reason: `no owner/name (id is ${jsonTypeOf(raw['id'])}, owner is ${jsonTypeOf(raw['owner'])}, name is ${jsonTypeOf(raw['name'])})`,
  };
}

export function validateModelScopeRecord(input: unknown): ValidationResult {
  if (!isJsonObject(input)) return { ok: false, reason: `record is ${jsonTypeOf(input)}, not an object` };
  const id = repoIdOf(input);
  if ('reason' in id) return { ok: false, reason: id.reason };
  // Strings cut and cleaned of binary, keys too, arrays and depth bounded: as Hugging Face's.
  const problems: FieldProblem[] = [];
  const record = { id: id.repoId, ...validateFields(input, FIELD_SCHEMAS, problems) } as ModelScopeRecord;
  return { ok: true, record, problems };
}

export type { FieldProblem } from '../record-problems.js';
