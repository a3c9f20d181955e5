/** Documentation: the model card, a paper, evaluation results. */
import { evidence } from '../evidence.js';
import type { EvaluationFact, HfFacts } from '../huggingface-input.js';
import type { EvidenceDimension } from '../types.js';
import type { ComponentAssessment } from './code.js';

/** Constant assessments are shared by many results, so every assessment is frozen. */
function assessment(
  dimension: EvidenceDimension,
  status: ComponentAssessment['status'],
  source: string,
  value: string | null,
  rule: string,
): ComponentAssessment {
  return Object.freeze({ status, evidence: Object.freeze(evidence(dimension, status, source, value, rule)) });
}

const MODEL_CARD = 'documentation.modelCard';
const CARD_FROM_README_FILE = assessment(
  MODEL_CARD,
  'OPEN',
  'siblings[README.md]',
  'README.md',
  'documentation.model-card.readme',
);
const CARD_FROM_README_TEXT = assessment(MODEL_CARD, 'OPEN', 'readme', 'README.md', 'documentation.model-card.readme');
const CARD_FROM_CARD_DATA = assessment(
  MODEL_CARD,
  'OPEN',
  'cardData',
  'card metadata present',
  'documentation.model-card.card-data',
);
const CARD_UNKNOWN = assessment(MODEL_CARD, 'UNKNOWN', 'siblings, cardData', null, 'documentation.model-card.unknown');

/**
 * The model card is the repository's README.md. `cardData` is parsed from that README's YAML
 * header, so its presence proves the README too. A known file list without README.md means there
 * is no card (CLOSED); without a file list or card data we cannot tell (UNKNOWN).
 */
export function classifyModelCard(facts: HfFacts): ComponentAssessment {
  if (facts.readmePresent) return facts.readmeSource === 'readme' ? CARD_FROM_README_TEXT : CARD_FROM_README_FILE;
  if (facts.cardDataPresent) return CARD_FROM_CARD_DATA;
  if (facts.files !== null) {
    const value = `${facts.files.length} files, no README.md`;
    return assessment(MODEL_CARD, 'CLOSED', 'siblings', value, 'documentation.model-card.no-readme');
  }
  return CARD_UNKNOWN;
}

const PAPER = 'documentation.paper';
const NO_PAPER = assessment(PAPER, 'UNKNOWN', 'tags[arxiv:]', null, 'documentation.paper.none');

/** A paper: an `arxiv:` tag (the hub adds one for each arXiv link in the card), another DOI, or an arXiv link in the README. */
export function classifyPaper(facts: HfFacts): ComponentAssessment {
  if (facts.arxivIds.length > 0) {
    return assessment(PAPER, 'OPEN', 'tags[arxiv:]', facts.arxivIds.join(', '), 'documentation.paper.arxiv-tag');
  }
  if (facts.dois.length > 0) {
    return assessment(PAPER, 'OPEN', 'tags[doi:]', facts.dois.join(', '), 'documentation.paper.doi-tag');
  }
  const link = facts.paperLink;
  if (link !== null) return assessment(PAPER, 'OPEN', link.source, link.value, 'documentation.paper.readme-link');
  return NO_PAPER;
}

const EVALUATION = 'documentation.evaluation';
const EVALUATION_RULES: Readonly<Record<string, string>> = {
  'model-index': 'documentation.evaluation.model-index',
  'cardData.model-index': 'documentation.evaluation.model-index',
  evalResults: 'documentation.evaluation.eval-results',
  'tags[model-index]': 'documentation.evaluation.model-index-tag',
};
const EVALUATION_ASSESSMENTS: Readonly<
  Record<Exclude<EvaluationFact, 'absent'>, ReadonlyMap<string, ComponentAssessment>>
> = {
  results: new Map(
    Object.entries(EVALUATION_RULES).map(([source, rule]) => [
      source,
      assessment(EVALUATION, 'OPEN', source, 'results present', rule),
    ]),
  ),
  empty: new Map(
    ['model-index', 'cardData.model-index'].map((source) => [
      source,
      assessment(EVALUATION, 'UNKNOWN', source, 'no results', 'documentation.evaluation.empty-index'),
    ]),
  ),
};
const NO_EVALUATION = assessment(
  EVALUATION,
  'UNKNOWN',
  'model-index, evalResults',
  null,
  'documentation.evaluation.none',
);

/**
 * Evaluation results: a `model-index` (top level or in the card) with at least one result, the
 * newer `evalResults`, or the hub's `model-index` tag. An index whose results are all empty is
 * not evidence of results; results may still be in the card's prose, so that is UNKNOWN too.
 */
export function classifyEvaluation(facts: HfFacts): ComponentAssessment {
  if (facts.evaluation === 'absent') return NO_EVALUATION;
  const source = facts.evaluationSource ?? 'model-index';
  return (
    EVALUATION_ASSESSMENTS[facts.evaluation].get(source) ??
    assessment(
      EVALUATION,
      facts.evaluation === 'results' ? 'OPEN' : 'UNKNOWN',
      source,
      null,
      'documentation.evaluation.model-index',
    )
  );
}
