/**
 * The catalog's read side for the API: raw SQL through the shared pool (not Prisma), because pages
 * are keyset seeks and the loaders batch by arrays of ids; every method is one statement whatever
 * the number of ids, which is what keeps a page's statement count constant.
 */
import type pg from 'pg';
import { ReferenceRepository } from '../../openness/references/reference.repository.js';
import type {
  AssessmentRow,
  ChangeRow,
  HubUrlRow,
  LicenseRow,
  ModelPageRow,
  ModelRow,
  ReferenceRow,
} from './catalog.rows.js';
import { MODEL_COLUMNS, modelsSql } from './models.sql.js';
import type { ModelsQuery } from './models.query.js';

const CHANGE_COLUMNS = `c.id::text AS id, c.model_id AS "modelId", c.kind, c.occurred_at AS "occurredAt",
  coalesce(c.changed_fields, '{}') AS "changedFields", c.before, c.after`;

export class CatalogReadRepository {
  private readonly references: ReferenceRepository;

  constructor(private readonly pool: pg.Pool) {
    this.references = new ReferenceRepository(pool);
  }

  /** `size + 1` rows of the page in scan order (see models.sql.ts). */
  async modelsPage(query: ModelsQuery): Promise<ModelPageRow[]> {
    const { page } = modelsSql(query);
    const result = await this.pool.query<ModelPageRow>(page.text, [...page.values]);
    return result.rows;
  }

  async modelsCount(query: ModelsQuery): Promise<number> {
    const { count } = modelsSql(query);
    const result = await this.pool.query<{ totalCount: number }>(count.text, [...count.values]);
    return result.rows[0]?.totalCount ?? 0;
  }

  async modelsByIds(ids: readonly string[]): Promise<ModelRow[]> {
    const result = await this.pool.query<ModelRow>(
      `SELECT ${MODEL_COLUMNS} FROM models m WHERE m.id = ANY($1::text[])`,
      [ids],
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
}
