/** Factories for catalog models as ingest receives them (already normalized and classified). */
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import type { OpennessResult, ResolvedLicense } from '../../src/openness/types.js';

export function buildLicense(overrides: Partial<ResolvedLicense> = {}): ResolvedLicense {
  return {
    id: 'MIT',
    name: 'MIT License',
    url: 'https://opensource.org/license/mit/',
    category: 'PERMISSIVE',
    commercialUse: 'ALLOWED',
    osiApproved: true,
    hubValue: 'mit',
    ...overrides,
  };
}

/** Creative Commons Attribution Non Commercial 4.0, as the license resolver normalizes `cc-by-nc-4.0`. */
export const NON_COMMERCIAL_LICENSE = buildLicense({
  id: 'CC-BY-NC-4.0',
  name: 'Creative Commons Attribution Non Commercial 4.0',
  category: 'NON_COMMERCIAL',
  commercialUse: 'PROHIBITED',
  osiApproved: false,
  hubValue: 'cc-by-nc-4.0',
});

export function buildOpenness(overrides: Partial<OpennessResult> = {}): OpennessResult {
  const license = overrides.license ?? buildLicense();
  return {
    license,
    weights: { availability: 'OPEN', formats: ['safetensors'], parameterCount: 124_000_000 },
    code: { inference: 'OPEN', training: 'UNKNOWN' },
    data: { training: 'UNKNOWN' },
    documentation: { modelCard: 'OPEN', paper: 'UNKNOWN', evaluation: 'UNKNOWN' },
    level: 'OPEN_WEIGHTS',
    mofClass: 'NONE',
    missingComponents: ['Training code'],
    score: 0.5,
    rulesVersion: 'test',
    evidence: [
      {
        dimension: 'license',
        status: license.category,
        source: 'cardData.license',
        value: license.hubValue,
        rule: 'license.hf-id',
      },
    ],
    ...overrides,
  };
}

export function buildCatalogModel(repoId: string, overrides: Partial<CatalogModel> = {}): CatalogModel {
  const openness = overrides.openness ?? buildOpenness(overrides.license ? { license: overrides.license } : {});
  const [author, name] = repoId.includes('/') ? repoId.split('/') : [null, repoId];
  return {
    id: `huggingface:${repoId}`,
    hubId: 'huggingface',
    repoId,
    author: author ?? null,
    name: name ?? repoId,
    task: 'text-generation',
    library: 'transformers',
    tags: ['license:mit', 'transformers'],
    baseModels: [],
    sha: 'a'.repeat(40),
    gating: 'NONE',
    license: openness.license,
    parameterCount: openness.weights.parameterCount,
    downloads: 10,
    downloadsAllTime: 100,
    likes: 1,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    lastModified: new Date('2024-06-01T00:00:00Z'),
    openness,
    formats: openness.weights.formats,
    quantizations: [],
    localApps: [],
    inferenceProviders: [],
    spaces: null,
    baseModelRelation: null,
    raw: { id: repoId },
    ...overrides,
  };
}
