import { describe, expect, it } from 'vitest';
import { extractHfFacts } from '../huggingface-input.js';
import { buildHfRecord } from '../../../test/fixtures/openness.js';
import { classifyInferenceCode, classifyTrainingCode } from './code.js';

const factsOf = (overrides: Record<string, unknown>, readme?: string) =>
  extractHfFacts(buildHfRecord(overrides), readme === undefined ? {} : { readme });

describe('classifyInferenceCode', () => {
  it.each([
    ['transformers', { library_name: 'transformers' }, 'OPEN', 'code.inference.open-library', 'transformers'],
    ['diffusers', { library_name: 'diffusers' }, 'OPEN', 'code.inference.open-library', 'diffusers'],
    [
      'case-insensitive library',
      { library_name: 'Sentence-Transformers' },
      'OPEN',
      'code.inference.open-library',
      'sentence-transformers',
    ],
    [
      'card library_name',
      { library_name: undefined, cardData: { library_name: 'peft' } },
      'OPEN',
      'code.inference.open-library',
      'peft',
    ],
    [
      'gguf tag',
      { library_name: undefined, tags: ['gguf', 'llama'] },
      'OPEN',
      'code.inference.open-library-tag',
      'gguf',
    ],
    [
      'mlx tag',
      { library_name: undefined, tags: ['mlx', 'text-generation'] },
      'OPEN',
      'code.inference.open-library-tag',
      'mlx',
    ],
    [
      'card code link',
      { library_name: undefined, tags: [], cardData: { repository: 'https://github.com/acme/model' } },
      'OPEN',
      'code.inference.card-code-link',
      'https://github.com/acme/model',
    ],
    [
      'closed runtime',
      { library_name: 'unity-sentis', tags: [] },
      'UNKNOWN',
      'code.inference.library-not-known-open',
      'unity-sentis',
    ],
    [
      'generic framework',
      { library_name: 'pytorch', tags: ['pytorch'] },
      'UNKNOWN',
      'code.inference.library-not-known-open',
      'pytorch',
    ],
    ['no library', { library_name: undefined, tags: ['safetensors'] }, 'UNKNOWN', 'code.inference.no-evidence', null],
    ['wrong-typed library', { library_name: 42, tags: undefined }, 'UNKNOWN', 'code.inference.no-evidence', null],
  ])('%s → %s (%s)', (_case, overrides, status, rule, value) => {
    const result = classifyInferenceCode(factsOf(overrides));
    expect(result.status).toBe(status);
    expect(result.evidence).toMatchObject({ dimension: 'code.inference', status, rule, value });
  });

  it('takes a code link from the README when the library says nothing', () => {
    const readme = '# Model\n\nRun it with the code at https://github.com/acme/runner.\n';
    const result = classifyInferenceCode(factsOf({ library_name: undefined, tags: [] }, readme));
    expect(result.evidence).toMatchObject({
      status: 'OPEN',
      source: 'README.md',
      value: 'https://github.com/acme/runner',
    });
  });

  it('is never CLOSED from absence', () => {
    expect(classifyInferenceCode(extractHfFacts({})).status).toBe('UNKNOWN');
  });
});

describe('classifyTrainingCode', () => {
  it.each([
    [
      'card training-code link',
      { cardData: { training_code: 'https://github.com/acme/train' } },
      undefined,
      'OPEN',
      'code.training.card-code-link',
    ],
    [
      'README line about training',
      {},
      'Training code: https://github.com/acme/train-it\n',
      'OPEN',
      'code.training.card-code-link',
    ],
    [
      'README section about training',
      {},
      '## Training\n\nSee https://gitlab.com/acme/recipes for the scripts.\n',
      'OPEN',
      'code.training.card-code-link',
    ],
    [
      'README fine-tuning link',
      {},
      'We fine-tuned it with https://github.com/acme/ft\n',
      'OPEN',
      'code.training.card-code-link',
    ],
    [
      '"pretrained" is not training code',
      {},
      'Load the pretrained model from https://github.com/acme/load\n',
      'UNKNOWN',
      'code.training.no-evidence',
    ],
    [
      'a host link without a repository',
      {},
      'Training: see https://github.com/ for more\n',
      'UNKNOWN',
      'code.training.no-evidence',
    ],
    [
      'Trainer-generated card',
      { tags: ['transformers', 'generated_from_trainer'] },
      undefined,
      'PARTIAL',
      'code.training.public-trainer',
    ],
    ['TRL-trained', { tags: ['trl', 'dpo'] }, undefined, 'PARTIAL', 'code.training.public-trainer'],
    ['nothing', {}, undefined, 'UNKNOWN', 'code.training.no-evidence'],
    [
      'inference link only',
      { cardData: { repository: 'https://github.com/acme/model' } },
      undefined,
      'UNKNOWN',
      'code.training.no-evidence',
    ],
  ])('%s → %s (%s)', (_case, overrides, readme, status, rule) => {
    const result = classifyTrainingCode(factsOf(overrides, readme));
    expect(result.status).toBe(status);
    expect(result.evidence).toMatchObject({ dimension: 'code.training', status, rule });
  });

  it('prefers a training-code link over trainer tags', () => {
    const facts = factsOf({ tags: ['generated_from_trainer'], cardData: { training_code: 'https://github.com/a/b' } });
    expect(classifyTrainingCode(facts).status).toBe('OPEN');
  });
});
