/**
 * The one text sanitizer for everything written to Postgres. Postgres refuses two things a
 * JavaScript string can hold: NUL (`\u0000`: "invalid byte sequence" in text, "unsupported Unicode
 * escape sequence" in jsonb) and lone UTF-16 surrogates (not encodable as UTF-8; jsonb refuses the
 * `\udXXX` escape JSON.stringify writes for them). A hub string, a README or an API client can
 * carry either, and one such string rolls back a whole page. So every write path passes its text
 * through here, in its repository:
 *
 * - lone surrogates become U+FFFD (`String.prototype.toWellFormed`, what every UTF-8 encoder does);
 * - NUL is removed;
 * - the length is capped (in UTF-16 code units, never splitting a surrogate pair); each use picks
 *   its cap from `TEXT_LIMITS`;
 * - with `controls: true` (the hub boundary's stricter reading of "binary"), other C0 control
 *   characters but tab, newline and carriage return, and U+FFFD itself, are removed too.
 *
 * `cleanJson` does the same to every string of a JSON value, keys included.
 */

/** Caps per use, in UTF-16 code units. */
export const TEXT_LIMITS = {
  /**
   * Indexed identifiers and short names (authors, tasks, tags, an API key's name): B-tree and GIN
   * entries must stay under ~2.7 kB, and 256 code units are at most 768 bytes of UTF-8.
   */
  key: 256,
  /** A line a person wrote or reads: a URL, an error message. */
  line: 2_048,
  /** A string inside a stored JSON record: the hub boundary's cap (src/catalog/huggingface/hf-record.ts). */
  field: 4_096,
  /** A document: README and LICENSE text kept for reclassification. */
  document: 65_536,
} as const;

export interface CleanTextOptions {
  /** Cap in UTF-16 code units; default `TEXT_LIMITS.field`. */
  readonly maxLength?: number;
  /** Also remove C0 controls (but `\t`, `\n`, `\r`) and U+FFFD. */
  readonly controls?: boolean;
}

export interface CleanedText {
  readonly text: string;
  /** NUL, lone surrogates (or, with `controls`, other binary characters) were removed or replaced. */
  readonly binary: boolean;
  /** The text was longer than the cap (after cleaning) and was cut. */
  readonly truncated: boolean;
}

/** Where a JSON value was changed, for the caller to record (`path` as `a.b[2]`, `` for the root). */
export interface TextChange {
  readonly path: string;
  readonly issue: 'binary' | 'truncated';
  readonly detail: string;
}

export interface CleanJsonOptions extends CleanTextOptions {
  /** Cap of object keys; default `TEXT_LIMITS.key`. */
  readonly maxKeyLength?: number;
  /** Collects every change, when given. */
  readonly changes?: TextChange[];
  /** Path prefix of `changes` entries. */
  readonly path?: string;
}

/* eslint-disable no-control-regex -- NUL and the C0 controls are what this module removes */
const NUL = /\u0000/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/g;
// One scan tells whether a string needs any work: most text needs none.
const SUSPECT = /[\u0000\ud800-\udfff]/;
const SUSPECT_WITH_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd\ud800-\udfff]/;
/* eslint-enable no-control-regex */
const SURROGATE = /[\ud800-\udfff]/;

// Node ≥ 20 has it (ES2024); the project's `lib` is ES2023, hence the cast.
const toWellFormed = (value: string): string => (value as unknown as { toWellFormed(): string }).toWellFormed();

/** Cut to `max` code units without leaving the high half of a surrogate pair at the end. */
function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = max > 0 && isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max;
  return value.slice(0, Math.max(0, end));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Clean one string and say what was done. */
export function inspectText(value: string, options: CleanTextOptions = {}): CleanedText {
  const maxLength = options.maxLength ?? TEXT_LIMITS.field;
  let text = value;
  if ((options.controls ? SUSPECT_WITH_CONTROLS : SUSPECT).test(value)) {
    if (SURROGATE.test(text)) text = toWellFormed(text);
    text = options.controls ? text.replace(CONTROLS, '') : text.replace(NUL, '');
  }
  // Pairs are left alone, so only a removal or a replacement makes the text differ.
  const binary = text !== value;
  const truncated = text.length > maxLength;
  return { text: truncated ? cap(text, maxLength) : text, binary, truncated };
}

