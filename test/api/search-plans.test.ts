/**
 * The plans a ranked page of the search table can take (docs/search.md) read the same pages:
 * - few matches expected: every match at once (relevanceProbePage);
 * - more matches than expected: that read is thrown away and the tiers read the page;
 * - common words: the tiers walk the top of the downloads order whatever the planner prefers;
 * - no probe (`searchProbeRows` null): the tiers, as planned or walked.
 * Each is checked against the same search read from `models` (a filter of every hub sends it
 * there), forward to the last page and back to the first, with the statement each plan ran seen
 * on the way to Postgres.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/read-model/cursor.js';
import { CatalogReadRepository } from '../../src/read-model/catalog-read.repository.js';
import { parseModelsArgs, type ModelsArgs } from '../../src/read-model/models.filter.js';
import { useTestDatabase } from '../helpers/database.js';
import { SEARCH_CATALOG_MODELS, seedSearchCatalog } from '../helpers/search-catalog.js';

const db = useTestDatabase();
const ORDER = 'RELEVANCE:DESC';

/** `pool`, with the text of every statement it runs kept in `seen`. */
function watched(pool: pg.Pool, seen: string[]): pg.Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (text: string, values?: unknown[]) => {
        seen.push(text);
        return target.query(text, values);
      };
    },
  });
}

const probes = (text: string) => text.startsWith('WITH found AS MATERIALIZED');
const walks = (text: string) => text.includes(') IS TRUE');

/**
 * Every match in ranked order (`id@key`), by pages of `size`, forward; then the same read backward.
 */
async function both(repository: CatalogReadRepository, filter: ModelsArgs['filter'], size: number) {
  const page = async (args: ModelsArgs) => {
    const query = parseModelsArgs({ ...args, filter });
    const rows = await repository.modelsPage(query);
    return {
      rows: rows.slice(0, size).map((row) => ({ id: row.id, key: String(row.sortKey) })),
      more: rows.length > size,
    };
  };
  // The key as well as the id: the key holds the tier (sort-keys.ts).
  const position = (row: { id: string; key: string }) => `${row.id}@${row.key}`;
  const cursor = (row: { id: string; key: string }) => encodeCursor({ order: ORDER, key: row.key, id: row.id });
  const forward: string[] = [];
  let last: { id: string; key: string } | undefined;
  for (;;) {
    const { rows, more } = await page({ first: size, ...(last ? { after: cursor(last) } : {}) });
    forward.push(...rows.map(position));
    last = rows[rows.length - 1];
    if (!more || !last) break;
  }
  const backward: string[] = [];
  let first: { id: string; key: string } | undefined;
  for (;;) {
    const { rows, more } = await page({ last: size, ...(first ? { before: cursor(first) } : {}) });
    // A backward page comes in scan order: last first.
    const ordered = [...rows].reverse();
    backward.unshift(...ordered.map(position));
    first = ordered[0];
    if (!more || !first) break;
  }
  return { forward, backward };
}

describe('ranked search plans', () => {
  it('read the same pages as the plan over models: few matches at once, tiers walked, tiers after a wrong estimate', async () => {
    await seedSearchCatalog(db.pool);
    const reference = new CatalogReadRepository(db.pool, 5_000, null);
    const read = async (probeRows: number | null, search: string) => {
      const seen: string[] = [];
      const repository = new CatalogReadRepository(watched(db.pool, seen), 5_000, probeRows);
      return {
        ...(await both(repository, { search }, 7)),
        pages: seen.filter((text) => text.includes('model_search m')),
      };
    };
    const expected = async (search: string) => (await both(reference, { search, hubs: ['huggingface'] }, 7)).forward;

    // Few matches: the probe reads them all, and nothing else reads the page.
    const rarity = await read(SEARCH_CATALOG_MODELS, 'rarity');
    expect(rarity.forward).toHaveLength(30);
    expect(rarity.forward).toEqual(await expected('rarity'));
    expect(rarity.backward).toEqual(rarity.forward);
    expect(rarity.pages.length).toBeGreaterThan(0);
    expect(rarity.pages.every(probes)).toBe(true);

    // Around the walk's last row, and a prefix (tiers 1 and 0): the probe's tiers are the tiers'.
    for (const search of ['edgeword', 'rari', 'llama 3 edgeword']) {
      const probed = await read(SEARCH_CATALOG_MODELS, search);
      expect(probed.forward, search).toEqual(await expected(search));
      expect(probed.backward, search).toEqual(probed.forward);
      expect(probed.pages.every(probes), search).toBe(true);
    }

    // Every "rarity" model is tagged "tagonly": the two as independent expect at most 30 × 2 ×
    // 2,000 / 6,500 matches, 18 (the last word counted twice: as typed and as a prefix); read at
    // most 25, the probe finds 30, and the tiers read each page again.
    const wrong = await read(25, 'rarity tagonly');
    expect(wrong.forward).toHaveLength(30);
    expect(wrong.forward).toEqual(await expected('rarity tagonly'));
    expect(wrong.backward).toEqual(wrong.forward);
    const probed = wrong.pages.filter(probes);
    expect(probed.length).toBeGreaterThan(0);
    expect(wrong.pages.length).toBe(2 * probed.length);

    // Without the probe, the tiers read a rare word.
    const tiered = await read(null, 'rarity');
    expect(tiered.forward).toEqual(rarity.forward);
    expect(tiered.pages.some(probes)).toBe(false);

    // A word in a third of the names: its tiers walk.
    const common = await read(null, 'common');
    expect(common.forward).toHaveLength(Math.ceil(SEARCH_CATALOG_MODELS / 3));
    expect(common.forward).toEqual(await expected('common'));
    expect(common.backward).toEqual(common.forward);
    expect(common.pages.some(walks)).toBe(true);
    expect(common.pages.some(probes)).toBe(false);
  }, 180_000);
});
