/**
 * The facet cube (`model_facet_counts`) and the daily openness changes (`openness_daily_changes`),
 * kept by triggers (migration 20261127060000_catalog_facets): exact after every write path —
 * creates, updates that move facets, a redefined license, raw SQL, removals, restores, deletes and
 * concurrent ingest transactions — checked against a GROUP BY of `models` and against a replay
 * of the change log by `catalog_facets_rebuild()`; and `totalCount` from the cube equal to the
 * COUNT over `models` for many filters.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cubeAnswers, cubeCountSql } from '../../src/read-model/facets.sql.js';
import { parseModelsArgs } from '../../src/read-model/models.filter.js';
import { modelsSql } from '../../src/read-model/models.sql.js';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { createDatabase } from '../../src/db/database.js';
import { silentLogger } from '../helpers/database.js';
import type { FilterInput } from './catalog.fixture.js';
import {
  buildHistory,
  facetsOf,
  HUB,
  LICENSES,
  modelWith,
  OTHER_HUB,
  randomFacets,
  seedHubs,
  truncateAll,
  World,
} from './catalog-stats.world.js';

const db = createDatabase({ database: { url: inject('databaseUrl'), poolSize: 12 } }, silentLogger);
afterAll(() => db.close());

const KEY = `removed, license_id, openness_level::text AS level, hub_id, mof_class::text AS mof, weights_availability::text AS weights,
  gating::text AS gating, task, library`;
const ORDER = 'ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9';

/** The cube, and what it must hold: a GROUP BY of `models` as they are. */
async function cubeAndTruth() {
  const cube = await db.pool.query(`SELECT ${KEY}, model_count FROM model_facet_counts ${ORDER}`);
  const truth = await db.pool.query(
    `SELECT ${KEY.replace('removed,', 'removed_at IS NOT NULL AS removed,')}, count(*)::int AS model_count
     FROM models GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ${ORDER}`,
  );
  return { cube: cube.rows, truth: truth.rows };
}

/** The totals, and what they must hold: one GROUP BY of `models` per facet. */
async function totalsAndTruth() {
  const totals = await db.pool.query(
    `SELECT removed, hub_id, facet, value, model_count FROM model_facet_totals ORDER BY 1, 2, 3, 4`,
  );
  const facet = (name: string, column: string) =>
    `SELECT removed_at IS NOT NULL AS removed, hub_id, '${name}' AS facet, ${column}::text AS value, count(*)::int AS model_count
     FROM models GROUP BY 1, 2, 3, 4`;
  const truth = await db.pool.query(
    `${[
      facet('license', 'license_id'),
      facet('opennessLevel', 'openness_level'),
      facet('mofClass', 'mof_class'),
      facet('weights', 'weights_availability'),
      facet('task', 'task'),
      facet('library', 'library'),
    ].join(' UNION ALL ')} ORDER BY 1, 2, 3, 4`,
  );
  return { totals: totals.rows, truth: truth.rows };
}

async function expectCubeExact(label: string) {
  const { cube, truth } = await cubeAndTruth();
  expect(cube, label).toEqual(truth);
  const totals = await totalsAndTruth();
  expect(totals.totals, `${label}: totals`).toEqual(totals.truth);
}

