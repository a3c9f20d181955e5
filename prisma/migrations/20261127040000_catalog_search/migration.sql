-- Full-text search over the catalog and indexes for the orders of `Query.models`.
--
-- `card_summary`: the first prose paragraph of the model card (README), derived in the database
-- from `raw_records.detail` (written by enrichment) by the triggers below, so that every writer of
-- the detail keeps it current without knowing about search.
--
-- `search_vector`: a stored generated column (Prisma cannot express GENERATED ALWAYS; schema.prisma
-- declares it as Unsupported("tsvector") with a dbgenerated default) over repo id, author and name
-- (weight A), tags (B) and the card summary (C), with a GIN index. Every run of characters other
-- than letters and digits is a word break (`meta-llama/Llama-3.1-8B` → meta llama llama 3 1 8b), so
-- the text parser never reads a repo id as one file-path token and search terms split the same way.

-- AlterTable
ALTER TABLE "models" ADD COLUMN "card_summary" TEXT;

-- The words of a text for search: lowercase, letters and digits, single spaces.
CREATE FUNCTION catalog_search_words(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(lower(coalesce(value, '')), '[^[:alnum:]]+', ' ', 'g'))
$$;

-- Declared IMMUTABLE (array_to_string is only STABLE in general; over text[] it is immutable) so
-- that a generated column may use it.
CREATE FUNCTION catalog_search_vector(repo_id text, author text, name text, tags text[], card_summary text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple'::regconfig, catalog_search_words(repo_id || ' ' || coalesce(author, '') || ' ' || name)), 'A')
      || setweight(to_tsvector('simple'::regconfig, catalog_search_words(array_to_string(tags, ' '))), 'B')
      || setweight(to_tsvector('simple'::regconfig, catalog_search_words(card_summary)), 'C')
$$;

-- AlterTable
ALTER TABLE "models" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (catalog_search_vector("repo_id", "author", "name", "tags", "card_summary")) STORED;

-- The first paragraph of prose of a model card: after the YAML front matter, skipping headings,
-- HTML, images and badges, tables, quotes, rules and code blocks; markdown links reduced to their
-- text; at most 500 characters. Null when there is none.
CREATE FUNCTION catalog_card_summary(readme text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  lines text[] := string_to_array(
    regexp_replace(replace(coalesce(readme, ''), E'\r', ''), '<!--.*?-->', '', 'g'), E'\n');
  total int := coalesce(array_length(lines, 1), 0);
  i int := 1;
  line text;
  paragraph text := '';
  fenced boolean := false;
BEGIN
  IF total > 0 AND btrim(lines[1]) = '---' THEN
    i := 2;
    WHILE i <= total AND btrim(lines[i]) <> '---' LOOP
      i := i + 1;
    END LOOP;
    i := i + 1;
  END IF;
  WHILE i <= total LOOP
    line := btrim(lines[i]);
    i := i + 1;
    IF line ~ '^(```|~~~)' THEN
      fenced := NOT fenced;
    ELSIF fenced THEN
      CONTINUE;
    ELSIF line = '' OR line ~ '^(#|<|!\[|\[!\[|\||>|[-=*_]{3,}$)' THEN
      EXIT WHEN paragraph ~ '[[:alpha:]]';
      paragraph := '';
    ELSE
      paragraph := paragraph || ' ' || line;
    END IF;
  END LOOP;
  IF paragraph !~ '[[:alpha:]]' THEN
    RETURN NULL;
  END IF;
  paragraph := regexp_replace(paragraph, '!?\[([^]]*)\]\([^)]*\)', '\1', 'g');
  RETURN left(btrim(regexp_replace(paragraph, '\s+', ' ', 'g')), 500);
END
$$;

CREATE FUNCTION raw_records_card_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "models" SET "card_summary" = catalog_card_summary(NEW."detail" ->> 'readme')
  WHERE "id" = NEW."model_id" AND "card_summary" IS DISTINCT FROM catalog_card_summary(NEW."detail" ->> 'readme');
  RETURN NULL;
END
$$;

-- Listing pages insert raw records without detail and never update it, so neither trigger fires on
-- the bulk ingest path; enrichment's UPDATE of the detail does.
CREATE TRIGGER "raw_records_card_summary_insert" AFTER INSERT ON "raw_records"
  FOR EACH ROW WHEN (NEW."detail" IS NOT NULL) EXECUTE FUNCTION raw_records_card_summary();
CREATE TRIGGER "raw_records_card_summary_update" AFTER UPDATE OF "detail" ON "raw_records"
  FOR EACH ROW WHEN (OLD."detail" IS DISTINCT FROM NEW."detail") EXECUTE FUNCTION raw_records_card_summary();

-- Keyset orders: one (key, id) index per sort key serves both directions (a backward scan for
-- DESC); NULL keys are read through the same index (`key IS NULL ORDER BY id`).
-- The headline filters, openness level and license (id, or category / commercial use / OSI
-- resolved to license ids), with the removed flag: `totalCount` of such a filter is an index-only
-- scan of (openness_level, license_id, removed_at) instead of a visit of every matching row.
-- DropIndex
DROP INDEX "models_downloads_id_idx";

-- DropIndex
DROP INDEX "models_last_modified_idx";

-- DropIndex
DROP INDEX "models_openness_level_idx";

-- CreateIndex
CREATE INDEX "models_openness_level_license_id_removed_at_idx" ON "models"("openness_level", "license_id", "removed_at");

-- CreateIndex
CREATE INDEX "models_downloads_id_idx" ON "models"("downloads", "id");

-- CreateIndex
CREATE INDEX "models_likes_id_idx" ON "models"("likes", "id");

-- CreateIndex
CREATE INDEX "models_last_modified_id_idx" ON "models"("last_modified", "id");

-- CreateIndex
CREATE INDEX "models_parameter_count_id_idx" ON "models"("parameter_count", "id");

-- CreateIndex
CREATE INDEX "models_openness_score_id_idx" ON "models"("openness_score", "id");

-- CreateIndex
CREATE INDEX "models_library_idx" ON "models"("library");

-- CreateIndex
CREATE INDEX "models_tags_idx" ON "models" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "models_search_vector_idx" ON "models" USING GIN ("search_vector");
