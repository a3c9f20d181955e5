/**
 * A deterministic generator of realistic Hugging Face model records, in the exact shape
 * `GET /api/models?expand[]=…` and `GET /api/models/{repo}` return them. It feeds the fake hub of the
 * integration tests, the seed snapshot and the ingest benchmark, so it must scale to millions of
 * records without holding them: record `i` depends only on `(seed, i)`.
 *
 * Every record is drawn from a few independent PRNG streams keyed by (seed, index, stream):
 * - identity: archetype (LLM, GGUF quant, adapter, encoder, …), model family and size, author, name;
 *   cheap on its own, so a derivative can look at candidate parents without generating them;
 * - time: createdAt and lastModified;
 * - popularity: downloads, likes, trending score;
 * - body: everything else (license, gating, tags, card data, files, …).
 *
 * Distributions (shares of all records over the first 100,000; the unit test checks ranges):
 * - license: none ≈ 24 %, apache-2.0 ≈ 32 %, mit ≈ 13 %, other ≈ 7 %, openrail family ≈ 7 %,
 *   llama2/3/3.1/3.2/3.3/4 + gemma ≈ 8 %, cc-by-nc-4.0 ≈ 2.3 %, cc-by-4.0 ≈ 1.3 %, then a long tail
 *   (unknown, gpl-3.0, afl-3.0, bsd-3-clause, cc0-1.0, agpl-3.0, …). LLM-family repos often carry
 *   their family's license (llama3.1, gemma, …), diffusion repos theirs (creativeml-openrail-m,
 *   openrail++). `license: other` comes with `license_name` / `license_link` three times out of
 *   four; one apache/mit card in 200 lists two licenses.
 * - gated ≈ 5.5 % (70 % of them `manual`), far more often for llama/gemma/other licenses.
 * - downloads: 42 % zero, the rest Pareto (α ≈ 0.62) capped at 150M: about a hundred per million
 *   exceed 1M; likes follow downloads sub-linearly; trendingScore is zero for ~95 %.
 * - tasks: text-generation ≈ 29 %, none ≈ 17 %, reinforcement-learning 11 %, text-classification
 *   8 %, text-to-image 6 %, …; libraries: transformers ≈ 46 %, none ≈ 16 %, peft 7 %, diffusers
 *   6 %, stable-baselines3 5 %, gguf 5 %, …
 * - weights: safetensors ≈ 53 % (parameter counts 10M … 400B from the family's sizes; sharded in
 *   5 GB files), GGUF ≈ 7 % (a `gguf` block, quantizations like Q4_K_M), some `.bin`, `.onnx`,
 *   `.h5`; RL agents, diffusers pipelines and weightless repos have no `safetensors` block.
 * - derivatives ≈ 31 % (finetune, adapter, quantized, merge), pointing at earlier records of a
 *   compatible archetype (of the same model family when one is near), via `base_model:` tags and
 *   `cardData.base_model` (a string, or a list for merges and some others).
 *
 * Generated repo ids end in `-<index in base 36>`, so the fake hub can parse a record's index back
 * from its id and serve model info for a million records without materializing them.
 */

export type HfGating = false | 'auto' | 'manual';
export type HfBaseModelRelation = 'finetune' | 'adapter' | 'quantized' | 'merge';

export interface HfSibling {
  rfilename: string;
}

export interface HfSafetensors {
  parameters: Record<string, number>;
  total: number;
}

export interface HfGguf {
  total: number;
  architecture: string;
  context_length: number;
}

export interface HfInferenceProvider {
  provider: string;
  providerId: string;
  status: 'live' | 'staging';
  task: string;
}

export interface HfModelIndexEntry {
  name: string;
  results: {
    task: { type: string; name: string };
    dataset: { name: string; type: string; split: string };
    metrics: { type: string; name: string; value: number; verified: boolean }[];
  }[];
}

export interface HfCardData {
  language?: string | string[];
  license?: string | string[];
  license_name?: string;
  license_link?: string;
  base_model?: string | string[];
  base_model_relation?: HfBaseModelRelation;
  datasets?: string[];
  library_name?: string;
  pipeline_tag?: string;
  tags?: string[];
  quantized_by?: string;
  extra_gated_prompt?: string;
  extra_gated_fields?: Record<string, string>;
  'model-index'?: HfModelIndexEntry[];
  [key: string]: unknown;
}

/**
 * One model as the Hub API returns it. A type alias (not an interface) so that it is assignable to
 * `Record<string, unknown>`. Hand-written fixtures in this shape may carry more keys (widgetData,
 * mask_token, …).
 */
export type HfGeneratedRecord = {
  _id: string;
  id: string;
  private: false;
  pipeline_tag?: string;
  library_name?: string;
  tags: string[];
  downloads: number;
  downloadsAllTime: number;
  likes: number;
  trendingScore: number;
  modelId: string;
  author: string;
  sha: string;
  lastModified: string;
  gated: HfGating;
  disabled: false;
  inference?: 'warm';
  'model-index'?: HfModelIndexEntry[];
  config?: { architectures?: string[]; model_type?: string; [key: string]: unknown };
  cardData?: HfCardData;
  transformersInfo?: { auto_model: string; pipeline_tag?: string; processor?: string };
  siblings: HfSibling[];
  spaces?: string[];
  createdAt: string;
  safetensors?: HfSafetensors;
  gguf?: HfGguf;
  inferenceProviderMapping?: HfInferenceProvider[];
  usedStorage?: number;
};

export interface GeneratorOptions {
  /** Default 1. */
  readonly seed?: number;
  /** Epoch ms of record 0's createdAt (rounded down to the second); default 2022-01-01T00:00:00Z. */
  readonly baseTime?: number;
}

export const DEFAULT_BASE_TIME = Date.UTC(2022, 0, 1);

/**
 * Mean spacing of createdAt between consecutive records: 2.9M models (the Hub's size in 2026) then
 * span about four years. Each record is placed at `i × step + jitter` with jitter < step, so
 * createdAt strictly increases and is computable from the index alone.
 */
export const CREATED_AT_STEP_SECONDS = 45;

// ---------------------------------------------------------------------------------------------
// PRNG. Written here rather than taken from a package because what we need is random access: record
// i must be computable from (seed, i) alone, in O(1), without drawing records 0..i-1 first.
// Sequence-oriented seedable PRNG packages don't offer that; a 32-bit hash of (seed, index, stream)
// seeding mulberry32 does, in a dozen lines.

function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

function streamSeed(seed: number, index: number, stream: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 0x1_0000_0000) >>> 0;
  return mix32(mix32(mix32(Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(stream, 0x85ebca6b)) ^ low) ^ high);
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return mix32(hash);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `count` distinct items (fewer when the list is shorter), in list order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    const wanted = Math.min(count, items.length);
    while (chosen.size < wanted) chosen.add(this.int(items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      const word = this.int(0x1_0000_0000);
      out +=
        (HEX_BYTES[word >>> 24] as string) +
        (HEX_BYTES[(word >>> 16) & 0xff] as string) +
        (HEX_BYTES[(word >>> 8) & 0xff] as string) +
        (HEX_BYTES[word & 0xff] as string);
    }
    return out.slice(0, length);
  }
}

