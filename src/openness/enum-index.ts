/**
 * Positions of the schema's enum values, for building small numeric cache keys from a few enum
 * inputs (level.ts, mof.ts) without allocating strings.
 */
import { COMPONENT_STATUS, LICENSE_CATEGORIES, WEIGHTS_AVAILABILITY } from './types.js';

const indexOf = <T extends string>(values: readonly T[]): Readonly<Record<T, number>> =>
  Object.fromEntries(values.map((value, index) => [value, index])) as Record<T, number>;

/** 10 values. */
export const CATEGORY_INDEX = indexOf(LICENSE_CATEGORIES);
/** 7 values (a key slot of 8 leaves room for "none"). */
export const AVAILABILITY_INDEX = indexOf(WEIGHTS_AVAILABILITY);
/** 4 values. */
export const STATUS_INDEX = indexOf(COMPONENT_STATUS);
