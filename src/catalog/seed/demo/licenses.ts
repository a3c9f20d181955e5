/**
 * The licensing of a record: its license (real Hub license ids, with LLM and diffusion repos often
 * carrying their family's), `license_name` and `license_link` for `license: other`, two licenses on
 * a few cards, a LICENSE file, gating (far more often for llama, gemma and other licenses), and the
 * license changes of later revisions.
 */

import type { Core } from './archetypes.js';
import { type Rng, Weighted } from './prng.js';
import type { HfCardData, HfGating, HfGeneratedRecord } from './record-types.js';

// License mix over real Hub license ids (hub-docs repositories-licenses), "none" meaning no license at all.
const NO_LICENSE = 'none';
const LICENSES = new Weighted<string>([
  [NO_LICENSE, 25],
  ['apache-2.0', 29],
  ['mit', 12.5],
  ['other', 6],
  ['openrail', 2.5],
  ['creativeml-openrail-m', 1.6],
  ['openrail++', 0.6],
  ['bigscience-openrail-m', 0.6],
  ['bigscience-bloom-rail-1.0', 0.2],
  ['bigcode-openrail-m', 0.2],
  ['llama2', 1.1],
  ['llama3', 1.1],
  ['llama3.1', 1.1],
  ['llama3.2', 0.6],
  ['llama3.3', 0.3],
  ['llama4', 0.1],
  ['gemma', 1],
  ['cc-by-nc-4.0', 2.5],
  ['cc-by-4.0', 1.3],
  ['cc-by-sa-4.0', 0.5],
  ['cc-by-nc-sa-4.0', 0.6],
  ['cc-by-nc-nd-4.0', 0.2],
  ['cc0-1.0', 0.3],
  ['unknown', 0.9],
  ['gpl-3.0', 0.6],
  ['gpl-2.0', 0.1],
  ['agpl-3.0', 0.2],
  ['lgpl-3.0', 0.1],
  ['bsd-3-clause', 0.3],
  ['bsd-2-clause', 0.1],
  ['afl-3.0', 0.5],
  ['artistic-2.0', 0.2],
  ['wtfpl', 0.1],
  ['mpl-2.0', 0.1],
  ['apple-amlr', 0.05],
  ['fair-noncommercial-research-license', 0.05],
  ['deepfloyd-if-license', 0.02],
]);
const OTHER_LICENSE_NAMES = [
  'flux-1-dev-non-commercial-license',
  'qwen-research',
  'tongyi-qianwen',
  'deepseek',
  'nvidia-open-model-license',
  'llama-2-community-license',
  'stabilityai-ai-community',
  'sai-nc-community',
  'cohere-cc-by-nc',
  'falcon-llm-license',
  'custom',
] as const;

function drawLicense(rng: Rng, core: Core, derivative: boolean): string {
  const { archetype, family: fam } = core;
  if ((archetype === 'llm' || archetype === 'gguf' || archetype === 'peft') && rng.chance(derivative ? 0.3 : 0.15)) {
    return fam.license;
  }
  if ((archetype === 'diffusion' || archetype === 'lora') && rng.chance(0.35)) return fam.license;
  return LICENSES.draw(rng);
}

function gatingChance(license: string | undefined): number {
  if (license === undefined) return 0.008;
  if (/^llama|^gemma$/.test(license)) return 0.3;
  if (license === 'other') return 0.14;
  if (license.startsWith('cc-by-nc')) return 0.06;
  return 0.03;
}

export interface Licensing {
  /** The license id; undefined for a repo without a license. */
  readonly license: string | undefined;
  /** The card's licenses: none, the license, or (one apache/mit card in 200) two. */
  readonly licenses: string[];
  readonly licenseName: string | undefined;
  readonly licenseLink: string | undefined;
  /** The license file in the repo, if any. */
  readonly licenseFile: string | undefined;
  readonly gated: HfGating;
}

/** Draws license and gating; `home` is the repo whose LICENSE file a license link points at. */
export function drawLicensing(rng: Rng, core: Core, derivative: boolean, home: string): Licensing {
  const drawn = drawLicense(rng, core, derivative);
  const license = drawn === NO_LICENSE ? undefined : drawn;
  const gated: HfGating = rng.chance(gatingChance(license)) ? (rng.chance(0.7) ? 'manual' : 'auto') : false;
  const twoLicenses = license !== undefined && (license === 'apache-2.0' || license === 'mit') && rng.chance(0.005);
  const licenses =
    license === undefined ? [] : twoLicenses ? [license, license === 'mit' ? 'apache-2.0' : 'mit'] : [license];
  let licenseName: string | undefined;
  let licenseLink: string | undefined;
  if (license === 'other' && rng.chance(0.75)) {
    licenseName = rng.pick(OTHER_LICENSE_NAMES);
    const linkRoll = rng.next();
    licenseLink =
      linkRoll < 0.4 ? 'LICENSE' : linkRoll < 0.6 ? 'LICENSE.md' : `https://huggingface.co/${home}/blob/main/LICENSE`;
  } else if (license !== undefined && license !== 'other' && rng.chance(0.05)) {
    licenseLink = `https://huggingface.co/${home}/blob/main/LICENSE`;
  }
  const licenseFile =
    licenseLink === 'LICENSE' || licenseLink === 'LICENSE.md'
      ? licenseLink
      : rng.chance(license === undefined ? 0.06 : license === 'other' ? 0.3 : 0.12)
        ? rng.pick(['LICENSE', 'LICENSE', 'LICENSE.md', 'LICENSE.txt'])
        : undefined;
  return { license, licenses, licenseName, licenseLink, licenseFile, gated };
}

/** A license other than `current` (undefined meaning none), for a revision that changes it. */
export function drawNewLicense(rng: Rng, current: string | undefined): string | undefined {
  let next: string | undefined;
  do {
    const drawn = LICENSES.draw(rng);
    next = drawn === NO_LICENSE ? undefined : drawn;
  } while (next === current);
  return next;
}

/** `record` with its license replaced in tags and cardData, adding a LICENSE or README.md file as needed. */
export function withLicense(record: HfGeneratedRecord, license: string | undefined, rng: Rng): HfGeneratedRecord {
  const tags = record.tags.filter((tag) => !tag.startsWith('license:'));
  const regionAt = tags.indexOf('region:us');
  if (license !== undefined) tags.splice(regionAt === -1 ? tags.length : regionAt, 0, `license:${license}`);
  const cardData: HfCardData = { ...record.cardData };
  delete cardData.license;
  delete cardData.license_name;
  delete cardData.license_link;
  if (license !== undefined) cardData.license = license;
  const siblings = record.siblings.map((sibling) => ({ ...sibling }));
  if (license === 'other') {
    cardData.license_name = rng.pick(OTHER_LICENSE_NAMES);
    cardData.license_link = 'LICENSE';
    if (!siblings.some((sibling) => sibling.rfilename === 'LICENSE')) {
      siblings.push({ rfilename: 'LICENSE' });
      siblings.sort((a, b) => (a.rfilename < b.rfilename ? -1 : a.rfilename > b.rfilename ? 1 : 0));
    }
  }
  if (!siblings.some((sibling) => sibling.rfilename === 'README.md')) {
    siblings.push({ rfilename: 'README.md' });
    siblings.sort((a, b) => (a.rfilename < b.rfilename ? -1 : a.rfilename > b.rfilename ? 1 : 0));
  }
  return { ...record, tags, cardData, siblings };
}
