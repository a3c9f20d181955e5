import { describe, expect, it } from 'vitest';
import { classifyHuggingFace } from '../openness/classify.js';
import { parseCsvRecords } from './csv.js';
import {
  buildReferenceRecord,
  disagreementsCsv,
  figures,
  formatReport,
  hfLicenseIdsFromMap,
  isFreeTextLicense,
  isLicenseKnown,
  licenseDeclaration,
  licenseVerdicts,
  mergeHubResponse,
  ourLicenseGrade,
  ourWeightsGrade,
  parseComponentList,
  parseNonOpenLicenseStrings,
  reasonForLicense,
  reasonForMofClass,
  reasonForWeights,
  referenceModelsFromRows,
  requiredComponents,
  runOpennessEval,
  type EvalInput,
  type MotVerdicts,
  type ReferenceModel,
} from './eval.js';

/** A few rows of hf_license_map.csv, as published. */
const LICENSE_MAP = hfLicenseIdsFromMap(
  parseCsvRecords(`hf_license_id,fullname,spdx_id,osi_approved,fsf_libre,in_mot_open_data_list,mot_type_appropriate_for,mot_counts_as_open,category,license_link_in_hf_docs
apache-2.0,Apache license 2.0,Apache-2.0,True,True,False,"code,document",True,osi-approved,
mit,MIT,MIT,True,True,False,code,True,osi-approved,
cc-by-nc-4.0,Creative Commons Attribution Non Commercial 4.0,CC-BY-NC-4.0,False,False,False,,False,non-commercial or research-only,
llama3.1,Llama 3.1,,False,False,False,,False,vendor custom,
bsd,BSD license family,,False,False,False,,False,family id (ambiguous; resolve from LICENSE file),
`).records,
);

const ALL_COMPONENTS =
  '14/17: Model architecture, Data preprocessing code, Training code, Inference code, Evaluation code, Model parameters (Final), Model parameters (Intermediate), Datasets, Evaluation data, Model card, Data card, Technical report, Research paper, Evaluation results';
const CLASS_III_COMPONENTS =
  '6/17: Model architecture, Model parameters (Final), Model card, Data card, Technical report, Evaluation results';

function motRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    model_name: 'Model',
    hf_repo_id: 'acme/model',
    source: 'mot',
    mof_class: 'Class III',
    weights_license: 'Apache-2.0',
    mot_weights_license_is_open: 'true',
    mot_distribution_license: 'Apache-2.0',
    mot_components_included: CLASS_III_COMPONENTS,
    notes: '',
    source_file: 'models/Model.yml',
    ...overrides,
  };
}

function osaiRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    model_name: 'Index Model',
    hf_repo_id: 'acme/index-model',
    source: 'osai',
    weights_license: 'MIT License',
    osai_weights: 'open',
    osai_code: 'open',
    osai_data: 'open',
    osai_license: 'open',
    osai_p_modelcard: 'open',
    osai_p_paper: 'closed',
    osai_p_preprint: 'open',
    source_file: 'Index.yaml',
    ...overrides,
  };
}

function model(row: Record<string, string>): ReferenceModel {
  const [first] = referenceModelsFromRows([row]).models;
  if (first === undefined) throw new Error('no model');
  return first;
}

const classify = (m: ReferenceModel) => classifyHuggingFace(buildReferenceRecord(m, LICENSE_MAP));
const REFERENCE_ONLY = { hubFields: [] as string[] };
const NO_CONTEXT = { verdicts: new Map(), hfLicenseIds: LICENSE_MAP };

