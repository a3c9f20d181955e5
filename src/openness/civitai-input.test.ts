import { describe, expect, it } from 'vitest';
import {
  civitaiFileFormat,
  civitaiLicense,
  civitaiWeights,
  classifyCivitai,
  readCommercialUse,
  type CivitaiInput,
} from './civitai-input.js';

/** A LoRA as the listing gives it (the fields the classifier reads), all permissions granted. */
const LORA: CivitaiInput = {
  type: 'LORA',
  availability: 'Public',
  allowNoCredit: true,
  allowCommercialUse: ['Image', 'RentCivit', 'Rent', 'Sell'],
  allowDerivatives: true,
  allowDifferentLicense: true,
  description: 'Watercolor style for SDXL. Trigger: wtrclr.',
  modelVersions: [
    {
      availability: 'Public',
      baseModel: 'SDXL 1.0',
      files: [
        {
          name: 'watercolor_v2.safetensors',
          type: 'Model',
          metadata: { format: 'SafeTensor' },
          downloadUrl: 'https://civitai.com/api/download/models/4410021',
        },
      ],
    },
  ],
};

describe('readCommercialUse', () => {
  it.each<[string, unknown, string[], string]>([
    [
      'the API array, everything',
      ['Image', 'RentCivit', 'Rent', 'Sell'],
      ['Image', 'RentCivit', 'Rent', 'Sell'],
      'ALLOWED',
    ],
    ['renting only', ['Rent'], ['Rent'], 'ALLOWED'],
    ['images and Civitai’s generator only', ['Image', 'RentCivit'], ['Image', 'RentCivit'], 'CONDITIONAL'],
    ['images only', ['Image'], ['Image'], 'CONDITIONAL'],
    ['selling merges only', ['SellMerge'], ['SellMerge'], 'CONDITIONAL'],
    ['an empty array', [], [], 'PROHIBITED'],
    ['None', ['None'], [], 'PROHIBITED'],
    ['any case, in any order, duplicated', ['sell', 'IMAGE', 'Image'], ['Image', 'Sell'], 'ALLOWED'],
    ['the legacy array literal', '{Image,Rent,Sell}', ['Image', 'Rent', 'Sell'], 'ALLOWED'],
    ['a legacy literal with quotes', '{"Image","RentCivit"}', ['Image', 'RentCivit'], 'CONDITIONAL'],
    ['the empty legacy literal', '{}', [], 'PROHIBITED'],
    ['legacy Sell, a scale including renting and images', 'Sell', ['Image', 'RentCivit', 'Rent', 'Sell'], 'ALLOWED'],
    ['legacy Rent', 'Rent', ['Image', 'RentCivit', 'Rent'], 'ALLOWED'],
    ['legacy Image', 'Image', ['Image'], 'CONDITIONAL'],
    ['legacy None', 'None', [], 'PROHIBITED'],
    // Once unknown values, so commercial use UNKNOWN.
    ['the array passed on as a plain list', 'Image,Rent,Sell', ['Image', 'Rent', 'Sell'], 'ALLOWED'],
    ['a legacy literal with spaced, quoted values', '{ "Image" , "RentCivit" }', ['Image', 'RentCivit'], 'CONDITIONAL'],
    ['a legacy literal in any case', '{image,SELL}', ['Image', 'Sell'], 'ALLOWED'],
  ])('%s', (_name, value, granted, commercialUse) => {
    const reading = readCommercialUse(value);
    expect(reading.granted).toEqual(granted);
    expect(reading.commercialUse).toBe(commercialUse);
    expect(reading.form).toBe(Array.isArray(value) ? 'array' : 'legacy-string');
  });

  it('keeps values it does not know, and then cannot tell commercial use', () => {
    expect(readCommercialUse(['Lease-All!'])).toMatchObject({
      granted: [],
      unknown: ['leaseall'],
      commercialUse: 'UNKNOWN',
    });
    expect(readCommercialUse(['Image', 'Lease'])).toMatchObject({ unknown: ['lease'], commercialUse: 'CONDITIONAL' });
  });

  it('is missing for an absent or wrong-typed flag', () => {
    expect(readCommercialUse(undefined)).toMatchObject({ form: 'missing', commercialUse: 'UNKNOWN' });
    expect(readCommercialUse(42)).toMatchObject({ form: 'missing', commercialUse: 'UNKNOWN' });
  });

  it('a blank string says nothing: missing, not "no commercial use" (only `[]`, `{}` and None say none)', () => {
    for (const blank of ['', '   ']) {
      expect(readCommercialUse(blank)).toMatchObject({ form: 'missing', granted: [], commercialUse: 'UNKNOWN' });
    }
    expect(readCommercialUse('{}').commercialUse).toBe('PROHIBITED');
  });

  it('an array element that is not a string is a value it cannot read, never a silent "none"', () => {
    expect(readCommercialUse([null])).toMatchObject({
      granted: [],
      unknown: ['invalidnull'],
      commercialUse: 'UNKNOWN',
    });
    expect(readCommercialUse(['Image', 5])).toMatchObject({
      granted: ['Image'],
      unknown: ['invalidnumber'],
      commercialUse: 'CONDITIONAL',
    });
  });
});

