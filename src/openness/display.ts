/**
 * How the schema's levels and license categories are shown to people: one colour per level, red →
 * green (shields.io's named colours, as hex), and short lowercase words. The badges, the chart
 * embed and the dashboard (web/dashboard) all draw with these, so a level has one colour
 * everywhere.
 *
 * | level                      | colour                 |
 * | -------------------------- | ---------------------- |
 * | `CLOSED`                   | `#e05d44` red          |
 * | `WEIGHTS_RESTRICTED`       | `#fe7d37` orange       |
 * | `OPEN_WEIGHTS_CONDITIONAL` | `#dfb317` yellow       |
 * | `OPEN_WEIGHTS`             | `#a4a61d` yellow-green |
 * | `OPEN_TOOLING`             | `#97ca00` green        |
 * | `OPEN_SCIENCE`             | `#44cc11` bright green |
 * | unknown, not assessed      | `#9f9f9f` neutral grey |
 */
import type { LicenseCategory, OpennessLevel } from './types.js';

export const LEVEL_COLOURS: Readonly<Record<OpennessLevel, string>> = {
  CLOSED: '#e05d44',
  WEIGHTS_RESTRICTED: '#fe7d37',
  OPEN_WEIGHTS_CONDITIONAL: '#dfb317',
  OPEN_WEIGHTS: '#a4a61d',
  OPEN_TOOLING: '#97ca00',
  OPEN_SCIENCE: '#44cc11',
};
export const NEUTRAL_COLOUR = '#9f9f9f';

export const LEVEL_TEXT: Readonly<Record<OpennessLevel, string>> = {
  CLOSED: 'closed',
  WEIGHTS_RESTRICTED: 'weights restricted',
  OPEN_WEIGHTS_CONDITIONAL: 'open weights (conditional)',
  OPEN_WEIGHTS: 'open weights',
  OPEN_TOOLING: 'open tooling',
  OPEN_SCIENCE: 'open science',
};

export const LICENSE_TEXT: Readonly<Record<LicenseCategory, string>> = {
  PERMISSIVE: 'permissive',
  COPYLEFT: 'copyleft',
  PUBLIC_DOMAIN: 'public domain',
  OPEN_RAIL: 'OpenRAIL',
  COMMUNITY: 'community license',
  NON_COMMERCIAL: 'non-commercial',
  NO_DERIVATIVES: 'no derivatives',
  PROPRIETARY: 'proprietary',
  UNSPECIFIED: 'no license',
  UNKNOWN: 'unknown license',
};
