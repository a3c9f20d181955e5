/**
 * A catalog for ranked search past the walk (SEARCH_WALK_ROWS, models.sql.ts): more models than a
 * tier walks, with words common, rare, common in one field only, and around the walk's last row.
 * Shared by the API's search tests and the tests of each plan a ranked page can take.
 */
import type pg from 'pg';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { SEARCH_WALK_ROWS } from '../../src/read-model/models.sql.js';
import { buildCatalogModel } from './catalog-models.js';

export const SEARCH_CATALOG_MODELS = SEARCH_WALK_ROWS + 1_500;

/** Model i: downloads falling with i (ties every 7), words spread so that some live only low. */
function modelAt(i: number): CatalogModel {
  const words = [i % 3 === 0 ? 'common' : 'plain', i % 5 === 0 ? 'llama3' : 'mistral'];
  // Around the walk's last row (the 5,000th most downloaded), on both sides of it.
  if (Math.abs(i - SEARCH_WALK_ROWS) <= 10) words.push('edgeword');
  // Rare and below the walk: only the last 1,200 models (30 of them).
  if (i >= SEARCH_CATALOG_MODELS - 1_200 && i % 40 === 0) words.push('rarity');
  // Common in tags only, among the least downloaded.
  const tags = i >= SEARCH_CATALOG_MODELS - 2_000 ? ['tagonly'] : ['other'];
  return buildCatalogModel(`org${i % 13}/${words.join('-')}-${i}`, {
    downloads: Math.floor((SEARCH_CATALOG_MODELS - i) / 7),
    tags,
  });
}

/** Seed the catalog into empty tables (useTestDatabase), then give the planner its statistics. */
export async function seedSearchCatalog(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
  const ingest = new IngestRepository(pool);
  const models = Array.from({ length: SEARCH_CATALOG_MODELS }, (_, i) => modelAt(i));
  for (let from = 0; from < models.length; from += 1_000) await ingest.ingestPage(models.slice(from, from + 1_000));
  await pool.query('VACUUM ANALYZE model_search');
}
