-- The search table: what ranked search reads, narrow (docs/search.md, "The search table").
--
-- A ranked page reads the models that match a search in the downloads order, or every match and
-- keeps the best: either way it reads rows it then throws away. Read from `models` (about 2 KB a
-- row: hub data, card summary, lineage) those reads are pages of mostly other columns, and at a
-- million models they leave memory. `model_search` holds only what the tiers test and order by,
-- about 450 bytes a row: five times fewer pages for the same rows, a table that stays in memory.
--
-- It holds the listed models only (removed_at IS NULL), and follows `models` by two statement
-- triggers, in the statement that changes them: inserts add rows; updates add, change or remove a
-- model's row when its downloads, its search words or its listing changed (an update that changes
-- none of them, like the crawl's last_seen_at, writes nothing here). Deletes cascade.

CREATE TABLE "model_search" (
  "id" TEXT NOT NULL,
  "downloads" INTEGER NOT NULL,
  "search_name" TEXT,
  "search_vector" tsvector,
  CONSTRAINT "model_search_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "model_search_id_fkey" FOREIGN KEY ("id") REFERENCES "models"("id") ON DELETE CASCADE
);

CREATE FUNCTION catalog_model_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO model_search (id, downloads, search_name, search_vector)
  SELECT n.id, n.downloads, n.search_name, n.search_vector FROM inserted_models n
  WHERE n.removed_at IS NULL
  ORDER BY n.id
  ON CONFLICT (id) DO UPDATE
    SET downloads = EXCLUDED.downloads, search_name = EXCLUDED.search_name, search_vector = EXCLUDED.search_vector;
  RETURN NULL;
END
$$;

CREATE FUNCTION catalog_model_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM model_search s USING updated_models n
  WHERE s.id = n.id AND n.removed_at IS NOT NULL;
  -- Sorted, so that concurrent statements take their row locks in one order.
  INSERT INTO model_search (id, downloads, search_name, search_vector)
  SELECT n.id, n.downloads, n.search_name, n.search_vector
  FROM updated_models n JOIN previous_models o ON o.id = n.id
  WHERE n.removed_at IS NULL
    AND (o.removed_at IS NOT NULL OR o.downloads <> n.downloads
         OR o.search_name IS DISTINCT FROM n.search_name OR o.search_vector <> n.search_vector)
  ORDER BY n.id
  ON CONFLICT (id) DO UPDATE
    SET downloads = EXCLUDED.downloads, search_name = EXCLUDED.search_name, search_vector = EXCLUDED.search_vector;
  RETURN NULL;
END
$$;

CREATE TRIGGER models_search_insert AFTER INSERT ON "models"
  REFERENCING NEW TABLE AS inserted_models
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_model_search_insert();

CREATE TRIGGER models_search_update AFTER UPDATE ON "models"
  REFERENCING OLD TABLE AS previous_models NEW TABLE AS updated_models
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_model_search_update();

INSERT INTO model_search (id, downloads, search_name, search_vector)
SELECT id, downloads, search_name, search_vector FROM models WHERE removed_at IS NULL;

-- The tiers' three reads: the downloads order, the words, the exact name.
CREATE INDEX "model_search_downloads_id_idx" ON "model_search"("downloads", "id");
CREATE INDEX "model_search_search_vector_idx" ON "model_search" USING GIN ("search_vector");
CREATE INDEX "model_search_search_name_idx" ON "model_search"("search_name");

ANALYZE "model_search";
