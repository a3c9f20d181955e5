/**
 * What every hub's record builder shares at the boundary (docs/hubs.md): the problems found while
 * validating a raw record field by field, their evidence in the openness result, the cleaning of
 * the texts fetched beside a record, and two small descriptions of untrusted JSON.
 */
import { inspectText } from '../lib/text.js';
import type { Evidence } from '../openness/types.js';
import type { ModelTexts } from './hub-records.js';

/** One field of a raw record that was dropped, cut or cleaned on its way in. */
export interface FieldProblem {
  readonly field: string;
  readonly issue: 'wrong-type' | 'invalid' | 'truncated' | 'binary' | 'too-deep';
  readonly detail: string;
}

/** Issues that leave the field out of the record (the others keep a cut or cleaned value). */
const DROPPING: ReadonlySet<FieldProblem['issue']> = new Set(['wrong-type', 'invalid', 'too-deep']);

/** The first 20 problems as `input` evidence of the openness result. */
export function problemEvidence(problems: readonly FieldProblem[]): Evidence[] {
  return problems.slice(0, 20).map((problem) => ({
    dimension: 'input',
    status: DROPPING.has(problem.issue) ? 'DROPPED' : 'TRUNCATED',
    source: problem.field,
    value: problem.detail.slice(0, 200),
    rule: `input.${problem.issue}`,
  }));
}

/**
 * README and LICENSE texts are hub strings too: cut to `maxLength` and cleaned of binary like the
 * record's own strings, each cleaning recorded as a problem.
 */
export function cleanDetailTexts(details: ModelTexts, problems: FieldProblem[], maxLength: number): ModelTexts {
  const text = (value: string | null | undefined, field: string) => {
    if (typeof value !== 'string') return value;
    const cleaned = inspectText(value, { maxLength });
    if (cleaned.binary)
      problems.push({ field, issue: 'binary', detail: `removed NUL or lone surrogates from ${value.length} chars` });
    return cleaned.text;
  };
  return { readme: text(details.readme, 'README.md'), licenseText: text(details.licenseText, 'LICENSE') };
}

/** `null`, `array`, or the `typeof` of a JSON value, for messages about what a field held. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
