/**
 * Ingest: the one path by which hub data enters the catalog. A page of models is written with
 * set-based SQL (one statement per table, rows passed as one JSON array), in ONE transaction with
 * the crawl checkpoint and the change-log rows of the models whose normalized content changed.
 *
 * Raw SQL through the shared pool instead of Prisma because a page is 1,000 rows: a loop of
 * Prisma upserts is ~100x slower (measured with `catalog bench ingest`).
 *
 * Change-log order: change rows are inserted under a transaction-scoped advisory lock held until
 * commit, so ids are assigned in commit order and a reader following ids never skips a row that
 * commits late. The facet triggers on `models` (migration 20261127060000) take the same lock before
 * they touch the facet counts, so two pages in flight never lock count rows in opposite orders:
 * writes of models are serialized from their first facet change to commit.
 *
 * Every text and JSON value written here passes the one sanitizer (src/lib/text.ts) first, in
 * `storableModel` and `writeDetails`: a NUL or a lone surrogate from a hub (or a seed file) would
 * make Postgres refuse the whole page. Adapters clean what they validate and record it; what is
 * still changed here is recorded the same way, as `input.*` evidence on the model.
 */
import type pg from 'pg';
import { cleanJson, cleanNullableText, cleanText, TEXT_LIMITS, type TextChange } from '../lib/text.js';
import type { Evidence } from '../openness/types.js';
import {
  changeKind,
  contentHash,
  declaredSameAs,
  diffSnapshots,
  mirrorKeyOf,
  snapshotOf,
  type CatalogModel,
  type ChangeKind,
  type Snapshot,
  type SnapshotValue,
} from './catalog-model.js';

/** Advisory-lock key that orders change-log inserts (arbitrary constant, unique to this purpose). */
export const CHANGE_LOG_LOCK = 7_716_001;

export interface CommittedChange {
  readonly id: string;
  readonly modelId: string;
  readonly kind: ChangeKind;
}

export interface IngestCounts {
  created: number;
  updated: number;
  unchanged: number;
  restored: number;
}

export interface IngestResult extends IngestCounts {
  readonly changes: readonly CommittedChange[];
}

export interface IngestOptions {
  readonly crawlRunId?: string | null;
  readonly seenAt?: Date;
  /**
   * Runs first inside the transaction (e.g. advance a crawl checkpoint only if it is still at the
   * expected page). Returning false rolls everything back: the page was already committed.
   */
  readonly checkpoint?: (client: pg.PoolClient, counts: IngestCounts) => Promise<boolean>;
  /**
   * Reclassification: the models come from stored raw records, not from the hub, so they are not
   * "seen" (last-seen time and counters stay as they are) and unchanged models still get their
   * assessment rewritten under the current rules version.
   */
  readonly reclassify?: boolean;
  /** Instrumentation seam: runs after the change rows are inserted, just before COMMIT. */
  readonly beforeCommit?: () => Promise<void>;
  /** Enrichment: the details fetched for these models, stored beside their raw records. */
  readonly details?: readonly ModelDetail[];
}

/** What enrichment fetched for one model (`raw_records.detail`). */
export interface ModelDetail {
  readonly modelId: string;
  /** The commit the details describe: the model is enriched again when its sha moves. */
  readonly sha: string | null;
  readonly info: Record<string, unknown>;
  readonly readme: string | null;
  readonly licenseText: string | null;
}

/** At most this many `input.*` evidence items are added for what ingest had to clean. */
const MAX_CLEANING_EVIDENCE = 20;

/**
 * The model with every string storable: no NUL, no lone surrogate; identifiers and the values of
 * indexed columns (author, task, library, tags and the other lists) at most `TEXT_LIMITS.key` code
 * units, B-tree and GIN entries having a size limit; other strings, in JSON included, at most
 * `TEXT_LIMITS.field`. Clean input is returned as is. Each change becomes `input.binary` or
 * `input.truncated` evidence, as the adapters record what they clean.
 */
