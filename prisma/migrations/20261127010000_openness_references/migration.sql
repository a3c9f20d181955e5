-- CreateEnum
CREATE TYPE "ReferenceSource" AS ENUM ('MOT', 'OSAI');

-- CreateTable
CREATE TABLE "openness_references" (
    "id" BIGSERIAL NOT NULL,
    "source" "ReferenceSource" NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hf_repo_id" TEXT,
    "class" TEXT,
    "score" DOUBLE PRECISION,
    "grades" JSONB NOT NULL DEFAULT '{}',
    "url" TEXT,
    "source_version" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "openness_references_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "openness_references_hf_repo_id_idx" ON "openness_references"("hf_repo_id");

-- CreateIndex
CREATE UNIQUE INDEX "openness_references_source_external_id_key" ON "openness_references"("source", "external_id");
