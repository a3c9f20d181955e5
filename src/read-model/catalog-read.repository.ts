/**
 * The catalog's read side for the API: raw SQL through the shared pool (not Prisma), because pages
 * are keyset seeks and the loaders batch by arrays of ids; every method is one statement whatever
 * the number of ids, which is what keeps a page's statement count constant.
 */
import type pg from 'pg';
import { ReferenceRepository } from '../references/reference.repository.js';
import type {
  AssessmentRow,
  ChangeRow,
  HubUrlRow,
  LicenseRow,
  ModelHeadPageRow,
  ModelPageRow,
  ModelParent,
  ModelRow,
  SortKeyed,
  ReferenceRow,
} from './catalog.rows.js';
import type { LineageCountRow } from './deployment.view.js';
import { cubeCountSql } from './facets.sql.js';
import { searchTermsOf } from './search-terms.repository.js';
import { estimatedMatches } from './search.js';
import {
  MODEL_COLUMNS,
  modelsSql,
  PROBE_FOUND,
  readsSearchTable,
  relevanceProbePage,
  SEARCH_PROBE_ROWS,
  type PagePlan,
  type Projection,
  type SqlStatement,
} from './models.sql.js';
import type { ModelsQuery } from './models.filter.js';
import { StatsRepository } from './stats.repository.js';

const CHANGE_COLUMNS = `c.id::text AS id, c.model_id AS "modelId", c.kind, c.occurred_at AS "occurredAt",
  coalesce(c.changed_fields, '{}') AS "changedFields", c.before, c.after, c.crawl_run_id::text AS "crawlRunId"`;

/**
 * Up to this many matching rows, a page reads them all and sorts (plan `filter`); above, it walks
 * the order's index. The crossover of the two costs (matches read vs. ~page × total / matches
 * read) is near √(page × total): about 7,000 for pages of 50 over a million models; the lower
 * bound favours the walk, whose cost does not grow with the page's depth in the order.
 */
export const FILTER_FIRST_MAX_ROWS = 5_000;

export interface ModelLinkRow {
  readonly id: string;
  readonly repoId: string;
  readonly baseUrl: string;
}

export class CatalogReadRepository {
  private readonly references: ReferenceRepository;
  /** Facets, licenses with counts, hubs' crawl runs (stats.repository.ts), on the same pool. */
  readonly stats: StatsRepository;

  constructor(
    private readonly pool: pg.Pool,
    /** See FILTER_FIRST_MAX_ROWS; 0 always walks the index (tests use it to cover both plans). */
    private readonly filterFirstMaxRows = FILTER_FIRST_MAX_ROWS,
    /**
     * See SEARCH_PROBE_ROWS: a ranked search expected to match at most this many listed models reads
     * them all at once (relevanceProbePage); null never does (tests use both to cover both plans).
     */
    private readonly searchProbeRows: number | null = SEARCH_PROBE_ROWS,
  ) {
    this.references = new ReferenceRepository(pool);
    this.stats = new StatsRepository(pool);
  }

  /**
   * `size + 1` rows of the page in scan order (see models.sql.ts), read with `plan`: whole rows,
   * or heads (`projection: 'head'`) when the query selects nothing beyond them.
   */
  async modelsPage(
    query: ModelsQuery,
    plan: PagePlan = 'index',
    projection: Projection = 'full',
  ): Promise<(ModelParent & SortKeyed)[]> {
    // A ranked page's search also learns where its tiers stop walking (a count needs only its words).
    const filter =
      query.filter.search === null ? query.filter : await searchTermsOf(this.pool).expandForPage(query.filter);
    const rows = await this.pageRows({ ...query, filter }, plan, projection);
    if (projection === 'full') return rows as ModelPageRow[];
    // The rows are this query's own objects: completed in place rather than copied.
    return (rows as ModelHeadPageRow[]).map((row) => {
      const colon = row.id.indexOf(':');
      return Object.assign(row, {
        head: true as const,
        hubId: row.id.slice(0, colon),
        repoId: row.id.slice(colon + 1),
      });
    });
  }

