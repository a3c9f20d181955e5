/**
 * What a Hugging Face record says about running a model and about its place in the ecosystem
 * (docs/openness.md, "Deployment and ecosystem"): the quantized variants it
 * publishes, the local apps and hosted inference providers that serve it, the Spaces using it, and
 * how it relates to its base models. Pure functions of a validated record.
 *
 * Local apps are decided by `@huggingface/tasks`' LOCAL_APPS, the table the Hub itself uses for
 * its "Use this model" menu, so our list is the Hub's and follows its releases; GGUF quantization
 * labels come from the same package's file-name parser.
 */
import { LOCAL_APPS, parseGGUFQuantLabel, type ModelData } from '@huggingface/tasks';
import type { BaseModelRelation } from '../catalog-model.js';
import { weightFileFormat } from '../../openness/dimensions/weights.js';
import type { HfRecord } from './hf-record.js';

const RELATIONS: Readonly<Record<string, BaseModelRelation>> = {
  finetune: 'FINETUNE',
  adapter: 'ADAPTER',
  quantized: 'QUANTIZED',
  merge: 'MERGE',
};

const RELATION_TAG = /^base_model:(finetune|adapter|quantized|merge):./;

/**
 * Quantization methods, by the tag the Hub adds (or `quantization_config.quant_method`), to the
 * catalog's name. Two methods come in bit widths worth telling apart (`bitsandbytes-4bit` runs on
 * a different budget than 8-bit): see BIT_WIDTH_METHODS.
 */
const METHODS: Readonly<Record<string, string>> = {
  gptq: 'gptq',
  awq: 'awq',
  aqlm: 'aqlm',
  marlin: 'marlin',
  exl2: 'exl2',
  exl3: 'exl3',
  hqq: 'hqq',
  eetq: 'eetq',
  fp8: 'fp8',
  fbgemm_fp8: 'fp8',
  'compressed-tensors': 'compressed-tensors',
  quanto: 'quanto',
  'optimum-quanto': 'quanto',
  torchao: 'torchao',
  bitnet: 'bitnet',
  bitsandbytes: 'bitsandbytes',
};

/** A `quant_method` the table does not know is kept when it looks like a method name. */
const METHOD_NAME = /^[a-z][a-z0-9_.-]{1,31}$/;

/** `4-bit`, `8-bit` tags; `-4bit`, `_8bit`, `-3-bit` in repository names (MLX conversions). */
const BIT_TAG = /^(\d{1,2})-bit$/;
const BIT_NAME = /(?:^|[-_.])(\d{1,2})-?bit(?:$|[-_.])/i;

/** Safetensors dtypes that only packed (quantized) weights use: MLX stores 2–8-bit weights as U32. */
const PACKED_DTYPES = ['U32', 'U8', 'I32'];

const object = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

const bitsOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 32 ? value : null;

/** GGUF file types (`Q4_K_M`, `IQ4_XS`, `F16`) of the repository's `.gguf` files (projectors excluded). */
export function ggufQuantTypes(files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    if (weightFileFormat(file) !== 'gguf') continue;
    const base = file.slice(file.lastIndexOf('/') + 1);
    // Vision projectors (`mmproj-model-f16.gguf`) ship beside the model in whatever precision.
    if (base.toLowerCase().startsWith('mmproj')) continue;
    const label = parseGGUFQuantLabel(base);
    // `UD-` marks Unsloth's dynamic recipe of the same file type.
    if (label) found.add(label.replace(/^UD-/, ''));
  }
  return [...found];
}

/** Quantization methods from the Hub's tags, `config.quantization_config` and MLX conversions. */
export function quantizationMethods(record: HfRecord): string[] {
  const tags = record.tags ?? [];
  const config = object(record.config);
  const quantizationConfig = object(config?.['quantization_config']);
  const found = new Set<string>();
  const tagBits = tags.flatMap((tag) => {
    const match = BIT_TAG.exec(tag);
    return match ? [Number(match[1])] : [];
  });

  for (const tag of tags) {
    const method = METHODS[tag];
    if (method) found.add(method);
  }
  const declared = quantizationConfig?.['quant_method'];
  if (typeof declared === 'string') {
    const name = declared.toLowerCase();
    const method = METHODS[name] ?? (METHOD_NAME.test(name) ? name : null);
    if (method) found.add(method);
  }

  if (found.delete('bitsandbytes')) {
    const bits =
      quantizationConfig?.['load_in_4bit'] === true
        ? 4
        : quantizationConfig?.['load_in_8bit'] === true
          ? 8
          : (bitsOf(quantizationConfig?.['bits']) ?? tagBits[0] ?? null);
    found.add(bits === null ? 'bitsandbytes' : `bitsandbytes-${bits}bit`);
  }

  // MLX conversions carry no method tag: an MLX repository is quantized when its config says so,
  // a bit-width tag or its name does, or its safetensors hold packed integer weights.
  if (record.library_name === 'mlx' || tags.includes('mlx')) {
    const mlxQuantization = object(config?.['quantization']);
    const bits =
      bitsOf(mlxQuantization?.['bits']) ??
      tagBits[0] ??
      (() => {
        const match = BIT_NAME.exec(record.id.slice(record.id.indexOf('/') + 1));
        return match ? Number(match[1]) : null;
      })();
    const packed = PACKED_DTYPES.some((dtype) => record.safetensors?.parameters?.[dtype] !== undefined);
    if (bits !== null) found.add(`mlx-${bits}bit`);
    else if (mlxQuantization || packed) found.add('mlx');
  }
  return [...found];
}

