/**
 * What `bench soak` sends: a dashboard-and-client mix in which almost every query text is new.
 * Dashboards send their filters as literals, not variables, so every filter, page size, order, id
 * or search term makes another document for the server to parse, validate, measure and (in its
 * caches) keep: the way a server's per-document memory grows. A few requests use variables and
 * automatic persisted queries over a small set of texts, as generated clients do.
 */
import { createHash } from 'node:crypto';
import { COMMERCIAL_USE, LICENSE_CATEGORIES, OPENNESS_LEVELS, WEIGHTS_AVAILABILITY } from '../../src/openness/types.js';

export type SoakKind = 'filtered' | 'search' | 'stats' | 'model' | 'deep' | 'apq';

/** Shares of the mix (they add up to 1). */
export const SOAK_MIX: Readonly<Record<SoakKind, number>> = {
  filtered: 0.35,
  search: 0.15,
  stats: 0.1,
  model: 0.2,
  deep: 0.12,
  apq: 0.08,
};

/** Values drawn from the catalog itself, so that filters match what a user would ask for. */
export interface SoakVocabulary {
  readonly words: readonly string[];
  readonly tasks: readonly string[];
  readonly libraries: readonly string[];
  readonly authors: readonly string[];
  readonly licenseIds: readonly string[];
  readonly modelIds: readonly string[];
  /** `endCursor`s deep into the CREATED_AT walk (page 10 and beyond), for `after`. */
  readonly deepCursors: readonly string[];
}

export interface SoakRequest {
  readonly kind: SoakKind;
  /** The JSON body of a POST /graphql. */
  readonly body: string;
}

export type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const some = <T>(random: Random, items: readonly T[], most: number): T[] => {
  const chosen = new Set<T>();
  const n = 1 + Math.floor(random() * most);
  for (let i = 0; i < n; i++) chosen.add(pick(random, items));
  return [...chosen];
};
const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
/** A GraphQL string literal (JSON's escaping is GraphQL's for these values). */
const str = (value: string) => JSON.stringify(value);
const list = (values: readonly string[], quote: boolean) => `[${values.map((v) => (quote ? str(v) : v)).join(', ')}]`;

const ORDER_FIELDS = ['DOWNLOADS', 'LIKES', 'CREATED_AT', 'LAST_MODIFIED', 'PARAMETERS', 'OPENNESS_SCORE'] as const;
const MODEL_FIELDS = ['id', 'name', 'author', 'task', 'library', 'downloads', 'likes', 'createdAt', 'gated'] as const;

/** A facet-only filter (what `stats` answers from maintained counts), 1–3 conditions. */
function facetFilter(random: Random, vocabulary: SoakVocabulary): string[] {
  const conditions = [
    () => `licenseCategories: ${list(some(random, LICENSE_CATEGORIES, 2), false)}`,
    () => `minOpennessLevel: ${pick(random, OPENNESS_LEVELS)}`,
    () => `commercialUse: ${list(some(random, COMMERCIAL_USE, 2), false)}`,
    () => `weights: ${list(some(random, WEIGHTS_AVAILABILITY, 2), false)}`,
    () => `tasks: ${list(some(random, vocabulary.tasks, 3), true)}`,
    () => `libraries: ${list(some(random, vocabulary.libraries, 2), true)}`,
    () => `licenseIds: ${list(some(random, vocabulary.licenseIds, 3), true)}`,
    () => `gated: ${random() < 0.5}`,
  ];
  return some(random, conditions, 3).map((condition) => condition());
}

/** Any filter a dashboard offers: facets plus parameters, dates, authors. */
function modelFilter(random: Random, vocabulary: SoakVocabulary): string[] {
  const conditions = facetFilter(random, vocabulary);
  if (random() < 0.4) conditions.push(`minParameters: ${between(random, 1, 400) * 100_000_000}`);
  if (random() < 0.3)
    conditions.push(
      `createdSince: ${str(new Date(Date.UTC(2022, 0, 1) + between(random, 0, 1_400) * 86_400_000).toISOString())}`,
    );
  if (random() < 0.2) conditions.push(`authors: ${list(some(random, vocabulary.authors, 3), true)}`);
  return conditions;
}

const nodeFields = (random: Random) =>
  [...new Set(['id', ...some(random, MODEL_FIELDS, 4)])].join(' ') +
  (random() < 0.8 ? ' license { id category }' : '') +
  (random() < 0.8 ? ' openness { level score }' : '');

