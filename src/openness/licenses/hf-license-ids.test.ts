import { describe, expect, it } from 'vitest';
import type { CommercialUse, LicenseCategory } from '../types.js';
import { resolveLicense } from './index.js';

type Row = readonly [hfId: string, id: string, category: LicenseCategory, commercialUse: CommercialUse, osi: boolean];

/** All 83 Hugging Face license ids (hub-docs 242f4a1), written out: the contract other code relies on. */
const HF_IDS: readonly Row[] = [
  ['apache-2.0', 'Apache-2.0', 'PERMISSIVE', 'ALLOWED', true],
  ['mit', 'MIT', 'PERMISSIVE', 'ALLOWED', true],
  ['openrail', 'LicenseRef-openrail', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['bigscience-openrail-m', 'LicenseRef-bigscience-openrail-m', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['creativeml-openrail-m', 'LicenseRef-creativeml-openrail-m', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['bigscience-bloom-rail-1.0', 'LicenseRef-bigscience-bloom-rail-1.0', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['bigcode-openrail-m', 'LicenseRef-bigcode-openrail-m', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['afl-3.0', 'AFL-3.0', 'PERMISSIVE', 'ALLOWED', true],
  ['artistic-2.0', 'Artistic-2.0', 'PERMISSIVE', 'ALLOWED', true],
  ['bsl-1.0', 'BSL-1.0', 'PERMISSIVE', 'ALLOWED', true],
  ['bsd', 'LicenseRef-bsd', 'PERMISSIVE', 'ALLOWED', false],
  ['bsd-2-clause', 'BSD-2-Clause', 'PERMISSIVE', 'ALLOWED', true],
  ['bsd-3-clause', 'BSD-3-Clause', 'PERMISSIVE', 'ALLOWED', true],
  ['bsd-3-clause-clear', 'BSD-3-Clause-Clear', 'PERMISSIVE', 'ALLOWED', false],
  ['c-uda', 'C-UDA-1.0', 'COMMUNITY', 'CONDITIONAL', false],
  ['cc', 'LicenseRef-cc', 'UNKNOWN', 'UNKNOWN', false],
  ['cc0-1.0', 'CC0-1.0', 'PUBLIC_DOMAIN', 'ALLOWED', false],
  ['cc-by-2.0', 'CC-BY-2.0', 'PERMISSIVE', 'ALLOWED', false],
  ['cc-by-2.5', 'CC-BY-2.5', 'PERMISSIVE', 'ALLOWED', false],
  ['cc-by-3.0', 'CC-BY-3.0', 'PERMISSIVE', 'ALLOWED', false],
  ['cc-by-4.0', 'CC-BY-4.0', 'PERMISSIVE', 'ALLOWED', false],
  ['cc-by-sa-3.0', 'CC-BY-SA-3.0', 'COPYLEFT', 'ALLOWED', false],
  ['cc-by-sa-4.0', 'CC-BY-SA-4.0', 'COPYLEFT', 'ALLOWED', false],
  ['cc-by-nc-2.0', 'CC-BY-NC-2.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-3.0', 'CC-BY-NC-3.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-4.0', 'CC-BY-NC-4.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nd-4.0', 'CC-BY-ND-4.0', 'NO_DERIVATIVES', 'ALLOWED', false],
  ['cc-by-nc-nd-3.0', 'CC-BY-NC-ND-3.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-nd-4.0', 'CC-BY-NC-ND-4.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-sa-2.0', 'CC-BY-NC-SA-2.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-sa-3.0', 'CC-BY-NC-SA-3.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cc-by-nc-sa-4.0', 'CC-BY-NC-SA-4.0', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['cdla-sharing-1.0', 'CDLA-Sharing-1.0', 'COPYLEFT', 'ALLOWED', false],
  ['cdla-permissive-1.0', 'CDLA-Permissive-1.0', 'PERMISSIVE', 'ALLOWED', false],
  ['cdla-permissive-2.0', 'CDLA-Permissive-2.0', 'PERMISSIVE', 'ALLOWED', false],
  ['wtfpl', 'WTFPL', 'PERMISSIVE', 'ALLOWED', false],
  ['ecl-2.0', 'ECL-2.0', 'PERMISSIVE', 'ALLOWED', true],
  ['epl-1.0', 'EPL-1.0', 'COPYLEFT', 'ALLOWED', true],
  ['epl-2.0', 'EPL-2.0', 'COPYLEFT', 'ALLOWED', true],
  ['etalab-2.0', 'etalab-2.0', 'PERMISSIVE', 'ALLOWED', false],
  ['eupl-1.1', 'EUPL-1.1', 'COPYLEFT', 'ALLOWED', true],
  ['eupl-1.2', 'EUPL-1.2', 'COPYLEFT', 'ALLOWED', true],
  ['agpl-3.0', 'AGPL-3.0-only', 'COPYLEFT', 'ALLOWED', true],
  ['gfdl', 'LicenseRef-gfdl', 'COPYLEFT', 'ALLOWED', false],
  ['gpl', 'LicenseRef-gpl', 'COPYLEFT', 'ALLOWED', false],
  ['gpl-2.0', 'GPL-2.0-only', 'COPYLEFT', 'ALLOWED', true],
  ['gpl-3.0', 'GPL-3.0-only', 'COPYLEFT', 'ALLOWED', true],
  ['lgpl', 'LicenseRef-lgpl', 'COPYLEFT', 'ALLOWED', false],
  ['lgpl-2.1', 'LGPL-2.1-only', 'COPYLEFT', 'ALLOWED', true],
  ['lgpl-3.0', 'LGPL-3.0-only', 'COPYLEFT', 'ALLOWED', true],
  ['isc', 'ISC', 'PERMISSIVE', 'ALLOWED', true],
  ['h-research', 'LicenseRef-h-research', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['intel-research', 'LicenseRef-intel-research', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['lppl-1.3c', 'LPPL-1.3c', 'PERMISSIVE', 'ALLOWED', true],
  ['ms-pl', 'MS-PL', 'PERMISSIVE', 'ALLOWED', true],
  ['apple-ascl', 'LicenseRef-apple-ascl', 'COMMUNITY', 'CONDITIONAL', false],
  ['apple-amlr', 'LicenseRef-apple-amlr', 'NON_COMMERCIAL', 'PROHIBITED', false],
  ['mpl-2.0', 'MPL-2.0', 'COPYLEFT', 'ALLOWED', true],
  ['odc-by', 'ODC-By-1.0', 'PERMISSIVE', 'ALLOWED', false],
  ['odbl', 'ODbL-1.0', 'COPYLEFT', 'ALLOWED', false],
  ['openmdw-1.0', 'OpenMDW-1.0', 'PERMISSIVE', 'ALLOWED', false],
  ['openmdw-1.1', 'OpenMDW-1.1', 'PERMISSIVE', 'ALLOWED', false],
  ['openrail++', 'LicenseRef-openrail-pp', 'OPEN_RAIL', 'CONDITIONAL', false],
  ['osl-3.0', 'OSL-3.0', 'COPYLEFT', 'ALLOWED', true],
  ['postgresql', 'PostgreSQL', 'PERMISSIVE', 'ALLOWED', true],
  ['ofl-1.1', 'OFL-1.1', 'PERMISSIVE', 'ALLOWED', true],
  ['ncsa', 'NCSA', 'PERMISSIVE', 'ALLOWED', true],
  ['unlicense', 'Unlicense', 'PUBLIC_DOMAIN', 'ALLOWED', true],
  ['zlib', 'Zlib', 'PERMISSIVE', 'ALLOWED', true],
  ['pddl', 'PDDL-1.0', 'PUBLIC_DOMAIN', 'ALLOWED', false],
  ['lgpl-lr', 'LGPLLR', 'COPYLEFT', 'ALLOWED', false],
  ['deepfloyd-if-license', 'LicenseRef-deepfloyd-if-license', 'NON_COMMERCIAL', 'PROHIBITED', false],
  [
    'fair-noncommercial-research-license',
    'LicenseRef-fair-noncommercial-research-license',
    'NON_COMMERCIAL',
    'PROHIBITED',
    false,
  ],
  ['llama2', 'LicenseRef-llama2', 'COMMUNITY', 'CONDITIONAL', false],
  ['llama3', 'LicenseRef-llama3', 'COMMUNITY', 'CONDITIONAL', false],
  ['llama3.1', 'LicenseRef-llama3.1', 'COMMUNITY', 'CONDITIONAL', false],
  ['llama3.2', 'LicenseRef-llama3.2', 'COMMUNITY', 'CONDITIONAL', false],
  ['llama3.3', 'LicenseRef-llama3.3', 'COMMUNITY', 'CONDITIONAL', false],
  ['llama4', 'LicenseRef-llama4', 'COMMUNITY', 'CONDITIONAL', false],
  ['grok2-community', 'LicenseRef-grok2-community', 'COMMUNITY', 'CONDITIONAL', false],
  ['gemma', 'LicenseRef-gemma', 'COMMUNITY', 'CONDITIONAL', false],
  ['unknown', 'LicenseRef-unknown', 'UNKNOWN', 'UNKNOWN', false],
  ['other', 'LicenseRef-other', 'UNKNOWN', 'UNKNOWN', false],
];

describe('Hugging Face license ids', () => {
  it('covers all 83 ids, once each', () => {
    expect(HF_IDS).toHaveLength(83);
    expect(new Set(HF_IDS.map(([hfId]) => hfId)).size).toBe(83);
  });

  it.each(HF_IDS)('%s → %s (%s, commercial use %s, OSI %s)', (hfId, id, category, commercialUse, osiApproved) => {
    const { license, evidence } = resolveLicense({ hubLicense: hfId, source: 'cardData.license' });
    expect(license).toMatchObject({ id, category, commercialUse, osiApproved, hubValue: hfId });
    expect(license.name).not.toBe('');
    expect(evidence[0]).toEqual({
      dimension: 'license',
      status: category,
      source: 'cardData.license',
      value: hfId,
      rule: expect.stringMatching(/^license\.(hf-id|family-unpinned|unresolved)$/) as unknown,
    });
  });

  it('names SPDX licenses as the SPDX packages do, and links every license with a known page', () => {
    expect(resolveLicense({ hubLicense: 'gpl-3.0', source: 's' }).license).toMatchObject({
      name: 'GNU General Public License v3.0 only',
      url: 'https://www.gnu.org/licenses/gpl-3.0-standalone.html',
    });
    expect(resolveLicense({ hubLicense: 'llama3.1', source: 's' }).license).toMatchObject({
      name: 'Llama 3.1 Community License Agreement',
      url: 'https://huggingface.co/meta-llama/Meta-Llama-3.1-70B-Instruct/blob/main/LICENSE',
    });
    expect(resolveLicense({ hubLicense: 'openmdw-1.1', source: 's' }).license).toMatchObject({
      id: 'OpenMDW-1.1',
      url: 'https://openmdw.ai/license/1-1/',
    });
  });

  it('takes the hub value from the license tag as well as from the card', () => {
    const { evidence } = resolveLicense({ hubLicense: 'mit', source: 'tags[license:]' });
    expect(evidence[0]?.source).toBe('tags[license:]');
  });
});
