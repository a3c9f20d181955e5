/**
 * A static catalog for the `Query.models` tests, seeded once per test file through the real path
 * (the hand-written records of real models in prisma/seed and generated Hugging Face records →
 * HuggingFaceAdapter.buildModel → IngestRepository), with the
 * built CatalogModel objects kept so that every expectation is computed here, in TypeScript, from
 * what was ingested, never with the SQL under test.
 *
 * Beyond the generator's own variety (42 % zero downloads, so many ties; half the parameter counts
 * unknown) the seed adds: creation times the hub does not know (null), removed models, models on a
 * second hub, enriched model cards (whose summary the database derives), and expert references.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { readSeedRecords } from '../../src/catalog/seed/seed.service.js';
import { loadConfig } from '../../src/config/config.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { unlimited } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import { generateHfRecords } from '../../src/catalog/seed/demo/record-generator.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { ReferenceRepository } from '../../src/references/reference.repository.js';
import { OPENNESS_LEVELS } from '../../src/openness/types.js';
import { graphql } from '../helpers/api.js';
import { applicationTables, silentLogger } from '../helpers/database.js';

export const GENERATED = 360;
/** Hugging Face's "created before dates were stored" instant: normalize turns it into null. */
const UNKNOWN_CREATED_AT = '2022-03-02T23:29:04.000Z';
export const OTHER_HUB = 'modelscope';

export interface SeededModel {
  readonly model: CatalogModel;
  readonly removed: boolean;
  /** The card summary the database should derive from the README given to this model, if any. */
  readonly summary: string | null;
}

/** Enriched model cards: the README, and the first prose paragraph the database must extract. */
export const CARDS: readonly { readonly readme: string; readonly summary: string }[] = [
  {
    readme:
      '---\nlicense: mit\ntags:\n- quokka\n---\n\n# Model card\n\n<!-- Provide a quick\nsummary -->\n\n' +
      '[![badge](https://img.shields.io/x.svg)](https://x)\n\nA quokka-sized [encoder](https://example.org/e) for ' +
      'marsupial sentiment.\nTrained on wallaby reviews.\n\n## Details\n\nThe wombat section is not the summary.\n',
    summary: 'A quokka-sized encoder for marsupial sentiment. Trained on wallaby reviews.',
  },
  {
    readme: '# Title\n\n```python\nprint("wombat")\n```\n\n| a | b |\n|---|---|\n\nQuokka detector v2, distilled.\n',
    summary: 'Quokka detector v2, distilled.',
  },
];

export interface SeededCatalog {
  readonly db: Database;
  readonly models: readonly SeededModel[];
}

/** Tables truncated and the catalog seeded once for the file; the pool closed after it. */
export function useSeededCatalog(): SeededCatalog {
  const db = createDatabase({ database: { url: inject('databaseUrl'), poolSize: 5 } }, silentLogger);
  const models: SeededModel[] = [];
  beforeAll(async () => {
    const tables = await applicationTables(db.pool);
    await db.pool.query(`TRUNCATE ${tables.map((t) => pg.escapeIdentifier(t)).join(', ')} RESTART IDENTITY CASCADE`);
    models.push(...(await seed(db)));
  });
  afterAll(() => db.close());
  return { db, models };
}

async function seed(db: Database): Promise<SeededModel[]> {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'https://huggingface.co' })));
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ($1, 'ModelScope', 'MODEL_HUB', 'https://modelscope.cn/models/')
     ON CONFLICT (id) DO UPDATE SET base_url = EXCLUDED.base_url`,
    [OTHER_HUB],
  );
  const logger = pino({ level: 'silent' });
  const adapter = new HuggingFaceAdapter({
    endpoint: 'http://127.0.0.1:9',
    createClient: () => new HubClient({ limiter: unlimited, logger }),
  });
  const built: CatalogModel[] = [];
  let index = 0;
  const records = [...(await readSeedRecords()), ...generateHfRecords(GENERATED, { seed: 11 })] as Record<
    string,
    unknown
  >[];
  for (const record of records) {
    const result = adapter.buildModel(index % 29 === 5 ? { ...record, createdAt: UNKNOWN_CREATED_AT } : record);
    if (!result.ok) throw new Error(result.reason);
    built.push(result.model);
    index++;
  }
  // The same kind of records, listed by a second hub.
  const mirrored = built
    .slice(0, 12)
    .map((model): CatalogModel => ({ ...model, id: `${OTHER_HUB}:${model.repoId}`, hubId: OTHER_HUB, baseModels: [] }));
  const all = [...built, ...mirrored];
  const ingest = new IngestRepository(db.pool);
  for (let start = 0; start < all.length; start += 100) await ingest.ingestPage(all.slice(start, start + 100));

  const removed = new Set(all.filter((_model, i) => i % 17 === 3).map((model) => model.id));
  await db.pool.query('UPDATE models SET removed_at = now() WHERE id = ANY($1::text[])', [[...removed]]);

  // Enrichment stores README text in raw_records.detail; the database derives the card summary.
  const summaries = new Map<string, string>();
  for (const [i, card] of CARDS.entries()) {
    const model = built[40 + i * 7] as CatalogModel;
    await db.pool.query(`UPDATE raw_records SET detail = $2, enriched_at = now() WHERE model_id = $1`, [
      model.id,
      JSON.stringify({ sha: model.sha, readme: card.readme }),
    ]);
    summaries.set(model.id, card.summary);
  }

  const references = new ReferenceRepository(db.pool);
  const referenced = [built[0], built[1], built[2]] as CatalogModel[];
  await references.replaceSource(
    'MOT',
    referenced.slice(0, 2).map((model, i) => ({
      source: 'MOT' as const,
      externalId: `mot-${i}`,
      name: model.name,
      hfRepoId: model.repoId,
      class: 'CLASS_III',
      score: 0.5,
      grades: { 'Model parameters (Final)': 'open' },
      url: `https://mot.isitopen.ai/model/${i}`,
      sourceVersion: '2026-01',
    })),
  );
  await references.replaceSource('OSAI', [
    {
      source: 'OSAI',
      externalId: 'osai-0.yaml',
      name: referenced[0]?.name ?? '',
      hfRepoId: referenced[0]?.repoId ?? null,
      class: 'rank 3/40',
      score: 0.75,
      grades: { weights_endmodel: 'open', trainingcode: null },
      url: 'https://osai-index.eu/model/0',
      sourceVersion: null,
    },
  ]);

  return all.map((model) => ({ model, removed: removed.has(model.id), summary: summaries.get(model.id) ?? null }));
}

