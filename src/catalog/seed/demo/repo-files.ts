/**
 * The files of a record's repo (`siblings`) and its weights: safetensors with parameter counts from
 * the family's sizes, sharded in 5 GB files; GGUF quantizations with a `gguf` block; some `.bin`,
 * `.onnx` and `.h5` files; diffusers pipelines, LoRAs and RL agents with their own layouts. Also the
 * format tags the weights imply and the repo's `usedStorage`.
 */

import type { Rng } from './prng.js';
import type { HfGguf, HfSafetensors, HfSibling } from './record-types.js';
import { GGUF_QUANTS, type Identity } from './repo-ids.js';

const QUANT_SUFFIX = new RegExp(`-(${GGUF_QUANTS.join('|')})$`);

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

function withSafetensors(parameters: number, dtype: string, extra?: Record<string, number>): HfSafetensors {
  const parametersByType: Record<string, number> = { [dtype]: parameters };
  let total = parameters;
  for (const type in extra) {
    const count = extra[type] as number;
    parametersByType[type] = count;
    total += count;
  }
  return { parameters: parametersByType, total };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `siblings` as the Hub lists them: sorted by code units. */
export function sortedSiblings(names: string[]): HfSibling[] {
  return names.sort(byCodeUnits).map((rfilename) => ({ rfilename }));
}

export interface RepoFiles {
  /** File names, in no particular order (see sortedSiblings). */
  readonly siblings: string[];
  readonly safetensors: HfSafetensors | undefined;
  readonly gguf: HfGguf | undefined;
  /** The weight formats present (safetensors, gguf, pytorch, …), for the tags. */
  readonly formatTags: string[];
  /** Bytes, not rounded. */
  readonly usedStorage: number;
}

/**
 * Draws the files and weights of a repo with a README or not and a license file or not. Some GGUF
 * repos add `llama-cpp` and `gguf-my-repo` to `cardTags`, the tags of the tools that made them.
 */
export function drawRepoFiles(
  rng: Rng,
  identity: Identity,
  library: string | undefined,
  hasReadme: boolean,
  licenseFile: string | undefined,
  cardTags: string[],
): RepoFiles {
  const { archetype, family: fam, sizeB, rlRun } = identity;
  const siblings: string[] = ['.gitattributes'];
  if (hasReadme) siblings.push('README.md');
  if (licenseFile) siblings.push(licenseFile);
  let safetensors: HfSafetensors | undefined;
  let gguf: HfGguf | undefined;
  let usedStorage = 2_000 + rng.int(50_000);
  const formatTags: string[] = [];
  const params = paramCount(rng, sizeB);
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
  return { siblings, safetensors, gguf, formatTags, usedStorage };
}
