/**
 * Per-request DataLoaders over the catalog read repository: every field of a page's models that
 * needs another table (license, assessment, references, base models, hub URL, history) is one
 * batched statement for the whole page, so a page of 100 costs what a page of 10 costs.
 * Created per request: their caches must never outlive it.
 */
import DataLoader from 'dataloader';
import type { CatalogReadRepository } from './catalog-read.repository.js';
import type { AssessmentRow, ChangeRow, HubUrlRow, LicenseRow, ModelRow, ReferenceRow } from './catalog.rows.js';
import { NO_DERIVATIVES, type DerivativeCounts } from './deployment.view.js';

export interface ChangePageKey {
  readonly modelId: string;
  /** Rows to read (page size + 1). */
  readonly limit: number;
  readonly beforeId: string | null;
}

export interface CatalogLoaders {
  readonly modelById: DataLoader<string, ModelRow | null>;
  /** A model's base models (same hub, catalog models only, in its order); one statement per page. */
  readonly baseModels: DataLoader<ModelRow, ModelRow[], string>;
  readonly licenseById: DataLoader<string, LicenseRow | null>;
  /**
   * Every license `licenseById` has read in this request, by id (null: no such license): a page
   * that loads its licenses up front lets each model's `license` resolve without a promise.
   */
  readonly licensesRead: ReadonlyMap<string, LicenseRow | null>;
  readonly assessmentByModelId: DataLoader<string, AssessmentRow | null>;
  /** Expert references by Hugging Face repo id. */
  readonly referencesByHfRepoId: DataLoader<string, ReferenceRow[]>;
  readonly hubById: DataLoader<string, HubUrlRow | null>;
  readonly changePage: DataLoader<ChangePageKey, ChangeRow[], string>;
  readonly changeCount: DataLoader<string, number>;
  /** A model's derivative counts (`ecosystem.derivatives`); one statement per page. */
  readonly derivativesByModelId: DataLoader<string, DerivativeCounts>;
  /** A model's derivatives, the first `limit` (`Model.derivatives`); one statement per page and limit. */
  readonly derivatives: DataLoader<{ readonly modelId: string; readonly limit: number }, ModelRow[], string>;
  /** The same model on other hubs (`Model.sameAs`); one statement per page. */
  readonly sameAs: DataLoader<string, ModelRow[]>;
}

