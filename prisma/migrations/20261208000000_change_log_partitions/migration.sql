-- The change log, partitioned by month (docs/changes.md).
--
-- `model_changes` becomes a table partitioned by RANGE ("occurred_at"): one partition per UTC month
-- (`model_changes_YYYY_MM`) plus a DEFAULT partition (`model_changes_default`) that catches a row
-- whose month has no partition yet, so an insert never fails. The worker's change-log maintenance
-- job (jobs/change-log.jobs.ts) creates the coming months ahead, moves stragglers out of the default
-- partition, and drops whole months older than CHANGE_RETENTION_MONTHS that no webhook still needs.
--
-- The id stays the cursor clients hold: the same sequence (`model_changes_id_seq`, kept with its
-- value), handed out in commit order as before. A primary key of a partitioned table must contain
-- the partition key, so it becomes ("id", "occurred_at"); its leading column keeps every lookup by
-- id on an index in each partition. Nothing references `model_changes` by foreign key (webhook
-- deliveries keep change ids in an array), so no foreign key has to carry the wider key.
--
-- `change_log_horizon` records what retention removed: every change with an id at or below
-- `expired_through_id`, and every change that occurred before `expired_before`, may be gone. The
-- API refuses cursors and `since` values below it (CHANGES_EXPIRED) instead of answering with a gap.

-- The old table steps aside; its sequence is detached first so that dropping the table keeps it.
ALTER SEQUENCE "model_changes_id_seq" OWNED BY NONE;
ALTER TABLE "model_changes" RENAME TO "model_changes_unpartitioned";
ALTER TABLE "model_changes_unpartitioned" DROP CONSTRAINT "model_changes_pkey";
DROP INDEX "model_changes_model_id_id_idx", "model_changes_author_id_idx", "model_changes_occurred_at_idx",
  "model_changes_crawl_run_id_idx";
DROP TRIGGER "model_changes_openness_daily_insert" ON "model_changes_unpartitioned";
DROP TRIGGER "model_changes_openness_daily_truncate" ON "model_changes_unpartitioned";

-- CreateTable (the same columns, in the same order)
CREATE TABLE "model_changes" (
    "id" BIGINT NOT NULL DEFAULT nextval('"model_changes_id_seq"'),
    "model_id" TEXT NOT NULL,
    "kind" "ChangeKind" NOT NULL,
    "changed_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "before" JSONB,
    "after" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "crawl_run_id" BIGINT,
    "hub_id" TEXT,
    "author" TEXT,
    "license_id" TEXT,
    "license_category" "LicenseCategory",
    "openness_level" "OpennessLevel"
) PARTITION BY RANGE ("occurred_at");

ALTER SEQUENCE "model_changes_id_seq" OWNED BY "model_changes"."id";

CREATE TABLE "model_changes_default" PARTITION OF "model_changes" DEFAULT;

-- The partition of the UTC month that holds `at`, created when missing; false when it existed.
-- Rows of that month waiting in the default partition move into it first: Postgres refuses to
-- attach a partition whose range still has rows in the default partition. Writers that route a row
-- to the default partition wait from the lock to COMMIT, so none lands there between the move and
-- the attach. The partition is built beside the table and attached (ATTACH takes a lighter lock on
-- the parent than CREATE TABLE … PARTITION OF); the parent's indexes, keys and foreign keys are
-- created on it by the attach.
CREATE FUNCTION change_log_ensure_partition(at timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  month_start CONSTANT timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  lower_bound CONSTANT timestamptz := month_start AT TIME ZONE 'UTC';
  upper_bound CONSTANT timestamptz := (month_start + interval '1 month') AT TIME ZONE 'UTC';
  partition_name CONSTANT text := 'model_changes_' || to_char(month_start, 'YYYY_MM');
  columns text;
BEGIN
  IF to_regclass(format('%I.%I', current_schema(), partition_name)) IS NOT NULL THEN
    RETURN false;
  END IF;
  LOCK TABLE "model_changes_default" IN SHARE ROW EXCLUSIVE MODE;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
  FROM pg_attribute WHERE attrelid = '"model_changes"'::regclass AND attnum > 0 AND NOT attisdropped;
  EXECUTE format('CREATE TABLE %I (LIKE "model_changes" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
  EXECUTE format(
    'WITH moved AS (DELETE FROM "model_changes_default" WHERE "occurred_at" >= $1 AND "occurred_at" < $2 RETURNING %s)
     INSERT INTO %I (%s) SELECT %s FROM moved',
    columns, partition_name, columns, columns)
  USING lower_bound, upper_bound;
  EXECUTE format('ALTER TABLE "model_changes" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    partition_name, lower_bound, upper_bound);
  RETURN true;
END
$$;

-- A partition for every month that has changes, and for this month and the next two.
SELECT change_log_ensure_partition(month)
FROM (
  SELECT DISTINCT date_trunc('month', "occurred_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month
  FROM "model_changes_unpartitioned"
  UNION
  SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + ahead * interval '1 month') AT TIME ZONE 'UTC'
  FROM generate_series(0, 2) AS ahead
) AS months
ORDER BY month;

-- Every row, into its month's partition. The triggers are created after this: moving rows is not
-- changing the catalog, so the daily openness deltas they maintain must not count them again.
INSERT INTO "model_changes" ("id", "model_id", "kind", "changed_fields", "before", "after", "occurred_at",
  "crawl_run_id", "hub_id", "author", "license_id", "license_category", "openness_level")
SELECT "id", "model_id", "kind", "changed_fields", "before", "after", "occurred_at",
  "crawl_run_id", "hub_id", "author", "license_id", "license_category", "openness_level"
FROM "model_changes_unpartitioned";

DROP TABLE "model_changes_unpartitioned";

-- AddPrimaryKey (the partition key is part of it; lookups by id use its leading column)
ALTER TABLE "model_changes" ADD CONSTRAINT "model_changes_pkey" PRIMARY KEY ("id", "occurred_at");

-- CreateIndex
CREATE INDEX "model_changes_model_id_id_idx" ON "model_changes"("model_id", "id");

-- CreateIndex
CREATE INDEX "model_changes_author_id_idx" ON "model_changes"("author", "id");

-- CreateIndex
CREATE INDEX "model_changes_occurred_at_idx" ON "model_changes"("occurred_at");

-- CreateIndex
CREATE INDEX "model_changes_crawl_run_id_idx" ON "model_changes"("crawl_run_id");

-- AddForeignKey
ALTER TABLE "model_changes" ADD CONSTRAINT "model_changes_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_changes" ADD CONSTRAINT "model_changes_crawl_run_id_fkey" FOREIGN KEY ("crawl_run_id") REFERENCES "crawl_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The triggers of migration 20261127060000_catalog_facets, on the partitioned table: statement-level
-- triggers of the parent see the rows inserted through it, whatever partition they land in (rows
-- moved between partitions by change_log_ensure_partition are not inserted through it).
CREATE TRIGGER "model_changes_openness_daily_insert" AFTER INSERT ON "model_changes"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION openness_daily_changes_maintain();
CREATE TRIGGER "model_changes_openness_daily_truncate" AFTER TRUNCATE ON "model_changes"
  FOR EACH STATEMENT EXECUTE FUNCTION openness_daily_changes_clear();

-- CreateTable
CREATE TABLE "change_log_horizon" (
    "id" INTEGER NOT NULL,
    "expired_through_id" BIGINT NOT NULL,
    "expired_before" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "change_log_horizon_pkey" PRIMARY KEY ("id")
);
