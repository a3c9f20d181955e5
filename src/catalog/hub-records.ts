/**
 * The pure half of a hub adapter: how one hub's raw record becomes a catalog model (validated at
 * the boundary, normalized, classified). Crawls, the seed and reclassification all build models
 * through it; the fetching half (listing pages, model details) is src/crawl/hub-adapter.ts.
 */
import type { CatalogModel } from './catalog-model.js';

export type BuildResult =
  { readonly ok: true; readonly model: CatalogModel } | { readonly ok: false; readonly reason: string };

/** Texts fetched beside a record (model card, license file), read by the classifier. */
export interface ModelTexts {
  readonly readme?: string | null;
  readonly licenseText?: string | null;
}

/** Plain functions (no `this`), so an adapter can hand them on as they are. */
export interface HubRecords {
  readonly hubId: string;
  /** Validate, normalize and classify one raw record (pure). */
  readonly buildModel: (record: unknown, details?: ModelTexts) => BuildResult;
  /** The hub's last-modified time of a raw record, for incremental crawls (null when unknown). */
  readonly lastModifiedOf: (record: unknown) => Date | null;
}