  /** The page statement's rows: a ranked search with few matches reads them at once (probeStatement). */
  private async pageRows(
    query: ModelsQuery,
    plan: PagePlan,
    projection: Projection,
  ): Promise<(ModelPageRow | ModelHeadPageRow)[]> {
    const probe = this.probeStatement(query, projection);
    if (probe) {
      type ProbeRow = ModelHeadPageRow & Record<typeof PROBE_FOUND, number>;
      const { rows } = await this.pool.query<ProbeRow>(probe.text, [...probe.values]);
      // Whole unless more matched than the statistics expected: then the tiers read the page.
      if ((rows[0]?.[PROBE_FOUND] ?? 0) <= (this.searchProbeRows ?? 0)) return rows[0]?.id === null ? [] : rows;
    }
    const { page } = modelsSql(query, plan, projection);
    return (await this.pool.query<ModelPageRow | ModelHeadPageRow>(page.text, [...page.values])).rows;
  }

  /**
   * The statement of a ranked search's page that reads every match at once (relevanceProbePage),
   * when it reads the search table and the statistics expect at most `searchProbeRows` matches;
   * null otherwise.
   */
  private probeStatement(query: ModelsQuery, projection: Projection): SqlStatement | null {
    const search = query.filter.search;
    if (query.order.field !== 'RELEVANCE' || search === null || this.searchProbeRows === null) return null;
    if (!search.frequencies || !readsSearchTable(query.filter)) return null;
    if (estimatedMatches(search, search.frequencies) > this.searchProbeRows) return null;
    return relevanceProbePage(query, search, projection, this.searchProbeRows);
  }

  /**
   * A page, planned with the exact count when the facet cube has it (one cheap statement first):
   * no page statement at all when nothing matches, the filter-first plan when few rows match
   * (`filterFirstMaxRows`), the index walk otherwise. The count comes back for `totalCount`.
   * Filters the cube cannot count are walked, and their count is left to `modelsCount`.
   */
  async modelsPageWithCount(
    query: ModelsQuery,
    projection: Projection = 'full',
  ): Promise<{ rows: (ModelParent & SortKeyed)[]; count: number | null }> {
    const cube = cubeCountSql(query.filter);
    if (cube === null) return { rows: await this.modelsPage(query, 'index', projection), count: null };
    const result = await this.pool.query<{ totalCount: number }>(cube.text, [...cube.values]);
    const count = result.rows[0]?.totalCount ?? 0;
    if (count === 0) return { rows: [], count };
    const plan = count <= this.filterFirstMaxRows ? 'filter' : 'index';
    return { rows: await this.modelsPage(query, plan, projection), count };
  }

  /** From the facet cube when the filter only uses facet fields (facets.sql.ts), else a COUNT of models. */
  async modelsCount(query: ModelsQuery): Promise<number> {
    const count = cubeCountSql(query.filter) ?? modelsSql(await this.expanded(query)).count;
    const result = await this.pool.query<{ totalCount: number }>(count.text, [...count.values]);
    return result.rows[0]?.totalCount ?? 0;
  }

  /** The query with its search expanded (search-terms.repository.ts). */
  private async expanded(query: ModelsQuery): Promise<ModelsQuery> {
    if (query.filter.search === null) return query;
    return { ...query, filter: await searchTermsOf(this.pool).expandFilter(query.filter) };
  }

  async modelsByIds(ids: readonly string[]): Promise<ModelRow[]> {
    const result = await this.pool.query<ModelRow>(
      `SELECT ${MODEL_COLUMNS} FROM models m WHERE m.id = ANY($1::text[])`,
      [ids],
    );
    return result.rows;
  }

