/**
 * The change filter's two forms agree: for many random filters over a log of varied changes, the
 * SQL form (feed pages, catch-up) selects exactly the rows the in-memory form (live delivery)
 * accepts. Also: what parseChangeFilter accepts and refuses.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import {
  CHANGE_KINDS,
  changeFilterToJson,
  matchesChange,
  parseChangeFilter,
  type ChangeFilterInput,
} from '../../src/events/change-filter.js';
import { ChangeLog, type LoggedChange } from '../../src/events/change-log.repository.js';
import { LICENSE_CATEGORIES, OPENNESS_LEVELS } from '../../src/openness/types.js';
import { buildCatalogModel, buildLicense, buildOpenness } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const log = new ChangeLog(db.pool);

/** A deterministic pseudo-random sequence (mulberry32), so a failure replays. */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AUTHORS = ['alpha', 'beta', 'gamma'];
const LICENSES = [
  buildLicense(),
  buildLicense({ id: 'CC-BY-NC-4.0', name: 'CC BY-NC', category: 'NON_COMMERCIAL', hubValue: 'cc-by-nc-4.0' }),
  buildLicense({ id: 'GPL-3.0-only', name: 'GPL 3', category: 'COPYLEFT', hubValue: 'gpl-3.0' }),
];

describe('change filter: SQL and in-memory forms', () => {
  let rows: LoggedChange[] = [];

  // Each test starts from an empty database (useTestDatabase truncates before each).
  beforeEach(async () => {
    await db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
    );
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
    const ingest = new IngestRepository(db.pool);
    for (let round = 0; round < 6; round++) {
      const page = Array.from({ length: 12 }, (_, i) => {
        const license = pick(LICENSES);
        const level = pick(OPENNESS_LEVELS);
        return buildCatalogModel(`${AUTHORS[i % 3]}/m${i}`, {
          license,
          gating: pick(['NONE', 'AUTO', 'MANUAL'] as const),
          sha: pick(['a', 'b', 'c']).repeat(40),
          openness: buildOpenness({ license, level }),
        });
      });
      await ingest.ingestPage(page);
    }
    rows = await log.read('0', parseChangeFilter({}), 10_000);
    expect(rows.length).toBeGreaterThan(30);
  });

  it('selects the same rows for 300 random filters', async () => {
    const next = random(11);
    const some = <T>(items: readonly T[]) => items.filter(() => next() < 0.3);
    for (let i = 0; i < 300; i++) {
      const input: ChangeFilterInput = {
        kinds: some(CHANGE_KINDS),
        authors: some(AUTHORS),
        licenseCategories: some(LICENSE_CATEGORIES),
        modelIds: some(rows.map((row) => row.modelId)).slice(0, 5),
        hubs: next() < 0.2 ? ['huggingface'] : next() < 0.1 ? ['civitai'] : [],
        minOpennessLevel: next() < 0.4 ? OPENNESS_LEVELS[Math.floor(next() * OPENNESS_LEVELS.length)] : null,
        since: next() < 0.2 ? (rows[Math.floor(next() * rows.length)] as LoggedChange).occurredAt : null,
      };
      const filter = parseChangeFilter(input);
      const sql = (await log.read('0', filter, 10_000)).map((row) => row.id);
      const memory = rows.filter((row) => matchesChange(filter, row)).map((row) => row.id);
      expect(sql, JSON.stringify(input)).toEqual(memory);
      // A stored filter (webhooks) reads back the same.
      expect(parseChangeFilter(JSON.parse(JSON.stringify(changeFilterToJson(filter))))).toEqual(filter);
    }
  });

  it('refuses unknown fields and values, too many values and bad dates', () => {
    expect(() => parseChangeFilter({ colour: ['red'] })).toThrow(/colour|Unrecognized/);
    expect(() => parseChangeFilter({ kinds: ['NOPE'] })).toThrow(/kinds/);
    expect(() => parseChangeFilter({ authors: Array.from({ length: 101 }, (_, i) => `a${i}`) })).toThrow(/at most 100/);
    expect(() => parseChangeFilter({ since: 'yesterday' })).toThrow(/since/);
    expect(() => parseChangeFilter({ authors: [''] })).toThrow(/empty/);
    expect(parseChangeFilter(null)).toEqual(parseChangeFilter({}));
  });
});
