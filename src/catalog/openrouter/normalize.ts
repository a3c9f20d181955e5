/**
 * OpenRouter record → catalog model: pure, after boundary validation (docs/hubs.md, "OpenRouter").
 *
 * What makes a change row (the snapshot, src/catalog/catalog-model.ts): the id's parts (author and
 * name), the task and the modality tags, `created`, and the classification. Everything that moves
 * with the market or the hub's editing — prices, context lengths, the provider's limits, the
 * display name and description, supported parameters, dates of deprecation — is a hub fact in
 * `hubData`, refreshed in place on every sighting and never a change row.
 */
import type { CatalogModel } from '../catalog-model.js';
import { problemEvidence } from '../record-problems.js';
import { classifyOpenRouter } from '../../openness/openrouter-input.js';
import type { FieldProblem, OpenRouterRecord } from './openrouter-record.js';

export const HUB_ID = 'openrouter';

type HubData = NonNullable<CatalogModel['hubData']>;

/** Hugging Face's pipeline tags for the modality pairs whose task is obvious; any other pair has none. */
function taskOf(inputs: readonly string[], outputs: readonly string[]): string | null {
  if (outputs.length !== 1 || !inputs.includes('text')) return null;
  const has = (modality: string) => inputs.includes(modality);
  const only = (...allowed: string[]) => inputs.every((modality) => allowed.includes(modality));
  switch (outputs[0]) {
    case 'text':
      // A `file` input is a document (a PDF) read as text: it makes no other task.
      if (only('text', 'file')) return 'text-generation';
      if (only('text', 'file', 'image')) return 'image-text-to-text';
      if (only('text', 'file', 'image', 'video') && has('video')) return 'video-text-to-text';
      if (only('text', 'audio')) return 'audio-text-to-text';
      return null;
    case 'image':
      if (only('text')) return 'text-to-image';
      return only('text', 'image') ? 'image-text-to-image' : null;
    case 'video':
      if (only('text')) return 'text-to-video';
      return only('text', 'image') ? 'image-text-to-video' : null;
    case 'audio':
      return only('text') ? 'text-to-audio' : null;
    case 'embeddings':
      return only('text') ? 'feature-extraction' : null;
    default:
      return null;
  }
}

/** `text+image->text` → its input and output modalities (for records without the lists). */
function parseModality(modality: string | null | undefined): { inputs: string[]; outputs: string[] } {
  const [inputs, outputs, ...rest] = (modality ?? '').toLowerCase().split('->');
  if (inputs === undefined || outputs === undefined || rest.length > 0) return { inputs: [], outputs: [] };
  const split = (side: string) =>
    side
      .split('+')
      .map((part) => part.trim())
      .filter((part) => /^[a-z][a-z0-9_-]{0,31}$/.test(part));
  return { inputs: split(inputs), outputs: split(outputs) };
}

function modalitiesOf(record: OpenRouterRecord): { inputs: string[]; outputs: string[] } {
  const architecture = record.architecture;
  const parsed = parseModality(architecture?.modality);
  const inputs = architecture?.input_modalities?.length ? architecture.input_modalities : parsed.inputs;
  const outputs = architecture?.output_modalities?.length ? architecture.output_modalities : parsed.outputs;
  return { inputs: [...new Set(inputs)].sort(), outputs: [...new Set(outputs)].sort() };
}

/** A price of the hub as a number: null for a negative one (`"-1"`: varies with the routed model). */
function priceValue(price: string): number | null {
  const value = Number(price);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

function pricingData(pricing: Readonly<Record<string, string>> | undefined): HubData {
  const data: Record<string, string | boolean | null> = {};
  if (pricing === undefined) return data;
  let variable = false;
  let free = Object.keys(pricing).length > 0;
  for (const [key, price] of Object.entries(pricing)) {
    const value = priceValue(price);
    // Kept as the hub's decimal string: USD per token is too small for a float to print exactly.
    data[`pricing.${key}`] = value === null ? null : price;
    if (value === null) variable = true;
    if (value !== 0) free = false;
  }
  data['pricingVariable'] = variable;
  data['free'] = free;
  return data;
}

function huggingFaceIdOf(record: OpenRouterRecord): string | null {
  const id = record.hugging_face_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function hubDataOf(record: OpenRouterRecord, inputs: string[], outputs: string[]): HubData {
  const huggingFaceId = huggingFaceIdOf(record);
  const top = record.top_provider;
  return {
    displayName: record.name ?? null,
    description: record.description ?? null,
    canonicalSlug: record.canonical_slug ?? null,
    huggingFaceId,
    // The lead's cross-hub links read `sameAs` (src/catalog/catalog-model.ts, declaredSameAs).
    sameAs: huggingFaceId === null ? [] : [`huggingface:${huggingFaceId}`],
    contextLength: record.context_length ?? null,
    modality: record.architecture?.modality ?? null,
    inputModalities: inputs,
    outputModalities: outputs,
    tokenizer: record.architecture?.tokenizer ?? null,
    instructType: record.architecture?.instruct_type ?? null,
    'topProvider.contextLength': top?.context_length ?? null,
    'topProvider.maxCompletionTokens': top?.max_completion_tokens ?? null,
    'topProvider.isModerated': top?.is_moderated ?? null,
    ...pricingData(record.pricing),
    supportedParameters: [...(record.supported_parameters ?? [])].sort(),
    created: record.created ?? null,
    knowledgeCutoff: record.knowledge_cutoff ?? null,
    expirationDate: record.expiration_date ?? null,
  };
}

export function normalizeOpenRouterRecord(record: OpenRouterRecord, problems: readonly FieldProblem[]): CatalogModel {
  const repoId = record.id;
  const slash = repoId.indexOf('/');
  const { inputs, outputs } = modalitiesOf(record);
  const openness = classifyOpenRouter(
    { id: repoId, huggingFaceId: huggingFaceIdOf(record) },
    // Field paths name the hub's own keys (`pricing.<key>`): cut, as evidence values are.
    problemEvidence(problems.map((problem) => ({ ...problem, field: problem.field.slice(0, 200) }))),
  );
  return {
    id: `${HUB_ID}:${repoId}`,
    hubId: HUB_ID,
    repoId,
    author: slash > 0 ? repoId.slice(0, slash) : null,
    // The id's slug, as Hugging Face's name is the repository's: the display name ("OpenAI: GPT-4.1
    // Nano") is a hub fact, and `author/name` is the key that finds the same model on other hubs.
    name: slash > 0 ? repoId.slice(slash + 1) : repoId,
    task: taskOf(inputs, outputs),
    library: null,
    tags: [...inputs.map((modality) => `input:${modality}`), ...outputs.map((modality) => `output:${modality}`)].sort(),
    baseModels: [],
    sha: null,
    // Gating is about downloading weights; an API has none to gate.
    gating: null,
    license: openness.license,
    parameterCount: null,
    downloads: 0,
    downloadsAllTime: null,
    likes: 0,
    createdAt: record.created === undefined ? null : new Date(record.created * 1000),
    lastModified: null,
    openness,
    formats: [],
    quantizations: [],
    localApps: [],
    inferenceProviders: [],
    spaces: null,
    baseModelRelation: null,
    hubData: hubDataOf(record, inputs, outputs),
    raw: record,
  };
}