class Weighted<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    let sum = 0;
    for (const [value, weight] of entries) {
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  draw(rng: Rng): T {
    const target = rng.next() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) {
      if (target < (this.cumulative[i] as number)) return this.values[i] as T;
    }
    return this.values[this.values.length - 1] as T;
  }
}

/** The independent PRNG streams of one record (see the file comment). */
const Stream = { Identity: 1, Time: 2, Popularity: 3, Body: 4, Mutation: 5 } as const;

// ---------------------------------------------------------------------------------------------
// Vocabulary.

function words(list: string): readonly string[] {
  return list.split(' ');
}

type Archetype = 'llm' | 'gguf' | 'peft' | 'encoder' | 'diffusion' | 'lora' | 'speech' | 'vision' | 'rl' | 'empty';

const ARCHETYPES = new Weighted<Archetype>([
  ['llm', 22],
  ['gguf', 7],
  ['peft', 7],
  ['encoder', 20],
  ['diffusion', 3],
  ['lora', 4],
  ['speech', 6],
  ['vision', 8],
  ['rl', 11],
  ['empty', 12],
]);

interface Family {
  readonly name: string;
  readonly modelType: string;
  readonly architecture: string;
  /** Sizes in billions of parameters. */
  readonly sizes: readonly number[];
  readonly contextLength: number;
  /** The license derivatives of this family usually carry. */
  readonly license: string;
  readonly sizeInName?: boolean;
}

function family(
  name: string,
  modelType: string,
  architecture: string,
  sizes: readonly number[],
  contextLength: number,
  license: string,
  sizeInName = true,
): Family {
  return { name, modelType, architecture, sizes, contextLength, license, sizeInName };
}

const LLM_FAMILIES: readonly (readonly [Family, number])[] = [
  [family('Llama-3.1', 'llama', 'LlamaForCausalLM', [8, 8, 8, 70, 400], 131072, 'llama3.1'), 10],
  [family('Llama-3.2', 'llama', 'LlamaForCausalLM', [1, 3], 131072, 'llama3.2'), 7],
  [family('Llama-2', 'llama', 'LlamaForCausalLM', [7, 7, 13, 70], 4096, 'llama2'), 6],
  [family('Meta-Llama-3', 'llama', 'LlamaForCausalLM', [8, 8, 70], 8192, 'llama3'), 5],
  [family('Llama-3.3', 'llama', 'LlamaForCausalLM', [70], 131072, 'llama3.3'), 1],
  [family('Qwen2.5', 'qwen2', 'Qwen2ForCausalLM', [0.5, 1.5, 3, 7, 7, 14, 32, 72], 32768, 'apache-2.0'), 14],
  [family('Qwen3', 'qwen3', 'Qwen3ForCausalLM', [0.6, 1.7, 4, 8, 14, 32, 235], 40960, 'apache-2.0'), 10],
  [family('Mistral', 'mistral', 'MistralForCausalLM', [7, 7, 12, 24], 32768, 'apache-2.0'), 8],
  [family('Mixtral-8x7B', 'mixtral', 'MixtralForCausalLM', [46.7], 32768, 'apache-2.0', false), 2],
  [family('gemma-2', 'gemma2', 'Gemma2ForCausalLM', [2, 9, 27], 8192, 'gemma'), 5],
  [family('gemma-3', 'gemma3', 'Gemma3ForConditionalGeneration', [1, 4, 12, 27], 131072, 'gemma'), 5],
  [family('Phi-3', 'phi3', 'Phi3ForCausalLM', [3.8, 14], 4096, 'mit'), 4],
  [family('SmolLM2', 'llama', 'LlamaForCausalLM', [0.135, 0.36, 1.7], 8192, 'apache-2.0'), 4],
  [family('TinyLlama', 'llama', 'LlamaForCausalLM', [1.1], 2048, 'apache-2.0'), 3],
  [family('DeepSeek-R1-Distill-Qwen', 'qwen2', 'Qwen2ForCausalLM', [1.5, 7, 14, 32], 131072, 'mit'), 4],
  [family('gpt2', 'gpt2', 'GPT2LMHeadModel', [0.124, 0.355, 0.774], 1024, 'mit', false), 5],
  [family('OLMo-2', 'olmo2', 'Olmo2ForCausalLM', [1, 7, 13], 4096, 'apache-2.0'), 2],
  [family('granite-3.1', 'granite', 'GraniteForCausalLM', [2, 8], 131072, 'apache-2.0'), 2],
  [family('Falcon3', 'llama', 'LlamaForCausalLM', [1, 3, 7, 10], 32768, 'other'), 2],
];

const ENCODER_FAMILIES: readonly (readonly [Family, number])[] = [
  [family('bert-base-uncased', 'bert', 'Bert', [0.11], 512, 'apache-2.0', false), 14],
  [family('bert-base-cased', 'bert', 'Bert', [0.108], 512, 'apache-2.0', false), 5],
  [family('bert-large-uncased', 'bert', 'Bert', [0.335], 512, 'apache-2.0', false), 3],
  [family('bert-base-multilingual-cased', 'bert', 'Bert', [0.178], 512, 'apache-2.0', false), 4],
  [family('distilbert-base-uncased', 'distilbert', 'DistilBert', [0.066], 512, 'apache-2.0', false), 12],
  [family('roberta-base', 'roberta', 'Roberta', [0.125], 512, 'mit', false), 8],
  [family('roberta-large', 'roberta', 'Roberta', [0.355], 512, 'mit', false), 3],
  [family('xlm-roberta-base', 'xlm-roberta', 'XLMRoberta', [0.278], 512, 'mit', false), 6],
  [family('xlm-roberta-large', 'xlm-roberta', 'XLMRoberta', [0.56], 512, 'mit', false), 2],
  [family('deberta-v3-base', 'deberta-v2', 'DebertaV2', [0.184], 512, 'mit', false), 5],
  [family('all-MiniLM-L6-v2', 'bert', 'Bert', [0.0227], 256, 'apache-2.0', false), 8],
  [family('all-mpnet-base-v2', 'mpnet', 'MPNet', [0.109], 384, 'apache-2.0', false), 4],
  [family('bge-small-en-v1.5', 'bert', 'Bert', [0.0334], 512, 'mit', false), 3],
  [family('bge-m3', 'xlm-roberta', 'XLMRoberta', [0.568], 8192, 'mit', false), 3],
  [family('electra-small-discriminator', 'electra', 'Electra', [0.0135], 512, 'apache-2.0', false), 2],
  [family('albert-base-v2', 'albert', 'Albert', [0.0117], 512, 'apache-2.0', false), 2],
  [family('ModernBERT-base', 'modernbert', 'ModernBert', [0.149], 8192, 'apache-2.0', false), 3],
  [family('camembert-base', 'camembert', 'Camembert', [0.11], 512, 'mit', false), 2],
];

const SPEECH_FAMILIES: readonly (readonly [Family, number])[] = [
  [family('whisper-tiny', 'whisper', 'WhisperForConditionalGeneration', [0.039], 448, 'apache-2.0', false), 5],
  [family('whisper-small', 'whisper', 'WhisperForConditionalGeneration', [0.242], 448, 'apache-2.0', false), 8],
  [family('whisper-medium', 'whisper', 'WhisperForConditionalGeneration', [0.764], 448, 'apache-2.0', false), 4],
  [family('whisper-large-v3', 'whisper', 'WhisperForConditionalGeneration', [1.54], 448, 'apache-2.0', false), 5],
  [family('wav2vec2-base', 'wav2vec2', 'Wav2Vec2ForCTC', [0.095], 0, 'apache-2.0', false), 5],
  [family('wav2vec2-large-xlsr-53', 'wav2vec2', 'Wav2Vec2ForCTC', [0.315], 0, 'apache-2.0', false), 4],
  [family('speecht5_tts', 'speecht5', 'SpeechT5ForTextToSpeech', [0.144], 0, 'mit', false), 3],
  [family('mms-tts', 'vits', 'VitsModel', [0.036], 0, 'cc-by-nc-4.0', false), 2],
];