export function storableModel(model: CatalogModel): CatalogModel {
  const changes: TextChange[] = [];
  const cleaned = cleanJson(model, { maxLength: TEXT_LIMITS.field, changes });
  const key = (value: string, path: string) => {
    const text = cleanText(value, TEXT_LIMITS.key);
    if (text.length < value.length)
      changes.push({ path, issue: 'truncated', detail: `${value.length} chars truncated to ${TEXT_LIMITS.key}` });
    return text;
  };
  const nullableKey = (value: string | null, path: string) => (value === null ? null : key(value, path));
  const keys = (values: readonly string[], path: string) => values.map((value, i) => key(value, `${path}[${i}]`));
  const storable: CatalogModel = {
    ...cleaned,
    author: nullableKey(cleaned.author, 'author'),
    task: nullableKey(cleaned.task, 'task'),
    library: nullableKey(cleaned.library, 'library'),
    tags: keys(cleaned.tags, 'tags'),
    baseModels: keys(cleaned.baseModels, 'baseModels'),
    formats: keys(cleaned.formats, 'formats'),
    quantizations: keys(cleaned.quantizations, 'quantizations'),
    localApps: keys(cleaned.localApps, 'localApps'),
    inferenceProviders: keys(cleaned.inferenceProviders, 'inferenceProviders'),
    license: { ...cleaned.license, id: key(cleaned.license.id, 'license.id') },
  };
  if (changes.length === 0) return model;
  const evidence: Evidence[] = changes.slice(0, MAX_CLEANING_EVIDENCE).map((change) => ({
    dimension: 'input',
    status: 'TRUNCATED',
    source: cleanText(change.path, TEXT_LIMITS.key),
    value: change.detail,
    rule: `input.${change.issue}`,
  }));
  return { ...storable, openness: { ...storable.openness, evidence: [...storable.openness.evidence, ...evidence] } };
}

interface ExistingRow {
  id: string;
  content_hash: string;
  snapshot: Snapshot;
  removed_at: Date | null;
}

interface PendingChange {
  model_id: string;
  kind: ChangeKind;
  changed_fields: string[];
  before: Record<string, SnapshotValue> | null;
  after: Record<string, SnapshotValue> | null;
}

/** The `models` row of a catalog model (also the raw-limit benchmark's rows). */
export function modelRow(m: CatalogModel, snapshot: Snapshot, hash: string) {
  return {
    id: m.id,
    hub_id: m.hubId,
    repo_id: m.repoId,
    author: m.author,
    name: m.name,
    task: m.task,
    library: m.library,
    tags: m.tags,
    base_models: m.baseModels,
    sha: m.sha,
    gating: m.gating,
    license_id: m.license.id,
    license_hub_value: m.license.hubValue,
    parameter_count: m.parameterCount,
    downloads: m.downloads,
    downloads_all_time: m.downloadsAllTime,
    likes: m.likes,
    openness_level: m.openness.level,
    openness_score: m.openness.score,
    mof_class: m.openness.mofClass,
    weights_availability: m.openness.weights.availability,
    content_hash: hash,
    snapshot,
    created_at: m.createdAt,
    last_modified: m.lastModified,
    formats: m.formats,
    quantizations: m.quantizations,
    local_apps: m.localApps,
    inference_providers: m.inferenceProviders,
    spaces: m.spaces,
    base_model_relation: m.baseModelRelation,
    hub_data: m.hubData ?? null,
    same_as_declared: declaredSameAs(m),
    mirror_key: mirrorKeyOf(m),
  };
}

/** The `openness_assessments` row of a catalog model. */
export function assessmentRow({ id, openness: o }: CatalogModel) {
  return {
    model_id: id,
    rules_version: o.rulesVersion,
    level: o.level,
    score: o.score,
    mof_class: o.mofClass,
    missing_components: o.missingComponents,
    weights_availability: o.weights.availability,
    weights_formats: o.weights.formats,
    code_inference: o.code.inference,
    code_training: o.code.training,
    data_training: o.data.training,
    doc_model_card: o.documentation.modelCard,
    doc_paper: o.documentation.paper,
    doc_evaluation: o.documentation.evaluation,
    evidence: o.evidence,
  };
}

