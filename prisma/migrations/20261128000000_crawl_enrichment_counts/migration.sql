-- Enrichment outcomes per crawl run: models enriched, and models whose enrichment failed (detail,
-- README or LICENSE fetch failing after the hub client's retries; the model is kept as listed).
ALTER TABLE "crawl_runs" ADD COLUMN "models_enriched" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "enrich_failed" INTEGER NOT NULL DEFAULT 0;
