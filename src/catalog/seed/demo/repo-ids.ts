/**
 * The repo id of a record: its author (an organization of its archetype, or one of 60,000 generated
 * users, a few of whom own many repos) and its name (built from the family, size, a topic, a style
 * or a language, by archetype), ending in `-<index in base 36>` so that the index can be parsed back
 * from the id. Drawn from the identity stream, so cheap enough for lineage to look at parents.
 */

import { type Archetype, type Core, type Family, type RlRun, RL_RUNS, drawCore } from './archetypes.js';
import { Rng, Stream, mix32, streamSeed, words } from './prng.js';
import { type GeneratorOptions, seedOf } from './record-types.js';

const ORGS: Readonly<Record<Archetype, readonly string[]>> = {
  llm: [
    'meta-llama',
    'Qwen',
    'mistralai',
    'google',
    'microsoft',
    'HuggingFaceTB',
    'allenai',
    'ibm-granite',
    'deepseek-ai',
    'tiiuae',
    'NousResearch',
    'cognitivecomputations',
    'nvidia',
    'unsloth',
    'mlx-community',
  ],
  gguf: [
    'bartowski',
    'TheBloke',
    'mradermacher',
    'lmstudio-community',
    'QuantFactory',
    'unsloth',
    'MaziyarPanahi',
    'second-state',
  ],
  peft: ['unsloth', 'tloen', 'predibase', 'ybelkada'],
  encoder: [
    'sentence-transformers',
    'google-bert',
    'FacebookAI',
    'distilbert',
    'BAAI',
    'intfloat',
    'cardiffnlp',
    'dslim',
    'nlptown',
  ],
  diffusion: ['stabilityai', 'black-forest-labs', 'stable-diffusion-v1-5', 'SG161222', 'Lykon'],
  lora: ['nerijs', 'ostris', 'XLabs-AI', 'alvdansen', 'multimodalart'],
  speech: ['openai', 'facebook', 'nvidia', 'speechbrain', 'microsoft'],
  vision: ['google', 'facebook', 'microsoft', 'timm', 'Ultralytics', 'nvidia'],
  rl: ['sb3', 'ThomasSimonini', 'cleanrl'],
  empty: ['test-org'],
};

const ORG_SHARE: Readonly<Record<Archetype, number>> = {
  llm: 0.12,
  gguf: 0.45,
  peft: 0.03,
  encoder: 0.08,
  diffusion: 0.2,
  lora: 0.05,
  speech: 0.1,
  vision: 0.1,
  rl: 0.02,
  empty: 0,
};

const FIRST_NAMES = words(
  'alex maria kenji li sam fatima jonas priya omar elena wei lucas ana david yuki ahmed sofia ivan chloe arjun nina tom mehmet sara juan hana max olga ravi emma noah zoe felix aisha leo mina',
);
const LAST_NAMES = words(
  'garcia tanaka chen smith kumar nguyen mueller rossi kim silva novak ivanova dubois lopez sato wang ali jensen costa haddad park brown yilmaz schmidt moreau reddy petrov santos fischer khan lee martin',
);

const LLM_TOPICS = words(
  'medical legal code math finance roleplay chat sql german japanese korean arabic tool-use reasoning summarization customer-support story uncensored turkish hindi spanish french vietnamese indonesian function-calling rag instruct',
);
const LLM_METHODS = words('sft dpo orpo grpo lora-merged v1 v2 v0.1 ft distilled kto');
const LLM_VARIANTS = ['', '', '-Instruct', '-Instruct', '-Chat', '-it', '-Base'] as const;
const MERGE_WORDS = ['Slerp', 'TIES', 'DARE', 'Passthrough', 'Franken', 'Dolphin', 'Nexus', 'Hermes'] as const;
const ENCODER_TASKS = words(
  'imdb sst2 emotion ner conll03 squad sentiment toxic spam news intent nli pos tweet-eval amazon-reviews legal-ner medical-ner finance-sentiment',
);
const STYLES = words(
  'anime realism pixel-art watercolor cyberpunk portrait logo comic sketch fantasy architecture product-photo ghibli neon vintage isometric lineart',
);
export const LANGUAGES = words('en zh de fr es ja ko ru ar pt it hi vi id tr nl pl sv fa uk th bn sw he');
const VISION_DATASETS = words('cifar10 food101 beans eurosat imagenet-1k cats-vs-dogs fashion-mnist');
const EMPTY_NAMES = words(
  'my-awesome-model test-model test model checkpoint first-model demo trained-model sentiment-model my-model final experiment assignment project',
);

/** GGUF quantization names, as they appear in repo and file names. */
export const GGUF_QUANTS = words(
  'Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_0 Q4_K_S Q4_K_M Q5_0 Q5_K_S Q5_K_M Q6_K Q8_0 IQ4_XS F16',
);

