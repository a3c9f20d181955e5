import { describe, expect, it } from 'vitest';
import { extractHfFacts } from '../huggingface-input.js';
import { buildHfRecord } from '../../../test/fixtures/openness.js';
import { classifyTrainingData } from './data.js';

const dataOf = (overrides: Record<string, unknown>) => classifyTrainingData(extractHfFacts(buildHfRecord(overrides)));

describe('classifyTrainingData', () => {
  it.each([
    ['no datasets declared', {}, 'UNKNOWN', 'data.training.none-declared', null, 'tags[dataset:], cardData.datasets'],
    [
      'one dataset tag',
      { tags: ['dataset:acme/private-mix'] },
      'PARTIAL',
      'data.training.disclosed',
      'acme/private-mix',
      'tags[dataset:]',
    ],
    [
      'card datasets list',
      { cardData: { datasets: ['bookcorpus', 'wikipedia'] } },
      'PARTIAL',
      'data.training.disclosed',
      'bookcorpus, wikipedia',
      'cardData.datasets',
    ],
    [
      'card datasets string',
      { cardData: { datasets: 'acme/mix' } },
      'PARTIAL',
      'data.training.disclosed',
      'acme/mix',
      'cardData.datasets',
    ],
    [
      'all known open',
      { tags: ['dataset:HuggingFaceFW/fineweb-edu', 'dataset:allenai/c4'] },
      'OPEN',
      'data.training.known-open',
      'HuggingFaceFW/fineweb-edu, allenai/c4',
      'tags[dataset:]',
    ],
    [
      'known open and unknown',
      { tags: ['dataset:allenai/c4', 'dataset:acme/secret'] },
      'PARTIAL',
      'data.training.disclosed',
      'allenai/c4, acme/secret',
      'tags[dataset:]',
    ],
    [
      'tags and card merged, deduplicated',
      { tags: ['dataset:a/b'], cardData: { datasets: ['a/b', 'c/d'] } },
      'PARTIAL',
      'data.training.disclosed',
      'a/b, c/d',
      'tags[dataset:], cardData.datasets',
    ],
    [
      'wrong-typed card datasets',
      { cardData: { datasets: 12 } },
      'UNKNOWN',
      'data.training.none-declared',
      null,
      'tags[dataset:], cardData.datasets',
    ],
    [
      'blank dataset names',
      { tags: ['dataset:'], cardData: { datasets: ['  ', null] } },
      'UNKNOWN',
      'data.training.none-declared',
      null,
      'tags[dataset:], cardData.datasets',
    ],
  ])('%s → %s', (_case, overrides, status, rule, value, source) => {
    const result = dataOf(overrides);
    expect(result.status).toBe(status);
    expect(result.evidence).toEqual({ dimension: 'data.training', status, source, value, rule });
  });
});
