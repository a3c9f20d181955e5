/**
 * The license registry and resolver of the openness classifier: Hugging Face license ids, SPDX ids
 * and expressions, `license: other` with its name, link or LICENSE text, and free text from any hub,
 * each resolved to one normalized license (SPDX id, `LicenseRef-<name>` or `NONE`) with evidence.
 */
import type { LicenseDefinition } from './license.definition.js';
import { allDefinitions } from './license.registry.js';

export type { LicenseInput, LicenseResolution } from './license.types.js';
export { resolveLicense, resolveLicenseText } from './license.resolver.js';

let known: readonly LicenseDefinition[] | null = null;

/** Every license the registry knows (for seeding the licenses table and for the API's `licenses` listing), by id. */
export function knownLicenses(): readonly LicenseDefinition[] {
  known ??= Object.freeze(
    [...allDefinitions()]
      .map((def) => Object.freeze({ ...def }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
  return known;
}
