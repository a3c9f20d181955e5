import { describe, expect, it } from 'vitest';
import {
  estimatedMatches,
  expandSearch,
  parseSearch,
  searchWords,
  wordsToLookUp,
  type WordFrequencies,
  type WordKnowledge,
} from './search.js';

describe('searchWords', () => {
  it.each([
    ['Llama-3.1-8B', ['llama', '3', '1', '8b']],
    ['meta-llama/Llama', ['meta', 'llama', 'llama']],
    ['license:apache-2.0', ['license', 'apache', '2', '0']],
    ['  ', []],
    ['Zephyr-7B-β', ['zephyr', '7b', 'β']],
  ])('searchWords(%j) = %j', (text, words) => {
    expect(searchWords(text)).toEqual(words);
  });
});

describe('parseSearch', () => {
  it.each([
    ['llama', "(('llama'))"],
    ['llama-3.1 instruct', "(('llama' <-> '3' <-> '1')) & (('instruct'))"],
    ["it's", "(('it' <-> 's'))"],
    ["a' | b", "(('a')) & (('b'))"],
    // Three letters or more meeting a digit also match split there: "llama3" finds "Llama-3".
    ['llama3', "(('llama3') | ('llama' <-> '3'))"],
    ['qwen2.5-7b', "(('qwen2' <-> '5' <-> '7b') | ('qwen' <-> '2' <-> '5' <-> '7b'))"],
    // Shorter runs stay whole: "to 1" would be a phrase of two of the commonest tokens.
    ['t5 to1', "(('t5')) & (('to1'))"],
    ['gpt2', "(('gpt2') | ('gpt' <-> '2'))"],
  ])('literal of %j = %j', (text, literal) => {
    const search = parseSearch(text);
    expect(search?.literal).toBe(literal);
    expect(search?.tsquery).toBe(literal);
  });

  it('has no query for a text without letters or digits', () => {
    expect(parseSearch('--- / !!')).toBeNull();
  });

  it('restricts the name query to weight A, every word of every form', () => {
    expect(parseSearch('llama3 chat')?.inName).toBe("(('llama3':A) | ('llama':A <-> '3':A)) & (('chat':A))");
  });

  it.each([
    ['Llama-3.1-8B', 'llama 3 1 8b'],
    ['meta-llama/Llama-3.1-8B', 'llama 3 1 8b'],
    ['meta-llama/', 'meta llama'],
    ['  gpt2  ', 'gpt2'],
  ])('exact name of %j = %j', (text, exactName) => {
    expect(parseSearch(text)?.exactName).toBe(exactName);
  });
});

describe('expandSearch', () => {
  const knowledge = (entries: Record<string, WordKnowledge>) => new Map(Object.entries(entries));

  it('asks about one-word terms long enough to correct, once each, never numbers or phrases', () => {
    const search = parseSearch('mistrl 7b llama-3 mistrl 2024 gpt')!;
    expect(wordsToLookUp(search)).toEqual(['mistrl']);
  });

  it('adds the known words most like an unknown word, and the last word as a prefix', () => {
    const search = parseSearch('mistrl instr')!;
    const expanded = expandSearch(search, knowledge({ mistrl: { known: false, similar: ['mistral', 'mistrall'] } }));
    expect(expanded.tsquery).toBe("(('mistrl') | ('mistral') | ('mistrall')) & (('instr') | ('instr':*))");
    expect(expanded.literal).toBe(search.literal);
  });

  it('does not correct a word the catalog knows', () => {
    const search = parseSearch('mistral 7')!;
    const expanded = expandSearch(search, knowledge({ mistral: { known: true, similar: [] } }));
    expect(expanded).toBe(search);
  });

  it('makes the last word of a phrase its prefix', () => {
    const expanded = expandSearch(parseSearch('llama-3.1-inst')!, new Map());
    expect(expanded.tsquery).toBe("(('llama' <-> '3' <-> '1' <-> 'inst') | ('llama' <-> '3' <-> '1' <-> 'inst':*))");
  });

  it('leaves short last words and numbers alone', () => {
    const search = parseSearch('llama 8')!;
    expect(expandSearch(search, new Map())).toBe(search);
    expect(expandSearch(parseSearch('ab')!, new Map()).tsquery).toBe("(('ab'))");
  });
});

describe('estimatedMatches', () => {
  const frequencies: WordFrequencies = {
    rows: 1_000_000,
    common: new Map([
      ['llama', 0.1],
      ['3', 0.3],
      ['instruct', 0.05],
      ['llamafied', 0.01],
      ['mistral', 0.02],
    ]),
    commonInName: new Map([
      ['llama', 0.08],
      ['instruct', 0.04],
    ]),
  };

  it('counts a phrase as its rarest word, forms together, terms as independent, unlisted words as none', () => {
    // "llama-3": the phrase llama 3, as often as llama.
    expect(estimatedMatches(parseSearch('llama-3')!, frequencies)).toBeCloseTo(100_000);
    // "llama3": llama3 (unlisted) or the phrase llama 3.
    expect(estimatedMatches(parseSearch('llama3')!, frequencies)).toBeCloseTo(100_000);
    // Two terms: llama and instruct as independent.
    expect(estimatedMatches(parseSearch('llama instruct')!, frequencies)).toBeCloseTo(5_000);
    expect(estimatedMatches(parseSearch('akzs')!, frequencies)).toBe(0);
    expect(estimatedMatches(parseSearch('llama akzs')!, frequencies)).toBe(0);
  });

  it('counts a prefix as every listed word it begins, and a correction as its word', () => {
    const expanded = expandSearch(
      parseSearch('mistrl llama')!,
      new Map([['mistrl', { known: false, similar: ['mistral'] }]]),
    );
    // (mistrl | mistral) & (llama | llama:*, which begins llama and llamafied).
    expect(estimatedMatches(expanded, frequencies)).toBeCloseTo(0.02 * (0.1 + 0.11) * 1_000_000);
    // As typed, without the correction and the prefix.
    expect(estimatedMatches(expanded, frequencies, { literal: true })).toBe(0);
    expect(estimatedMatches(parseSearch('llama instruct')!, frequencies, { inName: true })).toBeCloseTo(3_200);
  });
});
