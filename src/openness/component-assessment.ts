/**
 * One dimension's status with the evidence item that says why: the shape `assembleOpenness`
 * (src/openness/assemble.ts) takes for code, data and documentation. One helper for every hub's
 * classifier. Frozen, as constant assessments are shared by many results.
 */
import { evidence } from './evidence.js';
import type { ComponentAssessment, EvidenceDimension } from './types.js';

export function componentAssessment(
  dimension: EvidenceDimension,
  status: ComponentAssessment['status'],
  source: string,
  value: string | null,
  rule: string,
): ComponentAssessment {
  return Object.freeze({ status, evidence: Object.freeze(evidence(dimension, status, source, value, rule)) });
}
