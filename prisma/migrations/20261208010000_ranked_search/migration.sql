-- Ranked search that an index computes (docs/search.md).
--
-- 1. Names split where letters meet digits: "Llama3-8B" is also "llama 3 8b", so that "llama 3"
--    finds it, and the query side (src/read-model/search.ts) makes "llama3" find "Llama-3" as well.
--    Only the name part (weight A) is split; tags and the card summary keep their words as they are.
-- 2. `search_name`: the words of the name alone, for the exact-name tier of RELEVANCE (a stored
--    GENERATED column with a B-tree index; Prisma cannot declare expression indexes).
-- 3. `search_terms`: every word of every repo id (author and name), with a trigram index, for
--    typo-tolerant matching ("mistrl" → mistral). New models add their words by a statement trigger;
--    words are never removed (a word no model has any more only expands to nothing).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The words of a name, and again split where a letter is followed by a digit, when that differs.
CREATE FUNCTION catalog_search_name_words(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN split = words THEN words ELSE words || ' ' || split END
  FROM (
    SELECT words, regexp_replace(words, '([[:alpha:]])([[:digit:]])', '\1 \2', 'g') AS split
    FROM catalog_search_words(value) AS words
  ) AS w
$$;

-- The same signature as before (the generated column's expression names it), with split names.
CREATE OR REPLACE FUNCTION catalog_search_vector(repo_id text, author text, name text, tags text[], card_summary text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple'::regconfig, catalog_search_name_words(repo_id || ' ' || coalesce(author, '') || ' ' || name)), 'A')
      || setweight(to_tsvector('simple'::regconfig, catalog_search_words(array_to_string(tags, ' '))), 'B')
      || setweight(to_tsvector('simple'::regconfig, catalog_search_words(card_summary)), 'C')
$$;

-- A stored generated column keeps the values its function gave when each row was written: it is
-- dropped and added again, so that every row is computed with the new function (one table rewrite).
DROP INDEX "models_search_vector_idx";
ALTER TABLE "models" DROP COLUMN "search_vector";
ALTER TABLE "models" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (catalog_search_vector("repo_id", "author", "name", "tags", "card_summary")) STORED;
CREATE INDEX "models_search_vector_idx" ON "models" USING GIN ("search_vector");

ALTER TABLE "models" ADD COLUMN "search_name" text GENERATED ALWAYS AS (catalog_search_words("name")) STORED;
CREATE INDEX "models_search_name_idx" ON "models"("search_name");

CREATE TABLE "search_terms" (
  "term" TEXT NOT NULL,
  CONSTRAINT "search_terms_pkey" PRIMARY KEY ("term")
);
CREATE INDEX "search_terms_term_idx" ON "search_terms" USING GIN ("term" gin_trgm_ops);

-- The words a repo id adds to the dictionary: three to forty characters, not only digits.
CREATE FUNCTION catalog_search_terms_of(repo_id text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT term FROM unnest(string_to_array(catalog_search_words(repo_id), ' ')) AS term
  WHERE length(term) BETWEEN 3 AND 40 AND term !~ '^[0-9]+$'
$$;

-- Sorted, so that two pages inserting the same new words take their row locks in one order.
CREATE FUNCTION catalog_search_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term)
  SELECT DISTINCT t.term FROM inserted_models m, catalog_search_terms_of(m.repo_id) AS t(term)
  ORDER BY 1
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER models_search_terms AFTER INSERT ON "models"
  REFERENCING NEW TABLE AS inserted_models
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_terms_add();

INSERT INTO search_terms (term)
SELECT DISTINCT t.term FROM models m, catalog_search_terms_of(m.repo_id) AS t(term)
ON CONFLICT DO NOTHING;
