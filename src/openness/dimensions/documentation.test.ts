import { describe, expect, it } from 'vitest';
import { extractHfFacts } from '../huggingface-input.js';
import { buildHfRecord, siblings } from '../../../test/fixtures/openness.js';
import { classifyEvaluation, classifyModelCard, classifyPaper } from './documentation.js';

const factsOf = (overrides: Record<string, unknown>, readme?: string | null) =>
  extractHfFacts(buildHfRecord(overrides), readme === undefined ? {} : { readme });

describe('classifyModelCard', () => {
  it.each([
    ['README.md in the file list', {}, undefined, 'OPEN', 'documentation.model-card.readme'],
    [
      'README text given',
      { siblings: undefined, cardData: undefined },
      '# Card',
      'OPEN',
      'documentation.model-card.readme',
    ],
    ['card data without a file list', { siblings: undefined }, undefined, 'OPEN', 'documentation.model-card.card-data'],
    [
      'known files, no README',
      { siblings: siblings('model.safetensors'), cardData: undefined },
      undefined,
      'CLOSED',
      'documentation.model-card.no-readme',
    ],
    [
      'empty card data, known files without README',
      { siblings: siblings('a.bin'), cardData: {} },
      undefined,
      'CLOSED',
      'documentation.model-card.no-readme',
    ],
    [
      'blank README text, no other signal',
      { siblings: undefined, cardData: undefined },
      '  \n\t',
      'UNKNOWN',
      'documentation.model-card.unknown',
    ],
    [
      'nothing known',
      { siblings: undefined, cardData: undefined },
      null,
      'UNKNOWN',
      'documentation.model-card.unknown',
    ],
  ])('%s → %s', (_case, overrides, readme, status, rule) => {
    const result = classifyModelCard(factsOf(overrides, readme));
    expect(result.status).toBe(status);
    expect(result.evidence).toMatchObject({ dimension: 'documentation.modelCard', status, rule });
  });
});

describe('classifyPaper', () => {
  it.each([
    [
      'arxiv tag',
      { tags: ['arxiv:2403.13784', 'arxiv:2403.13784'] },
      undefined,
      'OPEN',
      'documentation.paper.arxiv-tag',
      '2403.13784',
    ],
    [
      'non-hub DOI tag',
      { tags: ['doi:10.1145/3630106.3659005'] },
      undefined,
      'OPEN',
      'documentation.paper.doi-tag',
      '10.1145/3630106.3659005',
    ],
    [
      'Hugging Face repository DOI',
      { tags: ['doi:10.57967/hf/0039'] },
      undefined,
      'UNKNOWN',
      'documentation.paper.none',
      null,
    ],
    [
      'arXiv link in README',
      { tags: [] },
      'See [the paper](https://arxiv.org/abs/2310.16944).',
      'OPEN',
      'documentation.paper.readme-link',
      'https://arxiv.org/abs/2310.16944',
    ],
    ['nothing', { tags: [] }, undefined, 'UNKNOWN', 'documentation.paper.none', null],
  ])('%s → %s', (_case, overrides, readme, status, rule, value) => {
    const result = classifyPaper(factsOf(overrides, readme));
    expect(result.status).toBe(status);
    expect(result.evidence).toMatchObject({ dimension: 'documentation.paper', status, rule, value });
  });
});

const RESULTS = [
  { name: 'm', results: [{ task: { type: 'text-generation' }, metrics: [{ type: 'acc', value: 0.5 }] }] },
];

describe('classifyEvaluation', () => {
  it.each([
    [
      'model-index with results',
      { 'model-index': RESULTS },
      'OPEN',
      'documentation.evaluation.model-index',
      'model-index',
    ],
    [
      'card model-index with results',
      { cardData: { 'model-index': RESULTS } },
      'OPEN',
      'documentation.evaluation.model-index',
      'cardData.model-index',
    ],
    [
      'top-level index empty, card has results',
      { 'model-index': [{ name: 'm', results: [] }], cardData: { 'model-index': RESULTS } },
      'OPEN',
      'documentation.evaluation.model-index',
      'cardData.model-index',
    ],
    [
      'evalResults',
      { evalResults: [{ dataset: 'x', value: 1 }] },
      'OPEN',
      'documentation.evaluation.eval-results',
      'evalResults',
    ],
    [
      'model-index tag',
      { tags: ['model-index'] },
      'OPEN',
      'documentation.evaluation.model-index-tag',
      'tags[model-index]',
    ],
    [
      'index without results',
      { 'model-index': [{ name: 'm', results: [] }] },
      'UNKNOWN',
      'documentation.evaluation.empty-index',
      'model-index',
    ],
    [
      'null model-index',
      { 'model-index': null },
      'UNKNOWN',
      'documentation.evaluation.none',
      'model-index, evalResults',
    ],
    [
      'wrong-typed model-index',
      { 'model-index': 'lots' },
      'UNKNOWN',
      'documentation.evaluation.none',
      'model-index, evalResults',
    ],
  ])('%s → %s', (_case, overrides, status, rule, source) => {
    const result = classifyEvaluation(factsOf(overrides));
    expect(result.status).toBe(status);
    expect(result.evidence).toMatchObject({ dimension: 'documentation.evaluation', status, rule, source });
  });
});