describe('reading ground_truth.csv rows', () => {
  it('parses MOT component lists and the non-open license strings of the notes', () => {
    expect([...parseComponentList('3/17: Model architecture, Model parameters (Final), Research paper')]).toEqual([
      'Model architecture',
      'Model parameters (Final)',
      'Research paper',
    ]);
    expect(parseComponentList('')).toEqual(new Set());
    expect(
      parseNonOpenLicenseStrings(
        'non-SPDX/non-open license strings (MOT counts them as not open): BAAI Aquila Model License, Apache 2.0; record date < 2025-01-01',
      ),
    ).toEqual(['BAAI Aquila Model License', 'Apache 2.0']);
    expect(parseNonOpenLicenseStrings('intermediate checkpoints included')).toEqual([]);
  });

  it('keeps rows with an HF repo id, counts the others, ignores unknown sources', () => {
    const { models, withoutRepoId } = referenceModelsFromRows([
      motRow({ mof_class: 'none', mot_weights_license_is_open: 'false', weights_license: ' BSD ' }),
      osaiRow({ source: 'osai_legacy', osai_license: 'partial' }),
      motRow({ hf_repo_id: '' }),
      motRow({ source: 'elsewhere' }),
    ]);
    expect(withoutRepoId).toBe(1);
    expect(models).toHaveLength(2);
    expect(models[0]).toMatchObject({
      source: 'mot',
      licenseString: 'BSD',
      mot: { mofClass: 'NONE', weightsLicenseIsOpen: false },
      osai: null,
    });
    expect(models[1]).toMatchObject({
      source: 'osai_legacy',
      mot: null,
      osai: { license: 'partial', weights: 'open', trainingCode: 'open', baseData: 'open', paper: 'open' },
    });
  });

  it('falls back to the MOT distribution license when no weights license is recorded', () => {
    expect(model(motRow({ weights_license: '', mot_distribution_license: 'MIT' })).licenseString).toBe('MIT');
  });
});

describe('license declaration', () => {
  it.each([
    ['Apache-2.0', { license: 'apache-2.0' }],
    ['mit', { license: 'mit' }],
    ['CC-BY-NC-4.0', { license: 'cc-by-nc-4.0' }],
    ['Apache 2.0', { license: 'other', license_name: 'Apache 2.0' }],
    [
      'Llama 3.1 Community License Agreement',
      { license: 'other', license_name: 'Llama 3.1 Community License Agreement' },
    ],
    ['not included', {}],
    ['unlicensed', {}],
    [null, {}],
  ])('%s → %j', (value, expected) => {
    expect(licenseDeclaration(value, LICENSE_MAP)).toEqual(expected);
  });

  it.each([
    ['Apache-2.0', true],
    ['Custom license', true],
    ['', false],
    ['Component Component not included', false],
    ['Component not include.', false],
    ['Unknown (Apache-2.0?)', false],
    ['Unclear', false],
    ['N/A', false],
    ['Purposely left ambiguous', false],
    ['Other License', false],
  ])('license known: %s → %s', (value, known) => {
    expect(isLicenseKnown(value)).toBe(known);
  });

  it.each([
    ['Apache-2.0', false],
    ['Apache-2.0 OR MIT', false],
    ['LicenseRef-custom', false],
    ['Apache 2.0', true],
    ['BSD', true],
    ['apache-2.0', true],
  ])('free text: %s → %s', (value, expected) => {
    expect(isFreeTextLicense(value)).toBe(expected);
  });
});

describe('buildReferenceRecord', () => {
  it('writes the MOT components as the hub fields that would show them', () => {
    const record = buildReferenceRecord(model(motRow({ mot_components_included: ALL_COMPONENTS })), LICENSE_MAP);
    expect(record).toMatchObject({
      id: 'acme/model',
      gated: false,
      tags: ['arxiv:0000.00000'],
      siblings: [{ rfilename: 'README.md' }, { rfilename: 'config.json' }, { rfilename: 'model.safetensors' }],
      cardData: {
        license: 'apache-2.0',
        repository: expect.stringContaining('://') as unknown,
        training_code: expect.stringContaining('://') as unknown,
        datasets: [expect.any(String)],
        'model-index': [{ results: [expect.any(Object)] }],
      },
    });
  });

  it('lists no weight file when MOT says the final parameters are not included', () => {
    const record = buildReferenceRecord(model(motRow({ mot_components_included: '1/17: Model card' })), LICENSE_MAP);
    expect(record.siblings).toEqual([{ rfilename: 'README.md' }]);
    expect(classifyHuggingFace(record).weights.availability).toBe('UNRELEASED');
  });

  it.each([
    ['open', [{ rfilename: 'model.safetensors' }, { rfilename: 'README.md' }], false],
    ['partial', [{ rfilename: 'model.safetensors' }, { rfilename: 'README.md' }], 'manual'],
    ['closed', [{ rfilename: 'README.md' }], false],
    ['', undefined, false],
  ])('writes Index weights %s as siblings %j, gated %s', (weights, siblings, gated) => {
    const record = buildReferenceRecord(model(osaiRow({ osai_weights: weights })), LICENSE_MAP);
    expect(record.siblings).toEqual(siblings);
    expect(record.gated).toBe(gated);
  });
});

