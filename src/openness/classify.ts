/**
 * The classifier's entry point for Hugging Face: record (as the API returns it, any shape) →
 * openness result. Pure and total: it never throws, whatever the input.
 */
import { assessHfFacts, UNOBSERVED_LICENSE } from './assess.js';
import { evidence } from './evidence.js';
import { extractHfFacts, isRecord, type HfExtra, type HfFacts } from './huggingface-input.js';
import { resolveLicense } from './licenses/index.js';
import type { LicenseAssessment, OpennessResult } from './types.js';

export { parseHfRecordId } from './huggingface-input.js';
export type { HfExtra } from './huggingface-input.js';

/** Cache keys longer than this are not cached (and such values are rare). */
const MAX_CACHE_KEY_LENGTH = 512;
/** Distinct license declarations are few (hundreds in the whole hub); the cap only bounds junk. */
const MAX_CACHE_ENTRIES = 10_000;
const licenseCache = new Map<string, LicenseAssessment>();

function cacheKeyPart(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\u0001');
  return null;
}

/**
 * The license of a record, memoized on the declaration (id, name, link): resolving is the
 * costliest rule and the same few hundred declarations repeat across millions of records. A
 * LICENSE text is never cached.
 */
function resolveHfLicense(facts: HfFacts, licenseText: string | null | undefined): LicenseAssessment {
  const hasText = typeof licenseText === 'string' && licenseText.length > 0;
  if (!facts.licenseObserved && !hasText) return UNOBSERVED_LICENSE;
  const input = {
    hubLicense: facts.license,
    source: facts.licenseSource,
    licenseName: facts.licenseName,
    licenseLink: facts.licenseLink,
    licenseText: hasText ? licenseText : null,
  };
  if (hasText) return resolveLicense(input);
  const license = cacheKeyPart(facts.license);
  const name = cacheKeyPart(facts.licenseName);
  const link = cacheKeyPart(facts.licenseLink);
  if (license === null || name === null || link === null) return resolveLicense(input);
  const key = `${facts.licenseSource}\u0000${license}\u0000${name}\u0000${link}`;
  if (key.length > MAX_CACHE_KEY_LENGTH) return resolveLicense(input);
  const cached = licenseCache.get(key);
  if (cached !== undefined) return cached;
  const resolved = freezeResolution(resolveLicense(input));
  if (licenseCache.size >= MAX_CACHE_ENTRIES) licenseCache.clear();
  licenseCache.set(key, resolved);
  return resolved;
}

/** Cached resolutions are shared by many results: freeze them so no consumer can alter another's. */
function freezeResolution(resolution: LicenseAssessment): LicenseAssessment {
  Object.freeze(resolution.license);
  for (const item of resolution.evidence) Object.freeze(item);
  Object.freeze(resolution.evidence);
  return Object.freeze(resolution);
}

function describeInput(record: unknown): string {
  if (record === null) return 'null';
  if (Array.isArray(record)) return `an array of ${record.length}`;
  return `a ${typeof record}`;
}

/**
 * Classify a Hugging Face model record. `extra` adds what the record does not carry: the README
 * text, the LICENSE file text, and the repository id when the record lacks one. A non-object
 * record gives a result with every dimension UNKNOWN and an `input` evidence item.
 */
export function classifyHuggingFace(record: unknown, extra?: HfExtra | null): OpennessResult {
  // Callers from plain JavaScript may pass anything here too.
  const details: HfExtra = isRecord(extra) ? extra : {};
  const inputEvidence = isRecord(record)
    ? []
    : [evidence('input', 'UNKNOWN', 'record', describeInput(record), 'input.not-an-object')];
  try {
    const facts = extractHfFacts(record, details);
    return assessHfFacts(facts, resolveHfLicense(facts, details.licenseText), inputEvidence);
  } catch (error) {
    // A bug in a rule must not stop a batch: report it as evidence on an all-UNKNOWN result.
    const message = error instanceof Error ? error.message : String(error);
    return assessHfFacts(extractHfFacts(undefined), UNOBSERVED_LICENSE, [
      ...inputEvidence,
      evidence('input', 'ERROR', 'classifier', message, 'input.classifier-error'),
    ]);
  }
}