const VISION_FAMILIES: readonly (readonly [Family, number])[] = [
  [family('vit-base-patch16-224', 'vit', 'ViTForImageClassification', [0.086], 0, 'apache-2.0', false), 10],
  [family('vit-large-patch16-224', 'vit', 'ViTForImageClassification', [0.304], 0, 'apache-2.0', false), 2],
  [family('resnet-50', 'resnet', 'ResNetForImageClassification', [0.0256], 0, 'apache-2.0', false), 6],
  [family('resnet-18', 'resnet', 'ResNetForImageClassification', [0.0117], 0, 'apache-2.0', false), 3],
  [family('convnext-tiny-224', 'convnext', 'ConvNextForImageClassification', [0.0286], 0, 'apache-2.0', false), 3],
  [family('swin-tiny-patch4-window7-224', 'swin', 'SwinForImageClassification', [0.028], 0, 'apache-2.0', false), 4],
  [family('detr-resnet-50', 'detr', 'DetrForObjectDetection', [0.041], 0, 'apache-2.0', false), 3],
  [family('dinov2-base', 'dinov2', 'Dinov2Model', [0.086], 0, 'apache-2.0', false), 2],
  [family('clip-vit-base-patch32', 'clip', 'CLIPModel', [0.151], 0, 'mit', false), 3],
  [family('dpt-large', 'dpt', 'DPTForDepthEstimation', [0.343], 0, 'apache-2.0', false), 1],
];

const DIFFUSION_FAMILIES: readonly (readonly [Family, number])[] = [
  [family('stable-diffusion-v1-5', 'sd', 'StableDiffusionPipeline', [0.86], 0, 'creativeml-openrail-m', false), 8],
  [family('stable-diffusion-xl-base-1.0', 'sdxl', 'StableDiffusionXLPipeline', [2.6], 0, 'openrail++', false), 8],
  [family('FLUX.1-dev', 'flux', 'FluxPipeline', [12], 0, 'other', false), 5],
  [family('FLUX.1-schnell', 'flux', 'FluxPipeline', [12], 0, 'apache-2.0', false), 2],
  [family('stable-diffusion-3.5-large', 'sd3', 'StableDiffusion3Pipeline', [8.1], 0, 'other', false), 2],
];

const NO_FAMILY: Family = family('model', 'none', 'none', [0], 0, 'apache-2.0', false);

const FAMILIES: Readonly<Record<Archetype, Weighted<Family>>> = {
  llm: new Weighted(LLM_FAMILIES),
  gguf: new Weighted(LLM_FAMILIES),
  peft: new Weighted(LLM_FAMILIES),
  encoder: new Weighted(ENCODER_FAMILIES),
  diffusion: new Weighted(DIFFUSION_FAMILIES),
  lora: new Weighted(DIFFUSION_FAMILIES),
  speech: new Weighted(SPEECH_FAMILIES),
  vision: new Weighted(VISION_FAMILIES),
  rl: new Weighted([[NO_FAMILY, 1]]),
  empty: new Weighted([[NO_FAMILY, 1]]),
};

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
const LANGUAGES = words('en zh de fr es ja ko ru ar pt it hi vi id tr nl pl sv fa uk th bn sw he');
const VISION_DATASETS = words('cifar10 food101 beans eurosat imagenet-1k cats-vs-dogs fashion-mnist');
const RL_RUNS: readonly (readonly [algo: string, env: string, library: string | undefined])[] = [
  ['ppo', 'LunarLander-v2', 'stable-baselines3'],
  ['ppo', 'LunarLander-v2', 'stable-baselines3'],
  ['ppo', 'CartPole-v1', 'stable-baselines3'],
  ['dqn', 'SpaceInvadersNoFrameskip-v4', 'stable-baselines3'],
  ['a2c', 'PandaReachDense-v3', 'stable-baselines3'],
  ['a2c', 'AntBulletEnv-v0', 'stable-baselines3'],
  ['ppo', 'Huggy', 'ml-agents'],
  ['poca', 'SoccerTwos', 'ml-agents'],
  ['ppo', 'Pyramids', 'ml-agents'],
  ['ppo', 'SnowballTarget', 'ml-agents'],
  ['appo', 'doom_health_gathering_supreme', 'sample-factory'],
  ['q', 'FrozenLake-v1-4x4-noSlippery', undefined],
  ['q', 'Taxi-v3', undefined],
];
const EMPTY_NAMES = words(
  'my-awesome-model test-model test model checkpoint first-model demo trained-model sentiment-model my-model final experiment assignment project',
);

const DATASETS: Readonly<Record<Archetype, readonly string[]>> = {
  llm: [
    'HuggingFaceH4/ultrachat_200k',
    'HuggingFaceH4/ultrafeedback_binarized',
    'tatsu-lab/alpaca',
    'Open-Orca/OpenOrca',
    'teknium/OpenHermes-2.5',
    'openai/gsm8k',
    'HuggingFaceFW/fineweb-edu',
    'allenai/c4',
    'bigcode/the-stack',
    'Anthropic/hh-rlhf',
    'yahma/alpaca-cleaned',
    'argilla/distilabel-capybara-dpo-7k-binarized',
  ],
  gguf: [],
  peft: ['tatsu-lab/alpaca', 'yahma/alpaca-cleaned', 'b-mc2/sql-create-context', 'timdettmers/openassistant-guanaco'],
  encoder: [
    'imdb',
    'glue',
    'squad',
    'conll2003',
    'wikipedia',
    'bookcorpus',
    'dair-ai/emotion',
    'sentence-transformers/all-nli',
    'stanfordnlp/sst2',
    'tweet_eval',
  ],
  diffusion: ['laion/laion2B-en', 'lambdalabs/pokemon-blip-captions'],
  lora: [],
  speech: [
    'mozilla-foundation/common_voice_11_0',
    'mozilla-foundation/common_voice_17_0',
    'openslr/librispeech_asr',
    'google/fleurs',
  ],
  vision: ['imagenet-1k', 'cifar10', 'food101', 'beans', 'detection-datasets/coco'],
  rl: [],
  empty: ['imdb'],
};

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

