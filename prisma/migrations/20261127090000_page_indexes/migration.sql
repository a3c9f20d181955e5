-- Pages of `models` read narrow index entries first and whole rows last (models.sql.ts: the page's
-- ids and sort keys are chosen in a first step, then 51 rows are fetched by id). These two indexes
-- carry the headline filter's columns (license, openness level, removal) so that the first step
-- is an index-only scan for the default order (DOWNLOADS) in both page plans:
-- - walking the order: (downloads, id) first, so its order is the index's, then the filter columns;
-- - filter first (few matches): license, level and removal first, then the order's key and id.
-- They replace the plain (downloads, id) index, the (openness_level, license_id, removed_at) index
-- (counts now come from the facet cube) and the license_id index (a prefix of the second one).

DROP INDEX "models_downloads_id_idx";
CREATE INDEX "models_downloads_id_license_id_openness_level_removed_at_idx"
  ON "models"("downloads", "id", "license_id", "openness_level", "removed_at");

DROP INDEX "models_openness_level_license_id_removed_at_idx";
DROP INDEX "models_license_id_idx";
CREATE INDEX "models_license_id_openness_level_removed_at_downloads_id_idx"
  ON "models"("license_id", "openness_level", "removed_at", "downloads", "id");