describe('civitaiLicense', () => {
  it('all permissions: an OpenRAIL-tier license whose id and name spell them out, commercial use ALLOWED', () => {
    const { license, evidence } = civitaiLicense(LORA);
    expect(license).toEqual({
      id: 'LicenseRef-civitai-image.rentcivit.rent.sell-deriv-relicense-nocredit',
      name:
        "Civitai permissions (commercial use: sell generated images, run on Civitai's generator, run on generation services, " +
        'sell the model; derivatives allowed; derivatives may change these permissions; no credit required)',
      url: null,
      category: 'OPEN_RAIL',
      commercialUse: 'ALLOWED',
      osiApproved: false,
      hubValue:
        'allowCommercialUse=["Image","RentCivit","Rent","Sell"]; allowDerivatives=true; allowDifferentLicense=true; allowNoCredit=true',
    });
    expect(evidence.map((item) => [item.rule, item.source, item.status, item.value])).toEqual([
      [
        'license.civitai-permissions',
        'allowCommercialUse, allowDerivatives, allowDifferentLicense, allowNoCredit',
        'OPEN_RAIL',
        expect.stringContaining('derivatives and some commercial use granted'),
      ],
      ['license.civitai-commercial-use', 'allowCommercialUse', 'ALLOWED', '["Image","RentCivit","Rent","Sell"]'],
      ['license.civitai-derivatives', 'allowDerivatives', 'ALLOWED', 'true'],
      ['license.civitai-different-license', 'allowDifferentLicense', 'ALLOWED', 'true'],
      ['license.civitai-credit', 'allowNoCredit', 'NOT_REQUIRED', 'true'],
      [
        'license.civitai-base-model-terms',
        'modelVersions[0].baseModel',
        'ADDITIONAL_TERMS',
        expect.stringContaining('SDXL 1.0'),
      ],
    ]);
  });

  it.each<[string, Partial<CivitaiInput>, string, string, string]>([
    [
      'images only',
      { allowCommercialUse: ['Image'] },
      'LicenseRef-civitai-image-deriv-relicense-nocredit',
      'OPEN_RAIL',
      'CONDITIONAL',
    ],
    [
      'no commercial use (empty array)',
      { allowCommercialUse: [] },
      'LicenseRef-civitai-none-deriv-relicense-nocredit',
      'NON_COMMERCIAL',
      'PROHIBITED',
    ],
    [
      'None',
      { allowCommercialUse: ['None'] },
      'LicenseRef-civitai-none-deriv-relicense-nocredit',
      'NON_COMMERCIAL',
      'PROHIBITED',
    ],
    [
      'no derivatives, commercial use allowed',
      { allowDerivatives: false, allowDifferentLicense: false },
      'LicenseRef-civitai-image.rentcivit.rent.sell-noderiv-samelicense-nocredit',
      'NO_DERIVATIVES',
      'ALLOWED',
    ],
    [
      'non-commercial and no derivatives: non-commercial wins',
      { allowCommercialUse: [], allowDerivatives: false },
      'LicenseRef-civitai-none-noderiv-relicense-nocredit',
      'NON_COMMERCIAL',
      'PROHIBITED',
    ],
    [
      'credit required',
      { allowNoCredit: false },
      'LicenseRef-civitai-image.rentcivit.rent.sell-deriv-relicense-credit',
      'OPEN_RAIL',
      'ALLOWED',
    ],
    [
      'the legacy string',
      { allowCommercialUse: '{Image,Rent,Sell}' },
      'LicenseRef-civitai-image.rent.sell-deriv-relicense-nocredit',
      'OPEN_RAIL',
      'ALLOWED',
    ],
    [
      'legacy Sell reads as the scale it was',
      { allowCommercialUse: 'Sell' },
      'LicenseRef-civitai-image.rentcivit.rent.sell-deriv-relicense-nocredit',
      'OPEN_RAIL',
      'ALLOWED',
    ],
    [
      'legacy None',
      { allowCommercialUse: 'None' },
      'LicenseRef-civitai-none-deriv-relicense-nocredit',
      'NON_COMMERCIAL',
      'PROHIBITED',
    ],
    [
      'derivatives not said: unknown, never guessed',
      { allowDerivatives: undefined },
      'LicenseRef-civitai-image.rentcivit.rent.sell-derivunknown-relicense-nocredit',
      'UNKNOWN',
      'ALLOWED',
    ],
    [
      'a blank legacy string: unknown, not non-commercial',
      { allowCommercialUse: '' },
      'LicenseRef-civitai-unknown-deriv-relicense-nocredit',
      'UNKNOWN',
      'UNKNOWN',
    ],
    [
      'an array of something other than strings: unknown, not non-commercial',
      { allowCommercialUse: [null] as unknown as string[] },
      'LicenseRef-civitai-invalidnull-deriv-relicense-nocredit',
      'UNKNOWN',
      'UNKNOWN',
    ],
    [
      'only an unknown value',
      { allowCommercialUse: ['Lease'] },
      'LicenseRef-civitai-lease-deriv-relicense-nocredit',
      'UNKNOWN',
      'UNKNOWN',
    ],
  ])('%s', (_name, flags, id, category, commercialUse) => {
    const { license } = civitaiLicense({ ...LORA, ...flags });
    expect([license.id, license.category, license.commercialUse]).toEqual([id, category, commercialUse]);
    expect(license.id).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
  });

  it('says when the legacy string form decided commercial use', () => {
    const { evidence } = civitaiLicense({ ...LORA, allowCommercialUse: 'Sell' });
    expect(evidence[1]).toMatchObject({
      rule: 'license.civitai-commercial-use-legacy',
      value: '"Sell"',
      status: 'ALLOWED',
    });
  });

  it('is UNKNOWN, with no hub value, when the record has no flag at all', () => {
    const { license, evidence } = civitaiLicense({ type: 'LORA' });
    expect(license).toMatchObject({
      id: 'LicenseRef-civitai-permissions-unknown',
      category: 'UNKNOWN',
      commercialUse: 'UNKNOWN',
      hubValue: null,
    });
    expect(evidence[0]?.rule).toBe('license.civitai-permissions');
  });
});

