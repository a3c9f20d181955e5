-- Dashboard facets (`Query.stats`, `License.modelCount`, `Hub.modelCount`, and `models { totalCount }`
-- for filters on facet columns only), maintained by the database itself so that every writer of
-- `models` and `model_changes` keeps them exact, in the same transaction as its write.
--
-- `model_facet_counts`: the facet cube. One row per combination of the facet columns of `models`
-- (hub, license id, openness level, MOF class, weights availability, gating, task, library, removed)
-- with how many models have it: about 10,000 rows for a million generated models, so a facet
-- GROUP BY or a COUNT of a facet filter reads the cube instead of the models. License category,
-- commercial use and OSI approval are NOT columns: a `licenses` row can change, so they are derived
-- from `license_id` when the cube is read.
--
-- `model_facet_totals`: the cube rolled up to one facet at a time, per hub and removed flag (one
-- row per facet value: a few hundred rows), so that the dashboard's usual question, the whole
-- catalog (or one hub), reads those instead of the whole cube. Maintained from the same deltas.
--
-- `openness_daily_changes`: the net change, per UTC day, hub and openness level, in the number of
-- catalog models at that level, from the change log. `stats { opennessOverTime }` sums it instead
-- of replaying `model_changes`. `listed_delta` counts listed models (a REMOVED row leaves the
-- count, a RESTORED row re-enters it); `all_delta` counts removed ones too.
--
-- All three are kept by statement-level AFTER triggers over transition tables: set-based upserts
-- of the NET deltas per statement (a row whose facet columns did not change, such as a re-crawl that
-- only moves downloads, cancels out and costs no write), keys in a fixed order, rows that reach
-- zero deleted. Writers serialize on the change log's transaction-scoped advisory lock
-- (7716001 = CHANGE_LOG_LOCK in src/catalog/ingest.repository.ts) from their first facet write to
-- their commit: an ingest page writes cube rows from two statements' triggers (the INSERT and the
-- UPDATE half of its upsert), so two pages could otherwise lock the same hot rows in opposite
-- orders and deadlock. Hot rows (the big hub / license / level combinations) are written by nearly
-- every page anyway, so exact counts serialize those writers whatever the locking; taking the one
-- lock the page takes at its end anyway adds no new lock order.
--
-- `catalog_facets_rebuild()` recomputes all three from `models` and `model_changes` (the backfill
-- below; also a repair tool).

-- CreateTable
CREATE TABLE "model_facet_counts" (
    "id" BIGSERIAL NOT NULL,
    "removed" BOOLEAN NOT NULL,
    "license_id" TEXT,
    "openness_level" "OpennessLevel",
    "hub_id" TEXT NOT NULL,
    "mof_class" "MofClass",
    "weights_availability" "WeightsAvailability",
    "gating" "Gating",
    "task" TEXT,
    "library" TEXT,
    "model_count" INTEGER NOT NULL,

    CONSTRAINT "model_facet_counts_pkey" PRIMARY KEY ("id")
);

-- One row per combination, NULL being a value like any other (no task, no library, no gating).
-- The leading columns serve the headline filters (listed models by license and level).
-- CreateIndex
CREATE UNIQUE INDEX "model_facet_counts_key" ON "model_facet_counts"("removed", "license_id", "openness_level", "hub_id", "mof_class", "weights_availability", "gating", "task", "library") NULLS NOT DISTINCT;

