/**
 * The SPDX license list as the maintained packages give it: ids (current and deprecated) from
 * `spdx-license-ids`, names, URLs and OSI flags from `spdx-license-list`, and the category decided by
 * rules over that data (never a hand-typed table of SPDX licenses).
 */
import spdxLicenseList from 'spdx-license-list';
import currentIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import type { LicenseCategory } from '../types.js';
import { commercialUseOf, type LicenseDefinition } from './license.definition.js';

/**
 * Added by hand while the installed `spdx-license-list` lacks them (the issue allows OpenMDW). Used
 * only when the package does not list the id, so a package update takes over silently.
 */
const SUPPLEMENT: Readonly<Record<string, { name: string; url: string; osiApproved: boolean }>> = {
  'OpenMDW-1.0': { name: 'OpenMDW License Agreement v1.0', url: 'https://openmdw.ai/license/1-0/', osiApproved: false },
  'OpenMDW-1.1': { name: 'OpenMDW License Agreement v1.1', url: 'https://openmdw.ai/license/1-1/', osiApproved: false },
};

/**
 * Licenses the FSF lists as free but the OSI never approved. The SPDX packages carry no FSF flag, so
 * the few that matter here are named; every other non-OSI id is left to the rules below.
 */
const FSF_LIBRE_NOT_OSI = new Set([
  'WTFPL',
  'BSD-3-Clause-Clear',
  'X11',
  'Ruby',
  'OpenSSL',
  'IJG',
  'FTL',
  'Vim',
  'curl',
  'libpng-2.0',
]);

/**
 * Category decisions the rules cannot make, each with its reason. Keep this short: it is for
 * licenses that Hugging Face offers as ids.
 */
const CATEGORY_OVERRIDES: Readonly<Record<string, LicenseCategory>> = {
  // Microsoft's Computational Use of Data Agreement: a vendor data licence that allows computational
  // use (commercial model training included) but nothing else; neither OSI, FSF nor an open-data
  // licence (the Model Openness Tool does not count it open), so it is conditional, not PERMISSIVE.
  'C-UDA-1.0': 'COMMUNITY',
};

const CURRENT = new Set<string>(currentIds);
const DEPRECATED = new Set<string>(deprecatedIds);

function tidyName(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}

/** Open-data and open-content licences that the Model Openness Tool counts as open (docs/openness.md). */
const OPEN_DATA = /^(CDLA-Permissive-|ODC-By-|OGL-UK-|OpenMDW-|etalab-2\.0$)/;
/** Reciprocal licences: derivatives must carry the same terms. */
const COPYLEFT = /^((A|L)?GPL-\d|MPL-\d|EPL-\d|EUPL-\d|GFDL-\d|OSL-\d|CDLA-Sharing-|ODbL-|LGPLLR$)/;
/** Creative Commons BY licences, with their NC / SA / ND elements. */
const CREATIVE_COMMONS = /^CC-BY(?<elements>(-(NC|SA|ND))*)-\d/;

/**
 * The category of an SPDX license, by rules over SPDX data, in this order:
 * 1. public-domain dedications and marks (CC0, the Unlicense, PDDL and SPDX's "public domain" notices);
 * 2. Creative Commons BY licences by their elements: NC → NON_COMMERCIAL (before ND, so BY-NC-ND is
 *    non-commercial), ND → NO_DERIVATIVES, SA → COPYLEFT, plain BY → PERMISSIVE (open content);
 * 3. the copyleft families (GPL, LGPL, AGPL, MPL, EPL, EUPL, GFDL, OSL, CDLA-Sharing, ODbL);
 * 4. open-data licences (CDLA-Permissive, ODC-By, OGL-UK, Etalab, OpenMDW) → PERMISSIVE;
 * 5. any other OSI-approved or FSF-libre licence → PERMISSIVE;
 * 6. anything else is UNKNOWN: the packages give no basis to call it open or closed, and we do not guess.
 */