describe('civitaiWeights', () => {
  const version = LORA.modelVersions![0]!;
  it.each<[string, CivitaiInput, string, string, string[]]>([
    ['a public model file', LORA, 'OPEN', 'weights.civitai-public-file', ['safetensors']],
    [
      'archived: the API drops the files',
      { ...LORA, mode: 'Archived', modelVersions: [{ ...version, files: [] }] },
      'REMOVED',
      'weights.civitai-archived',
      [],
    ],
    ['taken down, files still listed', { ...LORA, mode: 'TakenDown' }, 'REMOVED', 'weights.civitai-taken-down', []],
    ['private', { ...LORA, availability: 'Private' }, 'UNRELEASED', 'weights.civitai-private', []],
    [
      'early access only: a purchase gate',
      { ...LORA, availability: 'EarlyAccess', modelVersions: [{ ...version, availability: 'EarlyAccess' }] },
      'GATED_MANUAL',
      'weights.civitai-early-access',
      ['safetensors'],
    ],
    [
      'an early-access version beside a public one',
      {
        ...LORA,
        modelVersions: [
          {
            ...version,
            availability: 'EarlyAccess',
            files: [{ name: 'v3.gguf', type: 'Model', metadata: { format: 'GGUF' }, downloadUrl: 'https://x/3' }],
          },
          version,
        ],
      },
      'OPEN',
      'weights.civitai-public-file',
      ['gguf', 'safetensors'],
    ],
    [
      'a workflow: files, none a model',
      {
        ...LORA,
        type: 'Workflows',
        modelVersions: [
          { files: [{ name: 'flow.zip', type: 'Archive', metadata: { format: 'Other' }, downloadUrl: 'https://x/1' }] },
        ],
      },
      'UNRELEASED',
      'weights.no-weight-files',
      [],
    ],
    // The current API keeps `availability: Public` on a gated version; the gate is paidAccess.
    [
      'paid access with an end date',
      {
        ...LORA,
        modelVersions: [{ ...version, paidAccess: { permanent: false, endsAt: '2026-08-23T20:55:59.248Z' } }],
      },
      'GATED_MANUAL',
      'weights.civitai-early-access',
      ['safetensors'],
    ],
    [
      'permanent paid access',
      { ...LORA, modelVersions: [{ ...version, paidAccess: { permanent: true, endsAt: null } }] },
      'GATED_MANUAL',
      'weights.civitai-early-access',
      ['safetensors'],
    ],
    [
      'an early-access deadline alone',
      { ...LORA, modelVersions: [{ ...version, earlyAccessDeadline: '2026-08-23T20:55:59.248Z' }] },
      'GATED_MANUAL',
      'weights.civitai-early-access',
      ['safetensors'],
    ],
    [
      'a paid version beside a free one',
      {
        ...LORA,
        modelVersions: [
          { ...version, paidAccess: { permanent: true } },
          { ...version, paidAccess: null },
        ],
      },
      'OPEN',
      'weights.civitai-public-file',
      ['safetensors'],
    ],
    ['no published version', { ...LORA, modelVersions: [] }, 'UNRELEASED', 'weights.no-weight-files', []],
    [
      'a file without a download URL',
      { ...LORA, modelVersions: [{ ...version, files: [{ name: 'a.safetensors', type: 'Model' }] }] },
      'UNRELEASED',
      'weights.no-weight-files',
      [],
    ],
    ['no version list', { ...LORA, modelVersions: undefined }, 'UNKNOWN', 'weights.files-unknown', []],
  ])('%s', (_name, input, availability, rule, formats) => {
    const weights = civitaiWeights(input);
    expect([weights.availability, weights.evidence.rule, weights.formats]).toEqual([availability, rule, formats]);
  });

  it('says which gate closes the weights, and its end date', () => {
    const gated = (paidAccess: CivitaiInput['modelVersions']) => civitaiWeights({ ...LORA, modelVersions: paidAccess });
    expect(gated([{ ...version, paidAccess: { permanent: true } }]).evidence.value).toMatch(
      /^paidAccess: permanent; 1 model files/,
    );
    expect(gated([{ ...version, paidAccess: { permanent: false, endsAt: null } }]).evidence.value).toMatch(
      /^paidAccess until no end date;/,
    );
    expect(gated([{ ...version, availability: 'EarlyAccess' }]).evidence.value).toMatch(/^EarlyAccess;/);
  });

  it.each<[string, Parameters<typeof civitaiFileFormat>[0], string | null]>([
    ['SafeTensor', { name: 'a.safetensors', metadata: { format: 'SafeTensor' } }, 'safetensors'],
    ['PickleTensor as its extension', { name: 'a.pt', metadata: { format: 'PickleTensor' } }, 'pt'],
    ['PickleTensor without a weight extension', { name: 'a.zip', metadata: { format: 'PickleTensor' } }, 'ckpt'],
    ['GGUF', { name: 'a.gguf', metadata: { format: 'GGUF' } }, 'gguf'],
    ['Diffusers', { name: 'a.zip', metadata: { format: 'Diffusers' } }, 'diffusers'],
    ['Core ML', { name: 'a.zip', metadata: { format: 'Core ML' } }, 'mlmodel'],
    ['Other, by the name', { name: 'a.ckpt', metadata: { format: 'Other' } }, 'ckpt'],
    ['nothing to tell', { name: 'a.zip', metadata: { format: 'Other' } }, null],
  ])('file format: %s', (_name, file, format) => {
    expect(civitaiFileFormat(file)).toBe(format);
  });
});

