-- Deployment and ecosystem (DESIGN.md): what it takes to run a model and how much builds on it.
--
-- `models` gains the deployment facts ingest writes (formats, quantizations, local apps, live
-- inference providers, Spaces) and the model's relation to its base models. `model_lineage_counts`
-- holds, per base model, how many listed catalog models derive from it, by relation: kept EXACT by
-- the statement-level triggers below, whatever statement writes `models`.
--
-- Trigger design:
-- - Set-based: AFTER … FOR EACH STATEMENT with transition tables, so a page of 1,000 models costs
--   one upsert into the counts, not 1,000.
-- - A base is `<hub_id>:<base repo id>` whether or not the catalog holds it: its counts are right
--   the moment it arrives. A model listing itself as its own base is not its own derivative.
-- - Only listed models count (`removed_at IS NULL`): removal subtracts, a restore adds back.
-- - Base `models` rows are never updated: ingest locks model rows FOR UPDATE page by page, and a
--   trigger writing base rows would make two pages in flight deadlock on each other's rows.
-- - Counts rows are locked in one deterministic order (ORDER BY the key), in ONE upsert per
--   transaction's statement. `INSERT … ON CONFLICT DO UPDATE` fires the AFTER UPDATE statement
--   trigger (for the updated rows) and then the AFTER INSERT one (for the inserted rows): applied
--   separately, two such statements in flight could each lock half of the other's keys and
--   deadlock. So the BEFORE INSERT statement trigger opens a transaction-local stash
--   (`catalog.lineage_pending`, a GUC set with is_local), the UPDATE part adds its deltas to it, and
--   the AFTER INSERT trigger applies stash and inserted rows together, sorted. Any other UPDATE or
--   DELETE applies its own deltas at once.
-- - TRUNCATE of `models` empties the counts.

-- CreateEnum
CREATE TYPE "BaseModelRelation" AS ENUM ('FINETUNE', 'ADAPTER', 'QUANTIZED', 'MERGE');

-- AlterTable
ALTER TABLE "models" ADD COLUMN "formats" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "quantizations" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "local_apps" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "inference_providers" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "spaces" INTEGER,
ADD COLUMN "base_model_relation" "BaseModelRelation";

-- CreateTable
CREATE TABLE "model_lineage_counts" (
    "model_id" TEXT NOT NULL,
    "finetunes" INTEGER NOT NULL DEFAULT 0,
    "adapters" INTEGER NOT NULL DEFAULT 0,
    "quantizations" INTEGER NOT NULL DEFAULT 0,
    "merges" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "model_lineage_counts_pkey" PRIMARY KEY ("model_id")
);

-- Backfill what the catalog already knows (the rest — quantizations, local apps, providers, Spaces
-- — is written on each model's next sighting). ADD COLUMN above holds the table's ACCESS EXCLUSIVE
-- lock until commit, so no write can slip between these counts and the triggers that maintain them.
UPDATE "models" AS m SET "formats" = a."weights_formats"
FROM "openness_assessments" AS a
WHERE a."model_id" = m."id" AND cardinality(a."weights_formats") > 0;

-- The relation from the Hub's `base_model:<relation>:<id>` tags (ingest refines it on the next
-- sighting from card data, or infers it as the Hub does when no tag says).
UPDATE "models" AS m SET "base_model_relation" = r."relation"::"BaseModelRelation"
FROM (
  SELECT m2."id", (
    SELECT upper(substring(t FROM '^base_model:(finetune|adapter|quantized|merge):.'))
    FROM unnest(m2."tags") AS t
    WHERE t ~ '^base_model:(finetune|adapter|quantized|merge):.'
    ORDER BY t LIMIT 1
  ) AS "relation"
  FROM "models" AS m2
  WHERE cardinality(m2."base_models") > 0
) AS r
WHERE r."id" = m."id" AND r."relation" IS NOT NULL;

