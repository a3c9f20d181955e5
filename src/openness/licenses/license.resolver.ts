/**
 * Resolves what a hub says about a model's license (a Hugging Face id, `license: other` with a name,
 * link or LICENSE text, or free text from any hub) to one normalized license with evidence.
 *
 * The order of trust for free text: exact ids (Hugging Face, then SPDX), then names and aliases in
 * any case and spacing, then SPDX expressions, then "A and B" / "A, B" / "A or B" written out, and
 * only then the loose rules, each named in the evidence: a non-commercial keyword, or `spdx-correct`
 * for near-misses. Whatever is left is UNKNOWN, kept verbatim, never guessed.
 */
import spdxCorrect from 'spdx-correct';
import parseSpdxExpression from 'spdx-expression-parse';
import { evidence, truncate } from '../evidence.js';
import type { Evidence, LicenseCategory } from '../types.js';
import {
  categoryRank,
  commercialUseOf,
  commercialUseRank,
  licenseRef,
  type LicenseDefinition,
} from './license.definition.js';
import {
  NONE_DEFINITION,
  creativeCommonsByCore,
  definitionById,
  familyOf,
  hfLicense,
  licenseByCore,
  licenseByUrl,
  licenseCore,
  refLicense,
  spdxLicense,
} from './license.registry.js';
import { SPDX_STEMS } from './spdx.catalog.js';
import type { LicenseFamily } from './license.tables.js';
import type { LicenseInput, LicenseResolution } from './license.types.js';
import { normalizeLicenseText, recognizeLicenseText, type TextMatch } from './license-text.recognizer.js';

/** Where `license: other`'s companions and the LICENSE file are read from, for evidence. */
export const LICENSE_NAME_SOURCE = 'cardData.license_name';
export const LICENSE_LINK_SOURCE = 'cardData.license_link';
export const LICENSE_FILE_SOURCE = 'file:LICENSE';

/** Beyond this a hub value is not a license name; it is kept (cut) but not analysed. */
const MAX_FREE_TEXT = 300;
/** `hubValue` is verbatim up to this length; longer (broken) values are cut so a row stays small. */
const MAX_HUB_VALUE = 1000;

type Rule =
  | 'license.hf-id'
  | 'license.spdx'
  | 'license.spdx-expression'
  | 'license.compound-text'
  | 'license.list'
  | 'license.spdx-corrected'
  | 'license.alias'
  | 'license.keyword'
  | 'license.other-name'
  | 'license.other-link'
  | 'license.text'
  | 'license.family-unpinned'
  | 'license.none'
  | 'license.unresolved'
  | 'license.invalid-type';

/** A decided license, how it was decided, from what, and the parts of a combination. */
interface Outcome {
  readonly def: LicenseDefinition;
  readonly rule: Rule;
  readonly source: string;
  readonly value: string | null;
  readonly parts?: readonly Outcome[];
}

// ---------------------------------------------------------------------------------------------
// One license named in free text

/** Rules that tell what a license is without resolving which one. */
// The Chinese words ("non-commercial", "commercial use forbidden", "for research only") have no \b:
// Chinese has no spaces between words.
const NON_COMMERCIAL_WORDS =
  /\bnon[- ]?commercial\b|\bnot for commercial\b|\bnc\b|\bresearch\b|非商业|禁止商用|不可商用|不得商用|不允许商用|仅限研究|仅供研究|仅用于研究|仅限学术|仅供学术/;
/**
 * Words that declare a license closed whatever else its name says ("Proprietary - all rights
 * reserved", "Acme proprietary license"): nothing is granted beyond what the copyright holder says.
 */
const PROPRIETARY_WORDS = /\bproprietary\b|\ball rights reserved\b|保留所有权利|专有/;
/** Words that tell a license's category without naming the license, in order of precedence. */
const KEYWORD_CATEGORIES: readonly (readonly [RegExp, LicenseCategory])[] = [
  [NON_COMMERCIAL_WORDS, 'NON_COMMERCIAL'],
  [PROPRIETARY_WORDS, 'PROPRIETARY'],
];
/** spdx-correct's own transpositions of license names people misspell. */
const MISSPELLED_STEMS = new Set(['apl', 'apgl', 'glp', 'gnu', 'gun', 'mti', 'isd', 'ist', 'wth', 'mozilla', 'lesser']);
/** Words that make a string something other than the SPDX license spdx-correct would turn it into. */
const NOT_CORRECTABLE =
  /\b(modified|modifications?|custom|based|derived|bespoke|adapted|variant|community|model|research|commercial|terms|policy|rail|openrail|llama|gemma|unknown|proprietary|not|no|and|except|exception)\b/;

