/**
 * Civitai model records for the fake hub, in the shape of the real `GET /api/v1/models` items
 * (docs/hubs.md, "Civitai"), with deterministic variety: every model type the crawler maps, NSFW
 * and SFW-flagged models whose `nsfwLevel` keeps them out of the default listing, permissions in
 * the API's array form and in the older string forms, missing `stats` and null counters, archived,
 * taken-down and early-access models. Plus the hand-written seed records of prisma/seed/civitai/.
 */
import { readSeedDir } from '../seed-records.js';

export type CivitaiFakeRecord = Record<string, unknown> & {
  id: number;
  name: string;
  nsfw: boolean;
  nsfwLevel: number;
  mode?: string | null;
  stats: Record<string, number | null> | null;
  modelVersions: CivitaiFakeVersion[];
};

export type CivitaiFakeVersion = Record<string, unknown> & {
  id: number;
  publishedAt: string;
  files: Record<string, unknown>[];
  images: Record<string, unknown>[];
};

const TYPES = ['Checkpoint', 'LORA', 'TextualInversion', 'LoCon', 'Controlnet', 'LORA', 'Workflows', 'VAE', 'DoRA'];
const BASE_MODELS = ['SD 1.5', 'SDXL 1.0', 'Pony', 'Flux.1 D', 'Illustrious', 'Wan Video 14B t2v'];
/** Every form `allowCommercialUse` has had: the array, the Postgres literal, the single legacy value. */
export const COMMERCIAL_USE_FORMS: readonly unknown[] = [
  ['Image', 'RentCivit', 'Rent', 'Sell'],
  ['Image'],
  [],
  ['Image', 'RentCivit'],
  '{Image,Rent,Sell}',
  ['None'],
  'Sell',
  ['Rent'],
  'Image',
];
const START = Date.parse('2025-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

function hex(seed: number, length: number): string {
  let out = '';
  let state = seed * 2_654_435_761;
  while (out.length < length) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, length).toUpperCase();
}

function file(modelId: number, versionId: number, index: number, type: string): Record<string, unknown> {
  if (type === 'Workflows') {
    return {
      id: versionId * 10 + 1,
      sizeKB: 12.5,
      name: `workflow_${modelId}.zip`,
      type: 'Archive',
      pickleScanResult: 'Success',
      virusScanResult: 'Success',
      metadata: { format: 'Other' },
      hashes: { SHA256: hex(versionId, 64) },
      downloadUrl: `https://civitai.com/api/download/models/${versionId}?type=Archive`,
      primary: true,
    };
  }
  const pickle = index % 4 === 3;
  return {
    id: versionId * 10 + 1,
    sizeKB: 143_000 + index,
    name: `model_${modelId}_${versionId}.${pickle ? 'ckpt' : 'safetensors'}`,
    type: 'Model',
    pickleScanResult: 'Success',
    pickleScanMessage: null,
    virusScanResult: 'Success',
    virusScanMessage: null,
    scannedAt: new Date(START + index * HOUR).toISOString(),
    metadata: { format: pickle ? 'PickleTensor' : 'SafeTensor', fp: 'fp16', size: 'pruned' },
    hashes: {
      AutoV1: hex(versionId + 1, 8),
      AutoV2: hex(versionId + 2, 10),
      SHA256: hex(versionId, 64),
      CRC32: hex(versionId + 3, 8),
      BLAKE3: hex(versionId + 4, 64),
    },
    downloadUrl: `https://civitai.com/api/download/models/${versionId}`,
    primary: true,
  };
}

