/** Documentation: the model card, a paper, evaluation results. */
import { componentAssessment } from '../component-assessment.js';
import type { EvaluationFact, HfFacts } from '../huggingface-input.js';
import type { ComponentAssessment } from './code.js';

const MODEL_CARD = 'documentation.modelCard';
const CARD_FROM_README_FILE = componentAssessment(
  MODEL_CARD,
  'OPEN',
  'siblings[README.md]',
  'README.md',
  'documentation.model-card.readme',
);
const CARD_FROM_README_TEXT = componentAssessment(
  MODEL_CARD,
  'OPEN',
  'readme',
  'README.md',
  'documentation.model-card.readme',
);
const CARD_FROM_CARD_DATA = componentAssessment(
  MODEL_CARD,
  'OPEN',
  'cardData',
  'card metadata present',
  'documentation.model-card.card-data',
);
const CARD_UNKNOWN = componentAssessment(
  MODEL_CARD,
  'UNKNOWN',
  'siblings, cardData',
  null,
  'documentation.model-card.unknown',
);

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
    return componentAssessment(MODEL_CARD, 'CLOSED', 'siblings', value, 'documentation.model-card.no-readme');
  }
  return CARD_UNKNOWN;
}

const PAPER = 'documentation.paper';
const NO_PAPER = componentAssessment(PAPER, 'UNKNOWN', 'tags[arxiv:]', null, 'documentation.paper.none');

/** A paper: an `arxiv:` tag (the hub adds one for each arXiv link in the card), another DOI, or an arXiv link in the README. */
export function classifyPaper(facts: HfFacts): ComponentAssessment {
  if (facts.arxivIds.length > 0) {
    return componentAssessment(
      PAPER,
      'OPEN',
      'tags[arxiv:]',
      facts.arxivIds.join(', '),
      'documentation.paper.arxiv-tag',
    );
  }
  if (facts.dois.length > 0) {
    return componentAssessment(PAPER, 'OPEN', 'tags[doi:]', facts.dois.join(', '), 'documentation.paper.doi-tag');
  }
  const link = facts.paperLink;
  if (link !== null)
    return componentAssessment(PAPER, 'OPEN', link.source, link.value, 'documentation.paper.readme-link');
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
      componentAssessment(EVALUATION, 'OPEN', source, 'results present', rule),
    ]),
  ),
  empty: new Map(
    ['model-index', 'cardData.model-index'].map((source) => [
      source,
      componentAssessment(EVALUATION, 'UNKNOWN', source, 'no results', 'documentation.evaluation.empty-index'),
    ]),
  ),
};
const NO_EVALUATION = componentAssessment(
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
    componentAssessment(
      EVALUATION,
      facts.evaluation === 'results' ? 'OPEN' : 'UNKNOWN',
      source,
      null,
      'documentation.evaluation.model-index',
    )
  );
}
