import type { Evidence, ResolvedLicense } from '../types.js';

export interface LicenseInput {
  /**
   * The hub's license value: HF `cardData.license` (string or array of strings) or the `license:<id>`
   * tag value; anything (wrong types included) may arrive.
   */
  readonly hubLicense: unknown;
  /** Where hubLicense came from, for evidence, e.g. 'cardData.license' or 'tags[license:]'. */
  readonly source: string;
  /** HF `cardData.license_name` (for `license: other`). */
  readonly licenseName?: unknown;
  /** HF `cardData.license_link`: a URL, or 'LICENSE' / 'LICENSE.md' in the repo. */
  readonly licenseLink?: unknown;
  /** The LICENSE file's text when enrichment fetched it. */
  readonly licenseText?: string | null;
}

export interface LicenseResolution {
  readonly license: ResolvedLicense;
  /** One or more items; the first is the one that decided. */
  readonly evidence: readonly Evidence[];
}
