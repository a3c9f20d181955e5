/**
 * Recognizes a LICENSE file by its distinctive title lines and phrases. Only the head of the file is
 * read, titles come first, and the license the file names first wins: a MIT file that later says
 * "portions are under the Apache License, Version 2.0" is MIT, a Llama license that quotes other
 * licenses is Llama.
 */

/** Characters of the file that are read. The longest title block we rely on (OpenRAIL) fits well within. */
export const LICENSE_TEXT_HEAD = 6000;

/** What recognition yields: a registry id (SPDX or LicenseRef), or a title line to resolve as a name. */
export type TextMatch = { readonly id: string; readonly phrase: string } | { readonly title: string };

interface TextRule {
  readonly pattern: RegExp;
  /** The id, or a function of the match for versioned families. */
  readonly id: string | ((match: RegExpExecArray, text: string) => string | null);
}

const LLAMA_VERSIONS: Readonly<Record<string, string>> = {
  '2': 'LicenseRef-llama2',
  '3': 'LicenseRef-llama3',
  '3.1': 'LicenseRef-llama3.1',
  '3.2': 'LicenseRef-llama3.2',
  '3.3': 'LicenseRef-llama3.3',
  '4': 'LicenseRef-llama4',
};

/** GNU licenses state their version right under the title: "Version 3, 29 June 2007". */
function gnuVersion(match: RegExpExecArray, text: string, versions: Readonly<Record<string, string>>): string | null {
  const title = text.slice(match.index, match.index + match[0].length + 60);
  for (const [marker, version] of Object.entries(versions)) if (title.includes(marker)) return version;
  return null;
}

function creativeCommons(match: RegExpExecArray): string | null {
  const elements = match[1] ?? '';
  const nc = elements.includes('noncommercial');
  const sa = elements.includes('sharealike');
  const nd = elements.includes('noderiv');
  if (sa && nd) return null;
  return `CC-BY${nc ? '-NC' : ''}${sa ? '-SA' : ''}${nd ? '-ND' : ''}-${match[2] ?? ''}`;
}

