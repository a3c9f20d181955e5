/**
 * The hand-written part of the license registry: Hugging Face's license ids (docs/hub/repositories-licenses.md
 * at hub-docs 242f4a1, 83 ids), the model licenses that have no SPDX id, and the free-text names people
 * write for licenses. SPDX names, URLs and OSI flags are NOT typed here: they come from the SPDX
 * packages (spdx.catalog.ts).
 */
import type { CommercialUse, LicenseCategory } from '../types.js';

/** Hugging Face ids that name a family; the version is pinned only by a LICENSE file's text. */
export type LicenseFamily = 'bsd' | 'gpl' | 'lgpl' | 'gfdl' | 'openrail' | 'cc';

/** A license without an SPDX id: `LicenseRef-<ref>`. */
export interface LicenseRefRow {
  /** The part after `LicenseRef-`: letters, digits, `.` and `-`. */
  readonly ref: string;
  readonly name: string;
  readonly category: LicenseCategory;
  readonly url: string | null;
  /** Only where the license says otherwise than its category. */
  readonly commercialUse?: CommercialUse;
  readonly family?: LicenseFamily;
  /** Free-text names and `license_name` values that mean this license. */
  readonly aliases?: readonly string[];
  /** Further URLs of this license's text (a `license_link` pointing there resolves to it). */
  readonly urls?: readonly string[];
}

export type HfLicenseRow =
  { readonly hfId: string; readonly spdx: string } | { readonly hfId: string; readonly license: LicenseRefRow };

const LLAMA_URL = 'https://huggingface.co/meta-llama';