describe('classifyCivitai', () => {
  it('a public LoRA under all permissions: open weights, conditional (OpenRAIL tier)', () => {
    const result = classifyCivitai(LORA);
    expect([result.level, result.weights.availability, result.license.category]).toEqual([
      'OPEN_WEIGHTS_CONDITIONAL',
      'OPEN',
      'OPEN_RAIL',
    ]);
    expect(result.documentation.modelCard).toBe('OPEN');
    expect([result.code.inference, result.code.training, result.data.training, result.documentation.paper]).toEqual([
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
    expect(result.weights.parameterCount).toBeNull();
  });

  it('non-commercial permissions restrict the weights; archived ones close them', () => {
    expect(classifyCivitai({ ...LORA, allowCommercialUse: [] }).level).toBe('WEIGHTS_RESTRICTED');
    expect(classifyCivitai({ ...LORA, mode: 'Archived' }).level).toBe('CLOSED');
  });

  it('reads links in the description as a README’s: code, training code, paper', () => {
    const result = classifyCivitai({
      ...LORA,
      description:
        'Paper (https://arxiv.org/abs/2402.13929) Inference nodes (https://github.com/acme/nodes)\nTraining script (https://github.com/acme/train)',
    });
    expect([result.code.inference, result.code.training, result.documentation.paper]).toEqual(['OPEN', 'OPEN', 'OPEN']);
    expect(result.evidence.find((item) => item.rule === 'documentation.paper.civitai-description-link')?.value).toBe(
      'https://arxiv.org/abs/2402.13929',
    );
  });

  it('a Training Data file discloses the data (PARTIAL)', () => {
    const version = LORA.modelVersions![0]!;
    const result = classifyCivitai({
      ...LORA,
      modelVersions: [
        {
          ...version,
          files: [...version.files!, { name: 'dataset.zip', type: 'Training Data', downloadUrl: 'https://x/td' }],
        },
      ],
    });
    expect(result.data.training).toBe('PARTIAL');
  });

  it('a description that is empty is no model card; one not in the record is unknown', () => {
    expect(classifyCivitai({ ...LORA, description: null }).documentation.modelCard).toBe('CLOSED');
    expect(classifyCivitai({ ...LORA, description: '  ' }).documentation.modelCard).toBe('CLOSED');
    expect(classifyCivitai({ ...LORA, description: undefined }).documentation.modelCard).toBe('UNKNOWN');
  });

  it('without a version list, decides the level as if the weights were as the availability says', () => {
    const result = classifyCivitai({ ...LORA, availability: 'EarlyAccess', modelVersions: undefined });
    expect(result.weights.availability).toBe('UNKNOWN');
    expect(result.evidence.find((item) => item.rule === 'level.weights-assumed-from-availability')?.status).toBe(
      'GATED_MANUAL',
    );
  });

  it('never throws, whatever arrives', () => {
    const hostile = { ...LORA, modelVersions: [null, 7, { files: [null, { type: 5 }] }] } as unknown as CivitaiInput;
    const dropped = {
      dimension: 'input',
      status: 'DROPPED',
      source: 'x',
      value: null,
      rule: 'input.wrong-type',
    } as const;
    const result = classifyCivitai(hostile, [dropped]);
    expect(result.evidence.map((item) => item.rule)).toEqual(
      expect.arrayContaining(['input.wrong-type', 'input.classifier-error']),
    );
    expect(result.license.category).toBe('UNKNOWN');
  });
});
