/**
 * Test factories (`build*(overrides)`) for the openness tests: a realistic Hugging Face model
 * record as `GET /api/models/{repo}` returns it, and resolved licenses. Not used by production code.
 */
import type { LicenseAssessment } from './assess.js';
import { evidence } from './evidence.js';
import type { CommercialUse, LicenseCategory, ResolvedLicense } from './types.js';

export type HfRecordOverrides = Record<string, unknown>;

/** An ungated transformers model with a card, a config and one safetensors file, under Apache-2.0. */
export function buildHfRecord(overrides: HfRecordOverrides = {}): Record<string, unknown> {
  return {
    _id: '65f0c0ffee0000000000cafe',
    id: 'acme/tiny-model',
    modelId: 'acme/tiny-model',
    author: 'acme',
    private: false,
    pipeline_tag: 'text-generation',
    library_name: 'transformers',
    tags: ['transformers', 'safetensors', 'llama', 'text-generation', 'en', 'license:apache-2.0', 'region:us'],
    downloads: 1234,
    likes: 5,
    sha: '0123456789abcdef0123456789abcdef01234567',
    lastModified: '2025-01-02T03:04:05.000Z',
    gated: false,
    disabled: false,
    config: { architectures: ['LlamaForCausalLM'], model_type: 'llama' },
    cardData: { license: 'apache-2.0', language: ['en'] },
    siblings: [
      { rfilename: '.gitattributes' },
      { rfilename: 'README.md' },
      { rfilename: 'config.json' },
      { rfilename: 'model.safetensors' },
      { rfilename: 'tokenizer.json' },
    ],
    safetensors: { parameters: { BF16: 1_234_567 }, total: 1_234_567 },
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The record with the given top-level keys removed. */
export function withoutFields(record: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
  const copy = { ...record };
  for (const field of fields) delete copy[field];
  return copy;
}

export function siblings(...files: string[]): { rfilename: string }[] {
  return files.map((rfilename) => ({ rfilename }));
}

const COMMERCIAL_USE_BY_CATEGORY: Readonly<Record<LicenseCategory, CommercialUse>> = {
  PERMISSIVE: 'ALLOWED',
  COPYLEFT: 'ALLOWED',
  PUBLIC_DOMAIN: 'ALLOWED',
  NO_DERIVATIVES: 'ALLOWED',
  OPEN_RAIL: 'CONDITIONAL',
  COMMUNITY: 'CONDITIONAL',
  NON_COMMERCIAL: 'PROHIBITED',
  PROPRIETARY: 'PROHIBITED',
  UNSPECIFIED: 'UNKNOWN',
  UNKNOWN: 'UNKNOWN',
};

export function buildLicense(overrides: Partial<ResolvedLicense> = {}): ResolvedLicense {
  const category = overrides.category ?? 'PERMISSIVE';
  return {
    id: 'Apache-2.0',
    name: 'Apache License 2.0',
    url: 'https://www.apache.org/licenses/LICENSE-2.0',
    category,
    commercialUse: COMMERCIAL_USE_BY_CATEGORY[category],
    osiApproved: category === 'PERMISSIVE' || category === 'COPYLEFT',
    hubValue: 'apache-2.0',
    ...overrides,
  };
}

/** A license assessment as the resolver returns it, with one evidence item. */
export function buildLicenseAssessment(overrides: Partial<ResolvedLicense> = {}): LicenseAssessment {
  const license = buildLicense(overrides);
  return {
    license,
    evidence: [evidence('license', license.category, 'cardData.license', license.hubValue, 'license.test')],
  };
}