/** The 83 Hugging Face license ids, in the docs' order. */
export const HF_LICENSES: readonly HfLicenseRow[] = [
  { hfId: 'apache-2.0', spdx: 'Apache-2.0' },
  { hfId: 'mit', spdx: 'MIT' },
  {
    hfId: 'openrail',
    license: {
      ref: 'openrail',
      name: 'OpenRAIL license family',
      category: 'OPEN_RAIL',
      url: 'https://huggingface.co/blog/open_rail',
      family: 'openrail',
      aliases: ['open rail', 'openrail-m', 'open rail-m', 'openrail license'],
    },
  },
  {
    hfId: 'bigscience-openrail-m',
    license: {
      ref: 'bigscience-openrail-m',
      name: 'BigScience OpenRAIL-M',
      category: 'OPEN_RAIL',
      url: 'https://bigscience.huggingface.co/blog/bigscience-openrail-m',
      aliases: ['bigscience open rail-m', 'bigscience openrail-m license'],
    },
  },
  {
    hfId: 'creativeml-openrail-m',
    license: {
      ref: 'creativeml-openrail-m',
      name: 'CreativeML OpenRAIL-M',
      category: 'OPEN_RAIL',
      url: 'https://huggingface.co/spaces/CompVis/stable-diffusion-license',
      aliases: ['creativeml open rail-m', 'creativeml open rail-m license'],
    },
  },
  {
    hfId: 'bigscience-bloom-rail-1.0',
    license: {
      ref: 'bigscience-bloom-rail-1.0',
      name: 'BigScience BLOOM RAIL 1.0',
      category: 'OPEN_RAIL',
      url: 'https://bigscience.huggingface.co/blog/the-bigscience-rail-license',
      aliases: ['bigscience rail license v1.0', 'bigscience rail 1.0', 'bloom rail 1.0', 'bigscience bloom rail'],
    },
  },
  {
    hfId: 'bigcode-openrail-m',
    license: {
      ref: 'bigcode-openrail-m',
      name: 'BigCode Open RAIL-M v1',
      category: 'OPEN_RAIL',
      url: 'https://www.bigcode-project.org/docs/pages/bigcode-openrail',
      aliases: ['bigcode open rail-m v1', 'bigcode openrail-m v1 license agreement', 'bigcode open rail-m'],
    },
  },
  { hfId: 'afl-3.0', spdx: 'AFL-3.0' },
  { hfId: 'artistic-2.0', spdx: 'Artistic-2.0' },
  { hfId: 'bsl-1.0', spdx: 'BSL-1.0' },
  {
    hfId: 'bsd',
    license: { ref: 'bsd', name: 'BSD license family', category: 'PERMISSIVE', url: null, family: 'bsd' },
  },
  { hfId: 'bsd-2-clause', spdx: 'BSD-2-Clause' },
  { hfId: 'bsd-3-clause', spdx: 'BSD-3-Clause' },
  { hfId: 'bsd-3-clause-clear', spdx: 'BSD-3-Clause-Clear' },
  { hfId: 'c-uda', spdx: 'C-UDA-1.0' },
  {
    hfId: 'cc',
    license: {
      ref: 'cc',
      name: 'Creative Commons license family',
      category: 'UNKNOWN',
      url: 'https://creativecommons.org/licenses/',
      family: 'cc',
      aliases: ['creative commons'],
    },
  },
  { hfId: 'cc0-1.0', spdx: 'CC0-1.0' },
  { hfId: 'cc-by-2.0', spdx: 'CC-BY-2.0' },
  { hfId: 'cc-by-2.5', spdx: 'CC-BY-2.5' },
  { hfId: 'cc-by-3.0', spdx: 'CC-BY-3.0' },
  { hfId: 'cc-by-4.0', spdx: 'CC-BY-4.0' },
  { hfId: 'cc-by-sa-3.0', spdx: 'CC-BY-SA-3.0' },
  { hfId: 'cc-by-sa-4.0', spdx: 'CC-BY-SA-4.0' },
  { hfId: 'cc-by-nc-2.0', spdx: 'CC-BY-NC-2.0' },
  { hfId: 'cc-by-nc-3.0', spdx: 'CC-BY-NC-3.0' },
  { hfId: 'cc-by-nc-4.0', spdx: 'CC-BY-NC-4.0' },
  { hfId: 'cc-by-nd-4.0', spdx: 'CC-BY-ND-4.0' },
  { hfId: 'cc-by-nc-nd-3.0', spdx: 'CC-BY-NC-ND-3.0' },
  { hfId: 'cc-by-nc-nd-4.0', spdx: 'CC-BY-NC-ND-4.0' },
  { hfId: 'cc-by-nc-sa-2.0', spdx: 'CC-BY-NC-SA-2.0' },
  { hfId: 'cc-by-nc-sa-3.0', spdx: 'CC-BY-NC-SA-3.0' },
  { hfId: 'cc-by-nc-sa-4.0', spdx: 'CC-BY-NC-SA-4.0' },
  { hfId: 'cdla-sharing-1.0', spdx: 'CDLA-Sharing-1.0' },
  { hfId: 'cdla-permissive-1.0', spdx: 'CDLA-Permissive-1.0' },
  { hfId: 'cdla-permissive-2.0', spdx: 'CDLA-Permissive-2.0' },
  { hfId: 'wtfpl', spdx: 'WTFPL' },
  { hfId: 'ecl-2.0', spdx: 'ECL-2.0' },
  { hfId: 'epl-1.0', spdx: 'EPL-1.0' },
  { hfId: 'epl-2.0', spdx: 'EPL-2.0' },
  { hfId: 'etalab-2.0', spdx: 'etalab-2.0' },
  { hfId: 'eupl-1.1', spdx: 'EUPL-1.1' },
  { hfId: 'eupl-1.2', spdx: 'EUPL-1.2' },
  { hfId: 'agpl-3.0', spdx: 'AGPL-3.0-only' },
  {
    hfId: 'gfdl',
    license: {
      ref: 'gfdl',
      name: 'GNU Free Documentation License family',
      category: 'COPYLEFT',
      url: 'https://www.gnu.org/licenses/fdl.html',
      family: 'gfdl',
      aliases: ['gnu free documentation license', 'gnu fdl', 'fdl'],
    },
  },
  {
    hfId: 'gpl',
    license: {
      ref: 'gpl',
      name: 'GNU General Public License family',
      category: 'COPYLEFT',
      url: 'https://www.gnu.org/licenses/gpl.html',
      family: 'gpl',
      aliases: ['gnu general public license', 'gnu gpl', 'gnu public license'],
    },
  },
  { hfId: 'gpl-2.0', spdx: 'GPL-2.0-only' },
  { hfId: 'gpl-3.0', spdx: 'GPL-3.0-only' },
  {
    hfId: 'lgpl',
    license: {
      ref: 'lgpl',
      name: 'GNU Lesser General Public License family',
      category: 'COPYLEFT',
      url: 'https://www.gnu.org/licenses/lgpl.html',
      family: 'lgpl',
      aliases: ['gnu lesser general public license', 'gnu lgpl'],
    },
  },
  { hfId: 'lgpl-2.1', spdx: 'LGPL-2.1-only' },
  { hfId: 'lgpl-3.0', spdx: 'LGPL-3.0-only' },
  { hfId: 'isc', spdx: 'ISC' },
  {
    hfId: 'h-research',
    license: {
      ref: 'h-research',
      name: 'H Research License',
      category: 'NON_COMMERCIAL',
      url: 'https://huggingface.co/Hcompany/Holo1-3B/blob/main/LICENSE',
    },
  },
  {
    hfId: 'intel-research',
    license: {
      ref: 'intel-research',
      name: 'Intel Research Use License Agreement',
      category: 'NON_COMMERCIAL',
      url: 'https://huggingface.co/OpenVINO/Llama-3.1-8B-Instruct-FastDraft-150M-int8-ov/blob/main/LICENSE.md',
    },
  },
  { hfId: 'lppl-1.3c', spdx: 'LPPL-1.3c' },
  { hfId: 'ms-pl', spdx: 'MS-PL' },
  {
    hfId: 'apple-ascl',
    license: {
      ref: 'apple-ascl',
      name: 'Apple Sample Code License',
      // Permissive-looking vendor terms (use, modify, redistribute, commercially too, keeping Apple's
      // notice and without Apple's name), but neither OSI nor FSF approved: conditional, not open.
      category: 'COMMUNITY',
      url: 'https://developer.apple.com/support/downloads/terms/apple-sample-code/Apple-Sample-Code-License.pdf',
      aliases: ['apple sample code license', 'apple-sample-code-license'],
    },
  },
  {
    hfId: 'apple-amlr',
    license: {
      ref: 'apple-amlr',
      name: 'Apple Model License for Research',
      category: 'NON_COMMERCIAL',
      url: 'https://huggingface.co/apple/deeplabv3-mobilevit-small/blob/main/LICENSE',
      aliases: ['apple machine learning research model license', 'apple amlr'],
    },
  },
  { hfId: 'mpl-2.0', spdx: 'MPL-2.0' },
  { hfId: 'odc-by', spdx: 'ODC-By-1.0' },
  { hfId: 'odbl', spdx: 'ODbL-1.0' },
  { hfId: 'openmdw-1.0', spdx: 'OpenMDW-1.0' },
  { hfId: 'openmdw-1.1', spdx: 'OpenMDW-1.1' },
  {
    hfId: 'openrail++',
    license: {
      ref: 'openrail-pp',
      name: 'Open Rail++-M License',
      category: 'OPEN_RAIL',
      url: 'https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md',
      aliases: [
        'openrail++-m',
        'open rail++-m',
        'creativeml open rail++-m',
        'creativeml openrail++-m',
        'stable-diffusion-openrail++-m',
        'stable diffusion open rail++-m',
      ],
    },
  },
  { hfId: 'osl-3.0', spdx: 'OSL-3.0' },
  { hfId: 'postgresql', spdx: 'PostgreSQL' },
  { hfId: 'ofl-1.1', spdx: 'OFL-1.1' },
  { hfId: 'ncsa', spdx: 'NCSA' },
  { hfId: 'unlicense', spdx: 'Unlicense' },
  { hfId: 'zlib', spdx: 'Zlib' },
  { hfId: 'pddl', spdx: 'PDDL-1.0' },
  { hfId: 'lgpl-lr', spdx: 'LGPLLR' },
  {
    hfId: 'deepfloyd-if-license',
    license: {
      ref: 'deepfloyd-if-license',
      name: 'DeepFloyd IF Research License Agreement',
      category: 'NON_COMMERCIAL',
      url: 'https://huggingface.co/spaces/DeepFloyd/deepfloyd-if-license',
      aliases: ['deepfloyd if research license agreement', 'deepfloyd if license agreement'],
    },
  },
  {
    hfId: 'fair-noncommercial-research-license',
    license: {
      ref: 'fair-noncommercial-research-license',
      name: 'FAIR Noncommercial Research License',
      category: 'NON_COMMERCIAL',
      url: 'https://huggingface.co/facebook/fair-noncommercial-research-license/blob/main/LICENSE',
      aliases: ['fair noncommercial research license v1', 'fair non-commercial research license'],
    },
  },
  {
    hfId: 'llama2',
    license: {
      ref: 'llama2',
      name: 'Llama 2 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Llama-2-7b-chat-hf/blob/main/LICENSE.txt`,
      urls: ['https://ai.meta.com/llama/license/', 'https://github.com/facebookresearch/llama/blob/main/LICENSE'],
    },
  },
  {
    hfId: 'llama3',
    license: {
      ref: 'llama3',
      name: 'Llama 3 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Meta-Llama-3-8B/blob/main/LICENSE`,
      urls: ['https://llama.meta.com/llama3/license/'],
    },
  },
  {
    hfId: 'llama3.1',
    license: {
      ref: 'llama3.1',
      name: 'Llama 3.1 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Meta-Llama-3.1-70B-Instruct/blob/main/LICENSE`,
      urls: ['https://llama.meta.com/llama3_1/license/'],
    },
  },
  {
    hfId: 'llama3.2',
    license: {
      ref: 'llama3.2',
      name: 'Llama 3.2 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Llama-3.2-1B/blob/main/LICENSE.txt`,
      urls: ['https://www.llama.com/llama3_2/license/'],
    },
  },
  {
    hfId: 'llama3.3',
    license: {
      ref: 'llama3.3',
      name: 'Llama 3.3 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Llama-3.3-70B-Instruct/blob/main/LICENSE`,
      urls: ['https://www.llama.com/llama3_3/license/'],
    },
  },
  {
    hfId: 'llama4',
    license: {
      ref: 'llama4',
      name: 'Llama 4 Community License Agreement',
      category: 'COMMUNITY',
      url: `${LLAMA_URL}/Llama-4-Scout-17B-16E-Instruct/blob/main/LICENSE`,
      urls: ['https://www.llama.com/llama4/license/'],
    },
  },
  {
    hfId: 'grok2-community',
    license: {
      ref: 'grok2-community',
      name: 'Grok 2 Community License Agreement',
      category: 'COMMUNITY',
      url: 'https://huggingface.co/xai-org/grok-2/blob/main/LICENSE',
      aliases: ['grok 2 community license agreement', 'grok-2 community license', 'xai community license agreement'],
    },
  },
  {
    hfId: 'gemma',
    license: {
      ref: 'gemma',
      name: 'Gemma Terms of Use',
      category: 'COMMUNITY',
      url: 'https://ai.google.dev/gemma/terms',
      aliases: ['gemma terms of use', 'gemma license', 'google gemma terms of use'],
    },
  },
  {
    hfId: 'unknown',
    license: {
      ref: 'unknown',
      name: 'Unknown',
      category: 'UNKNOWN',
      url: null,
      // Words that declare a license without naming one.
      aliases: ['unclear', 'various', 'mixed', 'purposely left ambiguous', 'not specified', 'unspecified', 'tbd'],
    },
  },
  { hfId: 'other', license: { ref: 'other', name: 'Other', category: 'UNKNOWN', url: null } },
];

