/**
 * `Model.deployment`, `Model.ecosystem`, the `maxMemoryGb` / `formats` / `minDerivatives` filters and
 * the DERIVATIVES / DOWNLOADS_ALL_TIME orders, over real HTTP against the seeded catalog (plus a few
 * models of this file's own: unknown all-time downloads, derivatives of unknown relation). Every
 * expectation is computed here from the ingested CatalogModel objects: derivative counts from their
 * `baseModels`, memory from the formula the schema states.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BaseModelRelation, CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { matches, useSeededCatalog, walk, type FilterInput, type SeededModel } from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
/** The seeded catalog and this file's models: everything the API serves. */
const all: SeededModel[] = [];

const seeded = (index: number) => catalog.models.filter((m) => !m.removed && m.model.hubId === 'huggingface')[index];

beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
  // Derivatives of seeded models (one of a base the catalog does not hold), with all-time downloads
  // unknown; one of them is the base of another whose relation is unknown.
  const base = seeded(0)?.model.repoId ?? '';
  const other = seeded(1)?.model.repoId ?? '';
  const extras: CatalogModel[] = [
    buildCatalogModel('extra/finetune', { downloadsAllTime: null, baseModels: [base], baseModelRelation: 'FINETUNE' }),
    buildCatalogModel('extra/merge', {
      downloadsAllTime: null,
      baseModels: [base, other],
      baseModelRelation: 'MERGE',
      formats: ['gguf', 'safetensors'],
    }),
    buildCatalogModel('extra/unknown-relation', { downloadsAllTime: null, baseModels: ['extra/finetune'] }),
    buildCatalogModel('extra/orphan', { baseModels: ['absent/base'], baseModelRelation: 'ADAPTER' }),
    buildCatalogModel('extra/self', {
      baseModels: ['extra/self'],
      baseModelRelation: 'FINETUNE',
      parameterCount: null,
    }),
  ];
  await new IngestRepository(catalog.db.pool).ingestPage(extras);
  all.push(...catalog.models, ...extras.map((model) => ({ model, removed: false, summary: null })));
});
afterAll(() => api.stop());

// ---------------------------------------------------------------------------------------------
// Expectations, from the documented meaning.

const BITS = { BITS16: 16, BITS8: 8, BITS4: 4 } as const;
type PrecisionName = keyof typeof BITS;

/** parameterCount × bits / 8 bytes × 1.2, in GB of 10^9 bytes, rounded to two decimals. */
const estimate = (parameters: number, bits: number) =>
  Math.round(((((parameters * bits) / 8) * 1.2) / 1e9) * 100) / 100;

interface Counts {
  total: number;
  finetunes: number;
  adapters: number;
  quantizations: number;
  merges: number;
}
const RELATION_FIELD: Record<BaseModelRelation, Exclude<keyof Counts, 'total'>> = {
  FINETUNE: 'finetunes',
  ADAPTER: 'adapters',
  QUANTIZED: 'quantizations',
  MERGE: 'merges',
};
const zero = (): Counts => ({ total: 0, finetunes: 0, adapters: 0, quantizations: 0, merges: 0 });

/** Derivative counts by model id: every listed model counts once for each distinct base but itself. */
function derivativeCounts(models: readonly SeededModel[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const { model, removed } of models) {
    if (removed) continue;
    for (const base of new Set(model.baseModels)) {
      if (base === model.repoId) continue;
      const id = `${model.hubId}:${base}`;
      const entry = counts.get(id) ?? zero();
      entry.total++;
      if (model.baseModelRelation) entry[RELATION_FIELD[model.baseModelRelation]]++;
      counts.set(id, entry);
    }
  }
  return counts;
}

interface Extra {
  maxMemoryGb?: number;
  memoryPrecision?: PrecisionName;
  formats?: string[];
  minDerivatives?: number;
}

function expected(filter: FilterInput & Extra): SeededModel[] {
  const counts = derivativeCounts(all);
  return all.filter((seededModel) => {
    const { model } = seededModel;
    if (!matches(seededModel, filter)) return false;
    if (filter.maxMemoryGb !== undefined) {
      if (model.parameterCount === null) return false;
      if (estimate(model.parameterCount, BITS[filter.memoryPrecision ?? 'BITS16']) > filter.maxMemoryGb) return false;
    }
    if (filter.formats?.length) {
      const wanted = filter.formats.map((format) => format.toLowerCase());
      if (!model.formats.some((format) => wanted.includes(format))) return false;
    }
    if (filter.minDerivatives !== undefined && (counts.get(model.id)?.total ?? 0) < filter.minDerivatives) return false;
    return true;
  });
}

