/**
 * The archetype of a record (LLM, GGUF quant, adapter, encoder, diffusion, …), its model family and
 * size, drawn first from its identity stream; and the reinforcement-learning runs that stand in for
 * a family in `rl` repos. Cheap on its own, so that a derivative can look at candidate parents
 * without generating them.
 */

import { Rng, Stream, Weighted, streamSeed } from './prng.js';

export type Archetype =
  'llm' | 'gguf' | 'peft' | 'encoder' | 'diffusion' | 'lora' | 'speech' | 'vision' | 'rl' | 'empty';

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

export interface Family {
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

/** The (algorithm, environment, library) of a reinforcement-learning repo. */
export const RL_RUNS: readonly (readonly [algo: string, env: string, library: string | undefined])[] = [
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

export type RlRun = (typeof RL_RUNS)[number];

export interface Core {
  readonly archetype: Archetype;
  readonly family: Family;
  readonly sizeB: number;
}

export function drawCore(rng: Rng): Core {
  const archetype = ARCHETYPES.draw(rng);
  const fam = FAMILIES[archetype].draw(rng);
  const sizeB = rng.pick(fam.sizes);
  return { archetype, family: fam, sizeB };
}

export function coreOf(seed: number, index: number): Core {
  return drawCore(new Rng(streamSeed(seed, index, Stream.Identity)));
}

/** Whether repos of this archetype are about text (so carry languages and `autotrain_compatible`). */
export function isTextual(archetype: Archetype): boolean {
  return (
    archetype === 'llm' ||
    archetype === 'gguf' ||
    archetype === 'peft' ||
    archetype === 'encoder' ||
    archetype === 'speech'
  );
}