describe('our verdicts in the experts’ terms', () => {
  it.each([
    ['Apache-2.0', 'open'],
    ['Apache 2.0', 'open'],
    ['CC-BY-NC-4.0', 'closed'],
    ['Llama 3.1 Community License Agreement', 'closed'],
    ['Unclear', 'closed'],
  ])('license %s → %s', (license, grade) => {
    expect(ourLicenseGrade(classify(model(osaiRow({ weights_license: license }))))).toBe(grade);
  });

  it.each([
    ['open weights', { siblings: [{ rfilename: 'model.safetensors' }], gated: false }, 'open'],
    ['a click-through gate', { siblings: [{ rfilename: 'model.safetensors' }], gated: 'auto' }, 'partial'],
    ['a manual gate', { siblings: [{ rfilename: 'model.safetensors' }], gated: 'manual' }, 'partial'],
    ['no weight file', { siblings: [{ rfilename: 'README.md' }], gated: false }, 'closed'],
    ['no file list, ungated', { gated: false }, 'open'],
    ['no file list, gated', { gated: 'manual' }, 'partial'],
  ])('weights with %s → %s', (_name, record, grade) => {
    expect(ourWeightsGrade(classifyHuggingFace({ id: 'a/b', cardData: { license: 'mit' }, ...record }))).toBe(grade);
  });
});

describe('mergeHubResponse', () => {
  it('replaces the fields the response carries and records which', () => {
    const { record, origin } = mergeHubResponse(
      { id: 'a/b', cardData: { license: 'mit' }, gated: false },
      { _id: 'x', id: 'a/B', gated: 'manual', inferenceProviderMapping: {} },
    );
    expect(record).toEqual({
      id: 'a/B',
      _id: 'x',
      cardData: { license: 'mit' },
      gated: 'manual',
      inferenceProviderMapping: {},
    });
    expect(origin.hubFields).toEqual(['gated', 'inferenceProviderMapping']);
  });

  it('keeps the reference record when there is no response', () => {
    expect(mergeHubResponse({ id: 'a/b' }, undefined)).toEqual({ record: { id: 'a/b' }, origin: { hubFields: [] } });
  });
});

describe('reasonForLicense', () => {
  it('1. MOT rejects a free-text open license string → expert-free-text-license', () => {
    const m = model(motRow({ weights_license: 'Apache 2.0', mot_weights_license_is_open: 'false' }));
    expect(reasonForLicense(m, false, classify(m), REFERENCE_ONLY, NO_CONTEXT)).toMatchObject({
      reason: 'expert-free-text-license',
      detail: expect.stringContaining('Apache-2.0 (PERMISSIVE)') as unknown,
    });
  });

  it('2. a recorded hub response declares a license where the expert recorded none → expert-data-inconsistent', () => {
    const m = model(motRow({ weights_license: 'Component not included', mot_weights_license_is_open: 'false' }));
    const { record, origin } = mergeHubResponse(buildReferenceRecord(m, LICENSE_MAP), {
      id: 'acme/model',
      cardData: { license: 'mit' },
    });
    expect(reasonForLicense(m, false, classifyHuggingFace(record), origin, NO_CONTEXT).reason).toBe(
      'expert-data-inconsistent',
    );
  });

  it('2. a recorded hub response declares another license than the expert judged → metadata-cannot-tell', () => {
    const m = model(motRow({ weights_license: 'CC-BY-NC-4.0', mot_weights_license_is_open: 'false' }));
    const { record, origin } = mergeHubResponse(buildReferenceRecord(m, LICENSE_MAP), {
      id: 'acme/model',
      cardData: { license: 'mit' },
    });
    expect(reasonForLicense(m, false, classifyHuggingFace(record), origin, NO_CONTEXT).reason).toBe(
      'metadata-cannot-tell',
    );
  });

  it('3. the expert recorded no license → metadata-cannot-tell', () => {
    const m = model(osaiRow({ weights_license: 'Unknown' }));
    expect(reasonForLicense(m, true, classify(m), REFERENCE_ONLY, NO_CONTEXT).reason).toBe('metadata-cannot-tell');
  });

  it('4. the Index grades the license open but its training code closed → expert-data-inconsistent', () => {
    const m = model(osaiRow({ weights_license: 'Falcon LLM License', osai_code: 'closed' }));
    expect(reasonForLicense(m, true, classify(m), REFERENCE_ONLY, NO_CONTEXT)).toMatchObject({
      reason: 'expert-data-inconsistent',
      detail: expect.stringContaining('training code') as unknown,
    });
  });

  it('4. the Index grades open a license the reference map calls not open → expert-data-inconsistent', () => {
    const m = model(osaiRow({ weights_license: 'CC-BY-NC-4.0' }));
    expect(reasonForLicense(m, true, classify(m), REFERENCE_ONLY, NO_CONTEXT)).toMatchObject({
      reason: 'expert-data-inconsistent',
      detail: expect.stringContaining('cc-by-nc-4.0') as unknown,
    });
  });

  it('5. the Index grades closed with code or data not open, the model license is open → metadata-cannot-tell', () => {
    const m = model(osaiRow({ weights_license: 'MIT', osai_license: 'closed', osai_code: 'closed' }));
    expect(reasonForLicense(m, false, classify(m), REFERENCE_ONLY, NO_CONTEXT).reason).toBe('metadata-cannot-tell');
  });

  it('6. another expert record of the same repo judges as we do → expert-data-inconsistent', () => {
    const index = model(osaiRow({ hf_repo_id: 'acme/model', weights_license: 'MIT', osai_license: 'closed' }));
    const mot = model(motRow({ weights_license: 'MIT' }));
    const context = { verdicts: licenseVerdicts([index, mot]), hfLicenseIds: LICENSE_MAP };
    expect(reasonForLicense(index, false, classify(index), REFERENCE_ONLY, context)).toMatchObject({
      reason: 'expert-data-inconsistent',
      detail: expect.stringContaining('mot:Model') as unknown,
    });
  });

  it('7. otherwise → our-error', () => {
    const m = model(osaiRow({ weights_license: 'Falcon LLM License' }));
    expect(reasonForLicense(m, true, classify(m), REFERENCE_ONLY, NO_CONTEXT).reason).toBe('our-error');
  });
});

