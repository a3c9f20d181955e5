/** How numbers, dates and the schema's values read on the dashboard. */
import { LEVEL_COLOURS, LEVEL_TEXT, LICENSE_TEXT, NEUTRAL_COLOUR } from '../../../src/openness/display.js';
import type { LicenseCategory, OpennessLevel } from '../../../src/openness/types.js';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

export const count = (value: number): string => whole.format(value);
export const compactCount = (value: number): string => compact.format(value);

/** `8030261248` → `8.0B`; BigInt values arrive as numbers (or strings beyond 2^53). */
export function parameters(value: number | string | null): string {
  if (value === null) return '—';
  const n = Number(value);
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e11 ? 0 : 1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}

export const date = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—');
export const time = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

export const levelText = (level: string | null): string =>
  level === null ? 'not assessed' : (LEVEL_TEXT[level as OpennessLevel] ?? level);
export const levelColour = (level: string | null): string =>
  level === null ? NEUTRAL_COLOUR : (LEVEL_COLOURS[level as OpennessLevel] ?? NEUTRAL_COLOUR);
export const licenseText = (category: string | null): string =>
  category === null ? 'unknown' : (LICENSE_TEXT[category as LicenseCategory] ?? category);

/** `CONDITIONAL` → `conditional`, `GATED_MANUAL` → `gated manual`. */
export const words = (value: string | null): string => (value === null ? '—' : value.toLowerCase().replace(/_/g, ' '));
