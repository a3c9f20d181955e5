/**
 * Version of the classification rules (src/openness). Stored with every assessment; a change here
 * makes the reclassification job re-run the catalog and emit changes only where a result changed.
 * Bump it (semver: patch for a corrected rule, minor for a new rule, major for a schema change)
 * whenever any rule in this folder, or the license resolver, changes its output for some input.
 */
// 1.2.0: licenses known only by a non-ASCII name get an id of their own (licenseRef), instead of
// sharing `LicenseRef-unresolved`.
// 1.3.0: Chinese license names resolve (通义千问许可协议, 百川模型社区许可协议, …; 其他 and 未知 are the hub
// words other and unknown), and Chinese non-commercial and proprietary words decide a category;
// ModelScope counts a library's own weight containers (.pkl, .zip …) as weights, as Hugging Face does;
// Civitai: a version's `paidAccess` / `earlyAccessDeadline` gates its weights (GATED_MANUAL);
// `allowCommercialUse` as a plain list (`Image,Rent,Sell`) is read, a blank string or a non-string
// element is UNKNOWN instead of "no commercial use".
export const RULES_VERSION = '1.3.0';