/** On a tie (two rules matching at the same place), the earlier rule wins: specific before generic. */
const RULES: readonly TextRule[] = [
  {
    pattern: /\bllama (2|3|3\.1|3\.2|3\.3|4) community license agreement/,
    id: (match) => LLAMA_VERSIONS[match[1] ?? ''] ?? null,
  },
  { pattern: /\bmeta llama 3 community license/, id: 'LicenseRef-llama3' },
  { pattern: /\bllama (?:license agreement|\d+b? license)\b.*non-?commercial/, id: 'LicenseRef-llama-license' },
  { pattern: /\bgemma terms of use\b/, id: 'LicenseRef-gemma' },
  { pattern: /\b(?:tongyi qianwen|qwen) research license agreement/, id: 'LicenseRef-qwen-research' },
  { pattern: /\b(?:tongyi qianwen|qwen) license agreement/, id: 'LicenseRef-tongyi-qianwen' },
  { pattern: /\bdeepseek license agreement/, id: 'LicenseRef-deepseek' },
  { pattern: /\bfalcon[- ]180b tii license/, id: 'LicenseRef-falcon-180b-tii-license' },
  { pattern: /\b(?:tii )?falcon[- ]llm license|\btii falcon license/, id: 'LicenseRef-falcon-llm-license' },
  { pattern: /\bnvidia open model license/, id: 'LicenseRef-nvidia-open-model-license' },
  { pattern: /\bgrok 2 community license agreement/, id: 'LicenseRef-grok2-community' },
  { pattern: /\bbaai aquila model licen[cs]e/, id: 'LicenseRef-baai-aquila-model-license' },
  { pattern: /\bstability ai community license agreement/, id: 'LicenseRef-stabilityai-community' },
  { pattern: /\btencent hunyuan community license agreement/, id: 'LicenseRef-tencent-hunyuan-community' },
  { pattern: /\bdeepfloyd if (?:research )?license agreement/, id: 'LicenseRef-deepfloyd-if-license' },
  { pattern: /\bfair noncommercial research license/, id: 'LicenseRef-fair-noncommercial-research-license' },
  {
    pattern: /\bapple machine learning research model\b|\bapple model license for research\b/,
    id: 'LicenseRef-apple-amlr',
  },
  {
    pattern: /\bcreativeml open rail\+\+-m\b|\bopen rail\+\+-m license\b|\bopenrail\+\+/,
    id: 'LicenseRef-openrail-pp',
  },
  { pattern: /\bcreativeml open rail-m\b/, id: 'LicenseRef-creativeml-openrail-m' },
  { pattern: /\bbigcode open ?rail-m\b/, id: 'LicenseRef-bigcode-openrail-m' },
  { pattern: /\bbigscience open ?rail-m\b/, id: 'LicenseRef-bigscience-openrail-m' },
  { pattern: /\bbigscience (?:bloom )?rail license v?1\.0\b/, id: 'LicenseRef-bigscience-bloom-rail-1.0' },
  { pattern: /\bopen ?rail(?:-[ms])? license\b|\bresponsible ai license\b/, id: 'LicenseRef-openrail' },
  { pattern: /\bopenmdw license agreement,? v(?:ersion )?(1\.[01])\b/, id: (m) => `OpenMDW-${m[1] ?? ''}` },
  {
    pattern:
      /\bcreative commons (?:legal code\s+)?attribution((?:[- ](?:noncommercial|sharealike|noderivatives|noderivs))*) (\d\.\d)/,
    id: creativeCommons,
  },
  { pattern: /\bcc0 1\.0 universal\b/, id: 'CC0-1.0' },
  {
    pattern: /\bcommunity data license agreement [-–—] permissive [-–—] version (1\.0|2\.0)/,
    id: (m) => `CDLA-Permissive-${m[1] ?? ''}`,
  },
  { pattern: /\bcommunity data license agreement [-–—] sharing [-–—] version 1\.0/, id: 'CDLA-Sharing-1.0' },
  { pattern: /\bopen data commons public domain dedication and licen[cs]e/, id: 'PDDL-1.0' },
  { pattern: /\bopen data commons open database license|\bodc open database license/, id: 'ODbL-1.0' },
  { pattern: /\bopen data commons attribution license/, id: 'ODC-By-1.0' },
  { pattern: /\bcomputational use of data agreement/, id: 'C-UDA-1.0' },
  {
    pattern: /\bgnu affero general public license\b/,
    id: (m, text) => gnuVersion(m, text, { 'version 3, 19 november 2007': 'AGPL-3.0-only' }),
  },
  {
    pattern: /\bgnu lesser general public license\b/,
    id: (m, text) =>
      gnuVersion(m, text, {
        'version 3, 29 june 2007': 'LGPL-3.0-only',
        'version 2.1, february 1999': 'LGPL-2.1-only',
      }),
  },
  {
    pattern: /\bgnu library general public license\b/,
    id: (m, text) => gnuVersion(m, text, { 'version 2, june 1991': 'LGPL-2.0-only' }),
  },
  {
    pattern: /\bgnu free documentation license\b/,
    id: (m, text) =>
      gnuVersion(m, text, {
        'version 1.3, 3 november 2008': 'GFDL-1.3-only',
        'version 1.2, november 2002': 'GFDL-1.2-only',
        'version 1.1, march 2000': 'GFDL-1.1-only',
      }),
  },
  {
    // The GPL's own text offers "any later version" in its how-to appendix, so the text alone pins
    // the version, not "or later": `-only`, as Hugging Face's gpl-2.0 / gpl-3.0 ids mean.
    pattern: /\bgnu general public license\b/,
    id: (m, text) =>
      gnuVersion(m, text, { 'version 3, 29 june 2007': 'GPL-3.0-only', 'version 2, june 1991': 'GPL-2.0-only' }),
  },
  { pattern: /\bmozilla public license,? version 2\.0\b/, id: 'MPL-2.0' },
  { pattern: /\beclipse public license [-–—] v(?:ersion)? ?(1\.0|2\.0)\b/, id: (m) => `EPL-${m[1] ?? ''}` },
  { pattern: /\beuropean union public licen[cs]e v(?:\. |ersion )?(1\.1|1\.2)\b/, id: (m) => `EUPL-${m[1] ?? ''}` },
  { pattern: /\bapache license,? version 2\.0\b/, id: 'Apache-2.0' },
  { pattern: /\bboost software license [-–—] version 1\.0\b/, id: 'BSL-1.0' },
  { pattern: /\bdo what the fuck you want to public license\b/, id: 'WTFPL' },
  { pattern: /\bthis is free and unencumbered software released into the public domain\b/, id: 'Unlicense' },
  {
    pattern: /\bpermission is hereby granted, free of charge, to any person obtaining a copy\b/,
    id: (m, text) =>
      text.includes('the above copyright notice and this permission notice shall be included') ? 'MIT' : 'MIT-0',
  },
  {
    pattern: /\bredistribution and use in source and binary forms, with or without modification, are permitted\b/,
    id: (m, text) => {
      if (/no express or implied licenses to any party's patent rights are granted/.test(text))
        return 'BSD-3-Clause-Clear';
      if (/neither the name of|names of (?:its|the) contributors may (?:not )?be used to endorse/.test(text)) {
        return /all advertising materials mentioning/.test(text) ? 'BSD-4-Clause' : 'BSD-3-Clause';
      }
      return 'BSD-2-Clause';
    },
  },
  {
    pattern:
      /\bpermission to use, copy, modify,? and(?:\/or)? distribute this software for any purpose with or without fee is hereby granted\b/,
    id: (m, text) =>
      text.includes('provided that the above copyright notice and this permission notice appear in all copies')
        ? 'ISC'
        : '0BSD',
  },
  { pattern: /\baltered source versions must be plainly marked as such\b/, id: 'Zlib' },
];

/** Lower case, one space for any run of white space, straight quotes. */
export function normalizeLicenseText(text: string): string {
  return text
    .slice(0, LICENSE_TEXT_HEAD)
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The SPDX-License-Identifier line, when the file carries one. */
const SPDX_TAG = /spdx-license-identifier:\s*([^\n\r*]+)/i;

/**
 * What a LICENSE file's head says it is: the id of the earliest phrase a rule knows, else an
 * `SPDX-License-Identifier`, else its first line that is not a copyright line (to be resolved as a
 * license name by the caller), else null.
 */
export function recognizeLicenseText(text: string): TextMatch | null {
  const head = normalizeLicenseText(text);
  if (head === '') return null;
  let best: { id: string; phrase: string; index: number } | null = null;
  for (const rule of RULES) {
    const match = rule.pattern.exec(head);
    if (!match || (best !== null && match.index >= best.index)) continue;
    const id = typeof rule.id === 'string' ? rule.id : rule.id(match, head);
    if (id !== null) best = { id, phrase: match[0], index: match.index };
  }
  if (best !== null) return { id: best.id, phrase: best.phrase };
  const tag = SPDX_TAG.exec(text.slice(0, LICENSE_TEXT_HEAD));
  if (tag?.[1]) return { title: tag[1].trim() };
  for (const line of text.slice(0, LICENSE_TEXT_HEAD).split(/\r?\n/)) {
    const title = line.replace(/^[#=*\s-]+|[#=*\s-]+$/g, '');
    if (title === '' || /^copyright\b|^\(c\)|^©/i.test(title)) continue;
    return title.length <= 120 ? { title } : null;
  }
  return null;
}
