/**
 * The read side of `stats`, `licenses`, `License.modelCount` and the `Hub` fields: raw SQL through
 * the shared pool (facets.sql.ts builds the facet statements), one statement per method whatever
 * the number of ids, so the request's loaders keep its statement count constant.
 */
import type pg from 'pg';
import type { CrawlRun } from '../generated/prisma/client.js';
import type { CommercialUse, LicenseCategory } from '../openness/types.js';
import type { LicenseRow } from './catalog.rows.js';
import { facetsSql, opennessChangesSql, type FacetRow, type OpennessChangeRow, type TimeUnit } from './facets.sql.js';
import type { ModelsFilter } from './models.filter.js';
import { searchTermsOf } from './search-terms.repository.js';

export interface LicensesFilter {
  readonly categories: readonly LicenseCategory[];
  readonly commercialUse: readonly CommercialUse[];
  readonly osiApproved: boolean | null;
  /** A case-insensitive substring of the id or the name. */
  readonly search: string | null;
}

export interface LicenseWithCount extends LicenseRow {
  readonly modelCount: number;
}

export interface HubCrawlRuns {
  readonly hubId: string;
  readonly last: CrawlRun | null;
  readonly lastCompleted: CrawlRun | null;
}

const LICENSE_COLUMNS = `l.id, l.name, l.url, l.category, l.commercial_use AS "commercialUse", l.osi_approved AS "osiApproved"`;

/** `LIKE` pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A `crawl_runs` row as the pool returns it: int8 as text, the rest as Prisma has them. */
type CrawlRunRow = Omit<CrawlRun, 'id' | 'rateLimitWaitMs'> & { id: string; rateLimitWaitMs: string };

const CRAWL_RUN_COLUMNS = `id::text AS id, hub_id AS "hubId", mode, status, trigger, cursor, watermark,
  max_models AS "maxModels", pages, models_seen AS "modelsSeen", models_created AS "modelsCreated",
  models_updated AS "modelsUpdated", models_unchanged AS "modelsUnchanged", models_removed AS "modelsRemoved",
  models_quarantined AS "modelsQuarantined", requests, throttled, rate_limit_wait_ms::text AS "rateLimitWaitMs",
  errors, last_error AS "lastError", started_at AS "startedAt", heartbeat_at AS "heartbeatAt", finished_at AS "finishedAt"`;

export class StatsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Every facet of the filter's models, unsorted (facets.sql.ts). */
  async facets(filter: ModelsFilter): Promise<FacetRow[]> {
    const statement = facetsSql(await searchTermsOf(this.pool).expandFilter(filter));
    const result = await this.pool.query<FacetRow>(statement.text, [...statement.values]);
    return result.rows;
  }

  /** Net change per bucket and level before `end`; changes before `start` in a null bucket. */
  async opennessChanges(
    filter: ModelsFilter,
    unit: TimeUnit,
    start: Date | null,
    end: Date,
  ): Promise<OpennessChangeRow[]> {
    const statement = opennessChangesSql(await searchTermsOf(this.pool).expandFilter(filter), unit, start, end);
    const result = await this.pool.query<OpennessChangeRow>(statement.text, [...statement.values]);
    return result.rows;
  }

  /** Licenses matching the filter with their listed-model counts (facet totals), most used first. */
  async licenses(filter: LicensesFilter): Promise<LicenseWithCount[]> {
    const values: unknown[] = [];
    const where: string[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    if (filter.categories.length > 0) where.push(`l.category = ANY(${add(filter.categories)}::"LicenseCategory"[])`);
    if (filter.commercialUse.length > 0)
      where.push(`l.commercial_use = ANY(${add(filter.commercialUse)}::"CommercialUse"[])`);
    if (filter.osiApproved !== null) where.push(`l.osi_approved = ${add(filter.osiApproved)}::boolean`);
    if (filter.search !== null) {
      const pattern = add(containing(filter.search));
      where.push(`(l.id ILIKE ${pattern} OR l.name ILIKE ${pattern})`);
    }
    const result = await this.pool.query<LicenseWithCount>(
      `SELECT ${LICENSE_COLUMNS}, coalesce(c.n, 0)::int AS "modelCount"
       FROM licenses l
       LEFT JOIN (
         SELECT value AS license_id, sum(model_count) AS n FROM model_facet_totals
         WHERE facet = 'license' AND NOT removed GROUP BY value
       ) c ON c.license_id = l.id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY "modelCount" DESC, l.id COLLATE "C"`,
      values,
    );
    return result.rows;
  }

  /** Listed models per license id (ids without any are absent). */
  licenseModelCounts(licenseIds: readonly string[]): Promise<Map<string, number>> {
    return this.listedModelCounts('value', licenseIds);
  }

  /** Listed models per hub id (hubs without any are absent). */
  hubModelCounts(hubIds: readonly string[]): Promise<Map<string, number>> {
    return this.listedModelCounts('hub_id', hubIds);
  }

  /** Listed models per value of `column` of the license facet's totals (license id, or hub id). */
  private async listedModelCounts(column: 'value' | 'hub_id', ids: readonly string[]): Promise<Map<string, number>> {
    const result = await this.pool.query<{ id: string; n: number }>(
      `SELECT ${column} AS id, sum(model_count)::int AS n FROM model_facet_totals
       WHERE facet = 'license' AND NOT removed AND ${column} = ANY($1::text[]) GROUP BY ${column}`,
      [ids],
    );
    return new Map(result.rows.map((row) => [row.id, row.n]));
  }

  /**
   * Each hub's most recent crawl run and most recent completed one (by start): two seeks per hub
   * on the (hub_id, started_at DESC) index.
   */
  async lastCrawlRuns(hubIds: readonly string[]): Promise<HubCrawlRuns[]> {
    const latest = (which: string, condition: string) =>
      `SELECT '${which}' AS which, r.* FROM unnest($1::text[]) AS h(id)
       CROSS JOIN LATERAL (SELECT ${CRAWL_RUN_COLUMNS} FROM crawl_runs
         WHERE hub_id = h.id${condition} ORDER BY started_at DESC, id DESC LIMIT 1) r`;
    const result = await this.pool.query<CrawlRunRow & { which: 'last' | 'completed' }>(
      `${latest('last', '')}\nUNION ALL\n${latest('completed', " AND status = 'COMPLETED'")}`,
      [hubIds],
    );
    const runs = new Map<string, { last: CrawlRun | null; lastCompleted: CrawlRun | null }>();
    for (const { which, ...row } of result.rows) {
      const entry = runs.get(row.hubId) ?? { last: null, lastCompleted: null };
      const run: CrawlRun = { ...row, id: BigInt(row.id), rateLimitWaitMs: BigInt(row.rateLimitWaitMs) };
      if (which === 'last') entry.last = run;
      else entry.lastCompleted = run;
      runs.set(row.hubId, entry);
    }
    return hubIds.map((hubId) => ({ hubId, ...(runs.get(hubId) ?? { last: null, lastCompleted: null }) }));
  }
}