/** The daily table as the triggers kept it, and as a replay of the whole log rebuilds it. */
async function expectDailyReplayable(label: string) {
  const read = () =>
    db.pool.query(
      `SELECT day, hub_id, openness_level::text AS level, listed_delta, all_delta FROM openness_daily_changes ORDER BY 1, 2, 3`,
    );
  const kept = (await read()).rows;
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT catalog_facets_rebuild()');
    const rebuilt = await client.query(
      `SELECT day, hub_id, openness_level::text AS level, listed_delta, all_delta FROM openness_daily_changes ORDER BY 1, 2, 3`,
    );
    const cube = await client.query(`SELECT ${KEY}, model_count FROM model_facet_counts ${ORDER}`);
    const totals = await client.query(
      `SELECT removed, hub_id, facet, value, model_count FROM model_facet_totals ORDER BY 1, 2, 3, 4`,
    );
    expect(rebuilt.rows, label).toEqual(kept);
    expect(cube.rows, `${label}: rebuilt cube`).toEqual((await cubeAndTruth()).truth);
    expect(totals.rows, `${label}: rebuilt totals`).toEqual((await totalsAndTruth()).truth);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the cube and the daily changes stay exact through every write path', () => {
  it('creates, facet moves, a redefined license, raw SQL, removals and restores', async () => {
    await truncateAll(db);
    await seedHubs(db);
    const world = new World(db);
    await buildHistory(world, {
      after: async (phase) => {
        await expectCubeExact(`after phase ${phase}`);
        await expectDailyReplayable(`after phase ${phase}`);
      },
    });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM model_facet_counts WHERE model_count <= 0)
         + (SELECT count(*) FROM model_facet_totals WHERE model_count <= 0))::int AS n`,
    );
    expect(rows[0]?.n, 'rows that reach zero are deleted').toBe(0);
    expect(world.current().filter((m) => m.removed).length).toBeGreaterThan(0);
  });

  it('a write that moves no facet writes no cube row; deletes and TRUNCATE are followed', async () => {
    await truncateAll(db);
    await seedHubs(db);
    const ingest = new IngestRepository(db.pool);
    const models = Array.from({ length: 30 }, (_, i) =>
      modelWith(`acme/m${i}`, {
        ...facetsOf(
          modelWith(
            'x',
            randomFacets(() => (i * 0.137) % 1),
          ),
        ),
        hubId: HUB,
      }),
    );
    await ingest.ingestPage(models, { seenAt: new Date('2025-01-01T00:00:00Z') });
    const written = () =>
      db.pool.query(
        `SELECT 'cube' AS t, id, xmin::text FROM model_facet_counts
         UNION ALL SELECT 'totals', id, xmin::text FROM model_facet_totals ORDER BY 1, 2`,
      );
    const before = await written();

    // Seen again unchanged (counters and last-seen move), and an update of non-facet columns only.
    await ingest.ingestPage(
      models.map((m) => ({ ...m, downloads: m.downloads + 7 })),
      { seenAt: new Date('2025-01-02T00:00:00Z') },
    );
    await ingest.ingestPage(
      models.slice(0, 5).map((m) => ({ ...m, sha: 'c'.repeat(40), tags: ['new-tag'] })),
      { seenAt: new Date('2025-01-03T00:00:00Z') },
    );
    await db.pool.query(`UPDATE models SET likes = likes + 1, card_summary = 'x'`);
    expect((await written()).rows).toEqual(before.rows);

    // A model written and deleted straight in SQL (no change rows, so it can be deleted).
    await db.pool.query(
      `INSERT INTO models (id, hub_id, repo_id, name, content_hash, license_id, task) VALUES
         ('modelscope:raw/a', $1, 'raw/a', 'a', 'h', NULL, 'fill-mask'), ('modelscope:raw/b', $1, 'raw/b', 'b', 'h', 'MIT', NULL)`,
      [OTHER_HUB],
    );
    await expectCubeExact('after a raw insert');
    await db.pool.query(`UPDATE models SET license_id = NULL, openness_level = NULL WHERE id = 'modelscope:raw/b'`);
    await expectCubeExact('after a raw update to nulls');
    await db.pool.query(`DELETE FROM models WHERE id LIKE 'modelscope:raw/%'`);
    await expectCubeExact('after a delete');
    // A license id renamed: ON UPDATE CASCADE rewrites models.license_id, the cube follows.
    await db.pool.query(`UPDATE licenses SET id = 'MIT-renamed' WHERE id = 'MIT'`);
    await expectCubeExact('after a cascaded license rename');

    await db.pool.query('TRUNCATE models, model_changes CASCADE');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM model_facet_counts')).rows[0]).toEqual({ n: 0 });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM model_facet_totals')).rows[0]).toEqual({ n: 0 });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM openness_daily_changes')).rows[0]).toEqual({ n: 0 });
  });

  it('a cube out of step with models fails the writer instead of going negative', async () => {
    await truncateAll(db);
    await seedHubs(db);
    await new IngestRepository(db.pool).ingestPage([
      modelWith('acme/a', {
        ...facetsOf(
          modelWith(
            'x',
            randomFacets(() => 0.5),
          ),
        ),
        hubId: HUB,
      }),
    ]);
    await db.pool.query('DELETE FROM model_facet_counts');
    await expect(db.pool.query(`UPDATE models SET task = 'moved'`)).rejects.toThrow(/below zero.*out of step/);
    await db.pool.query('SELECT catalog_facets_rebuild()');
    await db.pool.query('DELETE FROM model_facet_totals');
    await expect(db.pool.query(`UPDATE models SET task = 'moved'`)).rejects.toThrow(/below zero.*out of step/);
    await db.pool.query('SELECT catalog_facets_rebuild()');
    await db.pool.query(`UPDATE models SET task = 'moved'`);
    await expectCubeExact('after a rebuild');
  });
});

describe('concurrent ingest transactions', () => {
  it('pages written in parallel, creating and moving models across the same hot rows: no deadlock, exact cube', async () => {
    await truncateAll(db);
    await seedHubs(db);
    const ingest = new IngestRepository(db.pool);
    // Few combinations, so every page touches the same cube rows, from both halves of its upsert.
    const hot = [0.05, 0.3, 0.55, 0.8].map((x) =>
      facetsOf(
        modelWith(
          'x',
          randomFacets(() => x),
        ),
      ),
    );
    const facetsFor = (i: number, round: number) => ({
      ...(hot[(i + round) % hot.length] as ReturnType<typeof facetsOf>),
      hubId: i % 5 === 0 ? OTHER_HUB : HUB,
    });
    const base = Array.from({ length: 200 }, (_, i) => modelWith(`base/m${i}`, facetsFor(i, 0)));
    await ingest.ingestPage(base, { seenAt: new Date('2025-01-01T00:00:00Z') });

    for (let round = 1; round <= 3; round++) {
      const writers = Array.from({ length: 8 }, (_, w) => {
        const page: CatalogModel[] = [];
        // Existing models moved to another combination (pages overlap), and new ones (some shared).
        for (let i = w; i < base.length; i += 6) page.push(modelWith(`base/m${i}`, facetsFor(i, round + w)));
        for (let i = 0; i < 25; i++)
          page.push(modelWith(`new/r${round}-m${(w * 17 + i) % 120}`, facetsFor(i + w, round)));
        // Reversed for half the writers: rows are still locked in id order inside ingest.
        return ingest.ingestPage(w % 2 === 0 ? page : page.reverse(), {
          seenAt: new Date(Date.UTC(2025, 0, 1 + round)),
        });
      });
      const results = await Promise.allSettled(writers);
      expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
      await expectCubeExact(`after round ${round}`);
    }
    const removing = Promise.all([
      ingest.markUnseenRemoved(HUB, new Date('2025-01-03T12:00:00Z'), null, 7),
      ingest.ingestPage(
        base.slice(0, 50).map((m, i) => modelWith(m.repoId, facetsFor(i, 9))),
        { seenAt: new Date('2025-01-05T00:00:00Z') },
      ),
    ]);
    await expect(removing).resolves.toBeDefined();
    await expectCubeExact('after a sweep racing a page');
    await expectDailyReplayable('after the concurrent writes');
  });
});

describe('totalCount from the cube equals the COUNT over models', () => {
  const FILTERS: readonly FilterInput[] = [
    {},
    { includeRemoved: true },
    { hubs: [OTHER_HUB] },
    { hubs: [HUB, 'nowhere'], includeRemoved: true },
    { licenseIds: ['MIT', 'LicenseRef-llama3.1'] },
    { licenseCategories: ['PERMISSIVE'] },
    { licenseCategories: ['NO_DERIVATIVES', 'COMMUNITY'], minOpennessLevel: 'OPEN_WEIGHTS_CONDITIONAL' },
    { commercialUse: ['PROHIBITED', 'UNKNOWN'] },
    { osiApproved: true },
    { osiApproved: false, commercialUse: ['CONDITIONAL'], licenseCategories: ['COMMUNITY'] },
    { opennessLevels: ['CLOSED', 'OPEN_TOOLING'] },
    { minOpennessLevel: 'OPEN_WEIGHTS' },
    { minOpennessLevel: 'CLOSED', includeRemoved: true },
    { mofClasses: ['CLASS_I', 'NONE'] },
    { weights: ['GATED_MANUAL', 'API_ONLY'] },
    { gated: true },
    { gated: false, includeRemoved: true },
    { tasks: ['text-generation', 'raw-task'] },
    { libraries: ['gguf', 'raw-library'] },
    { tasks: ['image-to-text'], libraries: ['transformers'], gated: false, minOpennessLevel: 'WEIGHTS_RESTRICTED' },
    { licenseIds: [LICENSES[4]?.id ?? ''], licenseCategories: ['NON_COMMERCIAL'] },
  ];

  it('for many filters (on a catalog with a history)', async () => {
    await truncateAll(db);
    await seedHubs(db);
    await buildHistory(new World(db));
    for (const input of FILTERS) {
      const query = parseModelsArgs({ filter: input, first: 1 });
      expect(cubeAnswers(query.filter), JSON.stringify(input)).toBe(true);
      const cube = cubeCountSql(query.filter);
      const { count } = modelsSql(query);
      const viaCube = await db.pool.query<{ totalCount: number }>(cube?.text ?? '', [...(cube?.values ?? [])]);
      const viaModels = await db.pool.query<{ totalCount: number }>(count.text, [...count.values]);
      expect(viaCube.rows[0]?.totalCount, JSON.stringify(input)).toBe(viaModels.rows[0]?.totalCount);
    }
  });

  it('filters with any other field are not the cube’s', () => {
    for (const input of [
      { search: 'llama' },
      { authors: ['a'] },
      { tags: ['t'] },
      { minParameters: 1 },
      { maxParameters: 1 },
      { createdSince: new Date() },
      { updatedSince: new Date() },
    ]) {
      expect(cubeAnswers(parseModelsArgs({ filter: input }).filter), JSON.stringify(input)).toBe(false);
    }
  });
});
