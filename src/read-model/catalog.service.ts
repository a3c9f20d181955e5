/**
 * What the catalog resolvers call: validated arguments in, connections and rows out. The request's
 * loaders are primed with every model a page returns, so `node` and change rows that name a model
 * already on the page cost nothing more.
 */
import { CatalogError } from '../lib/errors.js';
import type { CatalogReadRepository } from './catalog-read.repository.js';
import type { CatalogLoaders } from './catalog.loaders.js';
import {
  isHead,
  type ChangeConnectionParent,
  type ModelConnectionParent,
  type ModelParent,
  type ModelRow,
} from './catalog.rows.js';
import { decodeCursor, encodeCursor, keyText } from './cursor.js';
import { parseModelsArgs, type ModelsArgs } from './models.filter.js';
import { isKeyText } from './sort-keys.js';
import type { ModelsSelection } from './models.sql.js';
import { connectionOf, pageRequest, type PageArgs } from './pagination.js';

/** The per-request view of the catalog: the repository and this request's loaders. */
export interface CatalogReader {
  readonly repository: CatalogReadRepository;
  readonly loaders: CatalogLoaders;
}

export const DEFAULT_HISTORY_PAGE_SIZE = 20;
/** `Model.derivatives` without `first`. */
const DEFAULT_DERIVATIVES = 20;
/** `nodes(ids:)` takes at most this many ids. */
export const MAX_NODE_IDS = 100;

const HISTORY_ORDER = 'HISTORY:DESC';

/** A change id (a positive bigint) as a history cursor's key holds it. */
const isChangeIdText = (key: string) => /^\d+$/.test(key) && isKeyText('bigint', key);

export async function findModels(
  args: ModelsArgs,
  catalog: CatalogReader,
  selection: ModelsSelection = { columns: 'full', licenses: false },
): Promise<ModelConnectionParent> {
  const query = parseModelsArgs(args);
  const { rows, count: known } = await catalog.repository.modelsPageWithCount(query, selection.columns);
  if (selection.licenses) {
    const licenseIds = new Set(rows.flatMap((row) => (row.licenseId === null ? [] : [row.licenseId])));
    if (licenseIds.size > 0) await catalog.loaders.licenseById.loadMany([...licenseIds]);
  }
  const order = `${query.order.field}:${query.order.direction}`;
  // A page's rows are its nodes as they are (no copy without the sort key, which no field reads).
  for (const row of rows) if (!isHead(row)) catalog.loaders.modelById.prime(row.id, row);
  let count: Promise<number> | undefined;
  return connectionOf(
    rows,
    query.page,
    (row) => encodeCursor({ order, key: keyText(row.sortKey), id: row.id }),
    (row): ModelParent => row,
    () => (count ??= known !== null ? Promise.resolve(known) : catalog.repository.modelsCount(query)),
  );
}

/**
 * A model's whole row: the model itself, or, for a head a page read (catalog.rows.ts), the row from
 * the request's loader (one statement for all the page's heads).
 */
export function fullRow(model: ModelParent, catalog: CatalogReader): ModelRow | Promise<ModelRow> {
  if (!isHead(model)) return model;
  return catalog.loaders.modelById.load(model.id).then((row) => {
    // Models are never deleted (removal sets removed_at), so a model a page returned still exists.
    if (!row) throw new Error(`model ${model.id} vanished between its page and its fields`);
    return row;
  });
}

/** A model by `<hub>:<repoId>`; null for an id the catalog does not know (or not a model id). */
export function findModel(id: string, catalog: CatalogReader): Promise<ModelRow | null> {
  if (!id.includes(':')) return Promise.resolve(null);
  return catalog.loaders.modelById.load(id);
}

export function findNodes(ids: readonly string[], catalog: CatalogReader): Promise<(ModelRow | null)[]> {
  if (ids.length > MAX_NODE_IDS) {
    throw new CatalogError('INVALID_ARGUMENT', `\`ids\` holds ${ids.length} ids, at most ${MAX_NODE_IDS} are served`, {
      argument: 'ids',
      maximum: MAX_NODE_IDS,
    });
  }
  return Promise.all(ids.map((id) => findModel(id, catalog)));
}

/** The first `first` derivatives of a model (`Model.derivatives`), most downloaded first. */
export async function modelDerivatives(
  model: ModelParent,
  args: { readonly first?: number | null },
  catalog: CatalogReader,
): Promise<ModelRow[]> {
  const { size } = pageRequest({ first: args.first ?? null }, DEFAULT_DERIVATIVES);
  if (size === 0) return [];
  return catalog.loaders.derivatives.load({ modelId: model.id, limit: size });
}

/** A model's change log, newest first, keyset-paged on the change id. */
export async function modelHistory(
  model: ModelParent,
  args: Pick<PageArgs, 'first' | 'after'>,
  catalog: CatalogReader,
): Promise<ChangeConnectionParent> {
  const page = pageRequest(args, DEFAULT_HISTORY_PAGE_SIZE);
  let beforeId: string | null = null;
  if (page.cursor !== null) {
    const cursor = decodeCursor(page.cursor, HISTORY_ORDER, 'after');
    if (cursor.id !== model.id || cursor.key === null || !isChangeIdText(cursor.key)) {
      throw new CatalogError('INVALID_CURSOR', '`after` is not a cursor of this model’s history', {
        argument: 'after',
      });
    }
    beforeId = cursor.key;
  }
  const rows = await catalog.loaders.changePage.load({ modelId: model.id, limit: page.size + 1, beforeId });
  return connectionOf(
    rows,
    page,
    (row) => encodeCursor({ order: HISTORY_ORDER, key: row.id, id: model.id }),
    (row) => row,
    () => catalog.loaders.changeCount.load(model.id),
  );
}