/** The string made storable: no NUL, no lone surrogate, at most `maxLength` code units. */
export function cleanText(value: string, maxLength: number = TEXT_LIMITS.field): string {
  return inspectText(value, { maxLength }).text;
}

/** `cleanText` for nullable columns. */
export function cleanNullableText(value: string | null, maxLength: number = TEXT_LIMITS.field): string | null {
  return value === null ? null : cleanText(value, maxLength);
}

/**
 * Every string of a JSON value (object keys too) cleaned as `inspectText` does. Arrays and plain
 * objects are copied only when something in them changed (clean input comes back as the same
 * object, at the cost of one scan); anything else that is not a string (numbers, booleans, null,
 * Dates) is kept as is. Two keys that become equal once cleaned keep the later value, as
 * JSON.parse would. Returns the same shape, so the type is kept.
 */
export function cleanJson<T>(value: T, options: CleanJsonOptions = {}): T {
  // A scan without allocations first: most values are clean, and paths cost more than the scan.
  if (!needsCleaning(value, options)) return value;
  return clean(value, options.path ?? '', options) as T;
}

function needsCleaning(value: unknown, options: CleanJsonOptions): boolean {
  if (typeof value === 'string') return dirtyText(value, options.maxLength ?? TEXT_LIMITS.field, options.controls);
  if (Array.isArray(value)) return value.some((item) => needsCleaning(item, options));
  if (!isPlainObject(value)) return false;
  const maxKeyLength = options.maxKeyLength ?? TEXT_LIMITS.key;
  for (const key in value) {
    if (dirtyText(key, maxKeyLength, options.controls) || needsCleaning(value[key], options)) return true;
  }
  return false;
}

function dirtyText(value: string, maxLength: number, controls: boolean | undefined): boolean {
  return value.length > maxLength || (controls ? SUSPECT_WITH_CONTROLS : SUSPECT).test(value);
}

function clean(value: unknown, path: string, options: CleanJsonOptions): unknown {
  if (typeof value === 'string') {
    const result = inspectText(value, options);
    if (options.changes) record(options.changes, path, value, result, options.maxLength ?? TEXT_LIMITS.field);
    return result.text;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const cleaned = clean(item, `${path}[${index}]`, options);
      if (cleaned !== item) (out ??= value.slice())[index] = cleaned;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  const entries = Object.entries(value);
  for (const [index, [rawKey, item]] of entries.entries()) {
    const key = inspectText(rawKey, { ...options, maxLength: options.maxKeyLength ?? TEXT_LIMITS.key });
    const at = path === '' ? key.text : `${path}.${key.text}`;
    if (options.changes && (key.binary || key.truncated)) {
      options.changes.push({
        path: at,
        issue: key.binary ? 'binary' : 'truncated',
        detail: key.binary ? 'removed binary characters from a key' : `key of ${rawKey.length} chars truncated`,
      });
    }
    const cleaned = clean(item, at, options);
    if (out === undefined && (cleaned !== item || key.text !== rawKey)) {
      out = {};
      for (const [earlierKey, earlier] of entries.slice(0, index)) out[earlierKey] = earlier;
    }
    if (out !== undefined) out[key.text] = cleaned;
  }
  return out ?? value;
}

function record(changes: TextChange[], path: string, original: string, result: CleanedText, max: number): void {
  if (result.binary)
    changes.push({ path, issue: 'binary', detail: `removed binary characters from a ${original.length}-char string` });
  if (result.truncated)
    changes.push({ path, issue: 'truncated', detail: `${original.length} chars truncated to ${max}` });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Text a client sends that Postgres can neither store nor compare (a NUL, a lone surrogate): refused
 * as input (src/api/argument-text.ts, cursors), where stored hub text is cleaned instead.
 */
// With the `u` flag a valid surrogate pair is one code point: only lone surrogates match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why `text` cannot be used, or null when it can. */
export function unusableTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate';
  return null;
}

/** Text for HTML and XML content and attribute values: the five characters that could end or open markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
