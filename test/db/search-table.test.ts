/**
 * The search table (`model_search`, migration 20261209000000_search_table, docs/search.md) follows
 * `models` through the crawler's own writes: ingest of new and changed models, the touch of
 * unchanged ones, removal by a full sweep and restoration, a rename, a delete. After each step it
 * holds exactly the listed models, with their downloads and search words, and their name words
 * apart (`name_vector`, migration 20261210000000_search_name_vector).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
let ingest: IngestRepository;

beforeEach(async () => {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
  ingest = new IngestRepository(db.pool);
});

const model = (repoId: string, downloads: number, overrides: Partial<CatalogModel> = {}) =>
  buildCatalogModel(repoId, { downloads, ...overrides });

/** What the search table should hold, read from `models`, and what it holds. */
async function bothSides() {
  const listed = await db.pool.query(
    `SELECT id, downloads, search_name, search_vector::text AS words FROM models WHERE removed_at IS NULL ORDER BY id`,
  );
  const table = await db.pool.query(
    `SELECT id, downloads, search_name, search_vector::text AS words FROM model_search ORDER BY id`,
  );
  return { expected: listed.rows, actual: table.rows };
}

async function expectInStep(ids: string[]) {
  const { expected, actual } = await bothSides();
  expect(actual).toEqual(expected);
  expect(actual.map((row: { id: string }) => row.id)).toEqual(ids.map((id) => `huggingface:${id}`).sort());
}

/** The row version of a model's search row (xmin): it changes only when the row is written. */
async function rowVersion(id: string): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ xmin: string }>('SELECT xmin::text FROM model_search WHERE id = $1', [
    `huggingface:${id}`,
  ]);
  return rows[0]?.xmin;
}

describe('the search table', () => {
  it('holds every listed model that ingest adds, with its downloads and words', async () => {
    await ingest.ingestPage([model('meta/Llama-3-8B', 700), model('mistralai/Mistral-7B', 900)]);
    await expectInStep(['meta/Llama-3-8B', 'mistralai/Mistral-7B']);
    const { rows } = await db.pool.query<{ downloads: number; search_name: string }>(
      `SELECT downloads, search_name FROM model_search WHERE id = 'huggingface:meta/Llama-3-8B'`,
    );
    expect(rows).toEqual([{ downloads: 700, search_name: 'llama 3 8b' }]);
  });

  it('follows a change of downloads or words, and writes nothing for a model that did not change', async () => {
    await ingest.ingestPage([model('a/steady', 10), model('b/popular', 10), model('c/retagged', 10)]);
    const steady = await rowVersion('a/steady');
    await ingest.ingestPage([
      model('a/steady', 10),
      model('b/popular', 5_000),
      model('c/retagged', 10, { tags: ['roleplay'] }),
    ]);
    await expectInStep(['a/steady', 'b/popular', 'c/retagged']);
    // The unchanged model was touched (last_seen_at) in `models` only.
    expect(await rowVersion('a/steady')).toBe(steady);
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM model_search WHERE search_vector @@ to_tsquery('simple', 'roleplay')`,
    );
    expect(rows.map((row) => row.id)).toEqual(['huggingface:c/retagged']);
    // A tag is not in the name words (migration 20261210000000_search_name_vector); a new name is.
    const inName = await db.pool.query<{ id: string }>(
      `SELECT id FROM model_search WHERE name_vector @@ to_tsquery('simple', 'roleplay | popular')`,
    );
    expect(inName.rows.map((row) => row.id)).toEqual(['huggingface:b/popular']);
  });

  it('keeps the name words of each model: its repo id, author and name, with their positions', async () => {
    await ingest.ingestPage([
      model('meta/Llama-3-8B', 700, { tags: ['anime'] }),
      model('acme/anime-diffusion', 5, { tags: ['llama'] }),
    ]);
    const { rows } = await db.pool.query<{ id: string; same: boolean; phrase: boolean; tag: boolean }>(
      `SELECT id,
              name_vector = ts_filter(search_vector, '{a}') AS same,
              name_vector @@ to_tsquery('simple', 'llama <-> 3') AS phrase,
              name_vector @@ to_tsquery('simple', 'anime') AS tag
       FROM model_search ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'huggingface:acme/anime-diffusion', same: true, phrase: false, tag: true },
      { id: 'huggingface:meta/Llama-3-8B', same: true, phrase: true, tag: false },
    ]);
  });

  it('drops a model the full sweep removes, takes it back when it returns, and follows a rename', async () => {
    await ingest.ingestPage([model('a/kept', 1), model('b/gone', 2)]);
    const sweepStarted = new Date();
    await ingest.ingestPage([model('a/kept', 1)], { seenAt: new Date(sweepStarted.getTime() + 1_000) });
    await ingest.markUnseenRemoved('huggingface', new Date(sweepStarted.getTime() + 500), null);
    await expectInStep(['a/kept']);

    await ingest.ingestPage([model('b/gone', 2)]);
    await expectInStep(['a/kept', 'b/gone']);

    await db.pool.query(`UPDATE models SET name = 'Renamed Model' WHERE id = 'huggingface:a/kept'`);
    await expectInStep(['a/kept', 'b/gone']);
    const { rows } = await db.pool.query<{ search_name: string }>(
      `SELECT search_name FROM model_search WHERE id = 'huggingface:a/kept'`,
    );
    expect(rows).toEqual([{ search_name: 'renamed model' }]);
  });

  it('loses a deleted model with it, and stays in step with many models written at once', async () => {
    const many = Array.from({ length: 250 }, (_, i) => model(`bulk/model-${i}`, i));
    await ingest.ingestPage(many);
    // Models are removed, not deleted; an operator's delete takes its change rows first.
    await db.pool.query(`DELETE FROM model_changes WHERE model_id = 'huggingface:bulk/model-7'`);
    await db.pool.query(`DELETE FROM models WHERE id = 'huggingface:bulk/model-7'`);
    await ingest.ingestPage(many.slice(10, 110).map((m) => ({ ...m, downloads: m.downloads + 1 })));
    const { expected, actual } = await bothSides();
    expect(actual).toEqual(expected);
    expect(actual).toHaveLength(249);
  });
});
