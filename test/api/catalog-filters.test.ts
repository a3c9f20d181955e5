/**
 * `Query.models` filters over real HTTP, each compared with the expectation computed in TypeScript
 * from the ingested CatalogModel objects (catalog.fixture.ts `matches`), walking every page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import {
  CARDS,
  matches,
  MODEL_FIELDS,
  OTHER_HUB,
  useSeededCatalog,
  walk,
  type FilterInput,
  type SeededModel,
} from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

/** The `count` most frequent values of `pick` over the listed models (ties by value). */
function mostCommon<T extends string>(models: readonly SeededModel[], pick: (m: SeededModel) => T[], count: number) {
  const tally = new Map<T, number>();
  for (const model of models.filter((m) => !m.removed)) {
    for (const value of pick(model)) tally.set(value, (tally.get(value) ?? 0) + 1);
  }
  return [...tally.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([value]) => value);
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const present = <T>(value: T | null): T[] => (value === null ? [] : [value]);

type Case = readonly [name: string, filter: (models: readonly SeededModel[]) => FilterInput, narrows?: false];

const CASE_TABLE: readonly Case[] = [
  ['search: a word of the card summary (derived from the README)', () => ({ search: 'quokka' })],
  ['search: a phrase with punctuation, words in sequence', () => ({ search: 'Llama-3.1' })],
  ['search: two terms, both required', () => ({ search: 'llama instruct' })],
  ['search: an author', (models) => ({ search: mostCommon(models, (m) => present(m.model.author), 1)[0] ?? '' })],
  ['search: a tag word (license:apache-2.0)', () => ({ search: 'apache' })],
  ['search: nothing past the first paragraph or in code', () => ({ search: 'wombat' }), false],
  ['hubs', () => ({ hubs: [OTHER_HUB] })],
  ['hubs: several', () => ({ hubs: ['huggingface', OTHER_HUB] }), false],
  ['hubs: an empty list is no condition', () => ({ hubs: [] }), false],
  ['authors', (models) => ({ authors: mostCommon(models, (m) => present(m.model.author), 2) })],
  ['tasks', (models) => ({ tasks: mostCommon(models, (m) => present(m.model.task), 2) })],
  ['libraries', (models) => ({ libraries: mostCommon(models, (m) => present(m.model.library), 2).slice(1) })],
  ['tags (any of)', () => ({ tags: ['gguf', 'lora'] })],
  ['licenseIds', (models) => ({ licenseIds: mostCommon(models, (m) => [m.model.license.id], 3).slice(1) })],
  ['licenseCategories', () => ({ licenseCategories: ['COMMUNITY', 'NON_COMMERCIAL'] })],
  ['commercialUse', () => ({ commercialUse: ['PROHIBITED', 'CONDITIONAL'] })],
  ['osiApproved: true', () => ({ osiApproved: true })],
  ['osiApproved: false', () => ({ osiApproved: false })],
  ['opennessLevels', () => ({ opennessLevels: ['OPEN_WEIGHTS', 'CLOSED'] })],
  ['minOpennessLevel', () => ({ minOpennessLevel: 'OPEN_WEIGHTS_CONDITIONAL' })],
  ['mofClasses', () => ({ mofClasses: ['CLASS_III', 'CLASS_II'] })],
  ['weights', () => ({ weights: ['GATED_MANUAL', 'GATED_AUTO', 'UNRELEASED'] })],
  ['gated: true', () => ({ gated: true })],
  ['gated: false', () => ({ gated: false })],
  ['minParameters', () => ({ minParameters: 1_000_000_000 })],
  ['maxParameters (a BigInt beyond Int, as a string)', () => ({ maxParameters: '8030261248' })],
  ['minParameters and maxParameters', () => ({ minParameters: 100_000_000, maxParameters: 10_000_000_000 })],
  [
    'createdSince',
    (models) => ({
      createdSince: new Date(
        median(models.flatMap((m) => present(m.model.createdAt?.getTime() ?? null))),
      ).toISOString(),
    }),
  ],
  [
    'updatedSince',
    (models) => ({
      updatedSince: new Date(
        median(models.flatMap((m) => present(m.model.lastModified?.getTime() ?? null))),
      ).toISOString(),
    }),
  ],
  ['includeRemoved', () => ({ includeRemoved: true }), false],
  [
    'fields combine with AND',
    (models) => ({
      licenseCategories: ['PERMISSIVE', 'COPYLEFT'],
      minOpennessLevel: 'OPEN_WEIGHTS',
      tasks: mostCommon(models, (m) => present(m.model.task), 3),
      includeRemoved: true,
    }),
  ],
  ['search with other filters', () => ({ search: 'llama', gated: false, licenseCategories: ['COMMUNITY'] })],
];

/** `narrows`: the filter selects some models but not all (false for the cases that need not). */
const CASES = CASE_TABLE.map(([name, filter, narrows]) => ({ name, filter, narrows: narrows ?? true }));

describe('models(filter:) matches the expectation computed from the ingested models', () => {
  it.each(CASES)('$name', async ({ filter: filterOf, narrows }) => {
    const filter = filterOf(catalog.models);
    const expected = catalog.models.filter((model) => matches(model, filter)).map((m) => m.model.id);
    const listed = catalog.models.filter((model) => !model.removed).length;
    if (narrows) {
      expect(expected.length, 'a meaningful case selects some models, not all').toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(listed);
    }

    const { ids, totalCount } = await walk(api.url, { filter, size: 100 });

    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(totalCount).toBe(expected.length);
  });

  it('the seed has what the cases need: removed models, unknown creation times and parameter counts', () => {
    const { models } = catalog;
    expect(models.filter((m) => m.removed).length).toBeGreaterThan(5);
    expect(models.filter((m) => m.model.createdAt === null).length).toBeGreaterThan(5);
    expect(models.filter((m) => m.model.parameterCount === null).length).toBeGreaterThan(20);
    expect(new Set(models.map((m) => m.model.openness.level)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(models.map((m) => m.model.openness.mofClass)).size).toBeGreaterThanOrEqual(2);
  });
});

describe('model(id:), node(id:), nodes(ids:)', () => {
  async function model(id: string) {
    const response = await graphql<{ model: Record<string, unknown> | null }>(
      api.url,
      `query ($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`,
      { id },
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.model ?? null;
  }

  it('returns every field as ingested, with the same names as the classify output', async () => {
    // Past the first three models, which have expert references (tested below).
    const seeded = catalog.models
      .slice(3)
      .find((m) => m.model.baseModels.length > 0 && m.model.parameterCount !== null);
    if (!seeded) throw new Error('the seed has no derivative with a parameter count');
    const { model: m } = seeded;
    const o = m.openness;
    const inCatalog = new Set(catalog.models.map((s) => s.model.id));

    const expected = {
      id: m.id,
      hub: 'huggingface',
      repoId: m.repoId,
      author: m.author,
      name: m.name,
      url: `https://huggingface.co/${m.repoId}`,
      task: m.task,
      library: m.library,
      tags: m.tags,
      gated: m.gating,
      parameterCount: m.parameterCount,
      downloads: m.downloads,
      downloadsAllTime: m.downloadsAllTime,
      likes: m.likes,
      createdAt: m.createdAt?.toISOString() ?? null,
      lastModified: m.lastModified?.toISOString() ?? null,
      removedAt: seeded.removed ? (expect.any(String) as unknown) : null,
      cardSummary: null,
      license: {
        id: m.license.id,
        name: m.license.name,
        category: m.license.category,
        commercialUse: m.license.commercialUse,
        osiApproved: m.license.osiApproved,
        url: m.license.url,
        hubValue: m.license.hubValue,
      },
      openness: {
        level: o.level,
        mofClass: o.mofClass,
        missingComponents: o.missingComponents,
        score: o.score,
        rulesVersion: o.rulesVersion,
        weights: { ...o.weights },
        code: { ...o.code },
        data: { ...o.data },
        documentation: { ...o.documentation },
        evidence: o.evidence.map((e) => ({ ...e })),
        references: [],
      },
      baseModels: m.baseModels
        .map((repoId) => `huggingface:${repoId}`)
        .filter((id) => inCatalog.has(id))
        .map((id) => ({ id })),
      history: {
        totalCount: 1,
        nodes: [
          {
            id: expect.stringMatching(/^\d+$/) as unknown,
            kind: 'CREATED',
            occurredAt: expect.any(String) as unknown,
            changedFields: expect.arrayContaining(['license', 'openness.level']) as unknown,
            before: null,
            after: expect.objectContaining({ license: m.license.id, 'openness.level': o.level }) as unknown,
            model: { id: m.id },
          },
        ],
      },
    };
    expect(await model(m.id)).toEqual(expected);
  });

  it('shows the expert references of the same Hugging Face repo, not on another hub', async () => {
    const first = catalog.models[0]?.model;
    if (!first) throw new Error('empty seed');
    const references = (id: string) =>
      model(id).then((found) => (found?.['openness'] as { references: { source: string }[] }).references);
    expect(await references(first.id)).toEqual([
      {
        source: 'MOT',
        externalId: 'mot-0',
        name: first.name,
        class: 'CLASS_III',
        score: 0.5,
        grades: { 'Model parameters (Final)': 'open' },
        url: 'https://mot.isitopen.ai/model/0',
        sourceVersion: '2026-01',
      },
      {
        source: 'OSAI',
        externalId: 'osai-0.yaml',
        name: first.name,
        class: 'rank 3/40',
        score: 0.75,
        grades: { weights_endmodel: 'open', trainingcode: null },
        url: 'https://osai-index.eu/model/0',
        sourceVersion: null,
      },
    ]);
    expect(await references(`${OTHER_HUB}:${first.repoId}`)).toEqual([]);
  });

  it('shows the card summary the database derived from the enriched README', async () => {
    const withCards = catalog.models.filter((m) => m.summary !== null);
    expect(withCards.map((m) => m.summary)).toEqual(CARDS.map((card) => card.summary));
    for (const seeded of withCards) expect((await model(seeded.model.id))?.['cardSummary']).toBe(seeded.summary);
  });

  it('returns removed models by id, and null for ids the catalog does not know', async () => {
    const removed = catalog.models.find((m) => m.removed);
    expect((await model(removed?.model.id ?? ''))?.['removedAt']).toEqual(expect.stringMatching(/^\d{4}-/) as unknown);
    expect(await model('huggingface:nobody/nothing')).toBeNull();
    expect(await model('no-colon')).toBeNull();
  });

  it('node(id:) and nodes(ids:) resolve model ids, null where unknown, in the order asked', async () => {
    const [a, b] = catalog.models.map((m) => m.model.id);
    const response = await graphql<{ node: unknown; nodes: unknown[] }>(
      api.url,
      `
        query ($id: ID!, $ids: [ID!]!) {
          node(id: $id) {
            __typename
            id
            ... on Model {
              repoId
            }
          }
          nodes(ids: $ids) {
            id
          }
        }
      `,
      { id: a, ids: [b, 'huggingface:nobody/nothing', a] },
    );
    expect(response.body).toEqual({
      data: {
        node: { __typename: 'Model', id: a, repoId: a?.slice('huggingface:'.length) },
        nodes: [{ id: b }, null, { id: a }],
      },
    });
  });
});

describe('README "Query the catalog"', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = /^## Query the catalog\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  const documents = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const curl = /"query": "((?:[^"\\]|\\.)*)"/.exec(section)?.[1];

  it('has the copy-paste queries', () => {
    expect(documents.length).toBeGreaterThanOrEqual(2);
    expect(curl).toBeDefined();
  });

  it.each(documents.map((document, i) => [i + 1, document] as const))(
    'query %i runs and finds models (or counts them)',
    async (_i, document) => {
      const response = await graphql<{
        models?: { nodes: unknown[] };
        stats?: { totalCount: number; byOpennessLevel: unknown[]; opennessOverTime: unknown[] };
      }>(api.url, document);
      expect(response.body.errors).toBeUndefined();
      const data = response.body.data;
      if (data?.stats) {
        expect(data.stats.totalCount).toBeGreaterThan(0);
        expect(data.stats.byOpennessLevel.length).toBeGreaterThan(0);
        expect(data.stats.opennessOverTime.length).toBeGreaterThan(0);
      } else {
        expect(data?.models?.nodes.length).toBeGreaterThan(0);
      }
    },
  );

  it('the curl example runs', async () => {
    const document = JSON.parse(`"${curl ?? ''}"`) as string;
    const response = await graphql<{ models: { nodes: unknown[] } }>(api.url, document, { after: null });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.models.nodes.length).toBeGreaterThan(0);
  });
});
