-- A page that selects only a model's headline (`id license { … } openness { level score mofClass }
-- downloads removedAt`, the shape of listings and dashboards) is read from an index alone: the two
-- page indexes of 20261127090000_page_indexes also carry the openness score and MOF class, so the
-- page statement's head projection (models.sql.ts) needs no heap access for the default order.

DROP INDEX "models_downloads_id_license_id_openness_level_removed_at_idx";
CREATE INDEX "models_page_by_downloads_idx"
  ON "models"("downloads", "id", "license_id", "openness_level", "removed_at", "openness_score", "mof_class");

DROP INDEX "models_license_id_openness_level_removed_at_downloads_id_idx";
CREATE INDEX "models_page_by_license_idx"
  ON "models"("license_id", "openness_level", "removed_at", "downloads", "id", "openness_score", "mof_class");
