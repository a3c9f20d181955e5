import { describe, expect, it } from 'vitest';
import { etagOf, matchesEtag } from './http-responses.js';

describe('etagOf', () => {
  it('is a quoted SHA-1 of its input, weak unless strong is asked for', () => {
    expect(etagOf('abc')).toBe('W/"qZk-NkcGgWq6PiVxeFDCbJzQ2J0"');
    expect(etagOf('abc', 'strong')).toBe('"qZk-NkcGgWq6PiVxeFDCbJzQ2J0"');
    expect(etagOf('abd')).not.toBe(etagOf('abc'));
  });
});

describe('matchesEtag', () => {
  const etag = 'W/"abc"';

  it.each([
    ['the same tag', 'W/"abc"'],
    ['its strong form (the comparison is weak)', '"abc"'],
    ['one of a list', '"x", W/"abc" ,"y"'],
    ['*', '*'],
  ])('matches %s', (_name, header) => {
    expect(matchesEtag(header, etag)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another tag', 'W/"abd"'],
    ['a list without it', '"x", "y"'],
  ])('does not match %s', (_name, header) => {
    expect(matchesEtag(header, etag)).toBe(false);
  });

  it('compares a strong current ETag weakly too', () => {
    expect(matchesEtag('W/"abc"', '"abc"')).toBe(true);
  });
});