const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)] as number;

// ---------------------------------------------------------------------------------------------

const DETAILS = `query ($first: Int!, $after: String, $filter: ModelFilter) {
  models(first: $first, after: $after, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id baseModelRelation
      deployment {
        parameterCount formats quantizations localApps inferenceProviders
        estimatedMemoryGb { bits16 bits8 bits4 }
      }
      ecosystem {
        downloads downloadsAllTime likes spaces ageDays lastModified
        derivatives { total finetunes adapters quantizations merges }
      }
    }
  }
}`;

interface DetailNode {
  id: string;
  baseModelRelation: string | null;
  deployment: {
    parameterCount: string | number | null;
    formats: string[];
    quantizations: string[];
    localApps: string[];
    inferenceProviders: string[];
    estimatedMemoryGb: { bits16: number; bits8: number; bits4: number } | null;
  };
  ecosystem: {
    downloads: number;
    downloadsAllTime: string | number | null;
    likes: number;
    spaces: number | null;
    ageDays: number | null;
    lastModified: string | null;
    derivatives: Counts;
  };
}

interface DetailPage {
  nodes: DetailNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const ageAt = (createdAt: Date | null, now: number) =>
  createdAt === null ? null : Math.floor((now - createdAt.getTime()) / 86_400_000);

describe('Model.deployment and Model.ecosystem', () => {
  it('every listed model, as ingested, with its derivatives counted from the lineage', async () => {
    const nodes: DetailNode[] = [];
    const before = Date.now();
    let after: string | null = null;
    for (;;) {
      const response: { body: { errors?: unknown; data?: { models: DetailPage } | null } } = await graphql<{
        models: DetailPage;
      }>(api.url, DETAILS, { first: 100, after, filter: { includeRemoved: true } });
      expect(response.body.errors).toBeUndefined();
      const page: DetailPage | undefined = response.body.data?.models;
      if (!page) throw new Error('no data');
      nodes.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const afterTime = Date.now();
    const counts = derivativeCounts(all);
    const byId = new Map(all.map((seededModel) => [seededModel.model.id, seededModel.model]));
    expect(nodes.map((node) => node.id).sort()).toEqual([...byId.keys()].sort());

    for (const node of nodes) {
      const model = byId.get(node.id) as CatalogModel;
      const parameters = model.parameterCount;
      // BigInt values arrive as JSON numbers while they are safe integers.
      const asNumber = (value: string | number | null) => (value === null ? null : Number(value));
      expect({ ...node.deployment, parameterCount: asNumber(node.deployment.parameterCount) }, node.id).toEqual({
        parameterCount: parameters,
        formats: [...model.formats],
        quantizations: [...model.quantizations],
        localApps: [...model.localApps],
        inferenceProviders: [...model.inferenceProviders],
        estimatedMemoryGb:
          parameters === null
            ? null
            : { bits16: estimate(parameters, 16), bits8: estimate(parameters, 8), bits4: estimate(parameters, 4) },
      });
      const { ageDays, ...ecosystem } = node.ecosystem;
      expect({ ...ecosystem, downloadsAllTime: asNumber(ecosystem.downloadsAllTime) }, node.id).toEqual({
        downloads: model.downloads,
        downloadsAllTime: model.downloadsAllTime,
        likes: model.likes,
        spaces: model.spaces,
        lastModified: model.lastModified?.toISOString() ?? null,
        derivatives: counts.get(model.id) ?? zero(),
      });
      // Whole days since creation, at some instant during the request.
      const ages = [ageAt(model.createdAt, before), ageAt(model.createdAt, afterTime)];
      expect(ages, node.id).toContain(ageDays);
      expect(node.baseModelRelation).toBe(model.baseModelRelation);
    }

    // The catalog is varied enough for the assertions above to mean something.
    expect(nodes.filter((node) => node.ecosystem.derivatives.total > 1).length).toBeGreaterThan(3);
    expect(nodes.some((node) => node.deployment.quantizations.some((q) => /^Q\d/.test(q)))).toBe(true);
    expect(nodes.some((node) => node.deployment.localApps.includes('llama.cpp'))).toBe(true);
    expect(nodes.some((node) => node.deployment.inferenceProviders.length > 0)).toBe(true);
    expect(nodes.some((node) => node.ecosystem.derivatives.total > node.ecosystem.derivatives.finetunes)).toBe(true);
  });

  it('a base the catalog does not hold is counted for when it arrives; a model is not its own derivative', async () => {
    const response = await graphql<{ model: DetailNode | null; self: DetailNode | null }>(
      api.url,
      `
        {
          model(id: "huggingface:extra/finetune") {
            ecosystem {
              derivatives {
                total
                finetunes
              }
            }
          }
          self: model(id: "huggingface:extra/self") {
            ecosystem {
              derivatives {
                total
              }
            }
          }
        }
      `,
    );
    expect(response.body.data?.model?.ecosystem.derivatives).toEqual({ total: 1, finetunes: 0 });
    expect(response.body.data?.self?.ecosystem.derivatives).toEqual({ total: 0 });
    const counts = await catalog.db.pool.query<{ total: number }>(
      `SELECT total FROM model_lineage_counts WHERE model_id = 'huggingface:absent/base'`,
    );
    expect(counts.rows).toEqual([{ total: 1 }]);
  });
});

// ---------------------------------------------------------------------------------------------

type Case = readonly [name: string, filter: () => FilterInput & Extra, narrows?: false];

const estimates = (bits: number) =>
  all.flatMap(({ model }) => (model.parameterCount === null ? [] : [estimate(model.parameterCount, bits)]));

const CASES: readonly Case[] = [
  ['maxMemoryGb (16-bit by default)', () => ({ maxMemoryGb: percentile(estimates(16), 0.5) })],
  [
    'maxMemoryGb at exactly a model’s estimate includes it',
    () => ({ maxMemoryGb: percentile(estimates(8), 0.3), memoryPrecision: 'BITS8' }),
  ],
  ['maxMemoryGb at 4-bit', () => ({ maxMemoryGb: 4, memoryPrecision: 'BITS4' })],
  ['maxMemoryGb: 0 (only the tiniest models)', () => ({ maxMemoryGb: 0 }), false],
  ['maxMemoryGb far above every model (unknown sizes still out)', () => ({ maxMemoryGb: 1e12 })],
  ['formats (any of)', () => ({ formats: ['gguf', 'onnx'] })],
  ['formats: case is ignored', () => ({ formats: ['GGUF'] })],
  ['minDerivatives: 1', () => ({ minDerivatives: 1 })],
  ['minDerivatives: 2', () => ({ minDerivatives: 2 })],
  ['minDerivatives: 0 is no condition', () => ({ minDerivatives: 0 }), false],
  ['minDerivatives with removed models', () => ({ minDerivatives: 1, includeRemoved: true })],
  [
    'combined with each other and the other filters',
    () => ({ maxMemoryGb: 40, formats: ['safetensors'], minDerivatives: 1, tasks: ['text-generation'] }),
  ],
];

describe('filters match the expectation computed from the ingested models', () => {
  it.each(CASES.map(([name, filter, narrows]) => ({ name, filter, narrows: narrows ?? true })))(
    '$name',
    async ({ filter: filterOf, narrows }) => {
      const filter = filterOf();
      const want = expected(filter).map((seededModel) => seededModel.model.id);
      if (narrows) {
        expect(want.length, 'a meaningful case selects some models, not all').toBeGreaterThan(0);
        expect(want.length).toBeLessThan(all.filter((m) => !m.removed).length);
      }
      const { ids, totalCount } = await walk(api.url, { filter, size: 100 });
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...want].sort());
      expect(totalCount).toBe(want.length);
    },
  );

  it('maxMemoryGb is inclusive at a model’s own estimate, at each precision', async () => {
    const model = all.find((m) => !m.removed && (m.model.parameterCount ?? 0) > 1e9)?.model as CatalogModel;
    for (const precision of ['BITS16', 'BITS8', 'BITS4'] as const) {
      const own = estimate(model.parameterCount as number, BITS[precision]);
      const at: FilterInput & Extra = { maxMemoryGb: own, memoryPrecision: precision };
      expect((await walk(api.url, { filter: at, size: 100 })).ids).toContain(model.id);
      const below: FilterInput & Extra = { maxMemoryGb: own - 0.01, memoryPrecision: precision };
      expect((await walk(api.url, { filter: below, size: 100 })).ids).not.toContain(model.id);
    }
  });
});

