/**
 * The task and library of a record and what follows from them: `pipeline_tag` and `library_name`
 * by archetype, `config` and `transformersInfo` as the Hub derives them from config.json, the tags a
 * card carries by archetype, and the record's full `tags` list in the Hub's order.
 */

import { type Archetype, type RlRun, isTextual } from './archetypes.js';
import type { Lineage } from './lineage.js';
import type { CardContents } from './model-card.js';
import { type Rng, Weighted } from './prng.js';
import type { HfBaseModelRelation, HfGeneratedRecord } from './record-types.js';
import type { Identity } from './repo-ids.js';

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

/** The record's task (`pipeline_tag`), if any. */
export function drawPipeline(rng: Rng, archetype: Archetype): string | undefined {
  return PIPELINES[archetype].draw(rng);
}

/** The record's library (`library_name`), if any: an RL repo's comes with its run. */
export function drawLibrary(rng: Rng, identity: Identity): string | undefined {
  return identity.archetype === 'rl' ? identity.rlRun?.[2] : LIBRARIES[identity.archetype].draw(rng);
}

/** Whether the library loads the weights with transformers, so that the Hub reads config.json. */
export function isTransformersLibrary(library: string | undefined): boolean {
  return library === 'transformers' || library === 'sentence-transformers' || library === 'setfit';
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

/** Config and transformers info, as the Hub derives them from config.json. */
export function transformersConfigOf(
  identity: Identity,
  pipeline: string | undefined,
  library: string | undefined,
): Pick<HfGeneratedRecord, 'config' | 'transformersInfo'> {
  const { archetype, family: fam } = identity;
  let config: HfGeneratedRecord['config'];
  let transformersInfo: HfGeneratedRecord['transformersInfo'];
  if (
    isTransformersLibrary(library) &&
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
  return { config, transformersInfo };
}

/** The tags of the model card, by archetype. */
export function cardTagsFor(
  rng: Rng,
  archetype: Archetype,
  rlRun: RlRun | undefined,
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

/** What the record's tags are made of, besides its identity. */
export interface TagSources {
  readonly pipeline: string | undefined;
  readonly library: string | undefined;
  /** The `model_type` of config.json, if any. */
  readonly modelType: string | undefined;
  /** The weight formats present (safetensors, gguf, pytorch, …). */
  readonly formatTags: readonly string[];
  readonly cardTags: readonly string[];
  readonly card: CardContents;
  readonly lineage: Lineage;
  readonly licenses: readonly string[];
  readonly hasModelIndex: boolean;
}

/**
 * Tags, in the Hub's order: library and formats, model type, task, card tags, languages, datasets,
 * papers, lineage, license, then the Hub's own capability tags and region.
 */
export function drawTags(rng: Rng, identity: Identity, sources: TagSources): string[] {
  const { archetype, family: fam, name } = identity;
  const { pipeline, library, modelType, formatTags, cardTags, card, licenses, hasModelIndex } = sources;
  const { baseModels, relation } = sources.lineage;
  const isTransformers = isTransformersLibrary(library);
  const tags: string[] = [];
  // The first tags come from several sources that can repeat each other (library, format, task, card).
  const addTag = (tag: string): void => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  if (library) tags.push(library);
  for (const tag of formatTags) addTag(tag);
  if (modelType) addTag(modelType);
  if (pipeline) addTag(pipeline);
  for (const tag of cardTags) addTag(tag);
  if (pipeline === 'text-generation' && /instruct|chat|-it\b/i.test(name)) tags.push('conversational');
  tags.push(...card.languages);
  for (const dataset of card.datasets) tags.push(`dataset:${dataset}`);
  for (const paper of card.arxiv) tags.push(`arxiv:${paper}`);
  for (const base of baseModels) tags.push(`base_model:${base}`);
  if (relation) for (const base of baseModels) tags.push(`base_model:${relation}:${base}`);
  for (const id of licenses) tags.push(`license:${id}`);
  if (hasModelIndex) tags.push('model-index');
  if (isTransformers && isTextual(archetype)) tags.push('autotrain_compatible');
  if (isTransformers && pipeline === 'text-generation') tags.push('text-generation-inference');
  if ((library === 'transformers' || library === 'diffusers') && rng.chance(0.7)) tags.push('endpoints_compatible');
  if (archetype === 'diffusion') tags.push(`diffusers:${fam.architecture}`);
  tags.push('region:us');
  return tags;
}