const pageOf = (key: ChangePageKey) => `${key.limit}:${key.beforeId ?? ''}`;
const changePageKey = (key: ChangePageKey) => `${key.modelId}|${pageOf(key)}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A batch function that looks rows up by key and answers in key order (null where none). */
function byKey<Row>(load: (keys: readonly string[]) => Promise<Row[]>, keyOf: (row: Row) => string) {
  return async (keys: readonly string[]): Promise<(Row | null)[]> => {
    const rows = new Map((await load(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => rows.get(key) ?? null);
  };
}

const idOf = (row: { readonly id: string }) => row.id;

/** A loader of rows by their `id`. */
const byId = <Row extends { readonly id: string }>(load: (ids: readonly string[]) => Promise<Row[]>) =>
  new DataLoader(byKey(load, idOf));

/**
 * Each loader is made when the request first asks for it: a page of models uses one or two of the
 * eleven, and making all of them cost every request eleven loaders and their caches.
 */
class LazyCatalogLoaders implements CatalogLoaders {
  readonly licensesRead = new Map<string, LicenseRow | null>();
  #modelById?: CatalogLoaders['modelById'];
  #baseModels?: CatalogLoaders['baseModels'];
  #licenseById?: CatalogLoaders['licenseById'];
  #assessmentByModelId?: CatalogLoaders['assessmentByModelId'];
  #referencesByHfRepoId?: CatalogLoaders['referencesByHfRepoId'];
  #hubById?: CatalogLoaders['hubById'];
  #changePage?: CatalogLoaders['changePage'];
  #changeCount?: CatalogLoaders['changeCount'];
  #derivativesByModelId?: CatalogLoaders['derivativesByModelId'];
  #derivatives?: CatalogLoaders['derivatives'];
  #sameAs?: CatalogLoaders['sameAs'];

  constructor(private readonly repository: CatalogReadRepository) {}

  get modelById() {
    return (this.#modelById ??= byId((ids) => this.repository.modelsByIds(ids)));
  }

  // Reads the base models of the whole page at once, even those already on it, so the cost is one
  // statement per page whatever the page holds (the results also fill modelById).
  get baseModels() {
    return (this.#baseModels ??= new DataLoader(
      async (models: readonly ModelRow[]) => {
        const ids = [...new Set(models.flatMap(baseIdsOf))];
        const found = new Map(
          (ids.length > 0 ? await this.repository.modelsByIds(ids) : []).map((row) => [row.id, row]),
        );
        for (const [id, row] of found) this.modelById.prime(id, row);
        return models.map((model) => baseIdsOf(model).flatMap((id) => found.get(id) ?? []));
      },
      { cacheKeyFn: (model) => model.id },
    ));
  }

  get licenseById() {
    if (this.#licenseById) return this.#licenseById;
    const readLicenses = byKey((ids) => this.repository.licensesByIds(ids), idOf);
    return (this.#licenseById = new DataLoader(async (ids) => {
      const licenses = await readLicenses(ids);
      ids.forEach((id, index) => this.licensesRead.set(id, licenses[index] ?? null));
      return licenses;
    }));
  }

  get assessmentByModelId() {
    return (this.#assessmentByModelId ??= new DataLoader(
      byKey(
        (ids) => this.repository.assessmentsByModelIds(ids),
        (row) => row.modelId,
      ),
    ));
  }

  get referencesByHfRepoId() {
    return (this.#referencesByHfRepoId ??= new DataLoader(async (repoIds) => {
      const grouped = new Map<string, ReferenceRow[]>();
      for (const reference of await this.repository.referencesByHfRepoIds(repoIds)) {
        if (reference.hfRepoId !== null) push(grouped, reference.hfRepoId, reference);
      }
      return repoIds.map((repoId) => grouped.get(repoId) ?? []);
    }));
  }

  get hubById() {
    return (this.#hubById ??= byId((ids) => this.repository.hubsByIds(ids)));
  }

  get changePage() {
    return (this.#changePage ??= new DataLoader(
      async (keys: readonly ChangePageKey[]) => {
        // One statement per distinct (limit, beforeId): a page asks the same of all its models.
        const groups = new Map<string, ChangePageKey[]>();
        for (const key of keys) push(groups, pageOf(key), key);
        const rows = new Map<string, ChangeRow[]>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { limit, beforeId } = group[0] as ChangePageKey;
            const found = await this.repository.changePages(
              group.map((key) => key.modelId),
              limit,
              beforeId,
            );
            for (const row of found) push(rows, changePageKey({ modelId: row.modelId, limit, beforeId }), row);
          }),
        );
        return keys.map((key) => rows.get(changePageKey(key)) ?? []);
      },
      { cacheKeyFn: changePageKey },
    ));
  }

  get changeCount() {
    return (this.#changeCount ??= new DataLoader(async (modelIds) => {
      const counts = await this.repository.changeCounts(modelIds);
      return modelIds.map((id) => counts.get(id) ?? 0);
    }));
  }

  get derivativesByModelId() {
    return (this.#derivativesByModelId ??= new DataLoader(async (modelIds) => {
      const rows = new Map(
        (await this.repository.lineageCountsByModelIds(modelIds)).map(({ modelId, ...counts }) => [modelId, counts]),
      );
      return modelIds.map((id) => rows.get(id) ?? NO_DERIVATIVES);
    }));
  }

  get derivatives() {
    return (this.#derivatives ??= new DataLoader(
      async (keys: readonly { readonly modelId: string; readonly limit: number }[]) => {
        const found = new Map<string, ModelRow[]>();
        // One statement per distinct limit: a page asks the same of all its models.
        for (const limit of new Set(keys.map((key) => key.limit))) {
          const ids = keys.filter((key) => key.limit === limit).map((key) => key.modelId);
          for (const { sourceId, ...row } of await this.repository.derivativesByIds(ids, limit)) {
            push(found, `${sourceId}|${limit}`, row);
          }
        }
        return keys.map((key) => found.get(`${key.modelId}|${key.limit}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.modelId}|${key.limit}` },
    ));
  }

  get sameAs() {
    return (this.#sameAs ??= new DataLoader(async (modelIds) => {
      const found = new Map<string, ModelRow[]>();
      for (const { sourceId, ...row } of await this.repository.sameAsByIds(modelIds)) push(found, sourceId, row);
      return modelIds.map((id) => found.get(id) ?? []);
    }));
  }
}

const baseIdsOf = (model: ModelRow) => model.baseModels.map((repoId) => `${model.hubId}:${repoId}`);

export function createCatalogLoaders(repository: CatalogReadRepository): CatalogLoaders {
  return new LazyCatalogLoaders(repository);
}