/** The entry for "no license declared". */
export const NO_LICENSE = {
  id: 'NONE',
  name: 'No license declared',
  url: null,
  category: 'UNSPECIFIED',
  commercialUse: 'UNKNOWN',
  osiApproved: false,
} as const;

/** Free-text values that say no license was given (the expert data writes these for missing weights). */
export const NO_LICENSE_PHRASES: readonly string[] = [
  'none',
  'no license',
  'no',
  'null',
  'n/a',
  'na',
  'unlicensed',
  'not licensed',
  'not included',
  'not include',
  'component not included',
  'component not include',
  'component component not included',
  'not available',
  'undisclosed',
  'not disclosed',
];

/**
 * Free-text names of SPDX licenses that neither the SPDX id nor the SPDX name gives (both of those
 * are matched from the packages, in any case and spacing).
 */
export const SPDX_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'Apache-2.0': ['apache', 'apache software license 2.0', 'asl 2.0', 'alv2'],
  'CC0-1.0': ['cc0', 'cc zero', 'creative commons zero', 'cc0 universal'],
  'AGPL-3.0-only': ['agpl', 'gnu affero general public license'],
  'MPL-2.0': ['mozilla public license 2.0', 'mpl'],
  'BSD-3-Clause': ['new bsd', 'revised bsd', 'modified bsd', '3-clause bsd', 'bsd 3 clause'],
  'BSD-2-Clause': ['simplified bsd', 'freebsd', '2-clause bsd', 'bsd 2 clause'],
  'ODbL-1.0': ['odbl', 'open database license'],
  'ODC-By-1.0': ['odc-by', 'open data commons attribution license'],
  'PDDL-1.0': ['pddl', 'odc-pddl', 'odc-pddl-1.0', 'open data commons public domain dedication and license'],
};