-- One models row's contributions to the counts: one row per distinct base other than itself, each
-- counted `weight` times (1 when the row appears, -1 when it goes).
CREATE FUNCTION model_lineage_of(hub text, repo text, bases text[], relation "BaseModelRelation", weight integer)
RETURNS TABLE (base_id text, finetunes integer, adapters integer, quantizations integer, merges integer, total integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT hub || ':' || b.base,
    CASE WHEN relation = 'FINETUNE' THEN weight ELSE 0 END,
    CASE WHEN relation = 'ADAPTER' THEN weight ELSE 0 END,
    CASE WHEN relation = 'QUANTIZED' THEN weight ELSE 0 END,
    CASE WHEN relation = 'MERGE' THEN weight ELSE 0 END,
    weight
  FROM (SELECT DISTINCT unnest(bases)) AS b(base)
  WHERE b.base <> repo
$$;

-- Add signed contributions (a JSON array of model_lineage_of rows) to the counts: net per base,
-- bases whose net is zero untouched, rows locked in key order.
CREATE FUNCTION model_lineage_apply(deltas jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "model_lineage_counts" AS c ("model_id", "finetunes", "adapters", "quantizations", "merges", "total")
  SELECT d.base_id, sum(d.finetunes), sum(d.adapters), sum(d.quantizations), sum(d.merges), sum(d.total)
  FROM jsonb_to_recordset(deltas)
    AS d(base_id text, finetunes integer, adapters integer, quantizations integer, merges integer, total integer)
  GROUP BY d.base_id
  HAVING sum(d.finetunes) <> 0 OR sum(d.adapters) <> 0 OR sum(d.quantizations) <> 0 OR sum(d.merges) <> 0
    OR sum(d.total) <> 0
  ORDER BY d.base_id
  ON CONFLICT ("model_id") DO UPDATE SET
    "finetunes" = c."finetunes" + EXCLUDED."finetunes",
    "adapters" = c."adapters" + EXCLUDED."adapters",
    "quantizations" = c."quantizations" + EXCLUDED."quantizations",
    "merges" = c."merges" + EXCLUDED."merges",
    "total" = c."total" + EXCLUDED."total"
$$;

CREATE FUNCTION models_lineage_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Open the stash for this INSERT's ON CONFLICT DO UPDATE part (see the top of this file).
  PERFORM set_config('catalog.lineage_pending', '[]', true);
  RETURN NULL;
END
$$;

CREATE FUNCTION models_lineage_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pending jsonb := nullif(current_setting('catalog.lineage_pending', true), '')::jsonb;
  deltas jsonb;
BEGIN
  PERFORM set_config('catalog.lineage_pending', '', true);
  SELECT jsonb_agg(l) INTO deltas
  FROM new_rows AS n
  CROSS JOIN LATERAL model_lineage_of(n."hub_id", n."repo_id", n."base_models", n."base_model_relation", 1) AS l
  WHERE n."removed_at" IS NULL;
  deltas := coalesce(pending, '[]'::jsonb) || coalesce(deltas, '[]'::jsonb);
  IF jsonb_array_length(deltas) > 0 THEN
    PERFORM model_lineage_apply(deltas);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION models_lineage_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pending text := current_setting('catalog.lineage_pending', true);
  deltas jsonb;
BEGIN
  -- Net per base: rows whose lineage did not change (counters, card summaries) cancel out here.
  SELECT jsonb_agg(d) INTO deltas
  FROM (
    SELECT l.base_id, sum(l.finetunes) AS finetunes, sum(l.adapters) AS adapters,
      sum(l.quantizations) AS quantizations, sum(l.merges) AS merges, sum(l.total) AS total
    FROM (
      SELECT l.* FROM old_rows AS o
      CROSS JOIN LATERAL model_lineage_of(o."hub_id", o."repo_id", o."base_models", o."base_model_relation", -1) AS l
      WHERE o."removed_at" IS NULL
      UNION ALL
      SELECT l.* FROM new_rows AS n
      CROSS JOIN LATERAL model_lineage_of(n."hub_id", n."repo_id", n."base_models", n."base_model_relation", 1) AS l
      WHERE n."removed_at" IS NULL
    ) AS l
    GROUP BY l.base_id
    HAVING sum(l.finetunes) <> 0 OR sum(l.adapters) <> 0 OR sum(l.quantizations) <> 0 OR sum(l.merges) <> 0
      OR sum(l.total) <> 0
  ) AS d;
  IF deltas IS NULL THEN
    RETURN NULL;
  END IF;
  IF pending <> '' THEN
    -- The UPDATE part of an INSERT … ON CONFLICT DO UPDATE: its AFTER INSERT trigger applies these.
    PERFORM set_config('catalog.lineage_pending', (pending::jsonb || deltas)::text, true);
  ELSE
    PERFORM model_lineage_apply(deltas);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION models_lineage_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  deltas jsonb;
BEGIN
  SELECT jsonb_agg(l) INTO deltas
  FROM old_rows AS o
  CROSS JOIN LATERAL model_lineage_of(o."hub_id", o."repo_id", o."base_models", o."base_model_relation", -1) AS l
  WHERE o."removed_at" IS NULL;
  IF deltas IS NOT NULL THEN
    PERFORM model_lineage_apply(deltas);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION models_lineage_after_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- DELETE, not TRUNCATE: the same TRUNCATE statement may be emptying the counts table already.
  DELETE FROM "model_lineage_counts";
  RETURN NULL;
END
$$;

-- Counts of the rows as they stand now, then the triggers that keep them.
INSERT INTO "model_lineage_counts" ("model_id", "finetunes", "adapters", "quantizations", "merges", "total")
SELECT l.base_id, sum(l.finetunes), sum(l.adapters), sum(l.quantizations), sum(l.merges), sum(l.total)
FROM "models" AS m
CROSS JOIN LATERAL model_lineage_of(m."hub_id", m."repo_id", m."base_models", m."base_model_relation", 1) AS l
WHERE m."removed_at" IS NULL
GROUP BY l.base_id;

CREATE TRIGGER "models_lineage_before_insert" BEFORE INSERT ON "models"
  FOR EACH STATEMENT EXECUTE FUNCTION models_lineage_before_insert();
CREATE TRIGGER "models_lineage_after_insert" AFTER INSERT ON "models"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION models_lineage_after_insert();
CREATE TRIGGER "models_lineage_after_update" AFTER UPDATE ON "models"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION models_lineage_after_update();
CREATE TRIGGER "models_lineage_after_delete" AFTER DELETE ON "models"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION models_lineage_after_delete();
CREATE TRIGGER "models_lineage_after_truncate" AFTER TRUNCATE ON "models"
  FOR EACH STATEMENT EXECUTE FUNCTION models_lineage_after_truncate();

-- Indexes last, over the backfilled values.
-- `orderBy: DOWNLOADS_ALL_TIME` (keyset over (key, id), nulls read as their own segment).
-- CreateIndex
CREATE INDEX "models_downloads_all_time_id_idx" ON "models"("downloads_all_time", "id");

-- `filter: { formats }` (array overlap).
-- CreateIndex
CREATE INDEX "models_formats_idx" ON "models" USING GIN ("formats");

-- `orderBy: DERIVATIVES` (keyset over (total, model id)).
-- CreateIndex
CREATE INDEX "model_lineage_counts_total_model_id_idx" ON "model_lineage_counts"("total", "model_id");