  /**
   * The same models on other hubs (`Model.sameAs`, docs/hubs.md), listed ones only, for each of
   * `ids`: the ids its record declares, the models whose records declare it (so a link holds from
   * both sides, whichever hub was crawled first), and its mirror — the one model of another hub with
   * the same `mirror_key` when each is the only one with that key on its hub. Each branch is an
   * index lookup (the GIN index on `same_as_declared`, the (mirror_key, hub_id) index).
   */
  async sameAsByIds(ids: readonly string[]): Promise<(ModelRow & { readonly sourceId: string })[]> {
    const result = await this.pool.query<ModelRow & { sourceId: string }>(
      `WITH src AS (SELECT id, hub_id, mirror_key, same_as_declared FROM models WHERE id = ANY($1::text[])),
       links AS (
         SELECT s.id AS source_id, s.hub_id AS source_hub, t.id AS target_id
           FROM src s CROSS JOIN LATERAL unnest(s.same_as_declared) AS t(id)
         UNION
         SELECT s.id, s.hub_id, o.id FROM src s JOIN models o ON o.same_as_declared @> ARRAY[s.id]
         UNION
         SELECT s.id, s.hub_id, o.id FROM src s JOIN models o ON o.mirror_key = s.mirror_key AND o.hub_id <> s.hub_id
          WHERE o.removed_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM models d WHERE d.mirror_key = s.mirror_key AND d.hub_id = o.hub_id
                              AND d.id <> o.id AND d.removed_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM models d WHERE d.mirror_key = s.mirror_key AND d.hub_id = s.hub_id
                              AND d.id <> s.id AND d.removed_at IS NULL)
       )
       SELECT l.source_id AS "sourceId", ${MODEL_COLUMNS}
         FROM links l JOIN models m ON m.id = l.target_id
        WHERE m.hub_id <> l.source_hub AND m.removed_at IS NULL
        ORDER BY l.source_id, m.hub_id, m.id`,
      [ids],
    );
    return result.rows;
  }

  /**
   * Up to `limit` derivatives of each model (`Model.derivatives`): the listed models of its hub whose
   * `base_models` name it, most downloaded first; one LATERAL lookup per model on the GIN index.
   */
  async derivativesByIds(ids: readonly string[], limit: number): Promise<(ModelRow & { readonly sourceId: string })[]> {
    const result = await this.pool.query<ModelRow & { sourceId: string }>(
      `SELECT s.id AS "sourceId", d.* FROM models s
       CROSS JOIN LATERAL (
         SELECT ${MODEL_COLUMNS} FROM models m
          WHERE m.hub_id = s.hub_id AND m.base_models @> ARRAY[s.repo_id] AND m.removed_at IS NULL AND m.id <> s.id
          ORDER BY m.downloads DESC, m.id LIMIT $2
       ) d
       WHERE s.id = ANY($1::text[])
       ORDER BY s.id, d.downloads DESC, d.id`,
      [ids, limit],
    );
    return result.rows;
  }

  /** Where each model lives on its hub: repo id and the hub's base URL (for links to the model's page). */
  async modelLinksByIds(ids: readonly string[]): Promise<ModelLinkRow[]> {
    const result = await this.pool.query<ModelLinkRow>(
      `SELECT m.id, m.repo_id AS "repoId", h.base_url AS "baseUrl" FROM models m JOIN hubs h ON h.id = m.hub_id
       WHERE m.id = ANY($1::text[])`,
      [ids],
    );
    return result.rows;
  }

  /** Derivative counts of those of `modelIds` that have a counts row (models with derivatives). */
  async lineageCountsByModelIds(modelIds: readonly string[]): Promise<LineageCountRow[]> {
    const result = await this.pool.query<LineageCountRow>(
      `SELECT model_id AS "modelId", total, finetunes, adapters, quantizations, merges
       FROM model_lineage_counts WHERE model_id = ANY($1::text[])`,
      [modelIds],
    );
    return result.rows;
  }

