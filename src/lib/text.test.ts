import { describe, expect, it } from 'vitest';
import { cleanJson, cleanNullableText, cleanText, inspectText, TEXT_LIMITS, type TextChange } from './text.js';

/** What Postgres refuses: NUL anywhere, a surrogate not part of a pair. */
function storable(value: string): boolean {
  return !value.includes('\u0000') && (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

describe('inspectText', () => {
  it.each([
    { name: 'plain text', input: 'apache-2.0', text: 'apache-2.0', binary: false, truncated: false },
    { name: 'empty', input: '', text: '', binary: false, truncated: false },
    { name: 'NUL inside', input: 'mit\u0000', text: 'mit', binary: true, truncated: false },
    { name: 'only NULs', input: '\u0000\u0000', text: '', binary: true, truncated: false },
    { name: 'lone high surrogate', input: 'a\ud800b', text: 'a\ufffdb', binary: true, truncated: false },
    { name: 'lone low surrogate', input: 'a\udc00b', text: 'a\ufffdb', binary: true, truncated: false },
    { name: 'high surrogate at the end', input: 'ab\ud83d', text: 'ab\ufffd', binary: true, truncated: false },
    { name: 'reversed pair', input: '\ude00\ud83d', text: '\ufffd\ufffd', binary: true, truncated: false },
    {
      name: 'a real pair (emoji) is kept',
      input: 'ok \ud83d\ude00',
      text: 'ok \ud83d\ude00',
      binary: false,
      truncated: false,
    },
    {
      name: 'controls are kept by default',
      input: 'a\u0007\tb\n',
      text: 'a\u0007\tb\n',
      binary: false,
      truncated: false,
    },
    { name: 'U+FFFD is kept by default', input: 'a\ufffd', text: 'a\ufffd', binary: false, truncated: false },
    { name: 'NUL and surrogate together', input: 'x\u0000\ud800y', text: 'x\ufffdy', binary: true, truncated: false },
  ])('$name', ({ input, text, binary, truncated }) => {
    const result = inspectText(input);
    expect(result).toEqual({ text, binary, truncated });
    expect(storable(result.text)).toBe(true);
  });

  it.each([
    { name: 'at the cap', input: 'abcd', max: 4, text: 'abcd', truncated: false },
    { name: 'over the cap', input: 'abcdef', max: 4, text: 'abcd', truncated: true },
    { name: 'a pair across the cap is not split', input: 'abc\ud83d\ude00', max: 4, text: 'abc', truncated: true },
    {
      name: 'a pair before the cap is kept',
      input: 'ab\ud83d\ude00z',
      max: 4,
      text: 'ab\ud83d\ude00',
      truncated: true,
    },
    { name: 'NULs removed before counting', input: '\u0000\u0000abcd', max: 4, text: 'abcd', truncated: false },
    { name: 'cap zero', input: 'abc', max: 0, text: '', truncated: true },
  ])('caps the length: $name', ({ input, max, text, truncated }) => {
    const result = inspectText(input, { maxLength: max });
    expect(result.text).toBe(text);
    expect(result.truncated).toBe(truncated);
    expect(storable(result.text)).toBe(true);
  });

  it.each([
    { input: 'text-\u0000generation\u0007\u001b[0m\ud800\ufffd', text: 'text-generation[0m' },
    { input: 'tab\tnew\nline\rkept', text: 'tab\tnew\nline\rkept' },
    { input: '\u000b\u000c\u001f', text: '' },
  ])('with controls, removes binary characters: $input', ({ input, text }) => {
    expect(inspectText(input, { controls: true }).text).toBe(text);
  });

  it('defaults the cap to TEXT_LIMITS.field', () => {
    expect(cleanText('x'.repeat(TEXT_LIMITS.field + 10))).toHaveLength(TEXT_LIMITS.field);
    expect(cleanText('abcdef', 3)).toBe('abc');
    expect(cleanNullableText(null)).toBeNull();
    expect(cleanNullableText('a\u0000', 10)).toBe('a');
  });
});

describe('cleanJson', () => {
  it.each([
    { name: 'a string', input: 'a\u0000b', output: 'ab' },
    { name: 'numbers, booleans, null', input: [1, true, null, 2.5], output: [1, true, null, 2.5] },
    {
      name: 'nested strings',
      input: { cardData: { license: 'mit\u0000', tags: ['a\ud800', 'ok'] } },
      output: { cardData: { license: 'mit', tags: ['a\ufffd', 'ok'] } },
    },
    { name: 'keys', input: { 'li\u0000cense': 'x', '\udc00': 1 }, output: { license: 'x', '\ufffd': 1 } },
    { name: 'colliding keys: the later wins', input: { ab: 1, 'a\u0000b': 2 }, output: { ab: 2 } },
    { name: 'deep arrays', input: [[['\u0000']]], output: [[['']]] },
  ])('$name', ({ input, output }) => {
    const cleaned = cleanJson(input);
    expect(cleaned).toEqual(output);
    expect(JSON.stringify(cleaned)).not.toMatch(/\\u0000|\\ud[89a-f]/i);
  });

  it('keeps Dates and does not touch the input', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const input = { at, name: 'a\u0000' };
    const cleaned = cleanJson(input);
    expect(cleaned.at).toBe(at);
    expect(cleaned.name).toBe('a');
    expect(input.name).toBe('a\u0000');
  });

  it('returns clean input as the same object, and copies only what changed', () => {
    const clean = { a: ['x', { b: 'y' }], c: 1, d: new Date(0) };
    expect(cleanJson(clean)).toBe(clean);
    const dirty = { keep: { b: 'y' }, fix: ['ok', 'n\u0000'] };
    const cleaned = cleanJson(dirty);
    expect(cleaned).not.toBe(dirty);
    expect(cleaned.keep).toBe(dirty.keep);
    expect(cleaned.fix).toEqual(['ok', 'n']);
    expect(Object.keys(cleanJson({ a: 1, 'b\u0000': 2, c: 3 }))).toEqual(['a', 'b', 'c']);
  });

  it('caps strings and keys with their own limits', () => {
    const cleaned = cleanJson({ ['k'.repeat(10)]: 'v'.repeat(10) }, { maxLength: 3, maxKeyLength: 2 });
    expect(cleaned).toEqual({ kk: 'vvv' });
  });

  it('reports every change with its path', () => {
    const changes: TextChange[] = [];
    cleanJson(
      { cardData: { license_name: 'x\u0000', list: ['ok', 'y'.repeat(5)] }, 'k\u0000': 1 },
      { maxLength: 4, changes, path: 'info' },
    );
    expect(changes).toEqual([
      { path: 'info.cardData.license_name', issue: 'binary', detail: 'removed binary characters from a 2-char string' },
      { path: 'info.cardData.list[1]', issue: 'truncated', detail: '5 chars truncated to 4' },
      { path: 'info.k', issue: 'binary', detail: 'removed binary characters from a key' },
    ]);
  });
});