const orderBy = (random: Random) =>
  `orderBy: { field: ${pick(random, ORDER_FIELDS)}, direction: ${pick(random, ['ASC', 'DESC'])} }`;

/** Query texts of the APQ share: few and fixed (a generated client's operations), with variables. */
export const APQ_QUERIES: readonly string[] = [
  `query ModelCard($id: ID!) { model(id: $id) { id name author license { id name category } openness { level score mofClass } } }`,
  `query TopByCategory($category: LicenseCategory!, $first: Int!) { models(first: $first, filter: { licenseCategories: [$category] }) { nodes { id name downloads } } }`,
  `query Facets($level: OpennessLevel!) { stats(filter: { minOpennessLevel: $level }) { totalCount byLicenseCategory { value count } } }`,
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const APQ_HASHES = APQ_QUERIES.map(sha256);

/**
 * One request of the mix. `apqRegistered(hash)` says whether this client believes the server
 * holds the hash (it then sends the hash alone, else the query with it, as Apollo's client does).
 */
export function soakRequest(
  random: Random,
  vocabulary: SoakVocabulary,
  apqRegistered: (hash: string) => boolean = () => false,
): SoakRequest {
  const roll = random();
  let kind: SoakKind = 'apq';
  let sum = 0;
  for (const [candidate, share] of Object.entries(SOAK_MIX) as [SoakKind, number][]) {
    sum += share;
    if (roll < sum) {
      kind = candidate;
      break;
    }
  }
  return { kind, body: JSON.stringify(soakBody(kind, random, vocabulary, apqRegistered)) };
}

function soakBody(
  kind: SoakKind,
  random: Random,
  vocabulary: SoakVocabulary,
  apqRegistered: (hash: string) => boolean,
): Record<string, unknown> {
  switch (kind) {
    case 'filtered': {
      const total = random() < 0.6 ? ' totalCount' : '';
      return {
        query: `{ models(first: ${between(random, 10, 100)}, filter: { ${modelFilter(random, vocabulary).join(', ')} }, ${orderBy(random)}) {${total} nodes { ${nodeFields(random)} } pageInfo { hasNextPage endCursor } } }`,
      };
    }
    case 'search': {
      const words = some(random, vocabulary.words, 2).join(' ');
      return {
        query: `{ models(first: ${between(random, 5, 30)}, filter: { search: ${str(words)} }) { nodes { ${nodeFields(random)} } } }`,
      };
    }
    case 'stats': {
      const limit = between(random, 5, 50);
      return {
        query: `{ stats(filter: { ${facetFilter(random, vocabulary).join(', ')} }) { totalCount byLicense(limit: ${limit}) { value count } byLicenseCategory { value count } byOpennessLevel { value count } byTask(limit: ${limit}) { value count } byLibrary(limit: ${limit}) { value count } } }`,
      };
    }
    case 'model':
      return {
        query: `{ model(id: ${str(pick(random, vocabulary.modelIds))}) { ${nodeFields(random)} cardSummary tags history(first: ${between(random, 1, 10)}) { nodes { id kind } } baseModels { id name } } }`,
      };
    case 'deep':
      // A client walking far into a listing: one fixed text, the position as a variable.
      return {
        query: `query Deep($after: String!) { models(first: 50, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { edges { cursor node { id name license { id } } } pageInfo { hasNextPage endCursor } } }`,
        variables: { after: pick(random, vocabulary.deepCursors) },
      };
    case 'apq': {
      const index = Math.floor(random() * APQ_QUERIES.length);
      const hash = APQ_HASHES[index] as string;
      const variables = [
        { id: pick(random, vocabulary.modelIds) },
        { category: pick(random, LICENSE_CATEGORIES), first: between(random, 5, 50) },
        { level: pick(random, OPENNESS_LEVELS) },
      ][index];
      const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
      return apqRegistered(hash) ? { variables, extensions } : { query: APQ_QUERIES[index], variables, extensions };
    }
  }
}

/** The hash an APQ request names, or null for any other request. */
export function apqHashOf(body: string): string | null {
  const parsed = JSON.parse(body) as { extensions?: { persistedQuery?: { sha256Hash?: string } } };
  return parsed.extensions?.persistedQuery?.sha256Hash ?? null;
}
