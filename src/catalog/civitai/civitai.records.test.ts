import { describe, expect, it } from 'vitest';
import { sharedFolder } from '../../../test/helpers/shared-data.js';
import { contentHash, snapshotOf, type CatalogModel } from '../catalog-model.js';
import { descriptionText, validateCivitaiRecord } from './civitai-record.js';
import { civitaiRecords } from './civitai.records.js';
import { orderedVersions, taskOf } from './normalize.js';

/**
 * A LoRA as `GET /api/v1/models?nsfw=true` lists it (the shape of the real listing, our own
 * values): two published versions, newest first, each with its files and images.
 */
function loraRecord(): Record<string, unknown> {
  return {
    id: 3_012_554,
    name: 'Ink Wash Landscapes',
    description:
      '<p>Ink wash painting style, trained on my own sketches.</p><p>Workflow: <a target="_blank" rel="ugc" href="https://github.com/inkwash/comfy-nodes">nodes</a> &amp; more.</p>',
    allowNoCredit: true,
    allowCommercialUse: ['Image', 'RentCivit'],
    allowDerivatives: true,
    allowDifferentLicense: false,
    type: 'LORA',
    minor: false,
    sfwOnly: false,
    poi: false,
    nsfw: false,
    nsfwLevel: 1,
    availability: 'Public',
    userId: 4_021_117,
    baseModels: ['SDXL 1.0', 'SD 1.5'],
    cosmetic: null,
    supportsGeneration: true,
    stats: { downloadCount: 1_532, thumbsUpCount: 211, thumbsDownCount: 2, commentCount: 9, tippedAmountCount: 40 },
    creator: { username: 'sumi_brush', image: 'https://image.civitai.com/avatars/sumi_brush.jpeg' },
    tags: ['style', 'ink', 'landscape'],
    modelVersions: [
      {
        id: 3_400_871,
        index: 0,
        name: 'v2.0 SDXL',
        baseModel: 'SDXL 1.0',
        baseModelType: 'Standard',
        publishedAt: '2026-07-02T10:15:00.000Z',
        availability: 'Public',
        nsfwLevel: 1,
        trainedWords: ['inkwash style'],
        stats: { downloadCount: 1_020, thumbsUpCount: 150, thumbsDownCount: 1 },
        supportsGeneration: true,
        files: [
          {
            id: 3_301_002,
            sizeKB: 223_105.5,
            name: 'inkwash_sdxl_v2.safetensors',
            type: 'Model',
            pickleScanResult: 'Success',
            virusScanResult: 'Success',
            scannedAt: '2026-07-02T10:01:00.000Z',
            metadata: { format: 'SafeTensor', fp: 'fp16', size: 'pruned' },
            hashes: {
              AutoV2: 'A1B2C3D4E5',
              SHA256: 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90',
              CRC32: '0BADF00D',
            },
            downloadUrl: 'https://civitai.com/api/download/models/3400871',
            primary: true,
          },
        ],
        images: [
          { id: 140_100_200, url: 'https://image.civitai.com/x/1.jpeg', nsfwLevel: 1, width: 1024, height: 1024 },
        ],
        downloadUrl: 'https://civitai.com/api/download/models/3400871',
      },
      {
        id: 2_900_310,
        index: 1,
        name: 'v1.0 SD1.5',
        baseModel: 'SD 1.5',
        baseModelType: 'Standard',
        publishedAt: '2026-03-11T08:00:00.000Z',
        availability: 'Public',
        nsfwLevel: 1,
        files: [
          {
            id: 2_800_450,
            sizeKB: 147_520,
            name: 'inkwash_v1.ckpt',
            type: 'Model',
            metadata: { format: 'PickleTensor', fp: 'fp16' },
            hashes: { SHA256: '0F0E0D0C0B0A09080706050403020100F0E0D0C0B0A090807060504030201000' },
            downloadUrl: 'https://civitai.com/api/download/models/2900310',
            primary: true,
          },
        ],
        images: [],
        downloadUrl: 'https://civitai.com/api/download/models/2900310',
      },
    ],
  };
}

