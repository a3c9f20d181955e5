/**
 * The reference map of Hugging Face ids to SPDX (../shared/data/openness-reference/hf_license_map.csv):
 * 83 of 83 must agree on the SPDX id (up to deprecated ids: the map's `GPL-3.0` is today's
 * `GPL-3.0-only`) and on the OSI flag. Read only when ../shared is there.
 */
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { sharedFolder } from '../../../test/helpers/shared-data.js';
import { resolveLicense } from './index.js';

const references = sharedFolder('openness-reference', 'the hf_license_map.csv agreement tests');
const present = references.present;

/** RFC 4180 rows: quoted cells may hold commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function sameSpdxId(ours: string, theirs: string): boolean {
  if (ours === theirs) return true;
  // A deprecated id meant "this version only": GPL-3.0 is GPL-3.0-only, AGPL-3.0 is AGPL-3.0-only.
  return deprecatedIds.includes(theirs) && ours === `${theirs}-only`;
}

describe.skipIf(!present)('agreement with hf_license_map.csv', () => {
  const [header = [], ...rows] = present ? parseCsv(references.text('hf_license_map.csv')) : [];
  const column = (name: string): number => header.indexOf(name);

  it('has the 83 ids', () => {
    expect(rows).toHaveLength(83);
  });

  it('agrees on the SPDX id and the OSI flag for 83 of 83', () => {
    const disagreements: string[] = [];
    for (const row of rows) {
      const hfId = row[column('hf_license_id')] ?? '';
      const spdxId = row[column('spdx_id')] ?? '';
      const osi = row[column('osi_approved')] === 'True';
      const { license } = resolveLicense({ hubLicense: hfId, source: 'cardData.license' });
      const idAgrees = spdxId === '' ? license.id.startsWith('LicenseRef-') : sameSpdxId(license.id, spdxId);
      if (!idAgrees) disagreements.push(`${hfId}: id ${license.id} vs ${spdxId || '(none)'}`);
      if (license.osiApproved !== osi) disagreements.push(`${hfId}: osiApproved ${license.osiApproved} vs ${osi}`);
    }
    expect(disagreements).toEqual([]);
  });
});