/** Generated record number `index` (ids are sparse, as the hub's are). */
export function civitaiRecord(index: number): CivitaiFakeRecord {
  const id = 500_000 + index * 7;
  const type = TYPES[index % TYPES.length] ?? 'LORA';
  const baseModel = BASE_MODELS[index % BASE_MODELS.length] ?? 'SD 1.5';
  const nsfw = index % 5 === 0;
  // Flagged SFW but rated R: the default listing hides it all the same (its level has no PG bit).
  const nsfwLevel = nsfw ? 28 : index % 7 === 0 ? 4 : index % 3 === 0 ? 3 : 1;
  const mode = index % 17 === 16 ? 'Archived' : index % 19 === 18 ? 'TakenDown' : undefined;
  const earlyAccess = index % 23 === 22;
  const versionCount = 1 + (index % 3);
  const versions: CivitaiFakeVersion[] = [];
  for (let v = versionCount - 1; v >= 0; v--) {
    const versionId = id * 10 + v;
    versions.push({
      id: versionId,
      index: versionCount - 1 - v,
      name: `v${v + 1}.0`,
      baseModel,
      baseModelType: 'Standard',
      publishedAt: new Date(START + index * HOUR + v * 24 * HOUR).toISOString(),
      flags: 0,
      availability: earlyAccess && v === versionCount - 1 ? 'EarlyAccess' : 'Public',
      nsfwLevel,
      description: null,
      trainedWords: type === 'LORA' ? [`style${index}`] : [],
      stats: { downloadCount: 10 * index, thumbsUpCount: index, thumbsDownCount: 0 },
      supportsGeneration: index % 2 === 0,
      files: mode === 'Archived' ? [] : [file(id, versionId, index, type)],
      images:
        mode === 'TakenDown'
          ? []
          : [
              {
                id: 140_000_000 + index * 3 + v,
                url: `https://image.civitai.com/fake/${id}/${v}.jpeg`,
                nsfwLevel,
                width: 832,
                height: 1216,
                hash: hex(index + v, 36),
                type: 'image',
                hasMeta: true,
                onSite: false,
              },
            ],
      downloadUrl: mode === 'Archived' ? undefined : `https://civitai.com/api/download/models/${versionId}`,
    });
  }
  if (earlyAccess) {
    // Early access on every version: the purchase gate is the only way to the weights.
    for (const version of versions) version['availability'] = 'EarlyAccess';
  }
  const stats =
    index % 11 === 10
      ? null
      : index % 13 === 12
        ? {
            downloadCount: null,
            thumbsUpCount: null,
            thumbsDownCount: null,
            commentCount: null,
            tippedAmountCount: null,
          }
        : {
            downloadCount: 100 * index + 7,
            thumbsUpCount: index * 3,
            thumbsDownCount: index % 4,
            commentCount: index % 9,
            tippedAmountCount: 0,
          };
  return {
    id,
    name: `${type} ${baseModel} model ${index}`,
    description: index % 10 === 9 ? null : `<p>Model ${index}, a ${type} for ${baseModel}.</p>`,
    allowNoCredit: index % 2 === 0,
    allowCommercialUse: COMMERCIAL_USE_FORMS[index % COMMERCIAL_USE_FORMS.length],
    allowDerivatives: index % 8 !== 7,
    allowDifferentLicense: index % 3 !== 2,
    type,
    minor: false,
    sfwOnly: false,
    poi: false,
    nsfw,
    nsfwLevel,
    availability: earlyAccess ? 'EarlyAccess' : 'Public',
    userId: 3_000_000 + (index % 40),
    baseModels: [baseModel],
    cosmetic: null,
    supportsGeneration: index % 2 === 0,
    ...(mode === undefined ? {} : { mode }),
    stats,
    creator:
      index % 29 === 28
        ? null
        : { username: `creator_${index % 40}`, image: `https://image.civitai.com/fake/avatar/${index % 40}.jpeg` },
    tags: ['style', index % 2 === 0 ? 'anime' : 'photorealistic', `tag${index % 6}`],
    modelVersions: versions,
  };
}

export function civitaiRecords(count: number, from = 0): CivitaiFakeRecord[] {
  return Array.from({ length: count }, (_unused, i) => civitaiRecord(from + i));
}

/** The hand-written records of prisma/seed/civitai/ (one per file). */
export function civitaiSeedRecords(): CivitaiFakeRecord[] {
  return readSeedDir<CivitaiFakeRecord>('civitai');
}
