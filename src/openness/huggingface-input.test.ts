import { describe, expect, it } from 'vitest';
import { extractHfFacts, parseHfRecordId, positiveCount, scanReadme } from './huggingface-input.js';
import { buildHfRecord, withoutFields } from '../../test/fixtures/openness.js';

describe('parseHfRecordId', () => {
  it.each([
    ['id', { id: 'meta-llama/Llama-3.1-8B', modelId: 'other/x' }, 'meta-llama/Llama-3.1-8B'],
    ['modelId when id is missing', { modelId: 'gpt2' }, 'gpt2'],
    ['modelId when id is not a string', { id: 42, modelId: 'acme/m' }, 'acme/m'],
    ['modelId when id is empty', { id: '', modelId: 'acme/m' }, 'acme/m'],
    ['null when id has whitespace', { id: 'a b' }, null],
    ['null when id has control characters', { id: 'a\u0000b' }, null],
    ['null when id is huge', { id: 'x'.repeat(10_000) }, null],
    ['null when neither is present', {}, null],
  ])('%s', (_case, record, expected) => {
    expect(parseHfRecordId(record)).toBe(expected);
  });

  it.each([null, undefined, 42, 'acme/m', ['acme/m'], true])('null for the non-object %j', (record) => {
    expect(parseHfRecordId(record)).toBeNull();
  });

  it('falls back to extra.repoId in the facts', () => {
    expect(extractHfFacts({}, { repoId: 'acme/from-url' }).repoId).toBe('acme/from-url');
    expect(extractHfFacts({ id: 'acme/own' }, { repoId: 'acme/from-url' }).repoId).toBe('acme/own');
  });
});

describe('positiveCount', () => {
  it.each([
    [1, 1],
    [0, null],
    [-3, null],
    ['5', null],
    [Number.NaN, null],
    [1e300, null],
    [0.4, null],
    [2.5, 3],
  ])('%s → %s', (value, expected) => {
    expect(positiveCount(value)).toBe(expected);
  });
});

describe('extractHfFacts: license', () => {
  it.each([
    ['cardData.license string', { cardData: { license: 'mit' } }, 'mit', 'cardData.license'],
    [
      'cardData.license array',
      { cardData: { license: ['apache-2.0', 'mit'] } },
      ['apache-2.0', 'mit'],
      'cardData.license',
    ],
    ['single-item array', { cardData: { license: ['mit'] } }, 'mit', 'cardData.license'],
    ['array with junk', { cardData: { license: [1, null, 'mit', ''] } }, 'mit', 'cardData.license'],
    ['license tag when the card has none', { cardData: {}, tags: ['license:llama3.1'] }, 'llama3.1', 'tags[license:]'],
    [
      'license tag when cardData.license is wrong-typed',
      { cardData: { license: 7 }, tags: ['license:mit'] },
      'mit',
      'tags[license:]',
    ],
    [
      'several license tags',
      { cardData: undefined, tags: ['license:mit', 'license:apache-2.0'] },
      ['mit', 'apache-2.0'],
      'tags[license:]',
    ],
    ['card wins over tags', { cardData: { license: 'other' }, tags: ['license:mit'] }, 'other', 'cardData.license'],
    ['none declared', { cardData: { language: 'en' }, tags: ['transformers'] }, null, 'cardData.license'],
  ])('%s', (_case, overrides, license, source) => {
    const facts = extractHfFacts(buildHfRecord(overrides));
    expect(facts.license).toEqual(license);
    expect(facts.licenseSource).toBe(source);
    expect(facts.licenseObserved).toBe(true);
  });

  it('passes license_name and license_link through', () => {
    const facts = extractHfFacts(
      buildHfRecord({ cardData: { license: 'other', license_name: 'qwen', license_link: 'LICENSE' } }),
    );
    expect([facts.licenseName, facts.licenseLink]).toEqual(['qwen', 'LICENSE']);
  });

  it('knows when the record cannot tell whether a license is declared', () => {
    expect(extractHfFacts(withoutFields(buildHfRecord(), 'cardData', 'tags')).licenseObserved).toBe(false);
    expect(extractHfFacts(buildHfRecord({ cardData: 'x', tags: 'y' })).licenseObserved).toBe(false);
  });
});

