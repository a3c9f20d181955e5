/**
 * The registry: every license we know (SPDX from the packages, plus the LicenseRef tables) and the
 * indexes free text is looked up in. Built once at module load (a few milliseconds).
 */
import { commercialUseOf, type LicenseDefinition } from './license.definition.js';
import {
  HF_LICENSES,
  NO_LICENSE,
  NO_LICENSE_PHRASES,
  OTHER_LICENSES,
  SPDX_ALIASES,
  type LicenseFamily,
  type LicenseRefRow,
} from './license.tables.js';
import { allSpdxLicenses, spdxIdIndex, spdxLicense } from './spdx.catalog.js';

export interface HfLicense {
  readonly definition: LicenseDefinition;
  readonly family: LicenseFamily | null;
}

/** Words that do not tell licenses apart: "MIT License" is "MIT", "Gemma Terms of Use" is "Gemma". */
const STOP_WORDS = new Set([
  'the',
  'license',
  'licenses',
  'licence',
  'licences',
  'agreement',
  'version',
  'ver',
  'terms',
  'of',
  'use',
  'conditions',
  'bespoke',
  'international',
  'unported',
  'generic',
]);

/**
 * Chinese words that do not tell licenses apart, as STOP_WORDS does for English: "通义千问许可协议"
 * (Tongyi Qianwen license agreement) is "通义千问". Chinese has no spaces, so they are cut out of the
 * text rather than dropped as words.
 */
const HAN_STOP_WORDS = /许可协议|许可证|授权协议|使用协议|协议|许可|授权/g;

/**
 * The comparable core of a license name: lower case, parenthesized remarks dropped, stop words
 * dropped, `v` before a version number dropped, then only letters, digits, `+` and dots between
 * digits, without spaces. "Apache License, Version 2.0", "apache-2.0" and "Apache 2.0" share `apache2.0`.
 * Chinese (Han) characters are kept, so that the names ModelScope and Chinese model cards use can be
 * aliases ("通义千问许可协议" → `通义千问`); `ascii` drops them, which is how a name that mixes an English
 * license with Chinese remarks ("Apache License 2.0 中文版") still finds the English one.
 */
export function licenseCore(text: string, script: 'han' | 'ascii' = 'han'): string {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(HAN_STOP_WORDS, ' ')
    .replace(/(\d)_(\d)/g, '$1.$2')
    .split(script === 'han' ? /[^a-z0-9.+\p{Script=Han}]+/u : /[^a-z0-9.+]+/);
  let core = '';
  for (const word of words) {
    if (word === '' || STOP_WORDS.has(word)) continue;
    core += word;
  }
  return core.replace(/v(?=\d)/g, '').replace(/\.(?!\d)|(?<!\d)\./g, '');
}

function refDefinition(row: LicenseRefRow): LicenseDefinition {
  return {
    id: `LicenseRef-${row.ref}`,
    name: row.name,
    url: row.url,
    category: row.category,
    commercialUse: row.commercialUse ?? commercialUseOf(row.category),
    osiApproved: false,
  };
}

const DEFINITIONS = new Map<string, LicenseDefinition>();
const FAMILIES = new Map<string, LicenseFamily>();
const HF_BY_ID = new Map<string, HfLicense>();
/** Lower-case LicenseRef id → definition, for our own ids fed back in. */
const REF_BY_LOWER_CASE_ID = new Map<string, LicenseDefinition>();

for (const def of allSpdxLicenses()) DEFINITIONS.set(def.id, def);

function addRef(row: LicenseRefRow): LicenseDefinition {
  const def = refDefinition(row);
  DEFINITIONS.set(def.id, def);
  REF_BY_LOWER_CASE_ID.set(def.id.toLowerCase(), def);
  if (row.family) FAMILIES.set(def.id, row.family);
  return def;
}

for (const row of HF_LICENSES) {
  if ('spdx' in row) {
    const def = DEFINITIONS.get(row.spdx);
    if (!def) throw new Error(`HF license ${row.hfId}: ${row.spdx} is not a current SPDX id`);
    HF_BY_ID.set(row.hfId, { definition: def, family: null });
  } else {
    HF_BY_ID.set(row.hfId, { definition: addRef(row.license), family: row.license.family ?? null });
  }
}
for (const row of OTHER_LICENSES) addRef(row);

export const NONE_DEFINITION: LicenseDefinition = NO_LICENSE;
DEFINITIONS.set(NONE_DEFINITION.id, NONE_DEFINITION);

/** Marks a core that two different licenses claim: it resolves to neither. */
const AMBIGUOUS = '';

/**
 * Core → license id. Earlier layers win over later ones; two licenses claiming the same core in the
 * same layer cancel out rather than one winning by accident of order.
 */
const CORE_INDEX = new Map<string, string>();