// ---------------------------------------------------------------------------------------------
// The expectation side: what a filter and an order mean, written over the CatalogModel objects.

export interface FilterInput {
  search?: string;
  hubs?: string[];
  authors?: string[];
  tasks?: string[];
  libraries?: string[];
  tags?: string[];
  licenseIds?: string[];
  licenseCategories?: string[];
  commercialUse?: string[];
  osiApproved?: boolean;
  opennessLevels?: string[];
  minOpennessLevel?: string;
  mofClasses?: string[];
  weights?: string[];
  gated?: boolean;
  minParameters?: number | string;
  maxParameters?: number | string;
  createdSince?: string;
  updatedSince?: string;
  includeRemoved?: boolean;
}

const words = (text: string | null): string[] => (text ?? '').toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** `llama3` → `llama 3`: words split where a letter meets a digit (docs/search.md). */
const splitRun = (run: readonly string[]): string[] =>
  run.flatMap((word) => word.replace(/([a-z])(?=[0-9])/g, '$1 ').split(' '));

/**
 * The words of a model's search document, in order: repo id, author and name, again split where a
 * letter meets a digit when that differs, then tags and card summary.
 */
function documentWords({ model, summary }: SeededModel): string[] {
  const name = [model.repoId, model.author, model.name].flatMap(words);
  const split = splitRun(name);
  return [...name, ...(split.length === name.length ? [] : split), ...[...model.tags, summary].flatMap(words)];
}

/**
 * Whether a search term matches the document: its words in a run, or the same split where letters
 * meet digits; the last term also with its last word as a prefix (from 3 characters, not a number).
 * Typo corrections are left out: the fixture's search words are either in repo ids or like none.
 */
function termMatches(document: readonly string[], run: readonly string[], last: boolean): boolean {
  if (containsRun(document, run) || containsRun(document, splitRun(run))) return true;
  const prefix = run[run.length - 1] ?? '';
  if (!last || prefix.length < 3 || /^[0-9]+$/.test(prefix)) return false;
  const head = run.slice(0, -1);
  for (let start = 0; start + run.length <= document.length; start++) {
    if (head.every((word, i) => document[start + i] === word) && document[start + head.length]?.startsWith(prefix))
      return true;
  }
  return false;
}

function containsRun(haystack: readonly string[], run: readonly string[]): boolean {
  for (let start = 0; start + run.length <= haystack.length; start++) {
    if (run.every((word, i) => haystack[start + i] === word)) return true;
  }
  return false;
}

const within = <T>(list: readonly T[] | undefined, value: T): boolean =>
  list === undefined || list.length === 0 || list.includes(value);