describe('reasonForMofClass', () => {
  const mot = (overrides: Partial<MotVerdicts>): MotVerdicts => ({
    mofClass: 'CLASS_I',
    weightsLicenseIsOpen: true,
    components: parseComponentList(ALL_COMPONENTS),
    nonOpenLicenseStrings: [],
    ...overrides,
  });

  it('lists the required components by class', () => {
    expect(requiredComponents('CLASS_III')).toHaveLength(6);
    expect(requiredComponents('CLASS_II')).toHaveLength(10);
    expect(requiredComponents('CLASS_I')).toHaveLength(14);
    expect(requiredComponents('NONE')).toEqual([]);
  });

  it('1. MOT higher on components a hub record cannot show → metadata-cannot-tell', () => {
    const m = model(motRow({ mof_class: 'Class I', mot_components_included: ALL_COMPONENTS }));
    const result = classify(m);
    expect(result.mofClass).toBe('CLASS_III');
    expect(reasonForMofClass(mot({}), result)).toMatchObject({
      reason: 'metadata-cannot-tell',
      detail: expect.stringContaining('Evaluation code') as unknown,
    });
  });

  it('1. not when we miss a component the record could show', () => {
    const m = model(motRow({ mot_components_included: '2/17: Model architecture, Model parameters (Final)' }));
    expect(reasonForMofClass(mot({ mofClass: 'CLASS_III' }), classify(m)).reason).toBe('our-error');
  });

  it('2. ours higher, MOT failed a component on a free-text open license → expert-free-text-license', () => {
    const m = model(motRow({ mot_components_included: ALL_COMPONENTS }));
    expect(
      reasonForMofClass(mot({ mofClass: 'NONE', nonOpenLicenseStrings: ['Apache 2.0'] }), classify(m)).reason,
    ).toBe('expert-free-text-license');
  });

  it('2. ours higher, MOT failed a component on its own license → metadata-cannot-tell', () => {
    const m = model(motRow({ mot_components_included: ALL_COMPONENTS }));
    expect(
      reasonForMofClass(mot({ mofClass: 'NONE', nonOpenLicenseStrings: ['arxiv-non-excluse-1.0'] }), classify(m)),
    ).toMatchObject({ reason: 'metadata-cannot-tell', detail: expect.stringContaining('arxiv') as unknown });
  });

  it('3. ours higher while MOT misses a Class III component → our-error', () => {
    const m = model(motRow({ mot_components_included: ALL_COMPONENTS }));
    const components = parseComponentList(ALL_COMPONENTS);
    components.delete('Data card');
    expect(reasonForMofClass(mot({ mofClass: 'NONE', components }), classify(m)).reason).toBe('our-error');
  });
});

