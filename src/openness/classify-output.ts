/**
 * The `classify` CLI's output line: one JSON object per input line, with the names and key order
 * the GraphQL API uses. Pure: a line of text in, an output object out.
 */
import { classifyHuggingFace, parseHfRecordId } from './classify.js';
import type { OpennessResult } from './types.js';

export const HUGGING_FACE_HUB_ID = 'huggingface';

export type ClassifyOutputLine = {
  readonly id: string | null;
  readonly license: Pick<
    OpennessResult['license'],
    'id' | 'name' | 'category' | 'commercialUse' | 'osiApproved' | 'hubValue'
  >;
} & Omit<OpennessResult, 'license'>;

export interface ClassifyErrorLine {
  readonly line: number;
  readonly error: string;
}

/** The output object, keys in the documented order (JSON.stringify keeps insertion order). */
export function toClassifyOutput(repoId: string | null, result: OpennessResult): ClassifyOutputLine {
  const { license, weights, code, data, documentation } = result;
  return {
    id: repoId === null ? null : `${HUGGING_FACE_HUB_ID}:${repoId}`,
    license: {
      id: license.id,
      name: license.name,
      category: license.category,
      commercialUse: license.commercialUse,
      osiApproved: license.osiApproved,
      hubValue: license.hubValue,
    },
    weights: { availability: weights.availability, formats: weights.formats, parameterCount: weights.parameterCount },
    code: { inference: code.inference, training: code.training },
    data: { training: data.training },
    documentation: {
      modelCard: documentation.modelCard,
      paper: documentation.paper,
      evaluation: documentation.evaluation,
    },
    level: result.level,
    mofClass: result.mofClass,
    missingComponents: result.missingComponents,
    score: result.score,
    rulesVersion: result.rulesVersion,
    evidence: result.evidence.map(({ dimension, status, source, value, rule }) => ({
      dimension,
      status,
      source,
      value,
      rule,
    })),
  };
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0d && code !== 0x0a && code !== 0xfeff) return false;
  }
  return true;
}

/** How a JSON value that is not a record is named in a rejection. */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * One input line → its output object; null for a blank line (skipped). `lineNumber` is 1-based.
 * A line is rejected (`{ line, error }`) when it is not JSON, not a JSON object, or an object
 * without a usable repo id (`id` or `modelId`): there is no model to name in the output.
 */
export function classifyJsonLine(text: string, lineNumber: number): ClassifyOutputLine | ClassifyErrorLine | null {
  if (isBlank(text)) return null;
  let record: unknown;
  try {
    // A UTF-8 byte-order mark may start the first line of a file.
    record = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { line: lineNumber, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return {
      line: lineNumber,
      error: `expected a JSON object (a Hugging Face model record), got ${describeJson(record)}`,
    };
  const repoId = parseHfRecordId(record);
  if (repoId === null)
    return {
      line: lineNumber,
      error: 'the record has no usable repo id: "id" (or "modelId") must be a repo id such as "owner/name"',
    };
  return toClassifyOutput(repoId, classifyHuggingFace(record));
}
