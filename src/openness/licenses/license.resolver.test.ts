import { describe, expect, it } from 'vitest';
import type { LicenseCategory } from '../types.js';
import { knownLicenses, resolveLicense, resolveLicenseText, type LicenseInput } from './index.js';

const REF_ID = /^LicenseRef-[A-Za-z0-9.-]+$/;

function buildInput(overrides: Partial<LicenseInput> = {}): LicenseInput {
  return { hubLicense: 'apache-2.0', source: 'cardData.license', ...overrides };
}

type MessyRow = readonly [input: string, id: string, category: LicenseCategory, rule: string];

/**
 * Strings as real data writes them: the expert references' license columns, Hugging Face
 * `license_name` values, and odd case and spacing.
 */
const MESSY_STRINGS: readonly MessyRow[] = [
  ['Apache 2.0', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['apache license, version 2.0', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['  APACHE   LICENSE 2.0 ', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['Apache 2.0 (model weights only)', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['Apache-2', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['MIT license', 'MIT', 'PERMISSIVE', 'license.alias'],
  ['The MIT License (MIT)', 'MIT', 'PERMISSIVE', 'license.alias'],
  ['mit', 'MIT', 'PERMISSIVE', 'license.hf-id'],
  ['MIT', 'MIT', 'PERMISSIVE', 'license.spdx'],
  ['Llama 3.1 Community License Agreement', 'LicenseRef-llama3.1', 'COMMUNITY', 'license.alias'],
  ['Meta Llama 3 Community License', 'LicenseRef-llama3', 'COMMUNITY', 'license.alias'],
  ['llama-2-community-license', 'LicenseRef-llama2', 'COMMUNITY', 'license.alias'],
  ['Llama 2 Community License Agreement (not OSI-approved)', 'LicenseRef-llama2', 'COMMUNITY', 'license.alias'],
  ['LLaMA license agreement', 'LicenseRef-llama-license', 'NON_COMMERCIAL', 'license.alias'],
  ['BAAI Aquila Model License', 'LicenseRef-baai-aquila-model-license', 'COMMUNITY', 'license.alias'],
  ['BAAI Aquila Model Licence Agreement', 'LicenseRef-baai-aquila-model-license', 'COMMUNITY', 'license.alias'],
  ['cc-by-nc-sa-4.0', 'CC-BY-NC-SA-4.0', 'NON_COMMERCIAL', 'license.hf-id'],
  ['CC-BY-NC-SA-4.0', 'CC-BY-NC-SA-4.0', 'NON_COMMERCIAL', 'license.spdx'],
  ['CC BY-NC 4.0', 'CC-BY-NC-4.0', 'NON_COMMERCIAL', 'license.alias'],
  ['CC BY-NC 4.0 license', 'CC-BY-NC-4.0', 'NON_COMMERCIAL', 'license.alias'],
  ['Attribution-NonCommercial-ShareAlike 4.0 International', 'CC-BY-NC-SA-4.0', 'NON_COMMERCIAL', 'license.alias'],
  ['CC-By-SA-3.0', 'CC-BY-SA-3.0', 'COPYLEFT', 'license.spdx'],
  ['CC-BY-ND', 'LicenseRef-cc-by-nd', 'NO_DERIVATIVES', 'license.alias'],
  ['CC-BY-NC-ND', 'LicenseRef-cc-by-nc-nd', 'NON_COMMERCIAL', 'license.alias'],
  ['CC0', 'CC0-1.0', 'PUBLIC_DOMAIN', 'license.alias'],
  ['GPLv3', 'GPL-3.0-only', 'COPYLEFT', 'license.alias'],
  ['GNU General Public License v3.0', 'GPL-3.0-only', 'COPYLEFT', 'license.alias'],
  ['GPL-3.0', 'GPL-3.0-only', 'COPYLEFT', 'license.spdx'],
  ['GPL-2.0+', 'GPL-2.0-or-later', 'COPYLEFT', 'license.spdx'],
  ['LGPLv2.1', 'LGPL-2.1-only', 'COPYLEFT', 'license.alias'],
  ['BSD 3-Clause', 'BSD-3-Clause', 'PERMISSIVE', 'license.alias'],
  ['BSD', 'LicenseRef-bsd', 'PERMISSIVE', 'license.family-unpinned'],
  ['Mozilla Public License 2.0', 'MPL-2.0', 'COPYLEFT', 'license.alias'],
  ['Apache-2.0 OR MIT', 'Apache-2.0 OR MIT', 'PERMISSIVE', 'license.spdx-expression'],
  ['apache-2.0 or mit', 'Apache-2.0 OR MIT', 'PERMISSIVE', 'license.spdx-expression'],
  ['MIT AND CC-BY-NC-4.0', 'MIT AND CC-BY-NC-4.0', 'NON_COMMERCIAL', 'license.spdx-expression'],
  [
    'MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)',
    'MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)',
    'PERMISSIVE',
    'license.spdx-expression',
  ],
  ['CC-BY-NC-4.0 OR llama3.1', 'CC-BY-NC-4.0 OR LicenseRef-llama3.1', 'COMMUNITY', 'license.spdx-expression'],
  [
    'GPL-2.0-only WITH Classpath-exception-2.0',
    'GPL-2.0-only WITH Classpath-exception-2.0',
    'COPYLEFT',
    'license.spdx-expression',
  ],
  ['Apache-2.0/MIT', 'Apache-2.0 OR MIT', 'PERMISSIVE', 'license.compound-text'],
  [
    'Apache 2.0 and RAIL (responsible AI license)',
    'Apache-2.0 AND LicenseRef-rail',
    'OPEN_RAIL',
    'license.compound-text',
  ],
  [
    'Meta Community license, CC-BY-NC 4.0',
    'LicenseRef-llama-community AND CC-BY-NC-4.0',
    'NON_COMMERCIAL',
    'license.compound-text',
  ],
  [
    'Apache 2.0 and bespoke Yi Series Community License Agreement 2.1',
    'Apache-2.0 AND LicenseRef-yi-license',
    'COMMUNITY',
    'license.compound-text',
  ],
  [
    'Apache 2.0 and bespoke community license',
    'Apache-2.0 AND LicenseRef-bespoke-community',
    'COMMUNITY',
    'license.compound-text',
  ],
  [
    'Apache-2.0 and bespoke community license',
    'Apache-2.0 AND LicenseRef-bespoke-community',
    'COMMUNITY',
    'license.compound-text',
  ],
  [
    '  APACHE-2.0   AND  Bespoke Community License ',
    'Apache-2.0 AND LicenseRef-bespoke-community',
    'COMMUNITY',
    'license.compound-text',
  ],
  [
    'apache 2.0 and bespoke-community-license',
    'Apache-2.0 AND LicenseRef-bespoke-community',
    'COMMUNITY',
    'license.compound-text',
  ],
  ['Bespoke community license', 'LicenseRef-bespoke-community', 'COMMUNITY', 'license.alias'],
  ['Community License Agreement', 'LicenseRef-bespoke-community', 'COMMUNITY', 'license.alias'],
  [
    'Meta Community License and AI2 Impact license',
    'LicenseRef-llama-community AND LicenseRef-ai2-impact',
    'COMMUNITY',
    'license.compound-text',
  ],
  [
    'CC-BY-SA-4.0 and Apache-2.0 and BigCode OpenRAIL-M v1 license agreement',
    'CC-BY-SA-4.0 AND Apache-2.0 AND LicenseRef-bigcode-openrail-m',
    'OPEN_RAIL',
    'license.compound-text',
  ],
  [
    'Apache-2.0 OR some vendor terms',
    'Apache-2.0 OR LicenseRef-some-vendor-terms',
    'PERMISSIVE',
    'license.compound-text',
  ],
  ['CreativeML Open RAIL++-M License', 'LicenseRef-openrail-pp', 'OPEN_RAIL', 'license.alias'],
  ['CreativeML Open RAIL-M', 'LicenseRef-creativeml-openrail-m', 'OPEN_RAIL', 'license.alias'],
  ['BigScience-BLOOM-RAIL-1.0', 'LicenseRef-bigscience-bloom-rail-1.0', 'OPEN_RAIL', 'license.alias'],
  ['OpenRAIL', 'LicenseRef-openrail', 'OPEN_RAIL', 'license.family-unpinned'],
  ['Gemma Terms of Use', 'LicenseRef-gemma', 'COMMUNITY', 'license.alias'],
  ['tongyi-qianwen', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.alias'],
  ['Qianwen License', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.alias'],
  ['DeepSeek License Agreement', 'LicenseRef-deepseek', 'COMMUNITY', 'license.alias'],
  ['nvidia-open-model-license', 'LicenseRef-nvidia-open-model-license', 'COMMUNITY', 'license.alias'],
  ['falcon-llm-license', 'LicenseRef-falcon-llm-license', 'COMMUNITY', 'license.alias'],
  [' Falcon-180B TII License', 'LicenseRef-falcon-180b-tii-license', 'COMMUNITY', 'license.alias'],
  ['xAI Community License Agreement', 'LicenseRef-grok2-community', 'COMMUNITY', 'license.alias'],
  ['Stability AI Community License', 'LicenseRef-stabilityai-community', 'COMMUNITY', 'license.alias'],
  ['Modified MIT License', 'LicenseRef-modified-mit', 'COMMUNITY', 'license.alias'],
  ['Apple Sample Code License', 'LicenseRef-apple-ascl', 'COMMUNITY', 'license.alias'],
  [
    'FAIR Noncommercial Research License v1',
    'LicenseRef-fair-noncommercial-research-license',
    'NON_COMMERCIAL',
    'license.alias',
  ],
  [
    'FLUX.1 [dev] Non-Commercial License',
    'LicenseRef-flux.1-dev-non-commercial-license',
    'NON_COMMERCIAL',
    'license.keyword',
  ],
  ['Research purposes only', 'LicenseRef-research-purposes-only', 'NON_COMMERCIAL', 'license.keyword'],
  [
    'CC-BY-NC-4.0 and C4AI acceptable use policy',
    'LicenseRef-cc-by-nc-4.0-and-c4ai-acceptable-use-policy',
    'NON_COMMERCIAL',
    'license.keyword',
  ],
  ['AI2 ImpACT license', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['ai2 impact license', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['  AI2   IMPACT   LICENSE ', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['AI2-ImpACT-License', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['ai2_impact_license', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['AI2 ImpACT License Agreement', 'LicenseRef-ai2-impact', 'OPEN_RAIL', 'license.alias'],
  ['AI2 ImpACT Low-risk license', 'LicenseRef-ai2-impact-lr', 'OPEN_RAIL', 'license.alias'],
  ['ai2-impact-license-medium-risk', 'LicenseRef-ai2-impact-mr', 'OPEN_RAIL', 'license.alias'],
  ['Proprietary', 'LicenseRef-proprietary', 'PROPRIETARY', 'license.alias'],
  ['proprietary license', 'LicenseRef-proprietary', 'PROPRIETARY', 'license.alias'],
  ['All rights reserved', 'LicenseRef-proprietary', 'PROPRIETARY', 'license.alias'],
  ['Proprietary - all rights reserved', 'LicenseRef-proprietary-all-rights-reserved', 'PROPRIETARY', 'license.keyword'],
  [
    'Copyright 2024 Acme Corp. All Rights Reserved.',
    'LicenseRef-copyright-2024-acme-corp.-all-rights-reserved',
    'PROPRIETARY',
    'license.keyword',
  ],
  ['Acme Proprietary Model License', 'LicenseRef-acme-proprietary-model-license', 'PROPRIETARY', 'license.keyword'],
  ['Apache Licene 2.0', 'Apache-2.0', 'PERMISSIVE', 'license.spdx-corrected'],
  ['unlicensed', 'NONE', 'UNSPECIFIED', 'license.none'],
  ['Unlicense', 'Unlicense', 'PUBLIC_DOMAIN', 'license.spdx'],
  ['not included', 'NONE', 'UNSPECIFIED', 'license.none'],
  ['', 'NONE', 'UNSPECIFIED', 'license.none'],
  ['   ', 'NONE', 'UNSPECIFIED', 'license.none'],
  ['Unknown', 'LicenseRef-unknown', 'UNKNOWN', 'license.alias'],
  ['Unknown (Apache-2.0?)', 'LicenseRef-unknown', 'UNKNOWN', 'license.alias'],
  ['Purposely left ambiguous', 'LicenseRef-unknown', 'UNKNOWN', 'license.alias'],
  ['Upstage Solar License', 'LicenseRef-upstage-solar-license', 'UNKNOWN', 'license.unresolved'],
  // A name known only in another script keeps an id of its own (a hash of the name), never a shared one.
  ['许可证', 'LicenseRef-u1c742bbb', 'UNKNOWN', 'license.unresolved'],
  ['某某模型许可协议', 'LicenseRef-uef4e1579', 'UNKNOWN', 'license.unresolved'],
  ['Acme 模型社区许可协议', 'LicenseRef-acme-ua6c1552d', 'UNKNOWN', 'license.unresolved'],
];

describe('resolveLicenseText: messy strings', () => {
  it('has at least 40 rows', () => {
    expect(MESSY_STRINGS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MESSY_STRINGS)('%j → %s (%s, %s)', (input, id, category, rule) => {
    const { license, evidence } = resolveLicenseText(input, 'weights_license');
    expect(license.id).toBe(id);
    expect(license.category).toBe(category);
    expect(license.hubValue).toBe(input);
    expect(evidence[0]).toMatchObject({ dimension: 'license', status: category, source: 'weights_license', rule });
  });

  it('never turns a modified or vendor license into the SPDX license it resembles', () => {
    expect(resolveLicenseText('Modified MIT', 's').license.id).toBe('LicenseRef-modified-mit');
    expect(resolveLicenseText('unlicensed', 's').license.id).not.toBe('Unlicense');
    expect(resolveLicenseText('MIT-based custom terms', 's').license).toMatchObject({
      id: 'LicenseRef-mit-based-custom-terms',
      category: 'UNKNOWN',
    });
  });

  it('keeps an unresolvable string verbatim, and builds a valid LicenseRef of at most 64 characters', () => {
    const text = 'Some Very Long Vendor Model License Agreement For Research And Commercial Evaluation v9';
    const { license } = resolveLicenseText(text, 's');
    expect(license.hubValue).toBe(text);
    expect(license.category).toBe('NON_COMMERCIAL'); // "research" is enough to rule out commercial use
    const unknown = resolveLicenseText('Zorblax Open Weights Terms ++ v0.X!', 's').license;
    expect(unknown).toMatchObject({
      category: 'UNKNOWN',
      commercialUse: 'UNKNOWN',
      hubValue: 'Zorblax Open Weights Terms ++ v0.X!',
    });
    expect(unknown.id).toMatch(REF_ID);
    expect(unknown.id.length).toBeLessThanOrEqual('LicenseRef-'.length + 64);
  });

  it('combines: an OR takes the most permissive alternative, an AND the most restrictive part', () => {
    const or = resolveLicenseText('CC-BY-NC-4.0 OR Apache-2.0', 's').license;
    expect(or).toMatchObject({ category: 'PERMISSIVE', commercialUse: 'ALLOWED', osiApproved: true, url: null });
    const and = resolveLicenseText('Apache-2.0 AND CC-BY-NC-4.0', 's').license;
    expect(and).toMatchObject({ category: 'NON_COMMERCIAL', commercialUse: 'PROHIBITED', osiApproved: false });
    expect(and.name).toBe('Apache License 2.0 AND Creative Commons Attribution Non Commercial 4.0 International');
  });

  it('resolves the AI2 ImpACT family named without a risk tier as use-restricted (OPEN_RAIL)', () => {
    const { license } = resolveLicenseText('AI2 ImpACT license', 's');
    expect(license).toMatchObject({
      id: 'LicenseRef-ai2-impact',
      url: 'https://allenai.org/impact-license',
      category: 'OPEN_RAIL',
      commercialUse: 'CONDITIONAL',
      osiApproved: false,
      hubValue: 'AI2 ImpACT license',
    });
    expect(license.name).toMatch(/^AI2 ImpACT License/);
    const byName = resolveLicense(buildInput({ hubLicense: 'other', licenseName: 'ai2-impact-license' }));
    expect(byName.license).toMatchObject({ id: 'LicenseRef-ai2-impact', hubValue: 'other' });
    expect(byName.evidence[0]?.rule).toBe('license.other-name');
    const byLink = resolveLicense(
      buildInput({ hubLicense: 'other', licenseLink: 'https://allenai.org/impact-license' }),
    );
    expect(byLink.license.id).toBe('LicenseRef-ai2-impact');
  });

  it('splits Apache 2.0 and a bespoke community license into an AND as restrictive as the community part', () => {
    for (const text of ['Apache 2.0 and bespoke community license', 'Apache-2.0 and bespoke community license']) {
      const { license, evidence } = resolveLicenseText(text, 'weights_license');
      expect(license).toMatchObject({
        id: 'Apache-2.0 AND LicenseRef-bespoke-community',
        category: 'COMMUNITY',
        commercialUse: 'CONDITIONAL',
        osiApproved: false,
        url: null,
        hubValue: text,
      });
      expect(evidence.map((e) => [e.value, e.status, e.rule])).toEqual([
        [text, 'COMMUNITY', 'license.compound-text'],
        [text.split(' and ')[0], 'PERMISSIVE', expect.stringMatching(/^license\.(alias|spdx)$/)],
        ['bespoke community license', 'COMMUNITY', 'license.alias'],
      ]);
    }
    const hub = resolveLicense(buildInput({ hubLicense: 'Apache-2.0 and bespoke community license' })).license;
    expect(hub).toMatchObject({
      id: 'Apache-2.0 AND LicenseRef-bespoke-community',
      commercialUse: 'CONDITIONAL',
      hubValue: 'Apache-2.0 and bespoke community license',
    });
  });

  it('cuts long evidence values at 200 characters with an ellipsis, and never throws on huge input', () => {
    const huge = `Apache ${'x'.repeat(100_000)}\u0000\uFFFD`;
    const { license, evidence } = resolveLicenseText(huge, 's');
    expect(license.category).toBe('UNKNOWN');
    expect(evidence[0]?.value).toHaveLength(200);
    expect(evidence[0]?.value?.endsWith('…')).toBe(true);
    expect(license.id).toMatch(REF_ID);
  });
});

/** License names as ModelScope and Chinese model cards write them. */
const CHINESE_NAMES: readonly MessyRow[] = [
  ['通义千问许可协议', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.alias'],
  ['通义千问 许可协议', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.alias'],
  ['Tongyi Qianwen 许可协议', 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.alias'],
  ['通义千问研究许可协议', 'LicenseRef-qwen-research', 'NON_COMMERCIAL', 'license.alias'],
  ['百川模型社区许可协议', 'LicenseRef-baichuan', 'COMMUNITY', 'license.alias'],
  ['Baichuan 2 模型社区许可协议', 'LicenseRef-baichuan', 'COMMUNITY', 'license.alias'],
  ['DeepSeek 模型许可协议', 'LicenseRef-deepseek', 'COMMUNITY', 'license.alias'],
  ['腾讯混元社区许可协议', 'LicenseRef-tencent-hunyuan-community', 'COMMUNITY', 'license.alias'],
  // An English license with Chinese words around it is still that license.
  ['Apache License 2.0 许可证', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['Apache License 2.0 中文版', 'Apache-2.0', 'PERMISSIVE', 'license.alias'],
  ['ＭＩＴ 协议', 'MIT', 'PERMISSIVE', 'license.alias'],
  // Unknown names that say "non-commercial" or "research only" in Chinese.
  ['某某模型非商业许可协议', 'NON_COMMERCIAL', 'NON_COMMERCIAL', 'license.keyword'],
  ['仅供研究使用', 'NON_COMMERCIAL', 'NON_COMMERCIAL', 'license.keyword'],
  ['某公司专有许可', 'PROPRIETARY', 'PROPRIETARY', 'license.keyword'],
];

describe('resolveLicenseText: Chinese names', () => {
  it.each(CHINESE_NAMES)('%j → %s (%s, %s)', (input, id, category, rule) => {
    const { license, evidence } = resolveLicenseText(input, 'license');
    if (rule === 'license.keyword') {
      // No license is named: the id is the name's own LicenseRef, the category comes from its words.
      expect(license.id).toMatch(REF_ID);
    } else {
      expect(license.id).toBe(id);
    }
    expect(license.category).toBe(category);
    expect(evidence[0]).toMatchObject({ status: category, rule });
  });

  it('does not take a Chinese name it does not know for a license it resembles', () => {
    expect(resolveLicenseText('某某模型许可协议', 'license').license.category).toBe('UNKNOWN');
    expect(resolveLicenseText('千问之外的协议', 'license').license.category).toBe('UNKNOWN');
  });

  it('reads 其他 and 未知 as the hub words other and unknown', () => {
    const other = resolveLicense(buildInput({ hubLicense: '其他', licenseName: '通义千问许可协议' }));
    expect(other.license).toMatchObject({ id: 'LicenseRef-tongyi-qianwen', hubValue: '其他' });
    const unknown = resolveLicense(buildInput({ hubLicense: '未知' }));
    expect(unknown.license.category).toBe('UNKNOWN');
    expect(unknown.license.hubValue).toBe('未知');
  });
});

describe('resolveLicense: hub values', () => {
  type HubRow = readonly [
    label: string,
    hubLicense: unknown,
    id: string,
    category: LicenseCategory,
    rule: string,
    hubValue: string | null,
  ];
  const HUB_VALUES: readonly HubRow[] = [
    [
      'a list behaves like OR',
      ['apache-2.0', 'cc-by-nc-4.0'],
      'Apache-2.0 OR CC-BY-NC-4.0',
      'PERMISSIVE',
      'license.list',
      'apache-2.0, cc-by-nc-4.0',
    ],
    ['a list of one', ['mit'], 'MIT', 'PERMISSIVE', 'license.hf-id', 'mit'],
    ['a list with a duplicate', ['mit', 'mit'], 'MIT', 'PERMISSIVE', 'license.list', 'mit, mit'],
    ['an empty list', [], 'NONE', 'UNSPECIFIED', 'license.none', ''],
    ['null', null, 'NONE', 'UNSPECIFIED', 'license.none', null],
    ['missing', undefined, 'NONE', 'UNSPECIFIED', 'license.none', null],
    ['an empty string', '', 'NONE', 'UNSPECIFIED', 'license.none', ''],
    ['a number', 42, 'LicenseRef-invalid-type', 'UNKNOWN', 'license.invalid-type', '42'],
    ['a boolean', true, 'LicenseRef-invalid-type', 'UNKNOWN', 'license.invalid-type', 'true'],
    ['an object', { id: 'mit' }, 'LicenseRef-invalid-type', 'UNKNOWN', 'license.invalid-type', '{"id":"mit"}'],
    ['a list with a number', ['mit', 3], 'LicenseRef-invalid-type', 'UNKNOWN', 'license.invalid-type', '["mit",3]'],
    ['an unknown id from another hub', 'Apache 2.0', 'Apache-2.0', 'PERMISSIVE', 'license.alias', 'Apache 2.0'],
    ['an SPDX id in its own case', 'MIT', 'MIT', 'PERMISSIVE', 'license.spdx', 'MIT'],
    ['an HF id with stray spaces', ' llama3 ', 'LicenseRef-llama3', 'COMMUNITY', 'license.hf-id', ' llama3 '],
    ['HF unknown', 'unknown', 'LicenseRef-unknown', 'UNKNOWN', 'license.hf-id', 'unknown'],
    ['other without a name', 'other', 'LicenseRef-other', 'UNKNOWN', 'license.unresolved', 'other'],
  ];

  it.each(HUB_VALUES)('%s', (_label, hubLicense, id, category, rule, hubValue) => {
    const { license, evidence } = resolveLicense(buildInput({ hubLicense }));
    expect(license).toMatchObject({ id, category, hubValue });
    expect(evidence[0]?.rule).toBe(rule);
  });

  it('survives values that cannot be printed', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(resolveLicense(buildInput({ hubLicense: cyclic })).license.category).toBe('UNKNOWN');
    expect(resolveLicense(buildInput({ hubLicense: 10n })).license.hubValue).toBe('10');
    expect(resolveLicense(buildInput({ hubLicense: Symbol('x') })).license.category).toBe('UNKNOWN');
  });

  it('gives one evidence item per list element after the deciding one', () => {
    const { evidence } = resolveLicense(buildInput({ hubLicense: ['apache-2.0', 'llama3'] }));
    expect(evidence.map((e) => [e.source, e.value, e.rule])).toEqual([
      ['cardData.license', 'apache-2.0, llama3', 'license.list'],
      ['cardData.license[0]', 'apache-2.0', 'license.hf-id'],
      ['cardData.license[1]', 'llama3', 'license.hf-id'],
    ]);
  });
});

describe('resolveLicense: license other', () => {
  type OtherRow = readonly [
    licenseName: unknown,
    licenseLink: unknown,
    id: string,
    category: LicenseCategory,
    rule: string,
  ];
  const OTHER: readonly OtherRow[] = [
    ['tongyi-qianwen', undefined, 'LicenseRef-tongyi-qianwen', 'COMMUNITY', 'license.other-name'],
    ['tongyi-qianwen-research', undefined, 'LicenseRef-qwen-research', 'NON_COMMERCIAL', 'license.other-name'],
    ['deepseek', undefined, 'LicenseRef-deepseek', 'COMMUNITY', 'license.other-name'],
    ['deepseek-license', 'LICENSE', 'LicenseRef-deepseek', 'COMMUNITY', 'license.other-name'],
    ['nvidia-open-model-license', undefined, 'LicenseRef-nvidia-open-model-license', 'COMMUNITY', 'license.other-name'],
    ['falcon-llm-license', undefined, 'LicenseRef-falcon-llm-license', 'COMMUNITY', 'license.other-name'],
    ['stabilityai-ai-community', undefined, 'LicenseRef-stabilityai-community', 'COMMUNITY', 'license.other-name'],
    [
      'llama-2-community-license',
      'https://ai.meta.com/llama/license/',
      'LicenseRef-llama2',
      'COMMUNITY',
      'license.other-name',
    ],
    [
      'llama-license',
      'https://huggingface.co/huggyllama/llama-7b/blob/main/LICENSE',
      'LicenseRef-llama-license',
      'NON_COMMERCIAL',
      'license.other-name',
    ],
    [
      'flux-1-dev-non-commercial-license',
      undefined,
      'LicenseRef-flux-1-dev-non-commercial-license',
      'NON_COMMERCIAL',
      'license.keyword',
    ],
    ['cc-by-nc-4.0', undefined, 'CC-BY-NC-4.0', 'NON_COMMERCIAL', 'license.other-name'],
    [undefined, 'https://llama.meta.com/llama3/license/', 'LicenseRef-llama3', 'COMMUNITY', 'license.other-link'],
    [
      undefined,
      'https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE',
      'LicenseRef-llama3.1',
      'COMMUNITY',
      'license.other-link',
    ],
    [undefined, 'https://www.apache.org/licenses/LICENSE-2.0', 'Apache-2.0', 'PERMISSIVE', 'license.other-link'],
    [
      undefined,
      'https://creativecommons.org/licenses/by-nc-sa/4.0/',
      'CC-BY-NC-SA-4.0',
      'NON_COMMERCIAL',
      'license.other-link',
    ],
    [undefined, 'https://opensource.org/licenses/MIT', 'MIT', 'PERMISSIVE', 'license.other-link'],
    [undefined, 'https://ai.google.dev/gemma/terms', 'LicenseRef-gemma', 'COMMUNITY', 'license.other-link'],
    ['coqui-public-model-license', 'LICENSE', 'LicenseRef-coqui-public-model-license', 'UNKNOWN', 'license.unresolved'],
    ['unknown', undefined, 'LicenseRef-unknown', 'UNKNOWN', 'license.unresolved'],
    [undefined, 'LICENSE.md', 'LicenseRef-other', 'UNKNOWN', 'license.unresolved'],
    [42, { url: 'x' }, 'LicenseRef-other', 'UNKNOWN', 'license.unresolved'],
  ];

  it.each(OTHER)('license_name %j, license_link %j → %s', (licenseName, licenseLink, id, category, rule) => {
    const { license, evidence } = resolveLicense(buildInput({ hubLicense: 'other', licenseName, licenseLink }));
    expect(license).toMatchObject({ id, category, hubValue: 'other' });
    expect(evidence[0]?.rule).toBe(rule);
  });

  it('treats Other in any case and spacing as other', () => {
    const { license } = resolveLicense(buildInput({ hubLicense: ' Other ', licenseName: 'deepseek' }));
    expect(license).toMatchObject({ id: 'LicenseRef-deepseek', hubValue: ' Other ' });
  });

  it('names the field that decided', () => {
    const byName = resolveLicense(buildInput({ hubLicense: 'other', licenseName: 'deepseek' }));
    expect(byName.evidence[0]).toMatchObject({ source: 'cardData.license_name', value: 'deepseek' });
    const byLink = resolveLicense(
      buildInput({ hubLicense: 'other', licenseLink: 'https://ai.google.dev/gemma/terms' }),
    );
    expect(byLink.evidence[0]).toMatchObject({
      source: 'cardData.license_link',
      value: 'https://ai.google.dev/gemma/terms',
    });
  });

  it('reads the LICENSE text when name and link do not resolve', () => {
    const { license, evidence } = resolveLicense(
      buildInput({
        hubLicense: 'other',
        licenseName: 'custom',
        licenseLink: 'LICENSE',
        licenseText: 'Tongyi Qianwen LICENSE AGREEMENT\n\nTongyi Qianwen Release Date: August 3, 2023',
      }),
    );
    expect(license.id).toBe('LicenseRef-tongyi-qianwen');
    expect(evidence[0]).toMatchObject({ rule: 'license.text', source: 'file:LICENSE' });
  });

  it('reads the LICENSE text when the card declares no license', () => {
    const { license } = resolveLicense(
      buildInput({ hubLicense: undefined, licenseText: 'MIT License\n\nCopyright (c) 2023 Someone' }),
    );
    expect(license).toMatchObject({ id: 'MIT', hubValue: null });
  });

  it('ignores name, link and text when the hub gave a specific id', () => {
    const { license } = resolveLicense(
      buildInput({ hubLicense: 'llama3', licenseName: 'x', licenseLink: 'LICENSE', licenseText: 'MIT License' }),
    );
    expect(license.id).toBe('LicenseRef-llama3');
  });
});

const BSD_3 = `Copyright (c) 2021, Example Labs
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation.
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.`;

const GPL_3 = `                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>`;

describe('family ids: unpinned until a LICENSE text pins the version', () => {
  type FamilyRow = readonly [
    hubLicense: string,
    text: string | null,
    id: string,
    category: LicenseCategory,
    rule: string,
  ];
  const FAMILIES: readonly FamilyRow[] = [
    ['bsd', null, 'LicenseRef-bsd', 'PERMISSIVE', 'license.family-unpinned'],
    ['bsd', BSD_3, 'BSD-3-Clause', 'PERMISSIVE', 'license.text'],
    ['gpl', null, 'LicenseRef-gpl', 'COPYLEFT', 'license.family-unpinned'],
    ['gpl', GPL_3, 'GPL-3.0-only', 'COPYLEFT', 'license.text'],
    [
      'gpl',
      'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy',
      'LicenseRef-gpl',
      'COPYLEFT',
      'license.family-unpinned',
    ],
    ['lgpl', null, 'LicenseRef-lgpl', 'COPYLEFT', 'license.family-unpinned'],
    [
      'lgpl',
      'GNU LESSER GENERAL PUBLIC LICENSE\n Version 2.1, February 1999',
      'LGPL-2.1-only',
      'COPYLEFT',
      'license.text',
    ],
    ['gfdl', null, 'LicenseRef-gfdl', 'COPYLEFT', 'license.family-unpinned'],
    [
      'gfdl',
      'GNU Free Documentation License\n Version 1.3, 3 November 2008',
      'GFDL-1.3-only',
      'COPYLEFT',
      'license.text',
    ],
    ['openrail', null, 'LicenseRef-openrail', 'OPEN_RAIL', 'license.family-unpinned'],
    [
      'openrail',
      'CreativeML Open RAIL-M\ndated August 22, 2022',
      'LicenseRef-creativeml-openrail-m',
      'OPEN_RAIL',
      'license.text',
    ],
    ['cc', null, 'LicenseRef-cc', 'UNKNOWN', 'license.family-unpinned'],
    ['cc', 'Creative Commons Attribution 4.0 International Public License', 'CC-BY-4.0', 'PERMISSIVE', 'license.text'],
    ['cc', '   ', 'LicenseRef-cc', 'UNKNOWN', 'license.family-unpinned'],
  ];

  it.each(FAMILIES)('%s with text %#', (hubLicense, text, id, category, rule) => {
    const { license, evidence } = resolveLicense(buildInput({ hubLicense, licenseText: text }));
    expect(license).toMatchObject({ id, category, hubValue: hubLicense });
    expect(evidence[0]?.rule).toBe(rule);
    if (rule === 'license.text') expect(evidence[1]).toMatchObject({ rule: 'license.hf-id', value: hubLicense });
  });
});

describe('memoization', () => {
  it('returns the same frozen result for a repeated input', () => {
    const first = resolveLicense(buildInput({ hubLicense: 'llama3.1' }));
    const again = resolveLicense(buildInput({ hubLicense: 'llama3.1' }));
    expect(again).toBe(first);
    expect(Object.isFrozen(first.license)).toBe(true);
    expect(Object.isFrozen(first.evidence)).toBe(true);
    expect(Object.isFrozen(first.evidence[0])).toBe(true);
    expect(resolveLicenseText('Apache 2.0', 'x')).toBe(resolveLicenseText('Apache 2.0', 'x'));
  });

  it('keys on everything that changes the result', () => {
    expect(resolveLicense(buildInput({ source: 'tags[license:]' })).evidence[0]?.source).toBe('tags[license:]');
    expect(resolveLicense(buildInput({ source: 'cardData.license' })).evidence[0]?.source).toBe('cardData.license');
    const qwen = resolveLicense(buildInput({ hubLicense: 'other', licenseName: 'tongyi-qianwen' }));
    const deepseek = resolveLicense(buildInput({ hubLicense: 'other', licenseName: 'deepseek' }));
    expect(qwen.license.id).not.toBe(deepseek.license.id);
    expect(resolveLicenseText('MIT', 'a').license.hubValue).toBe('MIT');
    expect(resolveLicenseText('mit', 'a').license.hubValue).toBe('mit');
  });

  it('gives equal results after the bounded cache was cleared', () => {
    const before = resolveLicense(buildInput({ hubLicense: 'Apache 2.0 and RAIL' }));
    for (let i = 0; i < 10_050; i += 1) resolveLicenseText(`vendor license ${i}`, 'bench');
    const after = resolveLicense(buildInput({ hubLicense: 'Apache 2.0 and RAIL' }));
    expect(after).toEqual(before);
  });
});

describe('knownLicenses', () => {
  const known = knownLicenses();

  it('lists every resolvable license once, with valid ids', () => {
    const ids = known.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'NONE',
      'Apache-2.0',
      'GPL-3.0-only',
      'OpenMDW-1.1',
      'LicenseRef-llama3.1',
      'LicenseRef-openrail-pp',
    ]) {
      expect(ids).toContain(id);
    }
    for (const id of ids.filter((i) => i.startsWith('LicenseRef-'))) expect(id).toMatch(REF_ID);
    expect(ids).not.toContain('GPL-3.0');
  });

  it('holds the definitions the resolver returns', () => {
    const byId = new Map(known.map((l) => [l.id, l]));
    for (const hubLicense of ['gemma', 'cc-by-nd-4.0', 'c-uda', 'bsd']) {
      const { hubValue: _hubValue, ...definition } = resolveLicense(buildInput({ hubLicense })).license;
      expect(byId.get(definition.id)).toEqual(definition);
    }
  });

  it('is the same list on every call', () => {
    expect(knownLicenses()).toBe(known);
  });
});