function addLayer(entries: Iterable<readonly [string, string]>): void {
  const layer = new Map<string, string>();
  for (const [text, id] of entries) {
    const core = licenseCore(text);
    if (core === '' || CORE_INDEX.has(core)) continue;
    const seen = layer.get(core);
    layer.set(core, seen === undefined || seen === id ? id : AMBIGUOUS);
  }
  for (const [core, id] of layer) CORE_INDEX.set(core, id);
}

function* spdxIdEntries(): Generator<readonly [string, string]> {
  for (const [lowerCaseId, def] of spdxIdIndex()) yield [lowerCaseId, def.id];
}

function* hfEntries(): Generator<readonly [string, string]> {
  for (const [hfId, hf] of HF_BY_ID) yield [hfId, hf.definition.id];
}

function* nameEntries(): Generator<readonly [string, string]> {
  for (const def of DEFINITIONS.values()) {
    if (def === NONE_DEFINITION) continue;
    // In a registered name a parenthesis is part of the name ("MPL 2.0 (no copyleft exception)").
    const name = def.name.replace(/[()]/g, ' ');
    yield [name, def.id];
    // SPDX says "GNU General Public License v3.0 only"; people write "... v3.0".
    if (name.endsWith(' only')) yield [name.slice(0, -' only'.length), def.id];
  }
}

function* aliasEntries(): Generator<readonly [string, string]> {
  for (const row of HF_LICENSES) {
    if ('license' in row) for (const alias of row.license.aliases ?? []) yield [alias, `LicenseRef-${row.license.ref}`];
  }
  for (const row of OTHER_LICENSES) {
    yield [row.ref, `LicenseRef-${row.ref}`];
    for (const alias of row.aliases ?? []) yield [alias, `LicenseRef-${row.ref}`];
  }
  for (const [id, aliases] of Object.entries(SPDX_ALIASES)) for (const alias of aliases) yield [alias, id];
  for (const phrase of NO_LICENSE_PHRASES) yield [phrase, NONE_DEFINITION.id];
  yield* llamaEntries();
}

/** "Llama 3.1", "Meta Llama 3.1 Community License Agreement", "llama-3.1-community-license", … */
function* llamaEntries(): Generator<readonly [string, string]> {
  for (const version of ['2', '3', '3.1', '3.2', '3.3', '4']) {
    const id = `LicenseRef-llama${version}`;
    for (const prefix of ['', 'meta ']) {
      for (const suffix of ['', ' community']) yield [`${prefix}llama ${version}${suffix}`, id];
    }
  }
}

/** "Apache 2", "CC BY 4", "GPLv3": a version's trailing `.0` left out, where that is unambiguous. */
function* shortVersionEntries(): Generator<readonly [string, string]> {
  for (const [core, id] of [...CORE_INDEX]) {
    if (id !== AMBIGUOUS && /\d\.0\+?$/.test(core) && !/\d\.0\.0/.test(core))
      yield [core.replace(/\.0(\+?)$/, '$1'), id];
  }
}

addLayer(spdxIdEntries());
addLayer(hfEntries());
addLayer(nameEntries());
addLayer(aliasEntries());
addLayer(shortVersionEntries());

export function definitionById(id: string): LicenseDefinition | undefined {
  return DEFINITIONS.get(id);
}

/** A Hugging Face license id, exactly as Hugging Face spells it (lower case). */
export function hfLicense(hfId: string): HfLicense | undefined {
  return HF_BY_ID.get(hfId);
}

export function familyOf(id: string): LicenseFamily | null {
  return FAMILIES.get(id) ?? null;
}

/** A LicenseRef id of ours, in any case. */
export function refLicense(id: string): LicenseDefinition | undefined {
  return REF_BY_LOWER_CASE_ID.get(id.toLowerCase());
}

/** Cores that two licenses claim (for tests and debugging). */
export function ambiguousCores(): string[] {
  return [...CORE_INDEX].filter(([, id]) => id === AMBIGUOUS).map(([core]) => core);
}

/** A license by the core of its id, name or a known alias. */
export function licenseByCore(core: string): LicenseDefinition | undefined {
  const id = CORE_INDEX.get(core);
  return id ? DEFINITIONS.get(id) : undefined;
}

export { spdxLicense };

const CC_CORE =
  /^(?:(?:creativecommons|cc)(?:attribution|by)|attribution)(?<elements>(?:noncommercial|nc|sharealike|sa|noderivatives|noderivs|nd)*)(?<version>\d\.\d)?$/;
const CC_ELEMENT = /noncommercial|nc|sharealike|sa|noderivatives|noderivs|nd/g;

/**
 * Creative Commons licenses written out: "CC BY-NC 4.0", "Attribution-NonCommercial-ShareAlike 4.0
 * International", "CC-BY-ND". Without a version the category is still certain: a versionless LicenseRef.
 */
