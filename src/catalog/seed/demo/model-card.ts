/**
 * The model card of a record: whether the repo has a README and card data, the card's languages,
 * datasets and papers, evaluation results (`model-index`) for some finetunes, the gated-access
 * fields, and the `cardData` object itself in the Hub's key order.
 */

import { type Archetype, isTextual } from './archetypes.js';
import type { Licensing } from './licenses.js';
import type { Lineage } from './lineage.js';
import type { Rng } from './prng.js';
import type { HfCardData, HfGating, HfModelIndexEntry } from './record-types.js';
import { LANGUAGES, type Identity } from './repo-ids.js';

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

function arxivId(rng: Rng): string {
  const year = 17 + rng.int(9);
  const month = 1 + rng.int(12);
  return `${year}${String(month).padStart(2, '0')}.${String(1 + rng.int(19_999)).padStart(5, '0')}`;
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

export interface CardContents {
  readonly hasReadme: boolean;
  /** Whether the README has card data (YAML front matter). */
  readonly hasCard: boolean;
  readonly languages: string[];
  readonly datasets: string[];
  /** arXiv ids of the papers the card cites. */
  readonly arxiv: string[];
}

/** Draws what the card holds. A licensed repo always has card data: the license lives there. */
export function drawCardContents(
  rng: Rng,
  archetype: Archetype,
  license: string | undefined,
  derivative: boolean,
): CardContents {
  const hasReadme = license !== undefined || rng.chance(archetype === 'empty' ? 0.5 : 0.8);
  const hasCard = license !== undefined || (hasReadme && rng.chance(0.6));
  const languages =
    isTextual(archetype) && rng.chance(0.45) ? (rng.chance(0.6) ? ['en'] : rng.sample(LANGUAGES, 1 + rng.int(6))) : [];
  const datasetPool = DATASETS[archetype];
  const datasets =
    datasetPool.length > 0 && rng.chance(derivative ? 0.35 : 0.2) ? rng.sample(datasetPool, 1 + rng.int(3)) : [];
  const arxiv: string[] = [];
  if (rng.chance(0.15)) for (let papers = 1 + rng.int(3); papers > 0; papers--) arxiv.push(arxivId(rng));
  return { hasReadme, hasCard, languages, datasets, arxiv };
}

/** Evaluation results, for some finetunes. */
export function drawModelIndex(
  rng: Rng,
  identity: Identity,
  card: CardContents,
  derivative: boolean,
  pipeline: string | undefined,
): HfModelIndexEntry[] | undefined {
  const { archetype, name } = identity;
  const { hasCard, datasets } = card;
  return hasCard &&
    derivative &&
    pipeline &&
    (archetype === 'encoder' || archetype === 'llm' || archetype === 'speech' || archetype === 'vision') &&
    rng.chance(0.25)
    ? [
        {
          name,
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
}

/** What `cardData` is made of, besides the record's identity and card contents. */
export interface CardDataSources {
  readonly licensing: Licensing;
  readonly lineage: Lineage;
  readonly library: string | undefined;
  readonly pipeline: string | undefined;
  readonly cardTags: string[];
  readonly modelIndex: HfModelIndexEntry[] | undefined;
}

/** The card data, in the Hub's key order; undefined for a repo without card data. */
export function drawCardData(
  rng: Rng,
  identity: Identity,
  card: CardContents,
  sources: CardDataSources,
): HfCardData | undefined {
  if (!card.hasCard) return undefined;
  const { archetype, author } = identity;
  const { languages, datasets } = card;
  const { licenses, licenseName, licenseLink, gated } = sources.licensing;
  const { baseModels, relation, derivative } = sources.lineage;
  const { library, pipeline, cardTags, modelIndex } = sources;
  const cardData: HfCardData = {};
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
  return cardData;
}
