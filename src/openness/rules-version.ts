/**
 * Version of the classification rules (src/openness). Stored with every assessment; a change here
 * makes the reclassification job re-run the catalog and emit changes only where a result changed.
 * Bump it (semver: patch for a corrected rule, minor for a new rule, major for a schema change)
 * whenever any rule in this folder, or the license resolver, changes its output for some input.
 */
// 1.2.0: licenses known only by a non-ASCII name get an id of their own (licenseRef), instead of
// sharing `LicenseRef-unresolved`.
export const RULES_VERSION = '1.2.0';