export function creativeCommonsByCore(core: string): LicenseDefinition | undefined {
  const match = CC_CORE.exec(core);
  if (!match) return undefined;
  let nc = false;
  let sa = false;
  let nd = false;
  for (const [element] of (match.groups?.['elements'] ?? '').matchAll(CC_ELEMENT)) {
    if (element === 'nc' || element === 'noncommercial') nc = true;
    else if (element === 'sa' || element === 'sharealike') sa = true;
    else nd = true;
  }
  if (sa && nd) return undefined;
  const name = `BY${nc ? '-NC' : ''}${sa ? '-SA' : ''}${nd ? '-ND' : ''}`;
  const version = match.groups?.['version'];
  if (version === undefined) return DEFINITIONS.get(`LicenseRef-cc-${name.toLowerCase()}`);
  return spdxLicense(`CC-${name}-${version}`);
}

/** Every license the registry knows, by id. */
export function allDefinitions(): Iterable<LicenseDefinition> {
  return DEFINITIONS.values();
}

// ---------------------------------------------------------------------------------------------
// License links

/** A URL reduced to what identifies the page: no scheme, `www.`, query, fragment or trailing slash. */
export function normalizeUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[?#].*$/, '')
    .replace(/\/(resolve|raw)\//, '/blob/')
    .replace(/\/+$/, '');
}

const URL_INDEX = new Map<string, string>();
for (const def of DEFINITIONS.values()) {
  // First come wins: SPDX licenses were registered before the LicenseRef tables.
  if (def.url && !URL_INDEX.has(normalizeUrl(def.url))) URL_INDEX.set(normalizeUrl(def.url), def.id);
}
for (const row of [...HF_LICENSES.flatMap((r) => ('license' in r ? [r.license] : [])), ...OTHER_LICENSES]) {
  for (const url of row.urls ?? []) URL_INDEX.set(normalizeUrl(url), `LicenseRef-${row.ref}`);
}

const CC_URL = /^creativecommons\.org\/licenses\/(by(?:-nc)?(?:-sa|-nd)?)\/(\d\.\d)(?:\/|$)/;
const SPDX_ID_URL =
  /^(?:opensource\.org\/licenses?|spdx\.org\/licenses|choosealicense\.com\/licenses)\/([a-z0-9.+-]+?)(?:\.html|\.php|\.json|\.txt)?$/;
const GNU_URL = /^gnu\.org\/licenses\/(?:old-licenses\/)?(gpl|lgpl|agpl|fdl)-(\d\.\d)/;
const LLAMA_URL = /llama[-_]?(\d)(?:[._](\d))?\/(?:blob\/[^/]+\/)?(?:license|use_policy)/;

/** A `license_link` that points at a known license's page. */
export function licenseByUrl(url: string): LicenseDefinition | undefined {
  const normalized = normalizeUrl(url);
  const exact = URL_INDEX.get(normalized) ?? URL_INDEX.get(normalized.replace(/\.(html?|txt|md)$/, ''));
  if (exact) return DEFINITIONS.get(exact);
  // A file in a hub repository is known only by its exact URL (checked above); its text decides otherwise.
  if (normalized.startsWith('huggingface.co/')) return undefined;
  const cc = CC_URL.exec(normalized);
  if (cc?.[1] && cc[2]) return spdxLicense(`CC-${cc[1].toUpperCase()}-${cc[2]}`);
  if (normalized.startsWith('creativecommons.org/publicdomain/zero/1.0')) return spdxLicense('CC0-1.0');
  const spdx = SPDX_ID_URL.exec(normalized);
  if (spdx?.[1]) return spdxLicense(spdx[1]);
  if (/^apache\.org\/licenses\/license-2\.0/.test(normalized)) return spdxLicense('Apache-2.0');
  const gnu = GNU_URL.exec(normalized);
  if (gnu?.[1] && gnu[2]) return spdxLicense(`${gnu[1] === 'fdl' ? 'GFDL' : gnu[1].toUpperCase()}-${gnu[2]}`);
  const llama = /llama/.test(normalized) ? LLAMA_URL.exec(normalized) : null;
  if (llama?.[1]) return DEFINITIONS.get(`LicenseRef-llama${llama[1]}${llama[2] ? `.${llama[2]}` : ''}`);
  if (/^falconllm\.tii\.ae\//.test(normalized)) return DEFINITIONS.get('LicenseRef-falcon-llm-license');
  if (/deepseek/.test(normalized) && /license-model$/.test(normalized)) return DEFINITIONS.get('LicenseRef-deepseek');
  if (/(tongyi|qianwen)/.test(normalized)) {
    return DEFINITIONS.get(/research/.test(normalized) ? 'LicenseRef-qwen-research' : 'LicenseRef-tongyi-qianwen');
  }
  if (/nvidia-open-model-license/.test(normalized)) return DEFINITIONS.get('LicenseRef-nvidia-open-model-license');
  return undefined;
}
