/**
 * OpenRouter model objects in the real shape of `GET /api/v1/models` `data[]` (docs/hubs.md,
 * "OpenRouter"), with made-up values: for the fake hub, the integration tests and the unit tests of
 * the record builder. Pure (no I/O), so unit tests of src/openness may use it too.
 */

export interface OpenRouterModelObject {
  id?: string;
  canonical_slug?: string;
  hugging_face_id?: string | null;
  name?: string;
  created?: number;
  description?: string;
  context_length?: number | null;
  architecture?: {
    modality: string | null;
    input_modalities: string[];
    output_modalities: string[];
    tokenizer: string | null;
    instruct_type: string | null;
  };
  pricing?: Record<string, string>;
  top_provider?: { context_length: number | null; max_completion_tokens: number | null; is_moderated: boolean };
  per_request_limits?: unknown;
  supported_parameters?: string[];
  default_parameters?: Record<string, unknown>;
  supported_voices?: unknown;
  knowledge_cutoff?: string | null;
  expiration_date?: string | null;
  links?: { details: string };
  benchmarks?: unknown;
  [extra: string]: unknown;
}

const DAY = 86_400;
/** 2025-01-01T00:00:00Z in unix seconds. */
const EPOCH = 1_735_689_600;

/** One text model in the listing's shape; `overrides` replace fields (undefined values delete them). */
export function openRouterRecord(
  id = 'acme/sparrow-7b-instruct',
  overrides: Partial<OpenRouterModelObject> = {},
): OpenRouterModelObject {
  const [author = 'acme', slug = id] = id.split('/');
  const record: OpenRouterModelObject = {
    id,
    canonical_slug: `${id.split(':')[0] ?? id}-20250301`,
    hugging_face_id: '',
    name: `${author[0]?.toUpperCase() ?? ''}${author.slice(1)}: ${slug.replace(/-/g, ' ')}`,
    created: EPOCH + 59 * DAY,
    description: `${slug} answers questions and follows instructions; made up for the catalog's tests.`,
    context_length: 131_072,
    architecture: {
      modality: 'text->text',
      input_modalities: ['text'],
      output_modalities: ['text'],
      tokenizer: 'Other',
      instruct_type: null,
    },
    pricing: { prompt: '0.0000002', completion: '0.0000006' },
    top_provider: { context_length: 131_072, max_completion_tokens: 16_384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'top_p', 'tools'],
    default_parameters: {},
    supported_voices: null,
    knowledge_cutoff: '2024-12-31',
    expiration_date: null,
    links: { details: `/api/v1/models/${id}/endpoints` },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete record[key];
    else record[key] = value;
  }
  return record;
}

const AUTHORS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'wayne-ai'] as const;

/**
 * `count` deterministic records: mostly text models, some multimodal, every 7th an image model
 * (listed only with `output_modalities=all`), every 5th with a Hugging Face id, every 11th free.
 */
export function generateOpenRouterRecords(count: number): OpenRouterModelObject[] {
  return Array.from({ length: count }, (_, index) => {
    const author = AUTHORS[index % AUTHORS.length] ?? 'acme';
    const id = `${author}/model-${String(index).padStart(4, '0')}`;
    const image = index % 7 === 3;
    const vision = index % 4 === 1;
    const inputs = vision ? ['text', 'image'] : ['text'];
    const outputs = image ? ['image'] : ['text'];
    return openRouterRecord(id, {
      created: EPOCH + index * 3_600,
      hugging_face_id: index % 5 === 0 ? `${author}/Model-${index}` : index % 5 === 1 ? null : '',
      architecture: {
        modality: `${inputs.join('+')}->${outputs.join('+')}`,
        input_modalities: inputs,
        output_modalities: outputs,
        tokenizer: 'Other',
        instruct_type: null,
      },
      pricing:
        index % 11 === 0
          ? { prompt: '0', completion: '0' }
          : image
            ? { prompt: '0', completion: '0', image: `0.0${(index % 9) + 1}` }
            : { prompt: `0.000000${(index % 9) + 1}`, completion: `0.00000${(index % 9) + 1}`, request: '0' },
    });
  });
}