/** Who and what a record is: its archetype, family and size, author and name. */
export interface Identity {
  readonly rlRun: RlRun | undefined;
  readonly archetype: Archetype;
  readonly family: Family;
  readonly sizeB: number;
  readonly author: string;
  readonly name: string;
  readonly repoId: string;
  readonly isOrg: boolean;
}

function sizeLabel(sizeB: number): string {
  return sizeB < 1 ? `${Math.round(sizeB * 1000)}M` : `${sizeB}B`;
}

export const USERS = 60_000;
const userNames: (string | undefined)[] = [];

export function userName(userIndex: number): string {
  return (userNames[userIndex] ??= drawUserName(userIndex));
}

function drawUserName(userIndex: number): string {
  const rng = new Rng(mix32(userIndex + 0x51ed));
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  switch (rng.int(6)) {
    case 0:
      return `${first}${last}`;
    case 1:
      return `${first}-${last}`;
    case 2:
      return `${first.charAt(0)}${last}`;
    case 3:
      return `${first}${rng.int(1000)}`;
    case 4:
      return `${last}-lab`;
    default:
      return `${first}-ai${rng.int(100)}`;
  }
}

function drawName(rng: Rng, core: Core, rlRun: RlRun | undefined): string {
  const { archetype, family: fam, sizeB } = core;
  const stem = fam.sizeInName ? `${fam.name}-${sizeLabel(sizeB)}` : fam.name;
  switch (archetype) {
    case 'llm': {
      const shape = rng.int(3);
      if (shape === 0) return `${stem}${rng.pick(LLM_VARIANTS)}`;
      if (shape === 1) return `${stem}-${rng.pick(LLM_TOPICS)}-${rng.pick(LLM_METHODS)}`;
      return `${rng.pick(MERGE_WORDS)}-${stem}-${rng.pick(LLM_TOPICS)}`;
    }
    case 'gguf':
      return rng.chance(0.3)
        ? `${stem}${rng.pick(LLM_VARIANTS)}-${rng.pick(GGUF_QUANTS)}-GGUF`
        : `${stem}${rng.pick(LLM_VARIANTS)}-GGUF`;
    case 'peft':
      return `${stem}-${rng.pick(LLM_TOPICS)}-${rng.pick(['lora', 'qlora', 'adapter', 'peft'])}`;
    case 'encoder':
      return rng.chance(0.7) ? `${stem}-finetuned-${rng.pick(ENCODER_TASKS)}` : `${stem}-${rng.pick(ENCODER_TASKS)}`;
    case 'diffusion':
      return `${stem.replace('stable-diffusion-', 'sd-')}-${rng.pick(STYLES)}`;
    case 'lora':
      return `${rng.pick(STYLES)}-${rng.pick(['lora', 'LoRA', 'style-lora', 'sdxl-lora', 'flux-lora'])}`;
    case 'speech':
      return `${stem}-${rng.pick(LANGUAGES)}${rng.chance(0.5) ? '-finetuned' : ''}`;
    case 'vision':
      return `${stem}-finetuned-${rng.pick(VISION_DATASETS)}`;
    case 'rl':
      return `${rlRun?.[0] ?? 'ppo'}-${rlRun?.[1] ?? 'env'}`;
    case 'empty':
      return rng.pick(EMPTY_NAMES);
  }
}

export function identityOf(seed: number, index: number): Identity {
  const rng = new Rng(streamSeed(seed, index, Stream.Identity));
  const core = drawCore(rng);
  const isOrg = rng.chance(ORG_SHARE[core.archetype]);
  // A power law over the users: a few users own many repos, most own one or two.
  const author = isOrg ? rng.pick(ORGS[core.archetype]) : userName(Math.floor(rng.next() ** 2.5 * USERS));
  const rlRun = core.archetype === 'rl' ? rng.pick(RL_RUNS) : undefined;
  const name = `${drawName(rng, core, rlRun)}-${index.toString(36)}`;
  // An explicit literal: spreading `core` here costs more than the rest of the function.
  return {
    archetype: core.archetype,
    family: core.family,
    sizeB: core.sizeB,
    rlRun,
    author,
    name,
    repoId: `${author}/${name}`,
    isOrg,
  };
}

/** The repo id of record `index`, without generating the record. */
export function generatedRepoId(index: number, options?: GeneratorOptions): string {
  return identityOf(seedOf(options), index).repoId;
}

/** The index of a generated repo id (round-trip checked), or undefined when it is not one of ours. */
export function generatedRecordIndex(repoId: string, options?: GeneratorOptions): number | undefined {
  const match = /-([0-9a-z]{1,11})$/.exec(repoId);
  if (!match?.[1]) return undefined;
  const index = parseInt(match[1], 36);
  if (!Number.isSafeInteger(index)) return undefined;
  return generatedRepoId(index, options) === repoId ? index : undefined;
}
