-- The change feed (issue 6): every change-log row carries the state of its model AFTER the change
-- in the fields that `changes(filter:)`, `modelChanged(filter:)`, webhooks and the Atom feed filter
-- on, so a filter is a condition on the log row itself, evaluated the same way by SQL (catch-up,
-- feed pages) and by the live path (src/events/change-filter.ts), and never depends on what the
-- model became later.

ALTER TABLE "model_changes"
  ADD COLUMN "hub_id" TEXT,
  ADD COLUMN "author" TEXT,
  ADD COLUMN "license_id" TEXT,
  ADD COLUMN "license_category" "LicenseCategory",
  ADD COLUMN "openness_level" "OpennessLevel";

-- Existing rows: the model's current state is the best record of it there is.
UPDATE "model_changes" AS c
SET "hub_id" = m."hub_id", "author" = m."author", "license_id" = m."license_id",
    "license_category" = l."category", "openness_level" = m."openness_level"
FROM "models" AS m
LEFT JOIN "licenses" AS l ON l."id" = m."license_id"
WHERE m."id" = c."model_id";

-- Feed pages by author (a publisher's models) seek here; by model, on (model_id, id).
CREATE INDEX "model_changes_author_id_idx" ON "model_changes"("author", "id");
