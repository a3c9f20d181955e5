import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OSAI_PARAMETERS,
  gitBlobSha,
  isOsaiEntryFile,
  linksOf,
  osaiHfRepoId,
  osaiReferences,
  osaiScore,
  parseOsaiEntry,
  parseOsaiParameters,
  type OsaiEntry,
} from './osai.mapping.js';
import { OSAI_FIXTURE_FILES } from '../../test/fixtures/references.js';

const file = (name: string): string => {
  const text = OSAI_FIXTURE_FILES[name];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text;
};
const parameters = parseOsaiParameters(file('_parameters.yml')) ?? [];

function entry(name: string): OsaiEntry {
  const parsed = parseOsaiEntry(name, file(name), parameters);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.entry;
}

describe('isOsaiEntryFile', () => {
  it.each([
    ['Alpha Model.yaml', true],
    ['beta.yml', true],
    ['_parameters.yml', false],
    ['_parameters-descriptions.yml', false],
    ['a_submission_template.yaml', false],
    ['readme.md', false],
  ])('%s → %s', (name, expected) => {
    expect(isOsaiEntryFile(name)).toBe(expected);
  });
});

describe('parseOsaiParameters', () => {
  it('reads refs, categories and types', () => {
    expect(parameters.map((p) => [p.category, p.ref, p.types.length])).toEqual([
      ['availability', 'datasources_basemodel', 5],
      ['availability', 'weights_endmodel', 5],
      ['availability', 'trainingcode', 2],
      ['access', 'licenses', 5],
    ]);
  });

  it('returns null for something else', () => {
    expect(parseOsaiParameters('a: 1')).toBeNull();
    expect(parseOsaiParameters(': : :')).toBeNull();
  });

  it('defaults to the 12 current parameters', () => {
    expect(DEFAULT_OSAI_PARAMETERS.map((p) => p.ref)).toHaveLength(12);
  });
});

describe('linksOf', () => {
  it('reads strings, lists and several URLs in one string', () => {
    expect(linksOf('https://a https://b')).toEqual(['https://a', 'https://b']);
    expect(linksOf(['https://a', null, ' https://b '])).toEqual(['https://a', 'https://b']);
    expect(linksOf(null)).toEqual([]);
  });
});

describe('osaiHfRepoId', () => {
  it('prefers the system or end-model link that matches the end model name', () => {
    expect(
      osaiHfRepoId({
        system: { endmodelname: 'M-7B-Instruct', link: 'https://huggingface.co/o/M-7B' },
        weights_endmodel: { link: ['https://huggingface.co/o/M-7B-Instruct'] },
      }),
    ).toBe('o/M-7B-Instruct');
  });

  it('takes the first system or end-model HF link when none matches the name', () => {
    expect(
      osaiHfRepoId({
        system: { endmodelname: 'Something', link: 'https://huggingface.co/o/guru-32B' },
        weights_basemodel: { link: 'https://huggingface.co/q/Something-Else' },
      }),
    ).toBe('o/guru-32B');
  });

  it('uses a base-model or model-card link only when its name matches', () => {
    expect(osaiHfRepoId({ system: { endmodelname: 'X-1' }, modelcard: { link: 'https://huggingface.co/o/X-1' } })).toBe(
      'o/X-1',
    );
    expect(
      osaiHfRepoId({ system: { endmodelname: 'X-1' }, weights_basemodel: { link: 'https://huggingface.co/o/Y' } }),
    ).toBeNull();
  });
});

describe('parseOsaiEntry', () => {
  it('reads the grades, links and notes of a file', () => {
    const alpha = entry('Alpha Model.yaml');
    expect(alpha).toMatchObject({
      file: 'Alpha Model.yaml',
      name: 'Alpha',
      types: ['text'],
      hfRepoId: 'acme/Alpha-7B-Instruct',
      grades: { datasources_basemodel: 'open', weights_endmodel: 'open', trainingcode: 'open', licenses: 'open' },
    });
    expect(alpha.details.params).toMatchObject({
      licenses: { grade: 'open', links: [], notes: 'Weights: Apache-2.0. Code: Apache-2.0. Data: ODC-By-1.0.' },
    });
    expect(alpha.blobSha).toBe(gitBlobSha(file('Alpha Model.yaml')));
  });

  it('keeps parameters beyond the current list (package, api) in the grades', () => {
    expect(entry('beta.yaml').grades).toMatchObject({ package: 'partial', weights_endmodel: 'partial' });
  });

  it.each([
    ['no system.name', 'gamma.yaml', 'no system.name'],
    ['not a mapping', 'list', 'not a mapping'],
  ])('refuses %s', (_name, name, reason) => {
    const text = name === 'list' ? '- a\n- b\n' : file(name);
    expect(parseOsaiEntry(name, text)).toEqual({ ok: false, reason });
  });

  it('refuses invalid YAML', () => {
    const parsed = parseOsaiEntry('bad.yaml', 'system: [unclosed');
    expect(parsed.ok).toBe(false);
  });
});

describe('gitBlobSha', () => {
  it('is git’s blob id', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('osaiScore and osaiReferences', () => {
  it('averages the parameters that apply to the type: open 1, partial 0.5, closed or empty 0', () => {
    expect(osaiScore(entry('Alpha Model.yaml'), parameters)).toBe(1);
    // image: trainingcode does not apply; closed 0 + partial 0.5 + closed 0 over 3.
    expect(osaiScore(entry('beta.yaml'), parameters)).toBeCloseTo(1 / 6, 10);
    expect(osaiScore({ types: [], grades: {} }, parameters)).toBe(0);
  });

  it('ranks by score, then by file name descending, as the Index site does', () => {
    const tie = { ...entry('beta.yaml'), file: 'zeta.yaml' };
    const references = osaiReferences([entry('beta.yaml'), entry('Alpha Model.yaml'), tie], {
      parameters,
      urlOf: (name) => `https://data.example/${name}`,
      versionLabel: 'acme/db@main',
    });
    expect(references.map((r) => [r.externalId, r.class, r.score])).toEqual([
      ['beta.yaml', 'rank 3/3', 0.1667],
      ['Alpha Model.yaml', 'rank 1/3', 1],
      ['zeta.yaml', 'rank 2/3', 0.1667],
    ]);
    expect(references[1]).toMatchObject({
      source: 'OSAI',
      name: 'Alpha',
      hfRepoId: 'acme/Alpha-7B-Instruct',
      url: 'https://data.example/Alpha Model.yaml',
      sourceVersion: `acme/db@main blob ${gitBlobSha(file('Alpha Model.yaml'))}`,
    });
    expect(references[1]?.grades).toMatchObject({ rank: 1, of: 3, grades: { licenses: 'open' } });
  });
});
