import type { CommercialUse, LicenseCategory, ResolvedLicense } from '../types.js';

/** A license as the registry knows it: a resolved license without the per-model hub value. */
export type LicenseDefinition = Omit<ResolvedLicense, 'hubValue'>;

/** Commercial use follows the category unless a license says otherwise (the issue's table). */
export function commercialUseOf(category: LicenseCategory): CommercialUse {
  switch (category) {
    case 'PERMISSIVE':
    case 'COPYLEFT':
    case 'PUBLIC_DOMAIN':
    case 'NO_DERIVATIVES':
      return 'ALLOWED';
    case 'OPEN_RAIL':
    case 'COMMUNITY':
      return 'CONDITIONAL';
    case 'NON_COMMERCIAL':
    case 'PROPRIETARY':
      return 'PROHIBITED';
    case 'UNSPECIFIED':
    case 'UNKNOWN':
      return 'UNKNOWN';
  }
}

/**
 * Categories from the most to the least permissive, for combining licenses: a choice between
 * licenses (OR, a list of licenses) takes the most permissive, a conjunction (AND) the most
 * restrictive. UNKNOWN comes last so that an unknown alternative never wins an OR and always wins an AND.
 */
const PERMISSIVENESS: readonly LicenseCategory[] = [
  'PUBLIC_DOMAIN',
  'PERMISSIVE',
  'COPYLEFT',
  'OPEN_RAIL',
  'COMMUNITY',
  'NO_DERIVATIVES',
  'NON_COMMERCIAL',
  'PROPRIETARY',
  'UNSPECIFIED',
  'UNKNOWN',
];

const COMMERCIAL_PERMISSIVENESS: readonly CommercialUse[] = ['ALLOWED', 'CONDITIONAL', 'PROHIBITED', 'UNKNOWN'];

export function categoryRank(category: LicenseCategory): number {
  return PERMISSIVENESS.indexOf(category);
}

export function commercialUseRank(use: CommercialUse): number {
  return COMMERCIAL_PERMISSIVENESS.indexOf(use);
}

/** Letters, digits, `.` and `-` only (SPDX idstring), lower case, at most 64 characters; '' when nothing is left. */
export function sanitizeRefName(value: string): string {
  return value
    .toLowerCase()
    .replace(/\+\+/g, '-pp')
    .replace(/\+/g, '-plus')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
}

/**
 * The id of a license known only by its name. A name whose letters are not all ASCII (a Chinese
 * license title, say) keeps a hash of the whole name beside whatever ASCII it has, so that two
 * different licenses never share one id (and one row of the licenses table): without it, every
 * unresolved Chinese name was `LicenseRef-unresolved`.
 */
export function licenseRef(name: string): string {
  const ascii = sanitizeRefName(name);
  // eslint-disable-next-line no-control-regex -- the test is exactly "outside ASCII"
  if (!/[^\u0000-\u007f]/.test(name)) return `LicenseRef-${ascii || 'unresolved'}`;
  return `LicenseRef-${ascii ? `${ascii}-` : ''}u${nameHash(name.normalize('NFC').trim().toLowerCase())}`;
}

/**
 * FNV-1a (32 bits) of a string's UTF-16 code units, as 8 hex digits: stable and pure. Written here
 * because src/openness does no I/O and imports no platform module (docs/architecture.md); any
 * stable hash would do, the id only has to tell names apart.
 */
function nameHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
