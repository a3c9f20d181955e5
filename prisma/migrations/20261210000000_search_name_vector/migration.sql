-- The search table's name words, with their own index (docs/search.md, "The search table").
--
-- The in-name tiers of ranked search asked `search_vector @@ 'word:A'`. A GIN index does not keep
-- weights: it answers with every row that has the word anywhere, and each is read and rechecked.
-- For a word common in tags but rare in names ("anime" on the bench's 300,000 models: 22,823 rows
-- with it, 967 with it in the name) that was 20 rows read for each one kept, and the planner,
-- which estimates `'word':A` as a fraction of the word's rows, walked the downloads order instead.
-- `name_vector` is the weight-A part of the document (repo id, author and name), positions kept, so
-- `name_vector @@ q` is `search_vector @@ q` with every word weighted A; its index answers exactly,
-- and its statistics know how often a word is in a name.
--
-- A stored generated column: the triggers that keep the table (20261209000000_search_table) write
-- `search_vector`, and Postgres computes this from it in the same row write.

ALTER TABLE "model_search"
  ADD COLUMN "name_vector" tsvector GENERATED ALWAYS AS (ts_filter("search_vector", '{a}')) STORED;

CREATE INDEX "model_search_name_vector_idx" ON "model_search" USING GIN ("name_vector");
