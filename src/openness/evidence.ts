import type { Evidence, EvidenceDimension } from './types.js';

/** Evidence values are for people reading an assessment: long hub values are cut to this length. */
export const EVIDENCE_VALUE_MAX_LENGTH = 200;

export function evidence(
  dimension: EvidenceDimension,
  status: string,
  source: string,
  value: string | null,
  rule: string,
): Evidence {
  return { dimension, status, source, value: value === null ? null : truncate(value), rule };
}

/** Cuts at a code-unit boundary that does not split a surrogate pair, and marks the cut with `…`. */
export function truncate(value: string, max = EVIDENCE_VALUE_MAX_LENGTH): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}