describe('extractHfFacts: the rest', () => {
  it.each([
    [false, 'none', 'false'],
    ['auto', 'auto', 'auto'],
    [true, 'auto', 'true'],
    ['manual', 'manual', 'manual'],
    [undefined, 'missing', null],
    [null, 'missing', null],
    ['MANUAL', 'unrecognized', 'MANUAL'],
    [{ mode: 'manual' }, 'unrecognized', '{"mode":"manual"}'],
  ])('gated %j → %s', (gated, fact, value) => {
    const facts = extractHfFacts(buildHfRecord({ gated }));
    expect(facts.gated).toBe(fact);
    expect(facts.gatedValue).toBe(value);
  });

  it('keeps a missing file list distinct from an empty one', () => {
    expect(extractHfFacts(withoutFields(buildHfRecord(), 'siblings')).files).toBeNull();
    expect(extractHfFacts(buildHfRecord({ siblings: [] })).files).toEqual([]);
  });

  it('sorts tags by kind', () => {
    const facts = extractHfFacts(
      buildHfRecord({
        tags: [
          'Transformers',
          'arxiv:1810.04805',
          'dataset:bookcorpus',
          'doi:10.57967/hf/0039',
          'base_model:x/y',
          'model-index',
          42,
          'license:',
          'dataset:bookcorpus',
        ],
        cardData: {},
      }),
    );
    expect(facts).toMatchObject({
      plainTags: ['transformers'],
      arxivIds: ['1810.04805'],
      datasets: ['bookcorpus'],
      dois: [],
      evaluation: 'results',
    });
  });

  it('lists the fields it read as missing because of their type', () => {
    const facts = extractHfFacts(
      buildHfRecord({ siblings: {}, tags: 'x', gated: 3, disabled: 'no', safetensors: 5, 'model-index': {} }),
    );
    expect(facts.wrongTypedFields).toEqual(['tags', 'siblings', 'gated', 'disabled', 'safetensors', 'model-index']);
    expect(extractHfFacts(buildHfRecord()).wrongTypedFields).toEqual([]);
  });

  it('reads the config and README from the file list', () => {
    const facts = extractHfFacts(buildHfRecord({ config: undefined }));
    expect([facts.configPresent, facts.readmePresent, facts.readmeSource]).toEqual([true, true, 'siblings[README.md]']);
  });

  it('survives huge and binary values', () => {
    const huge = 'a'.repeat(5_000_000);
    const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)) + '\ud800';
    const facts = extractHfFacts(
      {
        id: binary,
        modelId: huge,
        tags: [huge, binary, `license:${binary}`, `dataset:${huge}`],
        cardData: { license: huge, datasets: [binary], repository: huge },
        siblings: [{ rfilename: huge }, { rfilename: `${binary}.safetensors` }],
        library_name: binary,
        gated: huge,
      },
      { readme: huge + binary },
    );
    expect(facts.repoId).toBeNull();
    expect(facts.files).toEqual([`${binary}.safetensors`]);
    expect(facts.license).toBe(huge);
    expect(facts.gated).toBe('unrecognized');
  });
});

describe('scanReadme', () => {
  it('finds code, training-code and paper links', () => {
    const links = scanReadme(
      '# Model\n[paper](https://arxiv.org/abs/2403.13784)\nInference: https://github.com/acme/run\n\n## Training\nScripts: <https://github.com/acme/train>.\n',
    );
    expect(links).toEqual({
      codeLink: { value: 'https://github.com/acme/run', source: 'README.md' },
      trainingCodeLink: { value: 'https://github.com/acme/train', source: 'README.md' },
      paperLink: { value: 'https://arxiv.org/abs/2403.13784', source: 'README.md' },
    });
  });

  it('finds nothing in plain text', () => {
    expect(scanReadme('Just words about training.')).toEqual({
      codeLink: null,
      trainingCodeLink: null,
      paperLink: null,
    });
  });

  it('only scans the head of a huge README', () => {
    expect(scanReadme(`${'x'.repeat(300_000)} https://github.com/acme/train training`).trainingCodeLink).toBeNull();
  });
});
