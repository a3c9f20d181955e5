import { describe, expect, it } from 'vitest';
import { OPENROUTER_API_LICENSE, classifyOpenRouter } from './openrouter-input.js';
import { RULES_VERSION } from './rules-version.js';
import type { Evidence } from './types.js';

describe('classifyOpenRouter', () => {
  const closed = classifyOpenRouter({ id: 'openai/gpt-4.1-nano', huggingFaceId: null });

  it('an API listing: weights API_ONLY, level CLOSED, no MOF class', () => {
    expect(closed).toMatchObject({
      license: OPENROUTER_API_LICENSE,
      weights: { availability: 'API_ONLY', formats: [], parameterCount: null },
      code: { inference: 'UNKNOWN', training: 'UNKNOWN' },
      data: { training: 'UNKNOWN' },
      documentation: { modelCard: 'UNKNOWN', paper: 'UNKNOWN', evaluation: 'UNKNOWN' },
      level: 'CLOSED',
      mofClass: 'NONE',
      rulesVersion: RULES_VERSION,
    });
    expect(closed.score).toBe(0);
  });

  it('the license: proprietary terms, commercial use unknown (the provider decides), never resolved from a hub value', () => {
    expect(closed.license).toMatchObject({
      id: 'LicenseRef-openrouter-api-terms',
      category: 'PROPRIETARY',
      commercialUse: 'UNKNOWN',
      osiApproved: false,
      hubValue: null,
    });
  });

  it('explains every dimension, the level by the weights rule', () => {
    const rules = closed.evidence.map((item) => `${item.dimension}:${item.rule}`);
    expect(rules).toEqual([
      'license:license.api-terms',
      'license:license.api-commercial-use-per-provider',
      'weights:weights.api-only',
      'parameters:parameters.api-listing',
      'code.inference:code.inference.api-listing',
      'code.training:code.training.api-listing',
      'data.training:data.training.api-listing',
      'documentation.modelCard:documentation.model-card.api-listing',
      'documentation.paper:documentation.paper.api-listing',
      'documentation.evaluation:documentation.evaluation.api-listing',
      'level:level.weights-not-obtainable',
      expect.stringMatching(/^mofClass:/),
    ]);
    expect(closed.evidence.find((item) => item.dimension === 'level')).toMatchObject({
      status: 'CLOSED',
      value: 'license=PROPRIETARY, weights=API_ONLY',
    });
  });

  it('names the Hugging Face repository where the weights are, and still classifies the API as closed', () => {
    const result = classifyOpenRouter({
      id: 'meta-llama/llama-3.3-70b-instruct',
      huggingFaceId: 'meta-llama/Llama-3.3-70B-Instruct',
    });
    expect([result.weights.availability, result.level]).toEqual(['API_ONLY', 'CLOSED']);
    expect(result.evidence.find((item) => item.dimension === 'weights')).toEqual({
      dimension: 'weights',
      status: 'API_ONLY',
      source: 'hugging_face_id',
      value:
        'served as meta-llama/llama-3.3-70b-instruct; weights published as huggingface:meta-llama/Llama-3.3-70B-Instruct (sameAs)',
      rule: 'weights.api-only-weights-elsewhere',
    });
  });

  it('lists input evidence first', () => {
    const input: Evidence = {
      dimension: 'input',
      status: 'TRUNCATED',
      source: 'description',
      value: '100000 chars truncated to 4096',
      rule: 'input.truncated',
    };
    const result = classifyOpenRouter({ id: 'acme/x', huggingFaceId: null }, [input]);
    expect(result.evidence[0]).toEqual(input);
    expect(result.evidence).toHaveLength(closed.evidence.length + 1);
  });

  it('is deterministic', () => {
    expect(classifyOpenRouter({ id: 'openai/gpt-4.1-nano', huggingFaceId: null })).toEqual(closed);
  });
});