/**
 * Licenses without an SPDX id that are not Hugging Face ids either: vendor model licenses met in real
 * data (hub `license_name` values, the expert references' license strings), and Creative Commons
 * licenses named without a version (the category is certain, the version is not).
 */
export const OTHER_LICENSES: readonly LicenseRefRow[] = [
  {
    ref: 'tongyi-qianwen',
    name: 'Tongyi Qianwen License Agreement',
    category: 'COMMUNITY',
    url: 'https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT',
    aliases: [
      'tongyi qianwen',
      'qianwen',
      'qwen',
      'qwen license agreement',
      'tongyi qianwen license agreement',
      // The agreement's Chinese title, "通义千问许可协议", as ModelScope and Chinese model cards write it.
      '通义千问',
      '千问',
    ],
  },
  {
    ref: 'qwen-research',
    name: 'Qwen Research License Agreement',
    category: 'NON_COMMERCIAL',
    url: null,
    aliases: [
      'tongyi-qianwen-research',
      'tongyi qianwen research license agreement',
      'qwen research',
      '通义千问研究',
      '千问研究',
    ],
  },
  {
    ref: 'deepseek',
    name: 'DeepSeek License Agreement',
    category: 'COMMUNITY',
    url: 'https://github.com/deepseek-ai/DeepSeek-LLM/blob/HEAD/LICENSE-MODEL',
    aliases: ['deepseek-license', 'deepseek model license', 'deepseek license agreement', 'deepseek 模型'],
  },
  {
    ref: 'nvidia-open-model-license',
    name: 'NVIDIA Open Model License Agreement',
    category: 'COMMUNITY',
    url: 'https://www.nvidia.com/en-us/agreements/enterprise-software/nvidia-open-model-license/',
    aliases: ['nvidia open model license agreement', 'nvidia-open-model'],
  },
  {
    ref: 'falcon-llm-license',
    name: 'TII Falcon LLM License',
    category: 'COMMUNITY',
    url: 'https://falconllm.tii.ae/falcon-terms-and-conditions.html',
    aliases: ['falcon llm license', 'tii falcon llm license', 'tii falcon license', 'falcon license', 'falcon-llm'],
  },
  {
    ref: 'falcon-180b-tii-license',
    name: 'Falcon-180B TII License',
    category: 'COMMUNITY',
    url: 'https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt',
    aliases: ['falcon-180b tii license', 'falcon 180b tii license version 1.0', 'falcon-180b-license'],
  },
  {
    ref: 'baai-aquila-model-license',
    name: 'BAAI Aquila Model License Agreement',
    // Commercial use is allowed under the agreement's conditions: a vendor community license.
    category: 'COMMUNITY',
    url: null,
    aliases: ['baai aquila model license', 'aquila model license', 'baai aquila model licence agreement'],
  },
  {
    ref: 'stabilityai-community',
    name: 'Stability AI Community License Agreement',
    category: 'COMMUNITY',
    url: 'https://stability.ai/community-license-agreement',
    aliases: ['stabilityai-ai-community', 'stability ai community license', 'stability-ai-community'],
    urls: ['https://stability.ai/license'],
  },
  {
    ref: 'tencent-hunyuan-community',
    name: 'Tencent Hunyuan Community License Agreement',
    category: 'COMMUNITY',
    url: null,
    aliases: ['tencent hunyuan community license agreement', 'hunyuan community', 'tencent-hunyuan', '腾讯混元社区'],
  },
  {
    ref: 'yi-license',
    name: 'Yi Series Models Community License Agreement',
    category: 'COMMUNITY',
    url: null,
    aliases: ['yi series community license agreement', 'yi series community license agreement 2.1', 'yi community'],
  },
  {
    ref: 'baichuan',
    name: 'Baichuan Model Community License Agreement',
    category: 'COMMUNITY',
    url: null,
    aliases: [
      'community license for baichuan2 model',
      'community license for baichuan model',
      'baichuan-7b license',
      // "百川模型社区许可协议" / "Baichuan 2 模型社区许可协议", the agreement's Chinese titles.
      '百川模型社区',
      '百川2模型社区',
      'baichuan 模型社区',
      'baichuan 2 模型社区',
    ],
  },
  {
    ref: 'llama-community',
    name: 'Llama Community License (version not stated)',
    category: 'COMMUNITY',
    url: null,
    aliases: ['llama community license', 'meta community license', 'meta llama community license'],
  },
  {
    // "Bespoke community license" with no vendor named ('bespoke' is a stop word, so a bare "community
    // license" means this too): a vendor's own community terms, commercial use under conditions.
    ref: 'bespoke-community',
    name: 'Bespoke community license (vendor not named)',
    category: 'COMMUNITY',
    url: null,
    aliases: ['bespoke community license', 'community license'],
  },
  {
    ref: 'llama-license',
    // The first LLaMA's licence: non-commercial research use only.
    name: 'LLaMA License Agreement',
    category: 'NON_COMMERCIAL',
    url: null,
    aliases: ['llama license', 'llama license agreement', 'llama 1 license'],
  },
  {
    ref: 'databricks-open-model',
    name: 'Databricks Open Model License',
    category: 'COMMUNITY',
    url: 'https://www.databricks.com/legal/open-model-license',
    aliases: ['databricks open model license', 'dbrx license'],
  },
  {
    ref: 'lfm-open-license',
    name: 'LFM Open License v1.0',
    category: 'COMMUNITY',
    url: null,
    aliases: ['lfm open license v1.0', 'lfm1.0', 'lfm open license'],
  },
  {
    ref: 'minimax-model-license',
    name: 'MiniMax Model License Agreement',
    category: 'COMMUNITY',
    url: null,
    aliases: ['minimax model license', 'minimax model license agreement'],
  },
  {
    ref: 'skywork-community',
    name: 'Skywork Community License',
    category: 'COMMUNITY',
    url: null,
    aliases: ['skywork terms and conditions', 'skywork community license', 'skywork license'],
  },
  {
    ref: 'glm-4',
    name: 'GLM-4 Model License',
    category: 'COMMUNITY',
    url: null,
    aliases: ['glm-4 license', 'glm4 license', 'glm-4'],
  },
  {
    ref: 'chatglm',
    name: 'ChatGLM Model License',
    category: 'COMMUNITY',
    url: null,
    aliases: ['chatglm-6b license', 'chatglm2-6b license', 'chatglm3-6b license', 'chatglm license'],
  },
  {
    ref: 'modified-mit',
    // "MIT with changes" (e.g. attribution duties above a usage threshold): a vendor's own terms, not MIT.
    name: 'Modified MIT License',
    category: 'COMMUNITY',
    url: null,
    aliases: ['modified mit', 'modified mit license'],
  },
  {
    ref: 'exaone',
    name: 'EXAONE AI Model License Agreement',
    category: 'NON_COMMERCIAL',
    url: null,
    aliases: [
      'exaone ai model license agreement 1.1 - nc',
      'exaone ai model license agreement 1.2 - nc',
      'exaone ai model license agreement 1.1',
      'exaone ai model license agreement 1.2',
      'exaone ai model license agreement',
    ],
  },
  {
    ref: 'mistral-research',
    name: 'Mistral AI Research License',
    category: 'NON_COMMERCIAL',
    url: 'https://mistral.ai/licenses/MRL-0.1.md',
    aliases: ['mrl', 'mistral ai research license'],
  },
  {
    ref: 'mistral-non-production',
    name: 'Mistral AI Non-Production License',
    category: 'NON_COMMERCIAL',
    url: 'https://mistral.ai/licenses/MNPL-0.1.md',
    aliases: ['mnpl', 'mistral ai non-production license'],
  },
  {
    ref: 'opt-175b',
    name: 'OPT-175B License Agreement',
    category: 'NON_COMMERCIAL',
    url: null,
    aliases: ['opt-175b license agreement', 'opt-iml 175b license agreement', 'opt-175b license'],
  },
  {
    // The ImpACT family named without its risk tier: every tier restricts use (a RAIL-style license).
    ref: 'ai2-impact',
    name: 'AI2 ImpACT License (risk tier not stated)',
    category: 'OPEN_RAIL',
    url: 'https://allenai.org/impact-license',
    aliases: ['ai2 impact license', 'ai2-impact-license', 'allenai impact license'],
  },
  {
    ref: 'ai2-impact-lr',
    name: 'AI2 ImpACT License - Low Risk Artifacts',
    category: 'OPEN_RAIL',
    url: 'https://allenai.org/licenses/impact-lr',
    aliases: ['ai2 impact low-risk license', 'ai2 impact license low risk', 'ai2-impact-license-low-risk'],
  },
  {
    ref: 'ai2-impact-mr',
    name: 'AI2 ImpACT License - Medium Risk Artifacts',
    category: 'OPEN_RAIL',
    url: 'https://allenai.org/licenses/impact-mr',
    aliases: ['ai2 impact medium-risk license', 'ai2 impact license medium risk', 'ai2-impact-license-medium-risk'],
  },
  {
    ref: 'rail',
    name: 'Responsible AI License (variant not stated)',
    category: 'OPEN_RAIL',
    url: 'https://www.licenses.ai/',
    aliases: ['responsible ai license', 'rail license'],
  },
  {
    ref: 'proprietary',
    name: 'Proprietary',
    category: 'PROPRIETARY',
    url: null,
    aliases: ['all rights reserved', 'closed', 'closed source', 'commercial'],
  },
  {
    ref: 'public-domain',
    name: 'Public domain (no dedication named)',
    category: 'PUBLIC_DOMAIN',
    url: null,
    aliases: ['public domain'],
  },
  {
    ref: 'cc-by',
    name: 'Creative Commons Attribution (version not stated)',
    category: 'PERMISSIVE',
    url: null,
  },
  {
    ref: 'cc-by-sa',
    name: 'Creative Commons Attribution-ShareAlike (version not stated)',
    category: 'COPYLEFT',
    url: null,
  },
  {
    ref: 'cc-by-nd',
    name: 'Creative Commons Attribution-NoDerivatives (version not stated)',
    category: 'NO_DERIVATIVES',
    url: null,
  },
  {
    ref: 'cc-by-nc',
    name: 'Creative Commons Attribution-NonCommercial (version not stated)',
    category: 'NON_COMMERCIAL',
    url: null,
  },
  {
    ref: 'cc-by-nc-sa',
    name: 'Creative Commons Attribution-NonCommercial-ShareAlike (version not stated)',
    category: 'NON_COMMERCIAL',
    url: null,
  },
  {
    ref: 'cc-by-nc-nd',
    name: 'Creative Commons Attribution-NonCommercial-NoDerivatives (version not stated)',
    category: 'NON_COMMERCIAL',
    url: null,
  },
];