function build(record: unknown): CatalogModel {
  const built = civitaiRecords.buildModel(record);
  if (!built.ok) throw new Error(built.reason);
  return built.model;
}

const hash = (model: CatalogModel) => contentHash(snapshotOf(model));

describe('civitai record → catalog model', () => {
  it('maps a listed LoRA', () => {
    const model = build(loraRecord());
    expect(model).toMatchObject({
      id: 'civitai:3012554',
      hubId: 'civitai',
      repoId: '3012554',
      name: 'Ink Wash Landscapes',
      author: 'sumi_brush',
      task: 'text-to-image',
      library: null,
      baseModels: [],
      baseModelRelation: null,
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      gating: 'NONE',
      parameterCount: null,
      downloads: 1_532,
      downloadsAllTime: 1_532,
      likes: 211,
      formats: ['ckpt', 'safetensors'],
      quantizations: [],
      inferenceProviders: ['civitai'],
      spaces: null,
    });
    expect(model.tags).toEqual(['base_model:SDXL 1.0', 'ink', 'landscape', 'lora', 'style']);
    expect(model.createdAt?.toISOString()).toBe('2026-03-11T08:00:00.000Z');
    expect(model.lastModified?.toISOString()).toBe('2026-07-02T10:15:00.000Z');
    expect(model.license).toMatchObject({
      id: 'LicenseRef-civitai-image.rentcivit-deriv-samelicense-nocredit',
      category: 'OPEN_RAIL',
      commercialUse: 'CONDITIONAL',
    });
    expect(model.openness).toMatchObject({ level: 'OPEN_WEIGHTS_CONDITIONAL', code: { inference: 'OPEN' } });
    expect(model.hubData).toEqual({
      nsfw: false,
      nsfwLevel: 1,
      type: 'LORA',
      mode: null,
      availability: 'Public',
      baseModel: 'SDXL 1.0',
      latestVersionId: 3_400_871,
      versions: 2,
      commercialUse: ['Image', 'RentCivit'],
    });
  });

  it('keeps no image list, per-version stats or avatar in the stored record', () => {
    const raw = JSON.stringify(build(loraRecord()).raw);
    expect(raw).not.toMatch(/images|image\.civitai\.com|thumbsDownCount":1|AutoV2/);
    expect(raw).toMatch(/"SHA256"/);
  });

  it('reduces the description to text with its links, idempotently, so a stored record rebuilds to the same model', () => {
    const model = build(loraRecord());
    expect(model.raw['description']).toBe(
      'Ink wash painting style, trained on my own sketches.\nWorkflow: (https://github.com/inkwash/comfy-nodes) nodes &amp; more.',
    );
    expect(hash(build(model.raw))).toBe(hash(model));
    expect(descriptionText('a &lt;b&gt; &amp;lt; c')).toBe(descriptionText(descriptionText('a &lt;b&gt; &amp;lt; c')));
  });

  describe('descriptions', () => {
    // Unclosed tags made the reduction cubic: 12 KB of these took seconds, the 200 KB a description
    // may have would hold a crawl page for hours (and its job past every timeout).
    it.each<[string, string]>([
      ['unclosed links', '<a href="https://github.com/x/y" '],
      ['unclosed anchors', '<a '],
      ['lone angle brackets', '<'],
    ])('reduces %s in linear time', (_name, unit) => {
      const html = unit.repeat(Math.ceil(200_000 / unit.length));
      const started = performance.now();
      const validated = validateCivitaiRecord({ ...loraRecord(), description: html });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(validated.ok).toBe(true);
    });

    it.each([
      '<<b>>text',
      'a < b > c',
      '<p>1 <x<y>> 2</p>',
      '<a href="https://arxiv.org/abs/1">paper</a> &quot;q&quot; &amp;lt;',
    ])('is idempotent on %j', (html) => {
      const once = descriptionText(html);
      expect(descriptionText(once)).toBe(once);
      expect(once).not.toMatch(/[<>]/);
    });
  });

  describe('allowCommercialUse, in every form the hub has used', () => {
    it.each<[string, unknown, string, string]>([
      ['array, all', ['Image', 'RentCivit', 'Rent', 'Sell'], 'ALLOWED', 'OPEN_RAIL'],
      ['array, images only', ['Image'], 'CONDITIONAL', 'OPEN_RAIL'],
      ['empty array', [], 'PROHIBITED', 'NON_COMMERCIAL'],
      ['array, None', ['None'], 'PROHIBITED', 'NON_COMMERCIAL'],
      ['legacy literal', '{Image,Rent,Sell}', 'ALLOWED', 'OPEN_RAIL'],
      ['legacy literal, images', '{Image}', 'CONDITIONAL', 'OPEN_RAIL'],
      ['legacy Sell', 'Sell', 'ALLOWED', 'OPEN_RAIL'],
      ['legacy Image', 'Image', 'CONDITIONAL', 'OPEN_RAIL'],
      ['legacy None', 'None', 'PROHIBITED', 'NON_COMMERCIAL'],
    ])('%s', (_name, allowCommercialUse, commercialUse, category) => {
      const model = build({ ...loraRecord(), allowCommercialUse });
      expect([model.license.commercialUse, model.license.category]).toEqual([commercialUse, category]);
      expect(model.license.hubValue).toContain(`allowCommercialUse=${JSON.stringify(allowCommercialUse)}`);
    });

    it('an array with an element that is not a string is dropped and reported, never read as "none"', () => {
      for (const allowCommercialUse of [[null], ['Image', 5], [{ value: 'Sell' }]]) {
        const record = { ...loraRecord(), allowCommercialUse };
        const validated = validateCivitaiRecord(record);
        expect(validated.ok && validated.problems.map((p) => [p.field, p.issue])).toEqual([
          ['allowCommercialUse', 'wrong-type'],
        ]);
        const model = build(record);
        expect([model.license.category, model.license.commercialUse]).toEqual(['UNKNOWN', 'UNKNOWN']);
      }
    });

    it('a license change is a LICENSE change of the snapshot', () => {
      const before = snapshotOf(build(loraRecord()));
      const after = snapshotOf(build({ ...loraRecord(), allowCommercialUse: [] }));
      expect([before['license'], after['license']]).toEqual([
        'LicenseRef-civitai-image.rentcivit-deriv-samelicense-nocredit',
        'LicenseRef-civitai-none-deriv-samelicense-nocredit',
      ]);
      expect(after['commercialUse']).toBe('PROHIBITED');
    });
  });

  describe('stats', () => {
    it.each<[string, unknown]>([
      ['missing', undefined],
      ['null (a fresh model)', null],
      ['with null counters', { downloadCount: null, thumbsUpCount: null, thumbsDownCount: null }],
    ])('%s: counters are 0 and all-time downloads unknown', (_name, stats) => {
      const record = loraRecord();
      if (stats === undefined) delete record['stats'];
      else record['stats'] = stats;
      const model = build(record);
      expect([model.downloads, model.downloadsAllTime, model.likes]).toEqual([0, null, 0]);
    });

    it('likes fall back to the older favoriteCount', () => {
      expect(build({ ...loraRecord(), stats: { downloadCount: 5, favoriteCount: 12 } }).likes).toBe(12);
    });

    it('counters, images and nsfwLevel never change the snapshot; a new version does', () => {
      const base = build(loraRecord());
      const busier = loraRecord();
      busier['stats'] = { downloadCount: 99_999, thumbsUpCount: 5_000 };
      busier['nsfwLevel'] = 3;
      const versions = busier['modelVersions'] as Record<string, unknown>[];
      versions[0]!['images'] = [{ id: 1, url: 'https://image.civitai.com/x/new.jpeg' }];
      versions[0]!['stats'] = { downloadCount: 50_000 };
      expect(hash(build(busier))).toBe(hash(base));
      expect(build(busier).hubData?.['nsfwLevel']).toBe(3);

      const republished = loraRecord();
      const newest = { ...versions[0]!, id: 3_999_000, index: 0, publishedAt: '2026-08-01T00:00:00.000Z' };
      republished['modelVersions'] = [
        newest,
        ...(republished['modelVersions'] as Record<string, unknown>[]).map((v, i) => ({ ...v, index: i + 1 })),
      ];
      expect(hash(build(republished))).not.toBe(hash(base));
    });
  });

  it('an NSFW model is tagged nsfw (filterable) and keeps its flags as data', () => {
    const model = build({ ...loraRecord(), nsfw: true, nsfwLevel: 28 });
    expect(model.tags).toContain('nsfw');
    expect(model.hubData).toMatchObject({ nsfw: true, nsfwLevel: 28 });
    expect(build(loraRecord()).tags).not.toContain('nsfw');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['archived (the API lists no files)', { mode: 'Archived' }, 'weights.civitai-archived', 'CLOSED'],
    ['taken down', { mode: 'TakenDown' }, 'weights.civitai-taken-down', 'CLOSED'],
  ])('%s: weights REMOVED', (_name, fields, rule, level) => {
    const record = { ...loraRecord(), ...fields };
    if (fields['mode'] === 'Archived') {
      record['modelVersions'] = (record['modelVersions'] as Record<string, unknown>[]).map((v) => ({
        ...v,
        files: [],
      }));
    }
    const model = build(record);
    expect([model.openness.weights.availability, model.openness.level]).toEqual(['REMOVED', level]);
    expect(model.openness.evidence.find((item) => item.dimension === 'weights')?.rule).toBe(rule);
    expect(model.hubData?.['mode']).toBe(fields['mode']);
  });

  it('early access in the current API: availability Public, the gate in paidAccess', () => {
    const record = loraRecord();
    record['modelVersions'] = (record['modelVersions'] as Record<string, unknown>[]).map((v) => ({
      ...v,
      availability: 'Public',
      paidAccess: { permanent: false, endsAt: '2026-08-23T20:55:59.248Z' },
      earlyAccessDeadline: '2026-08-23T20:55:59.248Z',
    }));
    const model = build(record);
    expect([model.gating, model.openness.weights.availability]).toEqual(['MANUAL', 'GATED_MANUAL']);
    expect(model.openness.evidence.find((item) => item.dimension === 'weights')?.value).toContain(
      'paidAccess until 2026-08-23T20:55:59.248Z',
    );
    // A free version says `paidAccess: null`, as the recorded listing does.
    const free = loraRecord();
    (free['modelVersions'] as Record<string, unknown>[])[0]!['paidAccess'] = null;
    expect(build(free).gating).toBe('NONE');
  });

  it('early access only: gated MANUAL', () => {
    const record: Record<string, unknown> = { ...loraRecord(), availability: 'EarlyAccess' };
    record['modelVersions'] = (record['modelVersions'] as Record<string, unknown>[]).map((v) => ({
      ...v,
      availability: 'EarlyAccess',
    }));
    const model = build(record);
    expect([model.gating, model.openness.weights.availability]).toEqual(['MANUAL', 'GATED_MANUAL']);
  });

  describe('quarantine: records without a usable id', () => {
    it.each<[string, unknown, RegExp]>([
      ['no id', (({ id: _id, ...rest }) => rest)(loraRecord()), /^no numeric id \(id is undefined\)$/],
      ['a null id', { ...loraRecord(), id: null }, /^no numeric id \(id is null\)$/],
      ['a name as id', { ...loraRecord(), id: 'ink-wash' }, /^unusable id "ink-wash"$/],
      ['a negative id', { ...loraRecord(), id: -4 }, /^unusable id "-4"$/],
      ['a fractional id', { ...loraRecord(), id: 4.5 }, /^unusable id/],
      ['not an object', [loraRecord()], /^record is array, not an object$/],
      ['null', null, /^record is null, not an object$/],
    ])('%s', (_name, record, reason) => {
      const built = civitaiRecords.buildModel(record);
      expect(built.ok).toBe(false);
      if (!built.ok) expect(built.reason).toMatch(reason);
    });

    it('an id given as a string of digits is read as the number', () => {
      expect(build({ ...loraRecord(), id: '3012554' }).id).toBe('civitai:3012554');
    });
  });

  it('keeps the model when fields are wrong-typed or binary, with input evidence', () => {
    const record = {
      ...loraRecord(),
      name: 'Ink\u0000 Wash',
      nsfw: 'no',
      tags: ['style', 7, null],
      stats: { downloadCount: 'lots', thumbsUpCount: 3 },
      allowDerivatives: 'yes',
    };
    const validated = validateCivitaiRecord(record);
    expect(validated.ok && validated.problems.map((p) => [p.field, p.issue])).toEqual([
      ['name', 'binary'],
      ['nsfw', 'wrong-type'],
      ['allowDerivatives', 'wrong-type'],
      ['stats.downloadCount', 'wrong-type'],
    ]);
    const model = build(record);
    expect([model.name, model.tags.includes('style'), model.downloads, model.likes]).toEqual(['Ink Wash', true, 0, 3]);
    expect(model.license.category).toBe('UNKNOWN');
    expect(model.openness.evidence.filter((item) => item.dimension === 'input').map((item) => item.rule)).toEqual([
      'input.binary',
      'input.wrong-type',
      'input.wrong-type',
      'input.wrong-type',
    ]);
  });

  it('null members the hub sends for "not set" are absent, not wrong: file metadata, hashes, version index', () => {
    const record = loraRecord();
    const [latest, older] = record['modelVersions'] as Record<string, unknown>[];
    // A format the file name does not tell: only the metadata does.
    latest!['files'] = [
      {
        ...(latest!['files'] as Record<string, unknown>[])[0],
        name: 'inkwash_sdxl_v2.zip',
        metadata: { format: 'Diffusers', fp: null, size: null },
        hashes: { SHA256: null, AutoV2: 'A1B2C3D4E5' },
      },
    ];
    latest!['index'] = null;
    older!['index'] = null;
    const validated = validateCivitaiRecord(record);
    expect(validated.ok && validated.problems).toEqual([]);
    const model = build(record);
    expect(model.formats).toEqual(['ckpt', 'diffusers']);
    expect(model.sha).toBeNull();
    expect(model.lastModified?.toISOString()).toBe('2026-07-02T10:15:00.000Z');
    expect(model.hubData?.['latestVersionId']).toBe(3_400_871);
  });

  it('tags given as { name } objects are read as their names', () => {
    const model = build({ ...loraRecord(), tags: [{ id: 5, name: 'style' }, 'ink', { id: 6 }, 7] });
    expect(model.tags).toEqual(['base_model:SDXL 1.0', 'ink', 'lora', 'style']);
  });

  it('drops malformed versions and files, keeping the rest', () => {
    const record = loraRecord();
    const versions = record['modelVersions'] as unknown[];
    record['modelVersions'] = [null, ...versions, { files: 'none' }];
    const validated = validateCivitaiRecord(record);
    expect(validated.ok && validated.record.modelVersions?.length).toBe(3);
    expect(validated.ok && validated.problems.map((p) => p.field)).toEqual([
      'modelVersions[0]',
      'modelVersions[3].files',
    ]);
    expect(build(record).openness.weights.availability).toBe('OPEN');
  });
});

describe('versions and tasks', () => {
  it('orders versions by index, else newest publication first', () => {
    expect(
      orderedVersions([
        { id: 1, index: 1 },
        { id: 2, index: 0 },
      ]).map((v) => v.id),
    ).toEqual([2, 1]);
    expect(
      orderedVersions([
        { id: 1, publishedAt: '2026-01-01T00:00:00Z' },
        { id: 2, publishedAt: '2026-05-01T00:00:00Z' },
        { id: 3 },
      ]).map((v) => v.id),
    ).toEqual([2, 1, 3]);
  });

  it.each<[string | undefined, string | undefined, string | null]>([
    ['Checkpoint', 'SDXL 1.0', 'text-to-image'],
    ['LORA', 'Flux.1 D', 'text-to-image'],
    ['LORA', 'Wan Video 14B t2v', 'text-to-video'],
    ['LoCon', 'Hunyuan Video', 'text-to-video'],
    ['TextualInversion', 'SD 1.5', 'text-to-image'],
    ['DoRA', 'Pony', 'text-to-image'],
    ['Controlnet', 'SD 1.5', 'image-to-image'],
    ['Upscaler', 'Other', 'image-to-image'],
    ['MotionModule', 'SD 1.5', 'text-to-video'],
    ['Detection', 'Other', 'object-detection'],
    ['VAE', 'SDXL 1.0', null],
    ['Workflows', 'Flux.1 D', null],
    ['Wildcards', undefined, null],
    [undefined, undefined, null],
  ])('%s on %s → %s', (type, baseModel, task) => {
    expect(taskOf(type, baseModel)).toBe(task);
  });
});

describe('lastModifiedOf', () => {
  it('is the latest version’s publication (the key of sort=Newest), read from the raw record', () => {
    expect(civitaiRecords.lastModifiedOf(loraRecord())?.toISOString()).toBe('2026-07-02T10:15:00.000Z');
    expect(civitaiRecords.lastModifiedOf({ id: 1, lastVersionAt: '2025-01-01T00:00:00.000Z' })?.toISOString()).toBe(
      '2025-01-01T00:00:00.000Z',
    );
    expect(civitaiRecords.lastModifiedOf({ id: 1, modelVersions: [{ publishedAt: 'soon' }] })).toBeNull();
    expect(civitaiRecords.lastModifiedOf(null)).toBeNull();
  });
});

/** Real recorded Civitai responses (../shared, present in CI; absent from a bare clone). */
const recorded = sharedFolder('hub-fixtures/civitai', 'the Civitai record tests on recorded responses');
const fixture = (name: string) => recorded.json(name) as Record<string, unknown>;

describe.skipIf(!recorded.present)('on recorded Civitai responses', () => {
  it('GET /api/v1/models/2833924 (verbatim): the empty array form is no commercial use; no problem', () => {
    const raw = fixture('civitai_model_2833924__DiffusionNexus.json');
    const validated = validateCivitaiRecord(raw);
    expect(validated.ok && validated.problems).toEqual([]);
    const model = build(raw);
    expect(model).toMatchObject({
      id: 'civitai:2833924',
      repoId: '2833924',
      author: 'kestinek',
      task: 'text-to-image',
      baseModels: [],
      gating: 'NONE',
      sha: '5b4cd3d7db3e13e2e8bd8418921efd8e11c1f5559b43dc0be78522fee3f5fc5b',
      formats: ['safetensors'],
      downloads: 16,
      likes: 1,
    });
    expect(model.license).toMatchObject({
      id: 'LicenseRef-civitai-none-deriv-samelicense-nocredit',
      category: 'NON_COMMERCIAL',
      commercialUse: 'PROHIBITED',
      hubValue: 'allowCommercialUse=[]; allowDerivatives=true; allowDifferentLicense=false; allowNoCredit=true',
    });
    // The base model is a family name, a tag and hub data, never a catalog model id.
    expect(model.tags).toContain('base_model:Krea 2');
    expect(model.hubData).toMatchObject({ baseModel: 'Krea 2', nsfw: false, nsfwLevel: 4 });
    expect(model.openness.weights.availability).toBe('OPEN');
  });

  it('a GET /api/v1/models item (condensed): array permissions, paidAccess null, extra file metadata', () => {
    const listing = fixture('civitai_models_list_item_condensed__DiffusionNexus.json');
    const [item] = listing['items'] as Record<string, unknown>[];
    const validated = validateCivitaiRecord(item);
    expect(validated.ok && validated.problems).toEqual([]);
    const model = build(item);
    expect(model.license).toMatchObject({
      id: 'LicenseRef-civitai-image.rentcivit-deriv-relicense-nocredit',
      category: 'OPEN_RAIL',
      commercialUse: 'CONDITIONAL',
    });
    expect([model.gating, model.openness.weights.availability, model.formats]).toEqual([
      'NONE',
      'OPEN',
      ['safetensors'],
    ]);
    expect(model.inferenceProviders).toEqual(['civitai']);
    expect(JSON.stringify(model.raw)).not.toMatch(/image\.civitai\.com|AutoV2/);
  });
});