/** Every quantized variant published: GGUF file types, then methods; sorted, deduplicated. */
export function quantizationsOf(record: HfRecord): string[] {
  const files = (record.siblings ?? []).map((file) => file.rfilename);
  return [...new Set([...ggufQuantTypes(files), ...quantizationMethods(record)])].sort();
}

/** The record in the shape `@huggingface/tasks` reads (its `ModelData`). */
function modelDataOf(record: HfRecord): ModelData {
  const cardData = object(record.cardData);
  return {
    id: record.id,
    // The validated record keeps no `inference` field; no local-app rule reads it.
    inference: '',
    tags: record.tags ?? [],
    ...(record.pipeline_tag === undefined ? {} : { pipeline_tag: record.pipeline_tag as ModelData['pipeline_tag'] }),
    ...(record.library_name === undefined ? {} : { library_name: record.library_name }),
    ...(record.config === undefined ? {} : { config: record.config }),
    ...(cardData === null ? {} : { cardData }),
    ...(record.gguf === undefined ? {} : { gguf: record.gguf as ModelData['gguf'] }),
    ...(record.safetensors === undefined ? {} : { safetensors: record.safetensors as ModelData['safetensors'] }),
  };
}

const LOCAL_APP_ENTRIES = Object.entries(LOCAL_APPS) as [string, { displayOnModelPage: (m: ModelData) => boolean }][];

/** The local apps the Hub's model page offers for this model (LOCAL_APPS keys), sorted. */
export function localAppsOf(record: HfRecord): string[] {
  const model = modelDataOf(record);
  const apps: string[] = [];
  for (const [key, app] of LOCAL_APP_ENTRIES) {
    // A predicate that trips over an unusual record must not cost the model its other apps.
    try {
      if (app.displayOnModelPage(model)) apps.push(key);
    } catch {
      continue;
    }
  }
  return apps.sort();
}

/**
 * Providers serving the model live (`status: "live"`; `staging` is not available to users), sorted.
 * Listings return `inferenceProviderMapping` as a list of `{ provider, status, … }`; model info
 * returned it as an object keyed by provider (Feb 2025 recording): both are read.
 */
export function inferenceProvidersOf(record: HfRecord): string[] {
  const mapping = record.inferenceProviderMapping;
  if (mapping === undefined) return [];
  const entries: [unknown, unknown][] = Array.isArray(mapping)
    ? mapping.map((entry) => [object(entry)?.['provider'], object(entry)?.['status']])
    : Object.entries(mapping).map(([provider, entry]) => [provider, object(entry)?.['status']]);
  const live = new Set<string>();
  for (const [provider, status] of entries) {
    if (typeof provider === 'string' && provider.length > 0 && status === 'live') live.add(provider);
  }
  return [...live].sort();
}

/** Spaces using the model, when the record lists them (model info does; listings only on request). */
export function spacesOf(record: HfRecord): number | null {
  return record.spaces === undefined ? null : record.spaces.length;
}

/**
 * How the model derives from its base models: `cardData.base_model_relation` when declared, else
 * the relation of the Hub's `base_model:<relation>:<id>` tags; without either, inferred the way the
 * Hub documents it (adapter files → adapter, GGUF or a quantization → quantized, several bases or
 * mergekit → merge, else finetune). Null for a model without base models.
 */
export function baseModelRelationOf(
  record: HfRecord,
  baseModels: readonly string[],
  published: { readonly formats: readonly string[]; readonly quantizations: readonly string[] },
): BaseModelRelation | null {
  if (baseModels.length === 0) return null;
  const declared = record.cardData?.['base_model_relation'];
  if (typeof declared === 'string' && RELATIONS[declared.trim().toLowerCase()]) {
    return RELATIONS[declared.trim().toLowerCase()] ?? null;
  }
  const tags = record.tags ?? [];
  for (const tag of tags) {
    const match = RELATION_TAG.exec(tag);
    if (match?.[1]) return RELATIONS[match[1]] ?? null;
  }
  const files = (record.siblings ?? []).map((file) => file.rfilename.slice(file.rfilename.lastIndexOf('/') + 1));
  if (record.library_name === 'peft' || files.includes('adapter_config.json')) return 'ADAPTER';
  if (published.formats.includes('gguf') || published.quantizations.length > 0) return 'QUANTIZED';
  if (baseModels.length > 1 || tags.includes('mergekit') || tags.includes('merge')) return 'MERGE';
  return 'FINETUNE';
}