describe('reasonForWeights', () => {
  const result = classifyHuggingFace({ id: 'a/b', siblings: [{ rfilename: 'model.safetensors' }], gated: false });

  it('a hub response with weight files the Index calls not shared → expert-data-inconsistent', () => {
    expect(reasonForWeights('closed', 'open', result, { hubFields: ['siblings'] }).reason).toBe(
      'expert-data-inconsistent',
    );
  });

  it('a hub response without a gate the Index calls partial → metadata-cannot-tell', () => {
    expect(reasonForWeights('partial', 'open', result, { hubFields: ['gated', 'siblings'] }).reason).toBe(
      'metadata-cannot-tell',
    );
  });

  it('otherwise → our-error', () => {
    expect(reasonForWeights('partial', 'open', result, REFERENCE_ONLY).reason).toBe('our-error');
  });
});

describe('runOpennessEval', () => {
  const rows = [
    motRow({ model_name: 'Open', hf_repo_id: 'acme/open' }),
    motRow({
      model_name: 'Free text',
      hf_repo_id: 'acme/free',
      weights_license: 'BSD',
      mot_weights_license_is_open: 'false',
      mof_class: 'none',
      mot_components_included: '1/17: Model card',
    }),
    motRow({
      model_name: 'No license',
      hf_repo_id: 'acme/none',
      weights_license: 'unlicensed',
      mot_weights_license_is_open: 'false',
      mof_class: 'none',
    }),
    osaiRow({ model_name: 'Index open', hf_repo_id: 'acme/open' }),
    osaiRow({
      model_name: 'Index partial',
      hf_repo_id: 'acme/partial',
      osai_license: 'partial',
      osai_weights: 'partial',
    }),
    osaiRow({
      model_name: 'Index closed',
      hf_repo_id: 'acme/closed',
      weights_license: 'Apache-2.0',
      osai_license: 'closed',
      osai_code: 'closed',
    }),
  ];
  const { models, withoutRepoId } = referenceModelsFromRows([...rows, motRow({ hf_repo_id: '' })]);
  const input: EvalInput = {
    models,
    withoutRepoId,
    hfLicenseIds: LICENSE_MAP,
    hubResponses: new Map([['acme/open', { id: 'acme/open', gated: false }]]),
  };
  const report = runOpennessEval(input);

  it('classifies every reference model, taking fields from a recorded hub response where there is one', () => {
    expect(report.evaluated).toHaveLength(6);
    expect(report.evaluated.filter((entry) => entry.origin.hubFields.length > 0).map((e) => e.model.name)).toEqual([
      'Open',
      'Index open',
    ]);
  });

  it('computes the figures: raw, with free text explained, not comparable', () => {
    const f = figures(report);
    expect(f.licenseVsMot).toMatchObject({ agreed: 1, total: 2, agreedOrExplained: 2 });
    expect(f.licenseVsMotAll).toMatchObject({ agreed: 2, total: 3 });
    expect(f.licenseVsOsai).toMatchObject({ agreed: 1, total: 2, notComparable: 1 });
    expect(f.licenseVsOsai.byReason['metadata-cannot-tell']).toBe(1);
    expect(f.mofClassVsMot).toMatchObject({ agreed: 3, total: 3 });
    expect(f.weightsVsOsai).toMatchObject({ agreed: 3, total: 3 });
  });

  it('prints percentages with counts and says which figure is which', () => {
    const text = formatReport(report);
    expect(text).toContain('license openness vs MOT: 50.0% (1/2) raw; 100.0% (2/2) explained — met (target 95%)');
    expect(text).toContain('license openness vs Index license grade: 50.0% (1/2) raw');
    expect(text).toContain('1 partial grades not comparable');
    expect(text).toContain('MOF class vs MOT: 100.0% (3/3)');
    expect(text).toContain('1 rows without one skipped');
  });

  it('writes one CSV row per disagreement with its reason', () => {
    const { header, records } = parseCsvRecords(disagreementsCsv(report));
    expect(header[0]).toBe('comparison');
    expect(records.map((r) => [r.comparison, r.reason, r.model_name, r.record])).toEqual([
      ['license-vs-mot', 'expert-free-text-license', 'Free text', 'reference-data'],
      ['license-vs-osai', 'metadata-cannot-tell', 'Index closed', 'reference-data'],
    ]);
  });
});