const PIPELINES: Readonly<Record<Archetype, Weighted<string | undefined>>> = {
  llm: new Weighted<string | undefined>([
    ['text-generation', 80],
    ['image-text-to-text', 8],
    ['text2text-generation', 4],
    ['summarization', 2],
    ['translation', 2],
    [undefined, 4],
  ]),
  gguf: new Weighted<string | undefined>([
    ['text-generation', 85],
    ['image-text-to-text', 5],
    [undefined, 10],
  ]),
  peft: new Weighted<string | undefined>([
    ['text-generation', 60],
    [undefined, 40],
  ]),
  encoder: new Weighted<string | undefined>([
    ['text-classification', 35],
    ['token-classification', 12],
    ['fill-mask', 9],
    ['feature-extraction', 9],
    ['sentence-similarity', 15],
    ['question-answering', 8],
    ['zero-shot-classification', 3],
    [undefined, 9],
  ]),
  diffusion: new Weighted<string | undefined>([
    ['text-to-image', 85],
    ['image-to-image', 10],
    ['unconditional-image-generation', 5],
  ]),
  lora: new Weighted<string | undefined>([
    ['text-to-image', 90],
    [undefined, 10],
  ]),
  speech: new Weighted<string | undefined>([
    ['automatic-speech-recognition', 60],
    ['text-to-speech', 20],
    ['audio-classification', 15],
    [undefined, 5],
  ]),
  vision: new Weighted<string | undefined>([
    ['image-classification', 60],
    ['object-detection', 15],
    ['image-segmentation', 8],
    ['depth-estimation', 3],
    ['zero-shot-image-classification', 5],
    ['image-feature-extraction', 9],
  ]),
  rl: new Weighted<string | undefined>([['reinforcement-learning', 1]]),
  empty: new Weighted<string | undefined>([
    [undefined, 85],
    ['text-generation', 10],
    ['text-classification', 5],
  ]),
};

const LIBRARIES: Readonly<Record<Archetype, Weighted<string | undefined>>> = {
  llm: new Weighted<string | undefined>([
    ['transformers', 88],
    ['mlx', 6],
    [undefined, 6],
  ]),
  gguf: new Weighted<string | undefined>([
    ['gguf', 70],
    ['transformers', 15],
    [undefined, 15],
  ]),
  peft: new Weighted<string | undefined>([['peft', 1]]),
  encoder: new Weighted<string | undefined>([
    ['transformers', 72],
    ['sentence-transformers', 18],
    ['setfit', 3],
    ['transformers.js', 4],
    [undefined, 3],
  ]),
  diffusion: new Weighted<string | undefined>([['diffusers', 1]]),
  lora: new Weighted<string | undefined>([
    ['diffusers', 85],
    [undefined, 15],
  ]),
  speech: new Weighted<string | undefined>([
    ['transformers', 75],
    ['nemo', 8],
    ['speechbrain', 7],
    ['espnet', 5],
    [undefined, 5],
  ]),
  vision: new Weighted<string | undefined>([
    ['transformers', 55],
    ['timm', 30],
    ['keras', 5],
    ['pytorch', 5],
    [undefined, 5],
  ]),
  rl: new Weighted<string | undefined>([[undefined, 1]]),
  empty: new Weighted<string | undefined>([
    [undefined, 80],
    ['transformers', 20],
  ]),
};

const GGUF_QUANTS = words('Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_0 Q4_K_S Q4_K_M Q5_0 Q5_K_S Q5_K_M Q6_K Q8_0 IQ4_XS F16');
const QUANT_SUFFIX = new RegExp(`-(${GGUF_QUANTS.join('|')})$`);
const PROVIDERS = words('hf-inference together fireworks-ai nebius novita groq fal-ai replicate');

/** How a child of each archetype relates to its parent, and which archetypes can be its parent. */
const DERIVATION: Readonly<
  Record<
    Archetype,
    { readonly share: number; readonly parents: readonly Archetype[]; readonly relation: HfBaseModelRelation }
  >
> = {
  llm: { share: 0.33, parents: ['llm'], relation: 'finetune' },
  gguf: { share: 1, parents: ['llm'], relation: 'quantized' },
  peft: { share: 1, parents: ['llm'], relation: 'adapter' },
  encoder: { share: 0.15, parents: ['encoder'], relation: 'finetune' },
  diffusion: { share: 0.2, parents: ['diffusion'], relation: 'finetune' },
  lora: { share: 1, parents: ['diffusion'], relation: 'adapter' },
  speech: { share: 0.2, parents: ['speech'], relation: 'finetune' },
  vision: { share: 0.15, parents: ['vision'], relation: 'finetune' },
  rl: { share: 0, parents: [], relation: 'finetune' },
  empty: { share: 0, parents: [], relation: 'finetune' },
};
/** Share of LLM finetunes that are merges instead. */
const MERGE_SHARE = 0.15;
/** How far back a derivative looks for a compatible parent before giving up. */
const PARENT_SCAN = 256;
/** How far back it looks for a parent of its own family once it has a compatible one. */
const SAME_FAMILY_SCAN = 24;

// ---------------------------------------------------------------------------------------------
// Identity: archetype, family, size, repo id. Cheap, so that parents can be inspected.

interface Identity {
  readonly rlRun: (typeof RL_RUNS)[number] | undefined;
  readonly archetype: Archetype;
  readonly family: Family;
  readonly sizeB: number;
  readonly author: string;
  readonly name: string;
  readonly repoId: string;
  readonly isOrg: boolean;
}

interface Core {
  readonly archetype: Archetype;
  readonly family: Family;
  readonly sizeB: number;
}

function seedOf(options: GeneratorOptions | undefined): number {
  return (options?.seed ?? 1) | 0;
}

function baseSecondsOf(options: GeneratorOptions | undefined): number {
  return Math.floor((options?.baseTime ?? DEFAULT_BASE_TIME) / 1000);
}

function drawCore(rng: Rng): Core {
  const archetype = ARCHETYPES.draw(rng);
  const fam = FAMILIES[archetype].draw(rng);
  const sizeB = rng.pick(fam.sizes);
  return { archetype, family: fam, sizeB };
}

function coreOf(seed: number, index: number): Core {
  return drawCore(new Rng(streamSeed(seed, index, Stream.Identity)));
}

function sizeLabel(sizeB: number): string {
  return sizeB < 1 ? `${Math.round(sizeB * 1000)}M` : `${sizeB}B`;
}

const USERS = 60_000;
const userNames: (string | undefined)[] = [];