-- CreateTable
CREATE TABLE "model_facet_totals" (
    "id" BIGSERIAL NOT NULL,
    "removed" BOOLEAN NOT NULL,
    "hub_id" TEXT NOT NULL,
    "facet" TEXT NOT NULL,
    "value" TEXT,
    "model_count" INTEGER NOT NULL,

    CONSTRAINT "model_facet_totals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "model_facet_totals_key" ON "model_facet_totals"("removed", "hub_id", "facet", "value") NULLS NOT DISTINCT;

-- A cube row's values, one row per facet of `model_facet_totals` (facet names as the API's code
-- names them, values as text).
CREATE FUNCTION model_facet_values(c "model_facet_counts") RETURNS TABLE ("facet" text, "value" text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES ('license', c."license_id"), ('opennessLevel', c."openness_level"::text), ('mofClass', c."mof_class"::text),
    ('weights', c."weights_availability"::text), ('task', c."task"), ('library', c."library")
$$;

-- CreateTable
CREATE TABLE "openness_daily_changes" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "hub_id" TEXT NOT NULL,
    "openness_level" "OpennessLevel" NOT NULL,
    "listed_delta" INTEGER NOT NULL,
    "all_delta" INTEGER NOT NULL,

    CONSTRAINT "openness_daily_changes_pkey" PRIMARY KEY ("day", "hub_id", "openness_level")
);