// ---------------------------------------------------------------------------------------------

type OrderCase = readonly [
  field: 'DERIVATIVES' | 'DOWNLOADS_ALL_TIME',
  direction: 'ASC' | 'DESC',
  filter: FilterInput & Extra,
];

const ORDERS: readonly OrderCase[] = [
  ['DERIVATIVES', 'DESC', {}],
  ['DERIVATIVES', 'ASC', {}],
  ['DERIVATIVES', 'DESC', { tasks: ['text-generation'], includeRemoved: true }],
  ['DERIVATIVES', 'ASC', { minDerivatives: 1 }],
  ['DOWNLOADS_ALL_TIME', 'DESC', {}],
  ['DOWNLOADS_ALL_TIME', 'ASC', {}],
  ['DOWNLOADS_ALL_TIME', 'ASC', { formats: ['safetensors'] }],
];

function keyOf(field: OrderCase[0], model: CatalogModel, counts: Map<string, Counts>): number | null {
  return field === 'DERIVATIVES' ? (counts.get(model.id)?.total ?? 0) : model.downloadsAllTime;
}

/**
 * The expected key sequence. DERIVATIVES: zero is a key like any other (its models come where 0
 * sorts). DOWNLOADS_ALL_TIME: unknown keys last in both directions.
 */