  async licensesByIds(ids: readonly string[]): Promise<LicenseRow[]> {
    const result = await this.pool.query<LicenseRow>(
      `SELECT id, name, url, category, commercial_use AS "commercialUse", osi_approved AS "osiApproved"
       FROM licenses WHERE id = ANY($1::text[])`,
      [ids],
    );
    return result.rows;
  }

  async assessmentsByModelIds(modelIds: readonly string[]): Promise<AssessmentRow[]> {
    const result = await this.pool.query<AssessmentRow>(
      `SELECT model_id AS "modelId", rules_version AS "rulesVersion", level, score, mof_class AS "mofClass",
         coalesce(missing_components, '{}') AS "missingComponents", weights_availability AS "weightsAvailability",
         coalesce(weights_formats, '{}') AS "weightsFormats", code_inference AS "codeInference",
         code_training AS "codeTraining", data_training AS "dataTraining", doc_model_card AS "docModelCard",
         doc_paper AS "docPaper", doc_evaluation AS "docEvaluation", evidence, assessed_at AS "assessedAt"
       FROM openness_assessments WHERE model_id = ANY($1::text[])`,
      [modelIds],
    );
    return result.rows;
  }

  /** Expert references by Hugging Face repo id (the join key of `openness_references`). */
  referencesByHfRepoIds(repoIds: readonly string[]): Promise<ReferenceRow[]> {
    return this.references.findByHfRepoIds(repoIds);
  }

  async hubsByIds(ids: readonly string[]): Promise<HubUrlRow[]> {
    const result = await this.pool.query<HubUrlRow>(
      'SELECT id, base_url AS "baseUrl" FROM hubs WHERE id = ANY($1::text[])',
      [ids],
    );
    return result.rows;
  }

  /**
   * Up to `limit` change rows per model, newest first, below `beforeId` when given: one statement
   * for all the models (a LATERAL seek per model on the (model_id, id) index).
   */
  async changePages(modelIds: readonly string[], limit: number, beforeId: string | null): Promise<ChangeRow[]> {
    const result = await this.pool.query<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS}
       FROM unnest($1::text[]) AS k(model_id)
       CROSS JOIN LATERAL (
         SELECT * FROM model_changes c
         WHERE c.model_id = k.model_id AND ($3::bigint IS NULL OR c.id < $3::bigint)
         ORDER BY c.id DESC LIMIT $2
       ) c
       ORDER BY c.model_id, c.id DESC`,
      [modelIds, limit, beforeId],
    );
    return result.rows;
  }

  async changeCounts(modelIds: readonly string[]): Promise<Map<string, number>> {
    const result = await this.pool.query<{ modelId: string; count: number }>(
      `SELECT model_id AS "modelId", count(*)::int AS count FROM model_changes
       WHERE model_id = ANY($1::text[]) GROUP BY model_id`,
      [modelIds],
    );
    return new Map(result.rows.map((row) => [row.modelId, row.count]));
  }

  /**
   * What a README badge shows of one model, found by where it lives: one seek on the unique
   * (hub_id, repo_id) index and the license's primary key. Null when no such model (removed ones
   * are returned, with `removedAt`).
   */
  async modelBadge(hubId: string, repoId: string): Promise<ModelBadgeRow | null> {
    const result = await this.pool.query<ModelBadgeRow>(
      `SELECT m.openness_level AS "opennessLevel", l.category AS "licenseCategory", m.removed_at AS "removedAt"
       FROM models m LEFT JOIN licenses l ON l.id = m.license_id
       WHERE m.hub_id = $1 AND m.repo_id = $2`,
      [hubId, repoId],
    );
    return result.rows[0] ?? null;
  }
}

/** `modelBadge`'s row. */
export type ModelBadgeRow = Pick<ModelRow, 'opennessLevel' | 'removedAt'> & {
  readonly licenseCategory: LicenseRow['category'] | null;
};