function userName(userIndex: number): string {
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

function drawName(rng: Rng, core: Core, rlRun: (typeof RL_RUNS)[number] | undefined): string {
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

function identityOf(seed: number, index: number): Identity {
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

// ---------------------------------------------------------------------------------------------
// Time and popularity: also cheap on their own, for the fake hub's sorted listings.

/** createdAt of record `index`, in epoch ms (whole seconds). Strictly increasing with the index. */
export function generatedCreatedAt(index: number, options?: GeneratorOptions): number {
  const rng = new Rng(streamSeed(seedOf(options), index, Stream.Time));
  const seconds = baseSecondsOf(options) + index * CREATED_AT_STEP_SECONDS + rng.int(CREATED_AT_STEP_SECONDS);
  return seconds * 1000;
}

function lastModifiedOf(seed: number, index: number, createdAt: number): number {
  const rng = new Rng(streamSeed(seed, index, Stream.Time));
  rng.next(); // the createdAt jitter
  const roll = rng.next();
  // Most repos get their last commit within minutes of creation; some keep being updated for months.
  const delaySeconds =
    roll < 0.55 ? rng.int(600) : roll < 0.85 ? 600 + rng.int(30 * 86_400) : 30 * 86_400 + rng.int(400 * 86_400);
  return createdAt + delaySeconds * 1000;
}

export interface GeneratedSortKeys {
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly downloads: number;
  readonly likes: number;
  readonly trendingScore: number;
}

interface Popularity {
  readonly downloads: number;
  readonly downloadsAllTime: number;
  readonly likes: number;
  readonly trendingScore: number;
}

function popularityOf(seed: number, index: number): Popularity {
  const rng = new Rng(streamSeed(seed, index, Stream.Popularity));
  const active = rng.next() >= 0.42;
  // Pareto with α ≈ 0.62 above 1: P(downloads > 1M | active) ≈ 2e-4.
  const downloads = active ? Math.min(150_000_000, Math.floor(Math.pow(1 - rng.next(), -1 / 0.62))) : 0;
  const history = rng.next();
  const downloadsAllTime = downloads + Math.floor(downloads * history * 12) + (rng.chance(0.3) ? rng.int(50) : 0);
  const likeScale = rng.next();
  const likes = Math.floor(Math.pow(downloads, 0.55) * likeScale * likeScale * 0.6) + (rng.chance(0.12) ? 1 : 0);
  const trendingScore = rng.chance(0.05) ? Math.floor(likes * rng.next() * 0.5) : 0;
  return { downloads, downloadsAllTime, likes, trendingScore };
}

/** The sortable fields of record `index`, without generating the rest of it. */
export function generatedSortKeys(index: number, options?: GeneratorOptions): GeneratedSortKeys {
  const seed = seedOf(options);
  const createdAt = generatedCreatedAt(index, options);
  const popularity = popularityOf(seed, index);
  return {
    createdAt,
    lastModified: lastModifiedOf(seed, index, createdAt),
    downloads: popularity.downloads,
    likes: popularity.likes,
    trendingScore: popularity.trendingScore,
  };
}

/** The `_id` of record `index`, without generating the rest of it. */
export function generatedObjectId(index: number, options?: GeneratorOptions): string {
  return objectId(seedOf(options), index, generatedCreatedAt(index, options));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const dayPrefixes = new Map<number, string>();

/**
 * `Date#toISOString` for whole-second times, with the date part cached per day: formatting dates
 * was a fifth of the cost of a record.
 */
function isoTime(ms: number): string {
  if (ms % 1000 !== 0) return new Date(ms).toISOString();
  const day = Math.floor(ms / 86_400_000);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const seconds = (ms - day * 86_400_000) / 1000;
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return `${prefix}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}.000Z`;
}

const machineParts = new Map<number, string>();

/**
 * A Mongo ObjectId like the Hub's: creation second, a per-seed "machine" part, a counter. Ids sort
 * like the records' indices, as the Hub's `_id` tie-breaker sorts by creation.
 */
function objectId(seed: number, index: number, createdAt: number): string {
  let machine = machineParts.get(seed);
  if (machine === undefined) {
    machine = new Rng(mix32(seed ^ 0x0b1ec7)).hex(10);
    machineParts.set(seed, machine);
  }
  const counter = (index % 0x1000000).toString(16).padStart(6, '0');
  return (
    Math.floor(createdAt / 1000)
      .toString(16)
      .padStart(8, '0') +
    machine +
    counter
  );
}

// ---------------------------------------------------------------------------------------------
// Body.

function findParent(seed: number, index: number, rng: Rng, self: Core): number | undefined {
  if (index === 0) return undefined;
  const { parents } = DERIVATION[self.archetype];
  // Older records collect more children (u² leans toward early indices), like foundation models do.
  const u = rng.next();
  const start = Math.min(index - 1, Math.floor(u * u * index));
  let fallback: number | undefined;
  for (let j = start; j >= 0 && j > start - PARENT_SCAN; j--) {
    const candidate = coreOf(seed, j);
    if (!parents.includes(candidate.archetype)) continue;
    if (candidate.family === self.family) return j;
    fallback ??= j;
    // Prefer a parent of the same family, but only among near candidates: this bounds the cost.
    if (start - j >= SAME_FAMILY_SCAN) break;
  }
  return fallback;
}

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

function arxivId(rng: Rng): string {
  const year = 17 + rng.int(9);
  const month = 1 + rng.int(12);
  return `${year}${String(month).padStart(2, '0')}.${String(1 + rng.int(19_999)).padStart(5, '0')}`;
}

const MIN_PARAMETERS = 10_000_000;
const MAX_PARAMETERS = 400_000_000_000;

function paramCount(rng: Rng, sizeB: number): number {
  const exact = Math.round(sizeB * 1e9 * (0.97 + rng.next() * 0.06));
  return Math.min(MAX_PARAMETERS, Math.max(MIN_PARAMETERS, exact));
}

function shardNames(prefix: string, shards: number, extension: string): string[] {
  if (shards <= 1) return [`${prefix}.${extension}`];
  const width = 5;
  const total = String(shards).padStart(width, '0');
  const names: string[] = [];
  for (let shard = 1; shard <= shards; shard++) {
    names.push(`${prefix}-${String(shard).padStart(width, '0')}-of-${total}.${extension}`);
  }
  names.push(`${prefix}.${extension}.index.json`);
  return names;
}

function autoModelFor(pipeline: string | undefined): string {
  switch (pipeline) {
    case 'text-generation':
      return 'AutoModelForCausalLM';
    case 'image-text-to-text':
      return 'AutoModelForImageTextToText';
    case 'text2text-generation':
    case 'summarization':
    case 'translation':
      return 'AutoModelForSeq2SeqLM';
    case 'text-classification':
    case 'zero-shot-classification':
      return 'AutoModelForSequenceClassification';
    case 'token-classification':
      return 'AutoModelForTokenClassification';
    case 'fill-mask':
      return 'AutoModelForMaskedLM';
    case 'question-answering':
      return 'AutoModelForQuestionAnswering';
    case 'automatic-speech-recognition':
      return 'AutoModelForSpeechSeq2Seq';
    case 'image-classification':
      return 'AutoModelForImageClassification';
    case 'object-detection':
      return 'AutoModelForObjectDetection';
    default:
      return 'AutoModel';
  }
}

function encoderArchitecture(prefix: string, pipeline: string | undefined): string {
  switch (pipeline) {
    case 'text-classification':
    case 'zero-shot-classification':
      return `${prefix}ForSequenceClassification`;
    case 'token-classification':
      return `${prefix}ForTokenClassification`;
    case 'fill-mask':
      return `${prefix}ForMaskedLM`;
    case 'question-answering':
      return `${prefix}ForQuestionAnswering`;
    default:
      return `${prefix}Model`;
  }
}

function taskName(pipeline: string): string {
  return pipeline
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function gatedCardFields(rng: Rng, gated: HfGating, author: string): Partial<HfCardData> {
  if (gated === false) return {};
  const fields: Partial<HfCardData> = {
    extra_gated_prompt: `You need to agree to share your contact information to access this model. The ${author} license applies to any use of the weights.`,
  };
  if (gated === 'manual' || rng.chance(0.5)) {
    fields.extra_gated_fields = {
      'First Name': 'text',
      'Last Name': 'text',
      Affiliation: 'text',
      Country: 'country',
      'I agree to the license terms': 'checkbox',
    };
  }
  return fields;
}

/** Record number `index` (0-based). Pure and O(1): the same (index, options) always gives the same record. */
export function generateHfRecord(index: number, options?: GeneratorOptions): HfGeneratedRecord {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`record index must be a non-negative integer, got ${index}`);
  const seed = seedOf(options);
  const identity = identityOf(seed, index);
  const { archetype, family: fam, sizeB, author, repoId } = identity;
  const createdAt = generatedCreatedAt(index, options);
  const lastModified = lastModifiedOf(seed, index, createdAt);
  const popularity = popularityOf(seed, index);
  const rng = new Rng(streamSeed(seed, index, Stream.Body));

  // Lineage.
  const derivation = DERIVATION[archetype];
  const parentIndex = rng.chance(derivation.share) ? findParent(seed, index, rng, identity) : undefined;
  let relation: HfBaseModelRelation | undefined;
  let baseModels: string[] = [];
  if (parentIndex !== undefined) {
    relation = archetype === 'llm' && rng.chance(MERGE_SHARE) ? 'merge' : derivation.relation;
    baseModels = [generatedRepoId(parentIndex, options)];
    if (relation === 'merge') {
      const second = findParent(seed, index, rng, identity);
      if (second !== undefined && second !== parentIndex) baseModels.push(generatedRepoId(second, options));
    }
  }
  const derivative = baseModels.length > 0;

  // What kind of repo this is.
  const pipeline = PIPELINES[archetype].draw(rng);
  const rlRun = identity.rlRun;
  const library = archetype === 'rl' ? rlRun?.[2] : LIBRARIES[archetype].draw(rng);
  const isTransformers = library === 'transformers' || library === 'sentence-transformers' || library === 'setfit';

  // License and gating.
  const drawn = drawLicense(rng, identity, derivative);
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
      linkRoll < 0.4
        ? 'LICENSE'
        : linkRoll < 0.6
          ? 'LICENSE.md'
          : `https://huggingface.co/${baseModels[0] ?? repoId}/blob/main/LICENSE`;
  } else if (license !== undefined && license !== 'other' && rng.chance(0.05)) {
    licenseLink = `https://huggingface.co/${baseModels[0] ?? repoId}/blob/main/LICENSE`;
  }
  const licenseFile =
    licenseLink === 'LICENSE' || licenseLink === 'LICENSE.md'
      ? licenseLink
      : rng.chance(license === undefined ? 0.06 : license === 'other' ? 0.3 : 0.12)
        ? rng.pick(['LICENSE', 'LICENSE', 'LICENSE.md', 'LICENSE.txt'])
        : undefined;

  // Model card.
  const hasReadme = license !== undefined || rng.chance(archetype === 'empty' ? 0.5 : 0.8);
  const hasCard = license !== undefined || (hasReadme && rng.chance(0.6));
  const textual =
    archetype === 'llm' ||
    archetype === 'gguf' ||
    archetype === 'peft' ||
    archetype === 'encoder' ||
    archetype === 'speech';
  const languages =
    textual && rng.chance(0.45) ? (rng.chance(0.6) ? ['en'] : rng.sample(LANGUAGES, 1 + rng.int(6))) : [];
  const datasetPool = DATASETS[archetype];
  const datasets =
    datasetPool.length > 0 && rng.chance(derivative ? 0.35 : 0.2) ? rng.sample(datasetPool, 1 + rng.int(3)) : [];
  const arxiv: string[] = [];
  if (rng.chance(0.15)) for (let papers = 1 + rng.int(3); papers > 0; papers--) arxiv.push(arxivId(rng));
  const cardTags = cardTagsFor(rng, archetype, rlRun, relation);

  // Files and weights.
  const siblings: string[] = ['.gitattributes'];
  if (hasReadme) siblings.push('README.md');
  if (licenseFile) siblings.push(licenseFile);
  let safetensors: HfSafetensors | undefined;
  let gguf: HfGguf | undefined;
  let usedStorage = 2_000 + rng.int(50_000);
  const formatTags: string[] = [];
  const params = paramCount(rng, sizeB);
  const withSafetensors = (parameters: number, dtype: string, extra?: Record<string, number>): HfSafetensors => {
    const parametersByType: Record<string, number> = { [dtype]: parameters };
    let total = parameters;
    for (const type in extra) {
      const count = extra[type] as number;
      parametersByType[type] = count;
      total += count;
    }
    return { parameters: parametersByType, total };
  };
  switch (archetype) {
    case 'llm': {
      for (const file of [
        'config.json',
        'generation_config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'special_tokens_map.json',
      ]) {
        siblings.push(file);
      }
      if (library === 'mlx') {
        siblings.push('model.safetensors');
        safetensors = withSafetensors(Math.round(params / 4), 'U32', { BF16: Math.round(params / 50) });
        usedStorage += params / 2;
        formatTags.push('safetensors');
        break;
      }
      const dtypeRoll = rng.next();
      const dtype = dtypeRoll < 0.75 ? 'BF16' : dtypeRoll < 0.9 ? 'F16' : dtypeRoll < 0.95 ? 'F32' : 'F8_E4M3';
      const bytes = params * (dtype === 'F32' ? 4 : dtype === 'F8_E4M3' ? 1 : 2);
      const shards = Math.max(1, Math.ceil(bytes / 5e9));
      if (rng.chance(0.88)) {
        for (const file of shardNames('model', shards, 'safetensors')) siblings.push(file);
        // FP8 checkpoints keep norms and embeddings in BF16.
        const unquantized = dtype === 'F8_E4M3' ? Math.round(params / 40) : 0;
        safetensors = withSafetensors(params - unquantized, dtype, unquantized ? { BF16: unquantized } : undefined);
        formatTags.push('safetensors');
        usedStorage += bytes;
      }
      if (!safetensors || rng.chance(0.1)) {
        for (const file of shardNames('pytorch_model', Math.max(1, Math.ceil(bytes / 10e9)), 'bin'))
          siblings.push(file);
        formatTags.push('pytorch');
        usedStorage += bytes;
      }
      break;
    }
    case 'gguf': {
      const baseName = identity.name.replace(/-GGUF-[0-9a-z]+$/, '').replace(QUANT_SUFFIX, '');
      const quants = rng.sample(GGUF_QUANTS, 1 + rng.int(8));
      for (const quant of quants) {
        siblings.push(`${baseName}-${quant}.gguf`);
        usedStorage += params * (quant === 'F16' ? 2 : quant.startsWith('Q8') ? 1.06 : 0.6);
      }
      gguf = { total: params, architecture: fam.modelType, context_length: fam.contextLength };
      formatTags.push('gguf');
      if (rng.chance(0.4)) cardTags.push('llama-cpp', 'gguf-my-repo');
      break;
    }
    case 'peft': {
      siblings.push('adapter_config.json');
      siblings.push('adapter_model.safetensors');
      if (rng.chance(0.5)) {
        safetensors = withSafetensors(
          Math.max(10_000_000, Math.round(params * 0.005)),
          rng.chance(0.6) ? 'F32' : 'BF16',
        );
      }
      formatTags.push('safetensors');
      usedStorage += 40_000_000 + rng.int(400_000_000);
      break;
    }
    case 'encoder':
    case 'speech':
    case 'vision': {
      siblings.push('config.json');
      if (archetype === 'encoder') {
        for (const file of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json'])
          siblings.push(file);
        if (library === 'sentence-transformers') {
          for (const file of ['modules.json', 'sentence_bert_config.json', '1_Pooling/config.json'])
            siblings.push(file);
        }
      } else {
        siblings.push('preprocessor_config.json');
      }
      const bytes = params * 4;
      if (rng.chance(0.82)) {
        siblings.push('model.safetensors');
        safetensors = withSafetensors(
          params,
          rng.chance(0.88) ? 'F32' : 'F16',
          archetype === 'encoder' && rng.chance(0.2) ? { I64: 512 } : undefined,
        );
        formatTags.push('safetensors');
        usedStorage += bytes;
      }
      if (!safetensors || rng.chance(0.3)) {
        siblings.push(library === 'keras' ? 'tf_model.h5' : 'pytorch_model.bin');
        formatTags.push(library === 'keras' ? 'tf' : 'pytorch');
        usedStorage += bytes;
      }
      if (library === 'transformers.js' || rng.chance(0.06)) {
        siblings.push('onnx/model.onnx');
        siblings.push('onnx/model_quantized.onnx');
        formatTags.push('onnx');
        usedStorage += bytes * 1.25;
      }
      break;
    }
    case 'diffusion': {
      for (const file of [
        'model_index.json',
        'scheduler/scheduler_config.json',
        'text_encoder/config.json',
        'text_encoder/model.safetensors',
        'tokenizer/tokenizer_config.json',
        'unet/config.json',
        'unet/diffusion_pytorch_model.safetensors',
        'vae/config.json',
        'vae/diffusion_pytorch_model.safetensors',
      ]) {
        siblings.push(file);
      }
      if (rng.chance(0.3)) siblings.push(`${identity.name}.safetensors`);
      formatTags.push('safetensors');
      usedStorage += params * 2.4;
      break;
    }
    case 'lora': {
      siblings.push(rng.chance(0.6) ? 'pytorch_lora_weights.safetensors' : `${identity.name}.safetensors`);
      if (rng.chance(0.5))
        safetensors = withSafetensors(10_000_000 + rng.int(190_000_000), rng.chance(0.5) ? 'BF16' : 'F32');
      const images = rng.int(4);
      for (let image = 0; image < images; image++) siblings.push(`images/example_${image}.png`);
      formatTags.push('safetensors');
      usedStorage += 20_000_000 + rng.int(400_000_000);
      break;
    }
    case 'rl': {
      const [algo = 'ppo', env = 'env', lib] = rlRun ?? [];
      if (lib === 'stable-baselines3') {
        siblings.push(`${algo}-${env}.zip`);
        siblings.push('config.json');
        siblings.push('results.json');
      } else if (lib === 'ml-agents') {
        siblings.push(`${env}.onnx`);
        siblings.push(`${env}/${env}-${500_000 + rng.int(1_500_000)}.onnx`);
        siblings.push('configuration.yaml');
        siblings.push('run_logs/timers.json');
        formatTags.push('onnx');
      } else if (lib === 'sample-factory') {
        siblings.push('cfg.json');
        siblings.push(`checkpoint_p0/best_${rng.int(100_000)}.pth`);
      } else {
        siblings.push('q-learning.pkl');
      }
      siblings.push('replay.mp4');
      usedStorage += 100_000 + rng.int(5_000_000);
      break;
    }
    case 'empty': {
      if (rng.chance(0.25)) siblings.push('config.json');
      break;
    }
  }

  // Config and transformers info, as the Hub derives them from config.json.
  let config: HfGeneratedRecord['config'];
  let transformersInfo: HfGeneratedRecord['transformersInfo'];
  if (
    isTransformers &&
    (archetype === 'llm' || archetype === 'encoder' || archetype === 'speech' || archetype === 'vision')
  ) {
    const architecture = archetype === 'encoder' ? encoderArchitecture(fam.architecture, pipeline) : fam.architecture;
    config = { architectures: [architecture], model_type: fam.modelType };
    transformersInfo = {
      auto_model: autoModelFor(pipeline),
      ...(pipeline ? { pipeline_tag: pipeline } : {}),
      processor:
        archetype === 'vision' ? 'AutoImageProcessor' : archetype === 'speech' ? 'AutoProcessor' : 'AutoTokenizer',
    };
  } else if (archetype === 'diffusion' && library === 'diffusers') {
    config = { diffusers: { _class_name: fam.architecture } };
  }

  // Evaluation results, for some finetunes.
  const modelIndex: HfModelIndexEntry[] | undefined =
    hasCard &&
    derivative &&
    pipeline &&
    (archetype === 'encoder' || archetype === 'llm' || archetype === 'speech' || archetype === 'vision') &&
    rng.chance(0.25)
      ? [
          {
            name: identity.name,
            results: [
              {
                task: { type: pipeline, name: taskName(pipeline) },
                dataset: { name: datasets[0] ?? 'eval', type: datasets[0] ?? 'eval', split: 'test' },
                metrics: [
                  {
                    type: archetype === 'speech' ? 'wer' : 'accuracy',
                    name: archetype === 'speech' ? 'Wer' : 'Accuracy',
                    value: Math.round(rng.next() * 1e6) / 1e6,
                    verified: false,
                  },
                ],
              },
            ],
          },
        ]
      : undefined;

  let cardData: HfCardData | undefined;
  if (hasCard) {
    cardData = {};
    if (languages.length > 0) cardData.language = languages.length === 1 && rng.chance(0.15) ? languages[0] : languages;
    if (licenses.length > 0) cardData.license = licenses.length === 1 ? licenses[0] : licenses;
    if (licenseName) cardData.license_name = licenseName;
    if (licenseLink) cardData.license_link = licenseLink;
    if (derivative) {
      cardData.base_model = baseModels.length === 1 && rng.chance(0.75) ? baseModels[0] : [...baseModels];
      if (relation && rng.chance(0.1)) cardData.base_model_relation = relation;
    }
    if (datasets.length > 0) cardData.datasets = datasets;
    if (library && rng.chance(0.5)) cardData.library_name = library;
    if (pipeline && rng.chance(0.6)) cardData.pipeline_tag = pipeline;
    if (cardTags.length > 0) cardData.tags = cardTags;
    if (archetype === 'gguf' && (identity.isOrg || rng.chance(0.5))) cardData.quantized_by = author;
    Object.assign(cardData, gatedCardFields(rng, gated, author));
    if (modelIndex) cardData['model-index'] = modelIndex;
  }

  // Inference providers, only for some popular text-generation and text-to-image repos.
  let inferenceProviderMapping: HfInferenceProvider[] | undefined;
  if (
    (pipeline === 'text-generation' || pipeline === 'text-to-image') &&
    (archetype === 'llm' || archetype === 'diffusion') &&
    popularity.downloads >= 20_000 &&
    rng.chance(0.5)
  ) {
    inferenceProviderMapping = rng.sample(PROVIDERS, 1 + rng.int(3)).map((provider) => ({
      provider,
      providerId: provider === 'hf-inference' ? repoId : `${author.toLowerCase()}/${identity.name.toLowerCase()}`,
      status: rng.chance(0.85) ? 'live' : 'staging',
      task: pipeline === 'text-generation' ? 'conversational' : pipeline,
    }));
  }

  // Tags, in the Hub's order: library and formats, model type, task, card tags, languages, datasets,
  // papers, lineage, license, then the Hub's own capability tags and region.
  const tags: string[] = [];
  // The first tags come from several sources that can repeat each other (library, format, task, card).
  const addTag = (tag: string): void => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  if (library) tags.push(library);
  for (const tag of formatTags) addTag(tag);
  if (config?.model_type) addTag(config.model_type);
  if (pipeline) addTag(pipeline);
  for (const tag of cardTags) addTag(tag);
  if (pipeline === 'text-generation' && /instruct|chat|-it\b/i.test(identity.name)) tags.push('conversational');
  tags.push(...languages);
  for (const dataset of datasets) tags.push(`dataset:${dataset}`);
  for (const paper of arxiv) tags.push(`arxiv:${paper}`);
  for (const base of baseModels) tags.push(`base_model:${base}`);
  if (relation) for (const base of baseModels) tags.push(`base_model:${relation}:${base}`);
  for (const id of licenses) tags.push(`license:${id}`);
  if (modelIndex) tags.push('model-index');
  if (isTransformers && textual) tags.push('autotrain_compatible');
  if (isTransformers && pipeline === 'text-generation') tags.push('text-generation-inference');
  if ((library === 'transformers' || library === 'diffusers') && rng.chance(0.7)) tags.push('endpoints_compatible');
  if (archetype === 'diffusion') tags.push(`diffusers:${fam.architecture}`);
  tags.push('region:us');

  // Built by assignment, in the Hub's key order: conditional spreads cost microseconds per record.
  const record = { _id: objectId(seed, index, createdAt), id: repoId, private: false } as HfGeneratedRecord;
  if (pipeline) record.pipeline_tag = pipeline;
  if (library) record.library_name = library;
  record.tags = tags;
  record.downloads = popularity.downloads;
  record.downloadsAllTime = popularity.downloadsAllTime;
  record.likes = popularity.likes;
  record.trendingScore = popularity.trendingScore;
  record.modelId = repoId;
  record.author = author;
  record.sha = rng.hex(40);
  record.lastModified = isoTime(lastModified);
  record.gated = gated;
  record.disabled = false;
  if (inferenceProviderMapping) record.inference = 'warm';
  if (modelIndex) record['model-index'] = modelIndex;
  if (config) record.config = config;
  if (cardData) record.cardData = cardData;
  if (transformersInfo) record.transformersInfo = transformersInfo;
  record.siblings = siblings.sort(byCodeUnits).map((rfilename) => ({ rfilename }));
  record.spaces = [];
  if (popularity.downloads > 100_000) {
    const spaces = 1 + rng.int(4);
    for (let n = 0; n < spaces; n++) record.spaces.push(`${userName(rng.int(USERS))}/demo-${n}`);
  }
  record.createdAt = isoTime(createdAt);
  if (safetensors) record.safetensors = safetensors;
  if (gguf) record.gguf = gguf;
  if (inferenceProviderMapping) record.inferenceProviderMapping = inferenceProviderMapping;
  record.usedStorage = Math.round(usedStorage);
  return record;
}

function cardTagsFor(
  rng: Rng,
  archetype: Archetype,
  rlRun: (typeof RL_RUNS)[number] | undefined,
  relation: HfBaseModelRelation | undefined,
): string[] {
  switch (archetype) {
    case 'llm':
      return [
        ...rng.sample(
          ['generated_from_trainer', 'trl', 'sft', 'dpo', 'unsloth', 'chat', 'code', 'math', 'axolotl'],
          rng.int(3),
        ),
        ...(relation === 'merge' ? ['mergekit', 'merge'] : []),
      ];
    case 'gguf':
      return rng.chance(0.5) ? ['quantized'] : [];
    case 'peft':
      return ['lora', ...rng.sample(['trl', 'sft', 'unsloth', 'generated_from_trainer'], rng.int(2))];
    case 'encoder':
      return rng.sample(
        ['generated_from_trainer', 'sentence-transformers', 'feature-extraction', 'exbert'],
        rng.int(2),
      );
    case 'diffusion':
      return ['stable-diffusion', 'stable-diffusion-diffusers', 'text-to-image'].slice(0, 1 + rng.int(3));
    case 'lora':
      return [
        'text-to-image',
        'lora',
        'diffusers',
        'template:sd-lora',
        ...(rng.chance(0.5) ? ['stable-diffusion-xl'] : []),
      ];
    case 'speech':
      return rng.sample(['generated_from_trainer', 'whisper-event', 'hf-asr-leaderboard'], rng.int(2));
    case 'vision':
      return rng.sample(['generated_from_trainer', 'vision', 'image-classification'], rng.int(2));
    case 'rl':
      return [
        rlRun?.[1] ?? 'env',
        'deep-reinforcement-learning',
        'reinforcement-learning',
        ...(rlRun?.[2] ? [rlRun[2]] : []),
      ];
    case 'empty':
      return [];
  }
}

/** Records start..start+count-1, lazily (never holds them all in memory). */
export function* generateHfRecords(
  count: number,
  options?: GeneratorOptions & { readonly start?: number },
): Generator<HfGeneratedRecord> {
  const start = options?.start ?? 0;
  for (let index = start; index < start + count; index++) yield generateHfRecord(index, options);
}

// ---------------------------------------------------------------------------------------------
// Revisions.

function withLicense(record: HfGeneratedRecord, license: string | undefined, rng: Rng): HfGeneratedRecord {
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

/**
 * A variant of `record` at another revision, for "5 % changed" re-ingest benchmarks and incremental
 * crawl tests. Deterministic in (record, change, revision); a larger `revision` is a later one.
 *
 * - `commit`: a new commit (new sha, later lastModified), nothing else.
 * - `license`: a commit that changes the card's license (tags, cardData, LICENSE file as needed).
 * - `gating`: gating switched on (`manual` or `auto`) or off. On the Hub this is a repo setting,
 *   not a commit, so sha and lastModified stay as they are — an incremental crawl by lastModified
 *   does not see it, exactly as with the real Hub. Chain with `commit` for a visible change.
 * - `downloads`: more downloads and likes; also not a commit.
 */
export function mutateHfRecord(
  record: HfGeneratedRecord,
  change: 'commit' | 'license' | 'gating' | 'downloads',
  revision: number,
): HfGeneratedRecord {
  const changeSalt = { commit: 1, license: 2, gating: 3, downloads: 4 }[change];
  const rng = new Rng(
    streamSeed(hashString(`${record._id}:${record.sha}`), revision, Stream.Mutation * 16 + changeSalt),
  );
  const commit = (next: HfGeneratedRecord): HfGeneratedRecord => {
    const previous = Date.parse(next.lastModified);
    const delaySeconds = Math.max(1, revision) * 86_400 + rng.int(86_400);
    return { ...next, sha: rng.hex(40), lastModified: new Date(previous + delaySeconds * 1000).toISOString() };
  };
  switch (change) {
    case 'commit':
      return commit(record);
    case 'license': {
      const current = typeof record.cardData?.license === 'string' ? record.cardData.license : undefined;
      let next: string | undefined;
      do {
        const drawn = LICENSES.draw(rng);
        next = drawn === NO_LICENSE ? undefined : drawn;
      } while (next === current);
      return commit(withLicense(record, next, rng));
    }
    case 'gating': {
      const gated: HfGating = record.gated === false ? (rng.chance(0.7) ? 'manual' : 'auto') : false;
      return { ...record, gated };
    }
    case 'downloads': {
      const more = 1 + rng.int(Math.max(10, Math.round(record.downloads * 0.3)));
      return {
        ...record,
        downloads: record.downloads + more,
        downloadsAllTime: record.downloadsAllTime + more,
        likes: record.likes + rng.int(3),
      };
    }
  }
}
