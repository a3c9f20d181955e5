/**
 * The record types and the generator options: the shape of one generated Hugging Face model record
 * (as the Hub API returns it), the options every part of the generator takes, and how those options
 * resolve to a seed and a base time. Imports nothing of the other generator files.
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

export function seedOf(options: GeneratorOptions | undefined): number {
  return (options?.seed ?? 1) | 0;
}

export function baseSecondsOf(options: GeneratorOptions | undefined): number {
  return Math.floor((options?.baseTime ?? DEFAULT_BASE_TIME) / 1000);
}