export function matches(seeded: SeededModel, filter: FilterInput): boolean {
  const { model } = seeded;
  const o = model.openness;
  if (seeded.removed && !filter.includeRemoved) return false;
  if (filter.search !== undefined) {
    const document = documentWords(seeded);
    const terms = filter.search
      .split(/\s+/)
      .map(words)
      .filter((run) => run.length > 0);
    if (!terms.every((run, i) => termMatches(document, run, i === terms.length - 1))) return false;
  }
  if (!within(filter.hubs, model.hubId)) return false;
  if (filter.authors?.length && (model.author === null || !filter.authors.includes(model.author))) return false;
  if (filter.tasks?.length && (model.task === null || !filter.tasks.includes(model.task))) return false;
  if (filter.libraries?.length && (model.library === null || !filter.libraries.includes(model.library))) return false;
  if (filter.tags?.length && !model.tags.some((tag) => filter.tags?.includes(tag))) return false;
  if (!within(filter.licenseIds, model.license.id)) return false;
  if (!within(filter.licenseCategories, model.license.category)) return false;
  if (!within(filter.commercialUse, model.license.commercialUse)) return false;
  if (filter.osiApproved !== undefined && model.license.osiApproved !== filter.osiApproved) return false;
  if (!within(filter.opennessLevels, o.level)) return false;
  if (
    filter.minOpennessLevel !== undefined &&
    OPENNESS_LEVELS.indexOf(o.level) < OPENNESS_LEVELS.indexOf(filter.minOpennessLevel as never)
  )
    return false;
  if (!within(filter.mofClasses, o.mofClass)) return false;
  if (!within(filter.weights, o.weights.availability)) return false;
  if (filter.gated !== undefined) {
    if (model.gating === null) return false;
    if ((model.gating !== 'NONE') !== filter.gated) return false;
  }
  if (filter.minParameters !== undefined || filter.maxParameters !== undefined) {
    if (model.parameterCount === null) return false;
    if (filter.minParameters !== undefined && model.parameterCount < Number(filter.minParameters)) return false;
    if (filter.maxParameters !== undefined && model.parameterCount > Number(filter.maxParameters)) return false;
  }
  if (filter.createdSince !== undefined) {
    if (model.createdAt === null || model.createdAt < new Date(filter.createdSince)) return false;
  }
  if (filter.updatedSince !== undefined) {
    if (model.lastModified === null || model.lastModified < new Date(filter.updatedSince)) return false;
  }
  return true;
}

export type OrderFieldName = 'DOWNLOADS' | 'LIKES' | 'CREATED_AT' | 'LAST_MODIFIED' | 'PARAMETERS' | 'OPENNESS_SCORE';

/** A model's sort key for an order, as a comparable number; null for unknown. */
export function sortKeyOf({ model }: SeededModel, field: OrderFieldName): number | null {
  switch (field) {
    case 'DOWNLOADS':
      return model.downloads;
    case 'LIKES':
      return model.likes;
    case 'CREATED_AT':
      return model.createdAt?.getTime() ?? null;
    case 'LAST_MODIFIED':
      return model.lastModified?.getTime() ?? null;
    case 'PARAMETERS':
      return model.parameterCount;
    case 'OPENNESS_SCORE':
      return model.openness.score;
  }
}

/** The expected sequence of sort keys in an order: known keys in direction, unknown ones last. */
export function expectedKeySequence(
  models: readonly SeededModel[],
  field: OrderFieldName,
  direction: 'ASC' | 'DESC',
): (number | null)[] {
  const keys = models.map((seeded) => sortKeyOf(seeded, field));
  const known = keys.filter((key): key is number => key !== null).sort((a, b) => (direction === 'ASC' ? a - b : b - a));
  return [...known, ...keys.filter((key) => key === null)];
}

// ---------------------------------------------------------------------------------------------
// Walking `models` over HTTP.

export interface PageOfModels {
  totalCount?: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Every field of `Model` defined in schema/catalog.graphql, for queries that check them all. */
export const MODEL_FIELDS = `
  id hub repoId author name url task library tags gated parameterCount downloads downloadsAllTime likes
  createdAt lastModified removedAt cardSummary
  license { id name category commercialUse osiApproved url hubValue }
  openness {
    level mofClass missingComponents score rulesVersion
    weights { availability formats parameterCount }
    code { inference training } data { training } documentation { modelCard paper evaluation }
    evidence { dimension status source value rule }
    references { source externalId name class score grades url sourceVersion }
  }
  baseModels { id }
  history { totalCount nodes { id kind occurredAt changedFields before after model { id } } }`;

const PAGE_QUERY = `query Page($filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String, $last: Int, $before: String) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

export async function modelsPage(url: string, variables: Record<string, unknown>): Promise<PageOfModels> {
  const response = await graphql<{ models: PageOfModels }>(url, PAGE_QUERY, variables);
  if (response.body.errors || !response.body.data) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data.models;
}

/**
 * Every page of `models`, forward (`first`/`after`) or backward (`last`/`before`), as the ids in
 * the connection's order, with the totalCount of the first page. Fails on a page that repeats a
 * cursor (a walk that would not end).
 */
export async function walk(
  url: string,
  options: { filter?: FilterInput; orderBy?: { field: string; direction?: string }; size: number; backward?: boolean },
): Promise<{ ids: string[]; totalCount: number; pages: number }> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  let totalCount = -1;
  const seen = new Set<string>();
  for (;;) {
    const variables: Record<string, unknown> = { filter: options.filter, orderBy: options.orderBy };
    if (options.backward) Object.assign(variables, { last: options.size, before: cursor });
    else Object.assign(variables, { first: options.size, after: cursor });
    const page = await modelsPage(url, variables);
    if (totalCount < 0) totalCount = page.totalCount ?? -1;
    pages.push(page.edges.map((edge) => edge.node.id));
    const more = options.backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    const next = options.backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
    if (!more || next === null) break;
    if (seen.has(next)) throw new Error(`cursor ${next} came back twice`);
    seen.add(next);
    cursor = next;
  }
  const ids = options.backward ? pages.reverse().flat() : pages.flat();
  return { ids, totalCount, pages: pages.length };
}