-- Add net deltas to the totals and the cube (called by the trigger below with at most one delta
-- per cube key): totals first, each upsert in key order. A count below zero means they missed
-- writes (triggers bypassed): the writer fails rather than let wrong numbers be served. (Not a
-- CHECK constraint: Postgres checks the row an upsert proposes, a negative delta, before it finds
-- the conflict.)
CREATE FUNCTION model_facet_counts_apply(delta "model_facet_counts"[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  emptied bigint[];
  negative boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(7716001);
  WITH upserted AS (
    INSERT INTO "model_facet_totals" AS t ("removed", "hub_id", "facet", "value", "model_count")
    SELECT d."removed", d."hub_id", v."facet", v."value", sum(d."model_count")::int
    FROM unnest(delta) AS d
    CROSS JOIN LATERAL model_facet_values(d) AS v
    GROUP BY 1, 2, 3, 4
    HAVING sum(d."model_count") <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ("removed", "hub_id", "facet", "value") DO UPDATE SET "model_count" = t."model_count" + EXCLUDED."model_count"
    RETURNING t."id", t."model_count"
  )
  SELECT array_agg("id") FILTER (WHERE "model_count" = 0), bool_or("model_count" < 0)
  INTO emptied, negative
  FROM upserted;
  IF negative THEN
    RAISE EXCEPTION 'model_facet_totals would go below zero: the facet totals are out of step with models'
      USING HINT = 'Rebuild them: SELECT catalog_facets_rebuild();';
  END IF;
  IF emptied IS NOT NULL THEN
    DELETE FROM "model_facet_totals" WHERE "id" = ANY(emptied) AND "model_count" = 0;
  END IF;

  WITH upserted AS (
    INSERT INTO "model_facet_counts" AS f ("removed", "license_id", "openness_level", "hub_id", "mof_class",
      "weights_availability", "gating", "task", "library", "model_count")
    SELECT d."removed", d."license_id", d."openness_level", d."hub_id", d."mof_class", d."weights_availability",
      d."gating", d."task", d."library", d."model_count"
    FROM unnest(delta) AS d
    ORDER BY d."removed", d."license_id", d."openness_level", d."hub_id", d."mof_class", d."weights_availability",
      d."gating", d."task", d."library"
    ON CONFLICT ("removed", "license_id", "openness_level", "hub_id", "mof_class", "weights_availability", "gating",
      "task", "library")
    DO UPDATE SET "model_count" = f."model_count" + EXCLUDED."model_count"
    RETURNING f."id", f."model_count"
  )
  SELECT array_agg("id") FILTER (WHERE "model_count" = 0), bool_or("model_count" < 0)
  INTO emptied, negative
  FROM upserted;
  IF negative THEN
    RAISE EXCEPTION 'model_facet_counts would go below zero: the facet cube is out of step with models'
      USING HINT = 'Rebuild it: SELECT catalog_facets_rebuild();';
  END IF;
  IF emptied IS NOT NULL THEN
    DELETE FROM "model_facet_counts" WHERE "id" = ANY(emptied) AND "model_count" = 0;
  END IF;
END
$$;

-- The statement's net delta per key: +1 per new row, -1 per old row; keys that cancel are dropped.
CREATE FUNCTION model_facet_counts_maintain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta "model_facet_counts"[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW(NULL, r."removed", r."license_id", r."openness_level", r."hub_id", r."mof_class",
        r."weights_availability", r."gating", r."task", r."library", r."n")::"model_facet_counts")
    INTO delta
    FROM (
      SELECT n."removed_at" IS NOT NULL AS "removed", n."license_id", n."openness_level", n."hub_id", n."mof_class",
        n."weights_availability", n."gating", n."task", n."library", count(*)::int AS "n"
      FROM new_rows n
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) r;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW(NULL, r."removed", r."license_id", r."openness_level", r."hub_id", r."mof_class",
        r."weights_availability", r."gating", r."task", r."library", r."n")::"model_facet_counts")
    INTO delta
    FROM (
      SELECT o."removed_at" IS NOT NULL AS "removed", o."license_id", o."openness_level", o."hub_id", o."mof_class",
        o."weights_availability", o."gating", o."task", o."library", -count(*)::int AS "n"
      FROM old_rows o
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) r;
  ELSE
    SELECT array_agg(ROW(NULL, r."removed", r."license_id", r."openness_level", r."hub_id", r."mof_class",
        r."weights_availability", r."gating", r."task", r."library", r."n")::"model_facet_counts")
    INTO delta
    FROM (
      SELECT u."removed", u."license_id", u."openness_level", u."hub_id", u."mof_class", u."weights_availability",
        u."gating", u."task", u."library", sum(u."n")::int AS "n"
      FROM (
        SELECT o."removed_at" IS NOT NULL AS "removed", o."license_id", o."openness_level", o."hub_id", o."mof_class",
          o."weights_availability", o."gating", o."task", o."library", -1 AS "n"
        FROM old_rows o
        UNION ALL
        SELECT n."removed_at" IS NOT NULL, n."license_id", n."openness_level", n."hub_id", n."mof_class",
          n."weights_availability", n."gating", n."task", n."library", 1
        FROM new_rows n
      ) u
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      HAVING sum(u."n") <> 0
    ) r;
  END IF;
  IF delta IS NOT NULL THEN
    PERFORM model_facet_counts_apply(delta);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION model_facet_counts_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "model_facet_counts";
  DELETE FROM "model_facet_totals";
  RETURN NULL;
END
$$;

-- Add net deltas to the daily table (called by the trigger below with at most one delta per key).
CREATE FUNCTION openness_daily_changes_apply(delta "openness_daily_changes"[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7716001);
  INSERT INTO "openness_daily_changes" AS d ("day", "hub_id", "openness_level", "listed_delta", "all_delta")
  SELECT x."day", x."hub_id", x."openness_level", x."listed_delta", x."all_delta"
  FROM unnest(delta) AS x
  ORDER BY x."day", x."hub_id", x."openness_level"
  ON CONFLICT ("day", "hub_id", "openness_level")
  DO UPDATE SET "listed_delta" = d."listed_delta" + EXCLUDED."listed_delta",
    "all_delta" = d."all_delta" + EXCLUDED."all_delta";
  DELETE FROM "openness_daily_changes" d
  USING unnest(delta) AS x
  WHERE d."day" = x."day" AND d."hub_id" = x."hub_id" AND d."openness_level" = x."openness_level"
    AND d."listed_delta" = 0 AND d."all_delta" = 0;
END
$$;

-- The change log rows that move a level count, as deltas of (day, hub, level): CREATED enters its
-- level; a change of `openness.level` leaves the old level for the new one (a RESTORED row only in
-- `all_delta`: the model was not listed before it); REMOVED leaves and RESTORED re-enters the
-- listed count at the model's level. REMOVED rows do not carry the level (removal does not change
-- it) and RESTORED rows only when it changed: the model's row, written earlier in the same
-- transaction, has it. The hub also comes from the model (a model never changes hub).
CREATE FUNCTION openness_daily_changes_maintain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta "openness_daily_changes"[];
BEGIN
  WITH events AS (
    SELECT date_trunc('day', c."occurred_at", 'UTC') AS "day", m."hub_id", c."kind",
      coalesce('openness.level' = ANY(c."changed_fields"), false) AS "level_changed",
      (c."before" ->> 'openness.level')::"OpennessLevel" AS "level_before",
      (c."after" ->> 'openness.level')::"OpennessLevel" AS "level_after",
      m."openness_level" AS "level_now"
    FROM new_rows c
    JOIN "models" m ON m."id" = c."model_id"
    WHERE c."kind" IN ('CREATED', 'REMOVED', 'RESTORED') OR 'openness.level' = ANY(c."changed_fields")
  ),
  deltas AS (
    SELECT "day", "hub_id", "level_after" AS "level", 1 AS "listed", 1 AS "all" FROM events WHERE "kind" = 'CREATED'
    UNION ALL
    SELECT "day", "hub_id", "level_before", CASE WHEN "kind" = 'RESTORED' THEN 0 ELSE -1 END, -1
    FROM events WHERE "kind" <> 'CREATED' AND "level_changed"
    UNION ALL
    SELECT "day", "hub_id", "level_after", CASE WHEN "kind" = 'RESTORED' THEN 0 ELSE 1 END, 1
    FROM events WHERE "kind" <> 'CREATED' AND "level_changed"
    UNION ALL
    SELECT "day", "hub_id", "level_now", -1, 0 FROM events WHERE "kind" = 'REMOVED'
    UNION ALL
    SELECT "day", "hub_id", CASE WHEN "level_changed" THEN "level_after" ELSE "level_now" END, 1, 0
    FROM events WHERE "kind" = 'RESTORED'
  )
  SELECT array_agg(ROW(r."day", r."hub_id", r."level", r."listed", r."all")::"openness_daily_changes")
  INTO delta
  FROM (
    SELECT "day", "hub_id", "level", sum("listed")::int AS "listed", sum("all")::int AS "all"
    FROM deltas
    WHERE "level" IS NOT NULL
    GROUP BY 1, 2, 3
    HAVING sum("listed") <> 0 OR sum("all") <> 0
  ) r;
  IF delta IS NOT NULL THEN
    PERFORM openness_daily_changes_apply(delta);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION openness_daily_changes_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "openness_daily_changes";
  RETURN NULL;
END
$$;

-- The derived tables from scratch (the totals from the new cube). Writers are locked out meanwhile
-- (SHARE ROW EXCLUSIVE conflicts with every write and with itself), so the result is exact when it
-- commits. The daily deltas
-- replay the log: the level a REMOVED (or unchanged RESTORED) row stands for is the one the
-- model's last level-carrying row set (a running count of those rows numbers each run of rows
-- that share it).
CREATE FUNCTION catalog_facets_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "models", "model_changes" IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM "model_facet_counts";
  INSERT INTO "model_facet_counts" ("removed", "license_id", "openness_level", "hub_id", "mof_class",
    "weights_availability", "gating", "task", "library", "model_count")
  SELECT "removed_at" IS NOT NULL, "license_id", "openness_level", "hub_id", "mof_class", "weights_availability",
    "gating", "task", "library", count(*)::int
  FROM "models"
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

  DELETE FROM "model_facet_totals";
  INSERT INTO "model_facet_totals" ("removed", "hub_id", "facet", "value", "model_count")
  SELECT c."removed", c."hub_id", v."facet", v."value", sum(c."model_count")::int
  FROM "model_facet_counts" c
  CROSS JOIN LATERAL model_facet_values(c) AS v
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4;

  DELETE FROM "openness_daily_changes";
  INSERT INTO "openness_daily_changes" ("day", "hub_id", "openness_level", "listed_delta", "all_delta")
  WITH events AS (
    SELECT c."id", c."model_id", date_trunc('day', c."occurred_at", 'UTC') AS "day", m."hub_id", c."kind",
      coalesce('openness.level' = ANY(c."changed_fields"), false) AS "level_changed",
      (c."before" ->> 'openness.level')::"OpennessLevel" AS "level_before",
      CASE WHEN c."kind" = 'CREATED' OR 'openness.level' = ANY(c."changed_fields")
        THEN (c."after" ->> 'openness.level')::"OpennessLevel" END AS "level_after"
    FROM "model_changes" c
    JOIN "models" m ON m."id" = c."model_id"
    WHERE c."kind" IN ('CREATED', 'REMOVED', 'RESTORED') OR 'openness.level' = ANY(c."changed_fields")
  ),
  runs AS (
    SELECT e.*, count("level_after") OVER (PARTITION BY "model_id" ORDER BY "id") AS "run" FROM events e
  ),
  leveled AS (
    SELECT r.*, first_value("level_after") OVER (PARTITION BY "model_id", "run" ORDER BY "id") AS "level_now"
    FROM runs r
  ),
  deltas AS (
    SELECT "day", "hub_id", "level_after" AS "level", 1 AS "listed", 1 AS "all" FROM leveled WHERE "kind" = 'CREATED'
    UNION ALL
    SELECT "day", "hub_id", "level_before", CASE WHEN "kind" = 'RESTORED' THEN 0 ELSE -1 END, -1
    FROM leveled WHERE "kind" <> 'CREATED' AND "level_changed"
    UNION ALL
    SELECT "day", "hub_id", "level_after", CASE WHEN "kind" = 'RESTORED' THEN 0 ELSE 1 END, 1
    FROM leveled WHERE "kind" <> 'CREATED' AND "level_changed"
    UNION ALL
    SELECT "day", "hub_id", "level_now", -1, 0 FROM leveled WHERE "kind" = 'REMOVED'
    UNION ALL
    SELECT "day", "hub_id", "level_now", 1, 0 FROM leveled WHERE "kind" = 'RESTORED'
  )
  SELECT "day", "hub_id", "level", sum("listed")::int, sum("all")::int
  FROM deltas
  WHERE "level" IS NOT NULL
  GROUP BY 1, 2, 3
  HAVING sum("listed") <> 0 OR sum("all") <> 0
  ORDER BY 1, 2, 3;