/**
 * Two pages that create the same new model at once both find it missing (there is no row to lock
 * yet) and both insert it. The second insert waits for the first to commit, then either takes
 * `ON CONFLICT (id)`'s update (when the primary key is the index it met first), which would leave
 * a second CREATED row, or fails with a unique violation (when it met the (hub_id, repo_id) index
 * first: ON CONFLICT arbitrates one index). Either way the page is rolled back and written again
 * from the start: the model exists by then, is locked like any other, and becomes an update. A
 * page chosen as a deadlock's victim (rows locked in id order, but new rows only at insert) is
 * written again too; its transaction left nothing behind.
 */
const MAX_WRITE_ATTEMPTS = 10;

class CreationRace extends Error {
  override readonly name = 'CreationRace';

  constructor() {
    super('a model this page creates was created meanwhile by another page');
  }
}

/** A page worth writing again: a creation race, or the victim of a deadlock (Postgres rolled it back). */
function isRetryable(error: unknown): boolean {
  if (error instanceof CreationRace) return true;
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code === '40P01') return true;
  return code === '23505' && (constraint === 'models_hub_id_repo_id_key' || constraint === 'models_pkey');
}

export class IngestRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Write one page. Returns null when the checkpoint refused it (already ingested). */
  async ingestPage(models: readonly CatalogModel[], options: IngestOptions = {}): Promise<IngestResult | null> {
    // Last occurrence wins within a page; sorted so concurrent pages lock rows in one order.
    const byId = new Map(models.map((model) => [model.id, storableModel(model)]));
    const page = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writePage(page, options);
      } catch (error) {
        if (attempt >= MAX_WRITE_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  private async writePage(page: readonly CatalogModel[], options: IngestOptions): Promise<IngestResult | null> {
    const seenAt = options.seenAt ?? new Date();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const existing = await this.lockExisting(
        client,
        page.map((model) => model.id),
      );

      const counts: IngestCounts = { created: 0, updated: 0, unchanged: 0, restored: 0 };
      const write: { model: CatalogModel; snapshot: Snapshot; hash: string }[] = [];
      const touch: CatalogModel[] = [];
      const changes: PendingChange[] = [];
      for (const model of page) {
        const snapshot = snapshotOf(model);
        const hash = contentHash(snapshot);
        const before = existing.get(model.id);
        const restored = before !== undefined && before.removed_at !== null;
        if (before && before.content_hash === hash && !restored) {
          counts.unchanged++;
          touch.push(model);
          continue;
        }
        write.push({ model, snapshot, hash });
        if (!before) {
          counts.created++;
          changes.push({
            model_id: model.id,
            kind: 'CREATED',
            changed_fields: Object.keys(snapshot),
            before: null,
            after: { ...snapshot },
          });
          continue;
        }
        const diff = diffSnapshots(before.snapshot, snapshot);
        if (restored) {
          counts.restored++;
          diff.changedFields.unshift('removedAt');
          diff.before['removedAt'] = before.removed_at?.toISOString() ?? null;
          diff.after['removedAt'] = null;
        } else {
          counts.updated++;
        }
        changes.push({
          model_id: model.id,
          kind: changeKind({ created: false, removed: false, restored, changedFields: diff.changedFields }),
          changed_fields: diff.changedFields,
          before: diff.before,
          after: diff.after,
        });
      }

      if (options.checkpoint && !(await options.checkpoint(client, counts))) {
        await client.query('ROLLBACK');
        return null;
      }
      await this.upsertLicenses(
        client,
        write.map((w) => w.model),
      );
      const reclassify = options.reclassify ?? false;
      const written = write.map((w) => w.model);
      const updated = await this.upsertModels(client, write, seenAt, reclassify);
      if (write.some(({ model }) => !existing.has(model.id) && updated.has(model.id))) throw new CreationRace();
      await this.upsertAssessments(client, reclassify ? [...written, ...touch] : written);
      if (!reclassify) {
        await this.upsertRawRecords(client, written, seenAt);
        await this.touchUnchanged(client, touch, seenAt);
      } else {
        await this.refreshDerived(client, touch);
      }
      await this.writeDetails(client, options.details ?? []);
      const committed = await this.appendChanges(client, changes, options.crawlRunId ?? null, seenAt);
      await options.beforeCommit?.();
      await client.query('COMMIT');
      return { ...counts, changes: committed };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Mark as removed every model of `hubId` not seen since `seenBefore` (call only after a
   * completed full sweep), in batches, each with its REMOVED change rows.
   */
  async markUnseenRemoved(
    hubId: string,
    seenBefore: Date,
    crawlRunId: string | null,
    batchSize = 5_000,
  ): Promise<CommittedChange[]> {
    const all: CommittedChange[] = [];
    for (;;) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const removedAt = new Date();
        const { rows } = await client.query<{ id: string }>(
          `UPDATE models SET removed_at = $3, updated_at = $3
           WHERE id IN (SELECT id FROM models WHERE hub_id = $1 AND removed_at IS NULL AND last_seen_at < $2
                        ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [hubId, seenBefore, removedAt, batchSize],
        );
        const committed = await this.appendChanges(
          client,
          rows.map((row) => ({
            model_id: row.id,
            kind: 'REMOVED' as const,
            changed_fields: ['removedAt'],
            before: { removedAt: null },
            after: { removedAt: removedAt.toISOString() },
          })),
          crawlRunId,
          removedAt,
        );
        await client.query('COMMIT');
        all.push(...committed);
        if (rows.length < batchSize) return all;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
  }

  private async lockExisting(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, ExistingRow>> {
    const { rows } = await client.query<ExistingRow>(
      'SELECT id, content_hash, snapshot, removed_at FROM models WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  private async upsertLicenses(client: pg.PoolClient, models: readonly CatalogModel[]): Promise<void> {
    const licenses = new Map(models.map((model) => [model.license.id, model.license]));
    if (licenses.size === 0) return;
    const rows = [...licenses.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((l) => ({
        id: l.id,
        name: l.name,
        url: l.url,
        category: l.category,
        commercial_use: l.commercialUse,
        osi_approved: l.osiApproved,
      }));
    // Insert new licenses; update an existing one only when it really differs. (ON CONFLICT DO
    // UPDATE would lock the shared row even when nothing changes, serializing every page that uses
    // a popular license.)
    const json = JSON.stringify(rows);
    const recordset = `jsonb_to_recordset($1::jsonb) AS r(id text, name text, url text, category text, commercial_use text, osi_approved boolean)`;
    await client.query(
      `INSERT INTO licenses (id, name, url, category, commercial_use, osi_approved)
       SELECT r.id, r.name, r.url, r.category::"LicenseCategory", r.commercial_use::"CommercialUse", r.osi_approved
       FROM ${recordset}
       ON CONFLICT (id) DO NOTHING`,
      [json],
    );
    await client.query(
      `UPDATE licenses AS l SET name = r.name, url = r.url, category = r.category::"LicenseCategory",
         commercial_use = r.commercial_use::"CommercialUse", osi_approved = r.osi_approved, updated_at = now()
       FROM ${recordset}
       WHERE l.id = r.id AND (l.name, l.url, l.category::text, l.commercial_use::text, l.osi_approved)
         IS DISTINCT FROM (r.name, r.url, r.category, r.commercial_use, r.osi_approved)`,
      [json],
    );
  }

  private async upsertModels(
    client: pg.PoolClient,
    write: readonly { model: CatalogModel; snapshot: Snapshot; hash: string }[],
    seenAt: Date,
    reclassify: boolean,
  ): Promise<Set<string>> {
    if (write.length === 0) return new Set();
    // Reclassifying from stored records: the counters there are old, and nothing was seen.
    const counters = reclassify
      ? ''
      : 'downloads = EXCLUDED.downloads, downloads_all_time = EXCLUDED.downloads_all_time, likes = EXCLUDED.likes,';
    const seen = reclassify ? '' : 'removed_at = NULL, last_seen_at = EXCLUDED.last_seen_at,';
    // Providers and Spaces churn like the counters (a stored record is as old as its last content
    // change); a record that does not list Spaces keeps the last count known.
    const serving = reclassify
      ? ''
      : 'inference_providers = EXCLUDED.inference_providers, spaces = coalesce(EXCLUDED.spaces, models.spaces), ' +
        'hub_data = EXCLUDED.hub_data, same_as_declared = EXCLUDED.same_as_declared,';
    const rows = write.map(({ model, snapshot, hash }) => modelRow(model, snapshot, hash));
    const { rows: written } = await client.query<{ id: string; updated: boolean }>(
      `INSERT INTO models (id, hub_id, repo_id, author, name, task, library, tags, base_models, sha, gating, license_id,
         license_hub_value, parameter_count, downloads, downloads_all_time, likes, openness_level, openness_score, mof_class,
         weights_availability, content_hash, snapshot, created_at, last_modified, removed_at, first_seen_at, last_seen_at, updated_at,
         formats, quantizations, local_apps, inference_providers, spaces, base_model_relation, hub_data, same_as_declared,
         mirror_key)
       SELECT r.id, r.hub_id, r.repo_id, r.author, r.name, r.task, r.library,
         ARRAY(SELECT jsonb_array_elements_text(r.tags)), ARRAY(SELECT jsonb_array_elements_text(r.base_models)),
         r.sha, r.gating::"Gating", r.license_id, r.license_hub_value, r.parameter_count, r.downloads, r.downloads_all_time,
         r.likes, r.openness_level::"OpennessLevel", r.openness_score, r.mof_class::"MofClass",
         r.weights_availability::"WeightsAvailability", r.content_hash, r.snapshot, r.created_at, r.last_modified, NULL, $2, $2, $2,
         ARRAY(SELECT jsonb_array_elements_text(r.formats)), ARRAY(SELECT jsonb_array_elements_text(r.quantizations)),
         ARRAY(SELECT jsonb_array_elements_text(r.local_apps)), ARRAY(SELECT jsonb_array_elements_text(r.inference_providers)),
         r.spaces, r.base_model_relation::"BaseModelRelation", r.hub_data,
         ARRAY(SELECT jsonb_array_elements_text(r.same_as_declared)), r.mirror_key
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, hub_id text, repo_id text, author text, name text, task text,
         library text, tags jsonb, base_models jsonb, sha text, gating text, license_id text, license_hub_value text,
         parameter_count bigint, downloads integer, downloads_all_time bigint, likes integer, openness_level text,
         openness_score double precision, mof_class text, weights_availability text, content_hash text, snapshot jsonb,
         created_at timestamptz, last_modified timestamptz, formats jsonb, quantizations jsonb, local_apps jsonb,
         inference_providers jsonb, spaces integer, base_model_relation text, hub_data jsonb, same_as_declared jsonb,
         mirror_key text)
       ON CONFLICT (id) DO UPDATE SET author = EXCLUDED.author, name = EXCLUDED.name, task = EXCLUDED.task,
         library = EXCLUDED.library, tags = EXCLUDED.tags, base_models = EXCLUDED.base_models, sha = EXCLUDED.sha,
         gating = EXCLUDED.gating, license_id = EXCLUDED.license_id, license_hub_value = EXCLUDED.license_hub_value,
         parameter_count = EXCLUDED.parameter_count, ${counters} openness_level = EXCLUDED.openness_level,
         openness_score = EXCLUDED.openness_score, mof_class = EXCLUDED.mof_class,
         weights_availability = EXCLUDED.weights_availability, content_hash = EXCLUDED.content_hash,
         snapshot = EXCLUDED.snapshot, created_at = EXCLUDED.created_at, last_modified = EXCLUDED.last_modified,
         formats = EXCLUDED.formats, quantizations = EXCLUDED.quantizations, local_apps = EXCLUDED.local_apps,
         base_model_relation = EXCLUDED.base_model_relation, mirror_key = EXCLUDED.mirror_key, ${serving}
         ${seen} updated_at = EXCLUDED.updated_at
       RETURNING id, (xmax <> 0) AS updated`,
      [JSON.stringify(rows), seenAt],
    );
    // A row version that replaced another was an update (its xmax holds the conflict's lock).
    return new Set(written.filter((row) => row.updated).map((row) => row.id));
  }

  private async upsertAssessments(client: pg.PoolClient, models: readonly CatalogModel[]): Promise<void> {
    if (models.length === 0) return;
    const rows = models.map(assessmentRow);
    await client.query(
      `INSERT INTO openness_assessments (model_id, rules_version, level, score, mof_class, missing_components,
         weights_availability, weights_formats, code_inference, code_training, data_training, doc_model_card, doc_paper,
         doc_evaluation, evidence, assessed_at)
       SELECT r.model_id, r.rules_version, r.level::"OpennessLevel", r.score, r.mof_class::"MofClass",
         ARRAY(SELECT jsonb_array_elements_text(r.missing_components)), r.weights_availability::"WeightsAvailability",
         ARRAY(SELECT jsonb_array_elements_text(r.weights_formats)), r.code_inference::"ComponentStatus",
         r.code_training::"ComponentStatus", r.data_training::"ComponentStatus", r.doc_model_card::"ComponentStatus",
         r.doc_paper::"ComponentStatus", r.doc_evaluation::"ComponentStatus", r.evidence, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(model_id text, rules_version text, level text, score double precision,
         mof_class text, missing_components jsonb, weights_availability text, weights_formats jsonb, code_inference text,
         code_training text, data_training text, doc_model_card text, doc_paper text, doc_evaluation text, evidence jsonb)
       ON CONFLICT (model_id) DO UPDATE SET rules_version = EXCLUDED.rules_version, level = EXCLUDED.level,
         score = EXCLUDED.score, mof_class = EXCLUDED.mof_class, missing_components = EXCLUDED.missing_components,
         weights_availability = EXCLUDED.weights_availability, weights_formats = EXCLUDED.weights_formats,
         code_inference = EXCLUDED.code_inference, code_training = EXCLUDED.code_training,
         data_training = EXCLUDED.data_training, doc_model_card = EXCLUDED.doc_model_card, doc_paper = EXCLUDED.doc_paper,
         doc_evaluation = EXCLUDED.doc_evaluation, evidence = EXCLUDED.evidence, assessed_at = EXCLUDED.assessed_at`,
      [JSON.stringify(rows)],
    );
  }

  private async upsertRawRecords(
    client: pg.PoolClient,
    models: readonly CatalogModel[],
    fetchedAt: Date,
  ): Promise<void> {
    if (models.length === 0) return;
    await client.query(
      `INSERT INTO raw_records (model_id, payload, fetched_at)
       SELECT r.model_id, r.payload, $2 FROM jsonb_to_recordset($1::jsonb) AS r(model_id text, payload jsonb)
       ON CONFLICT (model_id) DO UPDATE SET payload = EXCLUDED.payload, fetched_at = EXCLUDED.fetched_at`,
      [JSON.stringify(models.map((m) => ({ model_id: m.id, payload: m.raw }))), fetchedAt],
    );
  }

  /** Enrichment details beside the raw records (written by the listing, so they exist). */
  private async writeDetails(client: pg.PoolClient, details: readonly ModelDetail[]): Promise<void> {
    if (details.length === 0) return;
    const rows = details.map((d) => ({
      model_id: d.modelId,
      detail: {
        sha: cleanNullableText(d.sha, TEXT_LIMITS.key),
        info: cleanJson(d.info),
        readme: cleanNullableText(d.readme, TEXT_LIMITS.document),
        licenseText: cleanNullableText(d.licenseText, TEXT_LIMITS.document),
      },
    }));
    await client.query(
      `UPDATE raw_records AS r SET detail = d.detail, enriched_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS d(model_id text, detail jsonb) WHERE r.model_id = d.model_id`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Reclassification of unchanged models: what the rules derive from the stored record outside the
   * snapshot (quantizations, base-model relation) follows the rules; counters, providers and
   * Spaces do not move (the stored record is older than the last sighting).
   */
  private async refreshDerived(client: pg.PoolClient, models: readonly CatalogModel[]): Promise<void> {
    if (models.length === 0) return;
    await client.query(
      `UPDATE models AS m SET quantizations = ARRAY(SELECT jsonb_array_elements_text(r.quantizations)),
         base_model_relation = r.base_model_relation::"BaseModelRelation"
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, quantizations jsonb, base_model_relation text)
       WHERE m.id = r.id AND (m.quantizations, m.base_model_relation::text)
         IS DISTINCT FROM (ARRAY(SELECT jsonb_array_elements_text(r.quantizations)), r.base_model_relation)`,
      [
        JSON.stringify(
          models.map((m) => ({ id: m.id, quantizations: m.quantizations, base_model_relation: m.baseModelRelation })),
        ),
      ],
    );
  }

  /**
   * Unchanged models: only the volatile counters, the deployment facts that live outside the
   * snapshot (quantizations, base-model relation, local apps, inference providers, Spaces) and the
   * last-seen time move.
   */
  private async touchUnchanged(client: pg.PoolClient, models: readonly CatalogModel[], seenAt: Date): Promise<void> {
    if (models.length === 0) return;
    await client.query(
      `UPDATE models AS m SET last_seen_at = $2, downloads = r.downloads, likes = r.likes, downloads_all_time = r.downloads_all_time,
         quantizations = ARRAY(SELECT jsonb_array_elements_text(r.quantizations)),
         base_model_relation = r.base_model_relation::"BaseModelRelation",
         local_apps = ARRAY(SELECT jsonb_array_elements_text(r.local_apps)),
         inference_providers = ARRAY(SELECT jsonb_array_elements_text(r.inference_providers)),
         spaces = coalesce(r.spaces, m.spaces), hub_data = r.hub_data,
         same_as_declared = ARRAY(SELECT jsonb_array_elements_text(r.same_as_declared)), mirror_key = r.mirror_key
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, downloads integer, likes integer, downloads_all_time bigint,
         quantizations jsonb, base_model_relation text, local_apps jsonb, inference_providers jsonb, spaces integer,
         hub_data jsonb, same_as_declared jsonb, mirror_key text)
       WHERE m.id = r.id`,
      [
        JSON.stringify(
          models.map((m) => ({
            id: m.id,
            downloads: m.downloads,
            likes: m.likes,
            downloads_all_time: m.downloadsAllTime,
            quantizations: m.quantizations,
            base_model_relation: m.baseModelRelation,
            local_apps: m.localApps,
            inference_providers: m.inferenceProviders,
            spaces: m.spaces,
            hub_data: m.hubData ?? null,
            same_as_declared: declaredSameAs(m),
            mirror_key: mirrorKeyOf(m),
          })),
        ),
        seenAt,
      ],
    );
  }

  private async appendChanges(
    client: pg.PoolClient,
    changes: readonly PendingChange[],
    crawlRunId: string | null,
    occurredAt: Date,
  ): Promise<CommittedChange[]> {
    if (changes.length === 0) return [];
    // Held until COMMIT: ids are handed out in commit order (see the module comment).
    await client.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
    const { rows } = await client.query<{ id: string; model_id: string; kind: ChangeKind }>(
      // The model's state after the change rides along for change filters (migration 20261127070000).
      `INSERT INTO model_changes (model_id, kind, changed_fields, before, after, occurred_at, crawl_run_id,
         hub_id, author, license_id, license_category, openness_level)
       SELECT r.model_id, r.kind::"ChangeKind", ARRAY(SELECT jsonb_array_elements_text(r.changed_fields)), r.before, r.after, $2, $3,
         m.hub_id, m.author, m.license_id, l.category, m.openness_level
       FROM jsonb_to_recordset($1::jsonb) AS r(model_id text, kind text, changed_fields jsonb, before jsonb, after jsonb)
       JOIN models m ON m.id = r.model_id
       LEFT JOIN licenses l ON l.id = m.license_id
       ORDER BY r.model_id
       RETURNING id::text, model_id, kind`,
      [JSON.stringify(changes), occurredAt, crawlRunId],
    );
    return rows.map((row) => ({ id: row.id, modelId: row.model_id, kind: row.kind }));
  }
}
