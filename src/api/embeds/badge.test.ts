import { describe, expect, it } from 'vitest';
import { LICENSE_CATEGORIES, OPENNESS_LEVELS } from '../../openness/types.js';
import { LEVEL_COLOURS, NEUTRAL_COLOUR } from '../../openness/display.js';
import { badgeStyle, badgeText, parseBadgePath } from './badge.js';

describe('parseBadgePath', () => {
  it('takes the hub and the repo id, slashes included, without .svg', () => {
    expect(parseBadgePath('huggingface', ['meta-llama', 'Llama-3.1-8B-Instruct.svg'])).toEqual({
      hubId: 'huggingface',
      repoId: 'meta-llama/Llama-3.1-8B-Instruct',
    });
    expect(parseBadgePath('hub', ['gpt2.svg'])).toEqual({ hubId: 'hub', repoId: 'gpt2' });
  });

  it.each([
    ['no .svg', 'hub', ['a', 'b']],
    ['only .svg', 'hub', ['.svg']],
    ['a last segment of .svg', 'hub', ['a', '.svg']],
    ['an empty segment', 'hub', ['a', '', 'b.svg']],
    ['a trailing slash', 'hub', ['a', 'b.svg', '']],
    ['a NUL', 'hub', ['a\u0000b.svg']],
    ['a lone surrogate', 'hub', ['a\ud800b.svg']],
    ['no segments', 'hub', []],
    ['segments that are not an array', 'hub', 'a.svg'],
    ['a hub that is not a string', undefined, ['a.svg']],
  ])('refuses %s', (_name, hub, segments) => {
    expect(parseBadgePath(hub, segments)).toBeNull();
  });

  it('refuses a path over 500 characters, and takes one of 500', () => {
    const repo = (length: number) => ['x'.repeat(length - 'hub/'.length - '.svg'.length) + '.svg'];
    expect(parseBadgePath('hub', repo(500))).not.toBeNull();
    expect(parseBadgePath('hub', repo(501))).toBeNull();
  });
});

describe('badgeText and badgeStyle', () => {
  it('has words for every level and category, and a distinct colour per level', () => {
    for (const level of OPENNESS_LEVELS) {
      for (const category of LICENSE_CATEGORIES) {
        const { message, color } = badgeText({ opennessLevel: level, licenseCategory: category });
        expect(message).toMatch(/^[\w() -]+ · [\w -]+$/i);
        expect(color).toBe(LEVEL_COLOURS[level]);
      }
    }
    expect(new Set([...Object.values(LEVEL_COLOURS), NEUTRAL_COLOUR]).size).toBe(OPENNESS_LEVELS.length + 1);
  });

  it('a model without an assessment or a license: grey, and no category', () => {
    expect(badgeText({ opennessLevel: null, licenseCategory: null })).toEqual({
      message: 'not assessed',
      color: NEUTRAL_COLOUR,
    });
    expect(badgeText({ opennessLevel: 'OPEN_WEIGHTS', licenseCategory: null }).message).toBe('open weights');
  });

  it('styles: the four documented, else flat', () => {
    for (const style of ['flat', 'flat-square', 'for-the-badge', 'plastic']) expect(badgeStyle(style)).toBe(style);
    for (const style of ['social', 'FLAT', '', undefined, ['plastic']]) expect(badgeStyle(style)).toBe('flat');
  });
});
