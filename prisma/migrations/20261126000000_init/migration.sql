-- CreateEnum
CREATE TYPE "HubKind" AS ENUM ('MODEL_HUB', 'API_PROVIDER', 'REFERENCE');

-- CreateEnum
CREATE TYPE "Gating" AS ENUM ('NONE', 'AUTO', 'MANUAL');

-- CreateEnum
CREATE TYPE "LicenseCategory" AS ENUM ('PERMISSIVE', 'COPYLEFT', 'PUBLIC_DOMAIN', 'OPEN_RAIL', 'COMMUNITY', 'NON_COMMERCIAL', 'NO_DERIVATIVES', 'PROPRIETARY', 'UNSPECIFIED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "CommercialUse" AS ENUM ('ALLOWED', 'CONDITIONAL', 'PROHIBITED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "OpennessLevel" AS ENUM ('CLOSED', 'WEIGHTS_RESTRICTED', 'OPEN_WEIGHTS_CONDITIONAL', 'OPEN_WEIGHTS', 'OPEN_TOOLING', 'OPEN_SCIENCE');

-- CreateEnum
CREATE TYPE "MofClass" AS ENUM ('CLASS_I', 'CLASS_II', 'CLASS_III', 'NONE');

-- CreateEnum
CREATE TYPE "WeightsAvailability" AS ENUM ('OPEN', 'GATED_AUTO', 'GATED_MANUAL', 'API_ONLY', 'UNRELEASED', 'REMOVED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ComponentStatus" AS ENUM ('OPEN', 'PARTIAL', 'CLOSED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ChangeKind" AS ENUM ('CREATED', 'UPDATED', 'LICENSE_CHANGED', 'GATING_CHANGED', 'OPENNESS_CHANGED', 'REMOVED', 'RESTORED');

-- CreateEnum
CREATE TYPE "CrawlMode" AS ENUM ('FULL', 'INCREMENTAL');

-- CreateEnum
CREATE TYPE "CrawlStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "CrawlTrigger" AS ENUM ('SCHEDULE', 'CLI', 'API');

-- CreateTable
CREATE TABLE "hubs" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "HubKind" NOT NULL,
    "base_url" TEXT NOT NULL,
    "incremental_watermark" TIMESTAMPTZ(3),
    "last_full_sweep_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hubs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "licenses" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "category" "LicenseCategory" NOT NULL,
    "commercial_use" "CommercialUse" NOT NULL,
    "osi_approved" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "licenses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "models" (
    "id" TEXT NOT NULL,
    "hub_id" TEXT NOT NULL,
    "repo_id" TEXT NOT NULL,
    "author" TEXT,
    "name" TEXT NOT NULL,
    "task" TEXT,
    "library" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "base_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sha" TEXT,
    "gating" "Gating",
    "license_id" TEXT,
    "license_hub_value" TEXT,
    "parameter_count" BIGINT,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "downloads_all_time" BIGINT,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "openness_level" "OpennessLevel",
    "openness_score" DOUBLE PRECISION,
    "mof_class" "MofClass",
    "weights_availability" "WeightsAvailability",
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3),
    "last_modified" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "openness_assessments" (
    "model_id" TEXT NOT NULL,
    "rules_version" TEXT NOT NULL,
    "level" "OpennessLevel" NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "mof_class" "MofClass" NOT NULL,
    "missing_components" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "weights_availability" "WeightsAvailability" NOT NULL,
    "weights_formats" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "code_inference" "ComponentStatus" NOT NULL,
    "code_training" "ComponentStatus" NOT NULL,
    "data_training" "ComponentStatus" NOT NULL,
    "doc_model_card" "ComponentStatus" NOT NULL,
    "doc_paper" "ComponentStatus" NOT NULL,
    "doc_evaluation" "ComponentStatus" NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "assessed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "openness_assessments_pkey" PRIMARY KEY ("model_id")
);

-- CreateTable
CREATE TABLE "raw_records" (
    "model_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "detail" JSONB,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enriched_at" TIMESTAMPTZ(3),

    CONSTRAINT "raw_records_pkey" PRIMARY KEY ("model_id")
);

-- CreateTable
CREATE TABLE "model_changes" (
    "id" BIGSERIAL NOT NULL,
    "model_id" TEXT NOT NULL,
    "kind" "ChangeKind" NOT NULL,
    "changed_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "before" JSONB,
    "after" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "crawl_run_id" BIGINT,

    CONSTRAINT "model_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crawl_runs" (
    "id" BIGSERIAL NOT NULL,
    "hub_id" TEXT NOT NULL,
    "mode" "CrawlMode" NOT NULL,
    "status" "CrawlStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" "CrawlTrigger" NOT NULL,
    "cursor" TEXT,
    "watermark" TIMESTAMPTZ(3),
    "max_models" INTEGER,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "models_seen" INTEGER NOT NULL DEFAULT 0,
    "models_created" INTEGER NOT NULL DEFAULT 0,
    "models_updated" INTEGER NOT NULL DEFAULT 0,
    "models_unchanged" INTEGER NOT NULL DEFAULT 0,
    "models_removed" INTEGER NOT NULL DEFAULT 0,
    "models_quarantined" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "rate_limit_wait_ms" BIGINT NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "crawl_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quarantined_records" (
    "id" BIGSERIAL NOT NULL,
    "hub_id" TEXT NOT NULL,
    "crawl_run_id" BIGINT,
    "reason" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quarantined_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "licenses_category_idx" ON "licenses"("category");

-- CreateIndex
CREATE INDEX "models_license_id_idx" ON "models"("license_id");

-- CreateIndex
CREATE INDEX "models_openness_level_idx" ON "models"("openness_level");

-- CreateIndex
CREATE INDEX "models_author_idx" ON "models"("author");

-- CreateIndex
CREATE INDEX "models_task_idx" ON "models"("task");

-- CreateIndex
CREATE INDEX "models_last_modified_idx" ON "models"("last_modified");

-- CreateIndex
CREATE INDEX "models_downloads_id_idx" ON "models"("downloads" DESC, "id");

-- CreateIndex
CREATE INDEX "models_created_at_id_idx" ON "models"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "models_hub_id_repo_id_key" ON "models"("hub_id", "repo_id");

-- CreateIndex
CREATE INDEX "openness_assessments_rules_version_idx" ON "openness_assessments"("rules_version");

-- CreateIndex
CREATE INDEX "model_changes_model_id_id_idx" ON "model_changes"("model_id", "id");

-- CreateIndex
CREATE INDEX "model_changes_occurred_at_idx" ON "model_changes"("occurred_at");

-- CreateIndex
CREATE INDEX "model_changes_crawl_run_id_idx" ON "model_changes"("crawl_run_id");

-- CreateIndex
CREATE INDEX "crawl_runs_hub_id_started_at_idx" ON "crawl_runs"("hub_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "crawl_runs_status_idx" ON "crawl_runs"("status");

-- CreateIndex
CREATE INDEX "quarantined_records_hub_id_created_at_idx" ON "quarantined_records"("hub_id", "created_at");

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_hub_id_fkey" FOREIGN KEY ("hub_id") REFERENCES "hubs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_license_id_fkey" FOREIGN KEY ("license_id") REFERENCES "licenses"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "openness_assessments" ADD CONSTRAINT "openness_assessments_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_changes" ADD CONSTRAINT "model_changes_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_changes" ADD CONSTRAINT "model_changes_crawl_run_id_fkey" FOREIGN KEY ("crawl_run_id") REFERENCES "crawl_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crawl_runs" ADD CONSTRAINT "crawl_runs_hub_id_fkey" FOREIGN KEY ("hub_id") REFERENCES "hubs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quarantined_records" ADD CONSTRAINT "quarantined_records_hub_id_fkey" FOREIGN KEY ("hub_id") REFERENCES "hubs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quarantined_records" ADD CONSTRAINT "quarantined_records_crawl_run_id_fkey" FOREIGN KEY ("crawl_run_id") REFERENCES "crawl_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