function unresolvedDefinition(text: string): LicenseDefinition {
  return {
    id: licenseRef(text),
    name: truncate(text.trim()) || 'Unresolved license',
    url: null,
    category: 'UNKNOWN',
    commercialUse: 'UNKNOWN',
    osiApproved: false,
  };
}

function ruleFor(def: LicenseDefinition, rule: Rule): Rule {
  if (def === NONE_DEFINITION) return 'license.none';
  if (familyOf(def.id) !== null) return 'license.family-unpinned';
  return rule;
}

interface TermMatch {
  readonly def: LicenseDefinition;
  readonly rule: Rule;
}

/** Exact ids, then names and aliases: the strict matches, safe to take for a whole string. */
function strictTerm(raw: string): TermMatch | null {
  const text = raw.trim().replace(/^["'`]+|["'`.]+$/g, '');
  if (text === '') return { def: NONE_DEFINITION, rule: 'license.none' };
  const hf = hfLicense(text);
  if (hf) return { def: hf.definition, rule: ruleFor(hf.definition, 'license.hf-id') };
  const spdx = spdxLicense(text);
  if (spdx) return { def: spdx, rule: 'license.spdx' };
  const ref = /^licenseref-/i.test(text) ? refLicense(text) : undefined;
  if (ref) return { def: ref, rule: ruleFor(ref, 'license.alias') };
  if (/^https?:\/\//i.test(text)) {
    const byUrl = licenseByUrl(text);
    return byUrl ? { def: byUrl, rule: 'license.alias' } : null;
  }
  const byCore = byLicenseCore(licenseCore(text)) ?? byLicenseCore(licenseCore(text, 'ascii'));
  return byCore ? { def: byCore, rule: ruleFor(byCore, 'license.alias') } : null;
}

function byLicenseCore(core: string): LicenseDefinition | undefined {
  if (core === '') return undefined;
  return (
    licenseByCore(core) ??
    creativeCommonsByCore(core) ??
    (core.startsWith('gnu') ? licenseByCore(core.slice(3)) : undefined)
  );
}

function correctSpdx(text: string): string | null {
  try {
    return spdxCorrect(text);
  } catch {
    return null;
  }
}

/** The loose rules, only for what the strict ones and the expression parsers could not resolve. */
function looseTerm(raw: string): TermMatch | null {
  const text = raw.trim();
  const lower = text.toLowerCase();
  // Non-commercial first: "proprietary, non-commercial research license" says more than "proprietary".
  const keyword = KEYWORD_CATEGORIES.find(([words]) => words.test(lower));
  if (keyword) {
    const [, category] = keyword;
    const def: LicenseDefinition = {
      ...unresolvedDefinition(text),
      category,
      commercialUse: commercialUseOf(category),
    };
    return { def, rule: 'license.keyword' };
  }
  if (text.length > 80 || NOT_CORRECTABLE.test(lower)) return null;
  if (!(lower.match(/[a-z]+/g) ?? []).some((word) => SPDX_STEMS.has(word) || MISSPELLED_STEMS.has(word))) return null;
  const corrected = correctSpdx(text);
  const def = corrected === null ? undefined : spdxLicense(corrected);
  if (!def) return null;
  // A correction may fix spelling, never a version: every number written must survive.
  for (const [digits] of text.matchAll(/\d+/g)) if (!def.id.includes(digits)) return null;
  return { def, rule: 'license.spdx-corrected' };
}

function term(text: string): TermMatch | null {
  return strictTerm(text) ?? looseTerm(text);
}

// ---------------------------------------------------------------------------------------------
// Combinations: SPDX expressions, lists, "A and B"

type Conjunction = 'AND' | 'OR';

function expressionId(parts: readonly LicenseDefinition[], op: Conjunction): string {
  return parts.map((p) => (/ (AND|OR) /.test(p.id) ? `(${p.id})` : p.id)).join(` ${op} `);
}

/**
 * A choice between licenses (OR, a list) is as open as its most permissive alternative; a conjunction
 * (AND) as its most restrictive part. Commercial use and the OSI flag follow the same logic.
 */
function combine(parts: readonly LicenseDefinition[], op: Conjunction): LicenseDefinition {
  const unique = [...new Map(parts.map((p) => [p.id, p])).values()];
  const [first] = unique;
  if (!first) return NONE_DEFINITION;
  if (unique.length === 1) return first;
  const wins = op === 'OR' ? (rank: number, best: number) => rank < best : (rank: number, best: number) => rank > best;
  let { category, commercialUse } = first;
  for (const part of unique) {
    if (wins(categoryRank(part.category), categoryRank(category))) category = part.category;
    if (wins(commercialUseRank(part.commercialUse), commercialUseRank(commercialUse)))
      commercialUse = part.commercialUse;
  }
  return {
    id: expressionId(unique, op),
    name: unique.map((p) => p.name).join(` ${op} `),
    url: null,
    category,
    commercialUse,
    osiApproved: op === 'OR' ? unique.some((p) => p.osiApproved) : unique.every((p) => p.osiApproved),
  };
}

function combineOutcomes(
  parts: readonly Outcome[],
  op: Conjunction,
  rule: Rule,
  source: string,
  value: string,
): Outcome {
  const def = combine(
    parts.map((p) => p.def),
    op,
  );
  if (parts.length === 1 && parts[0]) return parts[0];
  return { def, rule, source, value, parts };
}

function spdxLeaf(info: parseSpdxExpression.LicenseInfo, source: string): Outcome {
  let def = spdxLicense(info.license) ?? refLicense(info.license);
  if (def && info.plus) {
    def = spdxLicense(`${info.license.replace(/-only$/, '')}-or-later`) ?? spdxLicense(`${info.license}+`) ?? def;
  }
  def ??= { ...unresolvedDefinition(info.license), id: info.license, name: info.license };
  if (info.exception)
    def = { ...def, id: `${def.id} WITH ${info.exception}`, name: `${def.name} with ${info.exception}` };
  const value = `${info.license}${info.plus ? '+' : ''}${info.exception ? ` WITH ${info.exception}` : ''}`;
  const rule: Rule =
    def.category === 'UNKNOWN'
      ? 'license.unresolved'
      : info.plus || info.exception
        ? 'license.spdx-expression'
        : 'license.spdx';
  return { def, rule, source, value };
}

function flatten(info: parseSpdxExpression.Info, op: 'and' | 'or'): parseSpdxExpression.Info[] {
  if ('conjunction' in info && info.conjunction === op) return [...flatten(info.left, op), ...flatten(info.right, op)];
  return [info];
}

function fromExpressionTree(info: parseSpdxExpression.Info, source: string, value: string): Outcome {
  if (!('conjunction' in info)) return spdxLeaf(info, source);
  const parts = flatten(info, info.conjunction).map((part) => fromExpressionTree(part, source, value));
  const op = info.conjunction === 'and' ? 'AND' : 'OR';
  return combineOutcomes(parts, op, 'license.spdx-expression', source, value);
}

/** An SPDX expression, its ids in any case and Hugging Face ids accepted ("apache-2.0 OR mit"). */
function spdxExpression(text: string, source: string): Outcome | null {
  if (!/\s(and|or|with)\s|\(/i.test(text)) return null;
  const canonical = text.replace(/[A-Za-z0-9][A-Za-z0-9.+-]*/g, (token) => {
    if (/^(and|or|with)$/i.test(token)) return token.toUpperCase();
    return spdxLicense(token)?.id ?? hfLicense(token.toLowerCase())?.definition.id ?? token;
  });
  try {
    return fromExpressionTree(parseSpdxExpression(canonical), source, text);
  } catch {
    return null;
  }
}

const OR_SEPARATOR = /\s+or\s+|\s*\/\s*|\s*\|\s*/i;
const AND_SEPARATOR = /\s+and\s+|\s*&\s*|\s+\+\s+|\s*[;,]\s*/i;

/**
 * "Apache 2.0 and RAIL", "Meta Community license, CC-BY-NC 4.0", "Apache-2.0/MIT": licenses written
 * out with words. A comma joins licenses that all apply (AND); "or" and "/" offer a choice. An AND
 * with a part we cannot resolve is not resolved; an OR needs one resolvable alternative.
 */
function compoundText(text: string, source: string): Outcome | null {
  const bare = text.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ');
  const alternatives = bare
    .split(OR_SEPARATOR)
    .map((alternative) =>
      alternative
        .split(AND_SEPARATOR)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .filter((parts) => parts.length > 0);
  if (alternatives.length === 0 || (alternatives.length === 1 && (alternatives[0]?.length ?? 0) === 1)) return null;
  const outcomes: Outcome[] = [];
  let resolvedAny = false;
  for (const parts of alternatives) {
    const conjunction = parts.join(' and ');
    const partOutcomes: Outcome[] = [];
    for (const part of parts) {
      const match = term(part);
      if (!match || match.def === NONE_DEFINITION || match.def.category === 'UNKNOWN') break;
      partOutcomes.push({ def: match.def, rule: match.rule, source, value: part });
    }
    if (partOutcomes.length === parts.length) {
      resolvedAny = true;
      outcomes.push(combineOutcomes(partOutcomes, 'AND', 'license.compound-text', source, conjunction));
    } else {
      outcomes.push(unresolved(conjunction, source));
    }
  }
  return resolvedAny ? combineOutcomes(outcomes, 'OR', 'license.compound-text', source, text) : null;
}

function unresolved(text: string, source: string): Outcome {
  return { def: unresolvedDefinition(text), rule: 'license.unresolved', source, value: text };
}

/** Free text naming a license, or licenses. Never null: what cannot be resolved is UNKNOWN. */
function freeText(text: string, source: string): Outcome {
  if (text.length > MAX_FREE_TEXT) return unresolved(text, source);
  const strict = strictTerm(text);
  if (strict) return { ...strict, source, value: text };
  const combined = spdxExpression(text, source) ?? compoundText(text, source);
  if (combined) return combined;
  const loose = looseTerm(text);
  if (loose) return { ...loose, source, value: text };
  return unresolved(text, source);
}

// ---------------------------------------------------------------------------------------------
// LICENSE files

const TEXT_CACHE_LIMIT = 1000;
const textCache = new Map<string, TextMatch | null>();

function recognizeCached(text: string): TextMatch | null {
  const key = normalizeLicenseText(text);
  const cached = textCache.get(key);
  if (cached !== undefined || textCache.has(key)) return cached ?? null;
  if (textCache.size >= TEXT_CACHE_LIMIT) textCache.clear();
  const match = recognizeLicenseText(text);
  textCache.set(key, match);
  return match;
}

/** The license a LICENSE file's text shows, or null when it is not recognized. */
function fromLicenseText(text: string | null | undefined): Outcome | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  const match = recognizeCached(text);
  if (match === null) return null;
  if ('id' in match) {
    const def = definitionById(match.id) ?? spdxLicense(match.id);
    return def ? { def, rule: 'license.text', source: LICENSE_FILE_SOURCE, value: match.phrase } : null;
  }
  const titled = freeText(match.title, LICENSE_FILE_SOURCE);
  if (titled.def === NONE_DEFINITION || titled.def.category === 'UNKNOWN') return null;
  return { ...titled, rule: 'license.text', value: match.title };
}

const FAMILY_MEMBERS: Readonly<Record<LicenseFamily, (def: LicenseDefinition) => boolean>> = {
  bsd: (def) => /^BSD-/.test(def.id),
  gpl: (def) => /^GPL-/.test(def.id),
  lgpl: (def) => /^LGPL-/.test(def.id),
  gfdl: (def) => /^GFDL-/.test(def.id),
  openrail: (def) => def.category === 'OPEN_RAIL',
  cc: (def) => /^(CC-|CC0-|LicenseRef-cc-)/.test(def.id),
};

// ---------------------------------------------------------------------------------------------
// Hub values

interface Context {
  readonly licenseName?: unknown;
  readonly licenseLink?: unknown;
  readonly licenseText?: string | null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** `license: other` (or no license value) with `license_name`, `license_link` or the LICENSE text. */
function fromContext(context: Context): Outcome | null {
  const name = nonEmptyString(context.licenseName);
  if (name !== null) {
    const byName = freeText(name, LICENSE_NAME_SOURCE);
    const unresolvedName = byName.def.category === 'UNKNOWN' || byName.def === NONE_DEFINITION;
    if (!unresolvedName) {
      const strict = byName.rule !== 'license.keyword' && byName.rule !== 'license.spdx-corrected';
      return strict ? { ...byName, rule: 'license.other-name' } : byName;
    }
  }
  const link = nonEmptyString(context.licenseLink);
  const byLink = link === null ? undefined : licenseByUrl(link);
  if (link !== null && byLink)
    return { def: byLink, rule: 'license.other-link', source: LICENSE_LINK_SOURCE, value: link };
  return fromLicenseText(context.licenseText);
}

const FAMILY_OR_OPEN = new Set(['other', 'unknown', 'bsd', 'gpl', 'lgpl', 'gfdl', 'openrail', 'cc']);

/** Hub words for Hugging Face's `other` and `unknown` in Chinese, as ModelScope's license field has them. */
const CHINESE_HUB_WORDS: Readonly<Record<string, string>> = { 其他: 'other', 其它: 'other', 未知: 'unknown' };

/** Hugging Face ids are lower case; other hubs and hand-edited cards are not always. */
function hubId(value: string): string {
  const id = value.trim().toLowerCase();
  return CHINESE_HUB_WORDS[id] ?? id;
}

/** Whether name, link or text can change the resolution of this hub string. */
function usesContext(value: string): boolean {
  const id = hubId(value);
  return id === '' || FAMILY_OR_OPEN.has(id);
}

function fromHubString(value: string, source: string, context: Context): Outcome {
  const id = hubId(value);
  const hf = hfLicense(id);
  if (hf?.family) {
    const byText = fromLicenseText(context.licenseText);
    if (byText && FAMILY_MEMBERS[hf.family](byText.def)) {
      return { ...byText, parts: [{ def: byText.def, rule: 'license.hf-id', source, value }] };
    }
    return { def: hf.definition, rule: 'license.family-unpinned', source, value };
  }
  if (id === 'other') {
    const resolved = fromContext(context);
    if (resolved) return resolved;
    const name = nonEmptyString(context.licenseName);
    return name === null
      ? { def: hf?.definition ?? unresolvedDefinition(value), rule: 'license.unresolved', source, value }
      : unresolved(name, LICENSE_NAME_SOURCE);
  }
  if (id === 'unknown') {
    return (
      fromLicenseText(context.licenseText) ?? {
        def: hf?.definition ?? unresolvedDefinition(value),
        rule: 'license.hf-id',
        source,
        value,
      }
    );
  }
  // Not exactly a Hugging Face id ("MIT", " mit "): free text, where SPDX ids come before aliases.
  if (hf && value === id) return { def: hf.definition, rule: 'license.hf-id', source, value };
  if (id === '') return fromContext(context) ?? { def: NONE_DEFINITION, rule: 'license.none', source, value };
  return freeText(value, source);
}

/** A wrong-typed value as text, for the evidence; never throws (cycles, BigInt inside objects). */
function printable(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'function':
      return '[function]';
    case 'object':
      try {
        return JSON.stringify(value) ?? 'null';
      } catch {
        return Object.prototype.toString.call(value);
      }
  }
}

function invalidType(value: unknown, source: string): LicenseResolution {
  const shown = printable(value);
  const def: LicenseDefinition = {
    id: 'LicenseRef-invalid-type',
    name: 'Invalid license value',
    url: null,
    category: 'UNKNOWN',
    commercialUse: 'UNKNOWN',
    osiApproved: false,
  };
  return finish(
    { def, rule: 'license.invalid-type', source, value: `${typeof value}: ${shown}` },
    truncate(shown, MAX_HUB_VALUE),
  );
}

// ---------------------------------------------------------------------------------------------
// Results and memoization

function evidenceOf(outcome: Outcome): Evidence[] {
  const items = [evidence('license', outcome.def.category, outcome.source, outcome.value, outcome.rule)];
  for (const part of outcome.parts ?? []) items.push(...evidenceOf(part));
  return items;
}

/** Frozen all the way down: results are cached and shared between records. */
function finish(outcome: Outcome, hubValue: string | null): LicenseResolution {
  const license = Object.freeze({ ...outcome.def, hubValue });
  return Object.freeze({ license, evidence: Object.freeze(evidenceOf(outcome).map((item) => Object.freeze(item))) });
}

/** Repeated inputs must cost a Map lookup (the classifier's 50,000 records/s); cleared when full. */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, LicenseResolution>();

function memoized(key: string, compute: () => LicenseResolution): LicenseResolution {
  const cached = cache.get(key);
  if (cached) return cached;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const result = compute();
  cache.set(key, result);
  return result;
}

/**
 * The part of `license_name` / `license_link` that can change the result. A link that resolves to no
 * license (typically the repository's own LICENSE file, a different URL for every model) is left out,
 * so those records share one cache entry instead of missing every time.
 */
function contextKey(context: Context): string {
  const name = typeof context.licenseName === 'string' ? context.licenseName : '';
  const link = typeof context.licenseLink === 'string' && licenseByUrl(context.licenseLink) ? context.licenseLink : '';
  return `${name}\u0000${link}`;
}

function hasText(context: Context): boolean {
  return typeof context.licenseText === 'string' && context.licenseText.trim() !== '';
}

function hubValueOf(value: string): string {
  return truncate(value, MAX_HUB_VALUE);
}

function resolveUncached(input: LicenseInput): LicenseResolution {
  const { hubLicense, source } = input;
  if (hubLicense === null || hubLicense === undefined) {
    const resolved = fromContext(input);
    return finish(resolved ?? { def: NONE_DEFINITION, rule: 'license.none', source, value: null }, null);
  }
  if (typeof hubLicense === 'string') return finish(fromHubString(hubLicense, source, input), hubValueOf(hubLicense));
  if (Array.isArray(hubLicense) && hubLicense.every((v): v is string => typeof v === 'string')) {
    const joined = hubLicense.join(', ');
    if (hubLicense.length === 0)
      return finish({ def: NONE_DEFINITION, rule: 'license.none', source, value: '' }, joined);
    const parts = hubLicense.map((v, i) => fromHubString(v, `${source}[${i}]`, input));
    return finish(combineOutcomes(parts, 'OR', 'license.list', source, joined), hubValueOf(joined));
  }
  return invalidType(hubLicense, source);
}

export function resolveLicense(input: LicenseInput): LicenseResolution {
  const { hubLicense } = input;
  let hubKey: string;
  let needsContext: boolean;
  if (typeof hubLicense === 'string') {
    hubKey = `s${hubLicense}`;
    needsContext = usesContext(hubLicense);
  } else if (hubLicense === null || hubLicense === undefined) {
    hubKey = 'n';
    needsContext = true;
  } else if (Array.isArray(hubLicense) && hubLicense.every((v): v is string => typeof v === 'string')) {
    hubKey = `a${hubLicense.join('\u0000')}`;
    needsContext = hubLicense.some(usesContext);
  } else {
    return resolveUncached(input);
  }
  // LICENSE texts are long: their recognition has its own cache, keyed on the part that is read.
  if (needsContext && hasText(input)) return resolveUncached(input);
  if (hubKey.length > MAX_FREE_TEXT) return resolveUncached(input);
  const key = `h${input.source}\u0000${hubKey}${needsContext ? `\u0000${contextKey(input)}` : ''}`;
  return memoized(key, () => resolveUncached(input));
}

export function resolveLicenseText(text: string, source: string): LicenseResolution {
  if (typeof text !== 'string') return invalidType(text, source);
  const compute = (): LicenseResolution =>
    finish(
      text.trim() === '' ? { def: NONE_DEFINITION, rule: 'license.none', source, value: text } : freeText(text, source),
      hubValueOf(text),
    );
  if (text.length > MAX_FREE_TEXT) return compute();
  return memoized(`t${source}\u0000${text}`, compute);
}
