import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, generateApiKey, hashApiKey, parseAuthorization, parseScopes } from './api-key.js';

describe('API keys', () => {
  it('generates cat_ + 32 base62 characters, with its SHA-256 and a display prefix', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const { key, prefix, hash } of keys) {
      expect(key).toMatch(API_KEY_PATTERN);
      expect(prefix).toBe(key.slice(0, 12));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toBe(hashApiKey(key));
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
    // Every base62 character turns up: the alphabet is used whole.
    expect(new Set(keys.flatMap((k) => [...k.key.slice(4)])).size).toBe(62);
  });

  it('hashes as hex SHA-256', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    [undefined, { kind: 'none' }],
    ['', { kind: 'none' }],
    [`Bearer cat_${'a'.repeat(32)}`, { kind: 'key', key: `cat_${'a'.repeat(32)}` }],
    [`bearer   cat_${'B'.repeat(32)} `, { kind: 'key', key: `cat_${'B'.repeat(32)}` }],
    [`Basic dXNlcjpwYXNz`, { kind: 'malformed' }],
    ['Bearer', { kind: 'malformed' }],
    ['Bearer hf_abcdef', { kind: 'malformed' }],
    [`Bearer cat_${'a'.repeat(31)}`, { kind: 'malformed' }],
    [`Bearer cat_${'a'.repeat(32)} extra`, { kind: 'malformed' }],
  ])('reads Authorization %j', (header, expected) => {
    expect(parseAuthorization(header)).toMatchObject(expected);
  });

  it('parses scope lists strictly, in canonical order', () => {
    expect(parseScopes('webhooks, crawl,crawl')).toEqual({ ok: true, scopes: ['crawl', 'webhooks'] });
    expect(parseScopes('')).toEqual({ ok: true, scopes: [] });
    expect(parseScopes('admin, crawl')).toEqual({ ok: true, scopes: ['crawl', 'admin'] });
    expect(parseScopes('crawl,root,Reclassify')).toEqual({ ok: false, unknown: ['root'] });
  });
});