END
$$;

-- INSERT … ON CONFLICT DO UPDATE fires both: the INSERT trigger sees the inserted rows, the UPDATE
-- trigger the updated ones.
CREATE TRIGGER "models_facet_counts_insert" AFTER INSERT ON "models"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION model_facet_counts_maintain();
CREATE TRIGGER "models_facet_counts_update" AFTER UPDATE ON "models"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION model_facet_counts_maintain();
CREATE TRIGGER "models_facet_counts_delete" AFTER DELETE ON "models"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION model_facet_counts_maintain();
CREATE TRIGGER "models_facet_counts_truncate" AFTER TRUNCATE ON "models"
  FOR EACH STATEMENT EXECUTE FUNCTION model_facet_counts_clear();

-- The change log is append-only: inserts only (and TRUNCATE in scratch databases).
CREATE TRIGGER "model_changes_openness_daily_insert" AFTER INSERT ON "model_changes"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION openness_daily_changes_maintain();
CREATE TRIGGER "model_changes_openness_daily_truncate" AFTER TRUNCATE ON "model_changes"
  FOR EACH STATEMENT EXECUTE FUNCTION openness_daily_changes_clear();

-- Backfill (the triggers above already hold their tables' locks: no write slips in between).
SELECT catalog_facets_rebuild();