export function spdxCategory(id: string, name: string, osiApproved: boolean): LicenseCategory {
  const override = CATEGORY_OVERRIDES[id];
  if (override) return override;
  if (id === 'CC0-1.0' || id === 'Unlicense' || /public domain (dedication|mark|notice)/i.test(name)) {
    return 'PUBLIC_DOMAIN';
  }
  const cc = CREATIVE_COMMONS.exec(id);
  if (cc) {
    const elements = cc.groups?.['elements'] ?? '';
    if (elements.includes('-NC')) return 'NON_COMMERCIAL';
    if (elements.includes('-ND')) return 'NO_DERIVATIVES';
    if (elements.includes('-SA')) return 'COPYLEFT';
    return 'PERMISSIVE';
  }
  if (COPYLEFT.test(id)) return 'COPYLEFT';
  if (OPEN_DATA.test(id)) return 'PERMISSIVE';
  if (osiApproved || FSF_LIBRE_NOT_OSI.has(id)) return 'PERMISSIVE';
  return 'UNKNOWN';
}

function define(id: string): LicenseDefinition {
  const listed = spdxLicenseList[id] ?? SUPPLEMENT[id];
  const name = listed ? tidyName(listed.name) : id;
  const osiApproved = listed?.osiApproved ?? false;
  const category = spdxCategory(id, name, osiApproved);
  return {
    id,
    name,
    url: listed?.url ?? `https://spdx.org/licenses/${id}.html`,
    category,
    commercialUse: commercialUseOf(category),
    osiApproved,
  };
}

/**
 * The current id a deprecated one stands for. `GPL-3.0` meant "this version only" (SPDX 3.0
 * deprecated it for `GPL-3.0-only`), so the `-only` form wins; `GPL-2.0+` is `-or-later`.
 */
function currentFormOf(deprecated: string): string | null {
  if (deprecated.endsWith('+')) {
    const orLater = `${deprecated.slice(0, -1)}-or-later`;
    return CURRENT.has(orLater) ? orLater : null;
  }
  const only = `${deprecated}-only`;
  if (CURRENT.has(only)) return only;
  return null;
}

function buildCatalog(): ReadonlyMap<string, LicenseDefinition> {
  const catalog = new Map<string, LicenseDefinition>();
  for (const id of CURRENT) catalog.set(id, define(id));
  for (const id of Object.keys(SUPPLEMENT)) if (!catalog.has(id)) catalog.set(id, define(id));
  return catalog;
}

const CATALOG = buildCatalog();

/** Lower-case id → definition; deprecated ids point at their current form where one exists. */
const BY_LOWER_CASE_ID: ReadonlyMap<string, LicenseDefinition> = (() => {
  const index = new Map<string, LicenseDefinition>();
  for (const def of CATALOG.values()) index.set(def.id.toLowerCase(), def);
  const deprecatedListed = Object.keys(spdxLicenseList).filter((id) => !CURRENT.has(id));
  for (const id of new Set([...DEPRECATED, ...deprecatedListed])) {
    const current = currentFormOf(id);
    const def = current === null ? undefined : CATALOG.get(current);
    if (def && !index.has(id.toLowerCase())) index.set(id.toLowerCase(), def);
  }
  return index;
})();

/** The current SPDX license for an id in any case, current or deprecated; undefined when not SPDX. */
export function spdxLicense(id: string): LicenseDefinition | undefined {
  return BY_LOWER_CASE_ID.get(id.toLowerCase());
}

/** Whether `id` is exactly a current SPDX id (or a hand-added supplement). */
export function isCurrentSpdxId(id: string): boolean {
  return CATALOG.has(id);
}

/** Every current SPDX license, plus the supplements. */
export function allSpdxLicenses(): Iterable<LicenseDefinition> {
  return CATALOG.values();
}

/**
 * The leading word of every SPDX id ("apache", "gpl", "cc", "bsd", …). spdx-correct is slow on text
 * that names no SPDX license at all (a fraction of a millisecond), so it is only asked when one of
 * these words appears.
 */
export const SPDX_STEMS: ReadonlySet<string> = new Set(
  [...CURRENT, ...DEPRECATED]
    .map((id) => /^[a-z]+/i.exec(id)?.[0].toLowerCase() ?? '')
    .filter((stem) => stem.length >= 2),
);

/** Every id the SPDX packages know, deprecated ones included, with the definition it resolves to. */
export function spdxIdIndex(): ReadonlyMap<string, LicenseDefinition> {
  return BY_LOWER_CASE_ID;
}