function keySequence(field: OrderCase[0], direction: 'ASC' | 'DESC', models: readonly SeededModel[]) {
  const counts = derivativeCounts(all);
  const keys = models.map(({ model }) => keyOf(field, model, counts));
  const known = keys.filter((key): key is number => key !== null).sort((a, b) => (direction === 'ASC' ? a - b : b - a));
  return [...known, ...keys.filter((key) => key === null)];
}

describe('orders: walking every page forward and backward', () => {
  it.each(ORDERS)('%s %s %j: each model exactly once, in key order', async (field, direction, filter) => {
    const want = expected(filter);
    const counts = derivativeCounts(all);
    const byId = new Map(want.map((seededModel) => [seededModel.model.id, seededModel.model]));
    const orderBy = { field, direction };

    // 7 per page: pages end inside runs of equal keys and across the segment boundary.
    const forward = await walk(api.url, { filter, orderBy, size: 7 });
    const backward = await walk(api.url, { filter, orderBy, size: 7, backward: true });

    expect(new Set(forward.ids).size).toBe(forward.ids.length);
    expect([...forward.ids].sort()).toEqual([...byId.keys()].sort());
    expect(forward.ids.map((id) => keyOf(field, byId.get(id) as CatalogModel, counts))).toEqual(
      keySequence(field, direction, want),
    );
    expect(backward.ids).toEqual(forward.ids);
    expect(forward.totalCount).toBe(want.length);
  });

  it('DERIVATIVES: the models without derivatives are ordered by id, first ASC and last DESC', async () => {
    const counts = derivativeCounts(all);
    const none = (ids: string[]) => ids.filter((id) => (counts.get(id)?.total ?? 0) === 0);
    const asc = await walk(api.url, { orderBy: { field: 'DERIVATIVES', direction: 'ASC' }, size: 50 });
    const desc = await walk(api.url, { orderBy: { field: 'DERIVATIVES', direction: 'DESC' }, size: 50 });
    const ascNone = none(asc.ids);
    expect(asc.ids.slice(0, ascNone.length)).toEqual(ascNone);
    expect(desc.ids.slice(-ascNone.length)).toEqual([...ascNone].reverse());
    // By id: the database orders ids as byte strings, like this comparison.
    expect(ascNone).toEqual([...ascNone].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});

// ---------------------------------------------------------------------------------------------

describe('invalid values are BAD_USER_INPUT', () => {
  const MODELS = 'query ($filter: ModelFilter) { models(filter: $filter) { totalCount } }';
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative maxMemoryGb', { maxMemoryGb: -0.5 }, /filter\.maxMemoryGb must not be negative/],
    ['a negative minDerivatives', { minDerivatives: -1 }, /filter\.minDerivatives must not be negative/],
    ['an empty format', { formats: [''] }, /filter\.formats\.0 must not be empty/],
  ])('%s', async (_name, filter, message) => {
    const response = await graphql(api.url, MODELS, { filter });
    const error = response.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ARGUMENT' });
    expect(error?.message).toMatch(message);
    expect(response.body.data).toBeNull();
  });

  it('an unknown precision', async () => {
    const response = await graphql(api.url, MODELS, { filter: { maxMemoryGb: 8, memoryPrecision: 'BITS2' } });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/"BITS2" does not exist in "Precision" enum/);
  });
});
