/**
 * A catalog with a history, for the `stats` and facet-cube tests: models created over four months,
 * updates that move their facets (level, license, task), a license whose definition changes,
 * writes straight to SQL, removals by a completed sweep (IngestRepository.markUnseenRemoved) and
 * restores, all through the real write paths so that the triggers do the bookkeeping.
 *
 * The test side keeps its own truth as it goes: each model's current CatalogModel (with the
 * licenses' latest definitions), whether it is removed, and its timeline of (instant, level,
 * listed). Every expectation is computed from that truth here, never with the SQL under test.
 */
import pg from 'pg';
import type { CatalogModel, Gating } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import type { Database } from '../../src/db/database.js';
import {
  COMMERCIAL_USE,
  LICENSE_CATEGORIES,
  MOF_CLASSES,
  OPENNESS_LEVELS,
  WEIGHTS_AVAILABILITY,
  type MofClass,
  type OpennessLevel,
  type ResolvedLicense,
  type WeightsAvailability,
} from '../../src/openness/types.js';
import { buildCatalogModel, buildLicense, buildOpenness, NON_COMMERCIAL_LICENSE } from '../helpers/catalog-models.js';
import { applicationTables } from '../helpers/database.js';
import { matches, type FilterInput } from './catalog.fixture.js';

export const HUB = 'huggingface';
export const OTHER_HUB = 'modelscope';

export const LICENSES: readonly ResolvedLicense[] = [
  buildLicense(),
  buildLicense({ id: 'Apache-2.0', name: 'Apache License 2.0', hubValue: 'apache-2.0' }),
  buildLicense({ id: 'GPL-3.0-only', name: 'GNU GPL v3.0 only', category: 'COPYLEFT', hubValue: 'gpl-3.0' }),
  buildLicense({
    id: 'LicenseRef-llama3.1',
    name: 'Llama 3.1 Community License',
    category: 'COMMUNITY',
    commercialUse: 'CONDITIONAL',
    osiApproved: false,
    hubValue: 'llama3.1',
  }),
  NON_COMMERCIAL_LICENSE,
  buildLicense({
    id: 'NONE',
    name: 'No license',
    url: null,
    category: 'UNSPECIFIED',
    commercialUse: 'UNKNOWN',
    osiApproved: false,
    hubValue: null,
  }),
];
const TASKS = ['text-generation', 'text-classification', 'image-to-text', null] as const;
const LIBRARIES = ['transformers', 'diffusers', 'gguf', 'peft', null] as const;
const WEIGHTS: readonly WeightsAvailability[] = ['OPEN', 'GATED_AUTO', 'GATED_MANUAL', 'API_ONLY', 'UNKNOWN'];
const GATINGS: readonly (Gating | null)[] = ['NONE', 'AUTO', 'MANUAL', null];

export const DAY = 86_400_000;
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ModelFacets {
  readonly hubId: string;
  readonly license: ResolvedLicense;
  readonly level: OpennessLevel;
  readonly mofClass: MofClass;
  readonly weights: WeightsAvailability;
  readonly gating: Gating | null;
  readonly task: string | null;
  readonly library: string | null;
}

export function modelWith(repoId: string, facets: ModelFacets, extra: Partial<CatalogModel> = {}): CatalogModel {
  const openness = buildOpenness({
    license: facets.license,
    level: facets.level,
    mofClass: facets.mofClass,
    weights: { availability: facets.weights, formats: ['safetensors'], parameterCount: 1_000_000 },
  });
  return {
    ...buildCatalogModel(repoId, {
      license: facets.license,
      openness,
      gating: facets.gating,
      task: facets.task,
      library: facets.library,
    }),
    id: `${facets.hubId}:${repoId}`,
    hubId: facets.hubId,
    ...extra,
  };
}

export function facetsOf(model: CatalogModel): ModelFacets {
  return {
    hubId: model.hubId,
    license: model.license,
    level: model.openness.level,
    mofClass: model.openness.mofClass,
    weights: model.openness.weights.availability,
    gating: model.gating,
    task: model.task,
    library: model.library,
  };
}

/** Random facets: every value of every facet occurs, in uneven amounts. */
export function randomFacets(next: () => number): ModelFacets {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() ** 1.6 * items.length)] as T;
  return {
    hubId: next() < 0.2 ? OTHER_HUB : HUB,
    license: pick(LICENSES),
    level: pick(OPENNESS_LEVELS),
    mofClass: pick(MOF_CLASSES),
    weights: pick(WEIGHTS),
    gating: pick(GATINGS),
    task: pick(TASKS),
    library: pick(LIBRARIES),
  };
}

export interface TimelineEntry {
  readonly at: Date;
  readonly level: OpennessLevel;
  readonly listed: boolean;
}

export interface TruthModel {
  model: CatalogModel;
  removed: boolean;
  readonly timeline: TimelineEntry[];
}

export class World {
  readonly models = new Map<string, TruthModel>();
  /** The latest definition of each license: the `licenses` row, as ingest last wrote it. */
  readonly licenses = new Map<string, ResolvedLicense>();
  /** The instant the REMOVED rows were written (now, whatever the test does). */
  removedAt: Date | null = null;
  /** The instant of the restores (a few days after the removals). */
  restoredAt: Date | null = null;

  constructor(private readonly db: Database) {}

  private get ingest() {
    return new IngestRepository(this.db.pool);
  }

  /** Ingest a page as of `at`, and record it: new models enter, level changes move. */
  async write(models: readonly CatalogModel[], at: Date): Promise<void> {
    await this.ingest.ingestPage(models, { seenAt: at });
    for (const model of models) {
      this.licenses.set(model.license.id, model.license);
      const known = this.models.get(model.id);
      if (!known) {
        this.models.set(model.id, {
          model,
          removed: false,
          timeline: [{ at, level: model.openness.level, listed: true }],
        });
        continue;
      }
      const restored = known.removed;
      known.model = model;
      known.removed = false;
      const last = known.timeline.at(-1);
      if (restored || last?.level !== model.openness.level)
        known.timeline.push({ at, level: model.openness.level, listed: true });
    }
  }

  /** Remove every model of `hubId` not written since `seenBefore`, the way a completed sweep does. */
  async sweep(hubId: string, seenBefore: Date): Promise<string[]> {
    const committed = await this.ingest.markUnseenRemoved(hubId, seenBefore, null);
    // The sweep stamps its rows with the current time; the log is the record of when.
    const { rows } = await this.db.pool.query<{ model_id: string; occurred_at: Date }>(
      `SELECT model_id, occurred_at FROM model_changes WHERE id = ANY($1::bigint[])`,
      [committed.map((change) => change.id)],
    );
    for (const row of rows) {
      const known = this.models.get(row.model_id);
      if (!known) throw new Error(`unknown model ${row.model_id}`);
      known.removed = true;
      known.timeline.push({ at: row.occurred_at, level: known.model.openness.level, listed: false });
      this.removedAt = row.occurred_at;
    }
    return rows.map((row) => row.model_id);
  }

  /** A write straight to SQL (no change row): the cube must follow, the timelines do not move. */
  async rawTaskUpdate(id: string, task: string | null, library: string | null): Promise<void> {
    await this.db.pool.query('UPDATE models SET task = $2, library = $3 WHERE id = $1', [id, task, library]);
    const known = this.models.get(id);
    if (!known) throw new Error(`unknown model ${id}`);
    known.model = { ...known.model, task, library };
  }

  /** The models with their licenses as the `licenses` table now defines them. */
  current(): { model: CatalogModel; removed: boolean; summary: null }[] {
    return [...this.models.values()].map(({ model, removed }) => {
      const license = this.licenses.get(model.license.id) ?? model.license;
      return { model: { ...model, license: { ...license, hubValue: model.license.hubValue } }, removed, summary: null };
    });
  }

  matching(filter: FilterInput) {
    return this.current().filter((seeded) => matches(seeded, filter));
  }
}

export async function truncateAll(db: Database): Promise<void> {
  const tables = await applicationTables(db.pool);
  await db.pool.query(`TRUNCATE ${tables.map((t) => pg.escapeIdentifier(t)).join(', ')} RESTART IDENTITY CASCADE`);
}

export async function seedHubs(db: Database): Promise<void> {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES
       ($1, 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co'),
       ($2, 'ModelScope', 'MODEL_HUB', 'https://modelscope.cn/models/')`,
    [HUB, OTHER_HUB],
  );
}

export const MODELS = 150;
const CREATION_DAYS = 15;
export const FIRST_DAY = day('2025-01-03');

/**
 * The whole history, each phase's write at its own instant:
 * 1. 150 models created on 15 days nine days apart (2025-01-03 … 2025-05-02);
 * 2. 2025-05-20: every 4th model moves level (and MOF class), every 6th changes license, every
 *    9th loses its task; 2025-05-25: a new model redefines CC-BY-NC-4.0 as NO_DERIVATIVES;
 *    2025-05-27: two models' task and library rewritten straight in SQL;
 * 3. 2025-06-10: every model but each 7th seen again (unchanged), then a completed sweep of both
 *    hubs removes the rest (now);
 * 4. three days after the removals: every 14th model comes back, half of them at another level.
 */
export async function buildHistory(world: World, phases: { after?: (phase: number) => Promise<void> } = {}) {
  const next = random(20_251_127);
  const created: CatalogModel[] = [];
  for (let i = 0; i < MODELS; i++) created.push(modelWith(`org${i % 9}/model-${i}`, randomFacets(next)));
  const perDay = Math.ceil(MODELS / CREATION_DAYS);
  for (let d = 0; d < CREATION_DAYS; d++) {
    await world.write(created.slice(d * perDay, (d + 1) * perDay), new Date(FIRST_DAY.getTime() + d * 9 * DAY));
  }
  await phases.after?.(1);

  const moved = created.flatMap((model, i): CatalogModel[] => {
    if (i % 4 !== 0 && i % 6 !== 0 && i % 9 !== 0) return [];
    const facets = facetsOf(model);
    const level =
      i % 4 === 0
        ? (OPENNESS_LEVELS[(OPENNESS_LEVELS.indexOf(facets.level) + 1 + (i % 5)) % 6] as OpennessLevel)
        : facets.level;
    const mofClass =
      i % 4 === 0 ? (MOF_CLASSES[(MOF_CLASSES.indexOf(facets.mofClass) + 1) % 4] as MofClass) : facets.mofClass;
    const license =
      i % 6 === 0
        ? (LICENSES[(LICENSES.indexOf(facets.license) + 1) % LICENSES.length] as ResolvedLicense)
        : facets.license;
    const task = i % 9 === 0 ? null : facets.task;
    return [modelWith(model.repoId, { ...facets, level, mofClass, license, task })];
  });
  await world.write(moved, day('2025-05-20'));
  const redefined = buildLicense({
    ...(LICENSES[4] as ResolvedLicense),
    category: 'NO_DERIVATIVES',
    name: 'CC BY-NC 4.0 (redefined)',
  });
  await world.write(
    [modelWith('acme/relicensed', { ...facetsOf(created[0] as CatalogModel), hubId: HUB, license: redefined })],
    day('2025-05-25'),
  );
  await world.rawTaskUpdate((created[1] as CatalogModel).id, 'raw-task', null);
  await world.rawTaskUpdate((created[2] as CatalogModel).id, null, 'raw-library');
  await phases.after?.(2);

  // Pages built from the current truth carry the licenses' latest definitions, as a crawl would.
  const all = world.current().map((seeded) => seeded.model);
  const keep = all.filter((_model, i) => i % 7 !== 3);
  const seenAt = day('2025-06-10');
  await world.write(keep, seenAt);
  await world.sweep(HUB, seenAt);
  await world.sweep(OTHER_HUB, seenAt);
  await phases.after?.(3);

  const removed = world
    .current()
    .filter((seeded) => seeded.removed)
    .map((seeded) => seeded.model);
  const back = removed
    .filter((_model, i) => i % 2 === 0)
    .map((model, i) =>
      i % 2 === 0
        ? model
        : modelWith(model.repoId, {
            ...facetsOf(model),
            level: OPENNESS_LEVELS[(OPENNESS_LEVELS.indexOf(model.openness.level) + 2) % 6] as OpennessLevel,
          }),
    );
  world.restoredAt = new Date((world.removedAt ?? new Date()).getTime() + 3 * DAY);
  await world.write(back, world.restoredAt);
  await phases.after?.(4);
}

// ---------------------------------------------------------------------------------------------
// Expectations.

export type FacetName =
  | 'byLicense'
  | 'byLicenseCategory'
  | 'byCommercialUse'
  | 'byOpennessLevel'
  | 'byMofClass'
  | 'byWeights'
  | 'byHub'
  | 'byTask'
  | 'byLibrary';

const DECLARED: Partial<Record<FacetName, readonly string[]>> = {
  byLicenseCategory: LICENSE_CATEGORIES,
  byCommercialUse: COMMERCIAL_USE,
  byOpennessLevel: OPENNESS_LEVELS,
  byMofClass: MOF_CLASSES,
  byWeights: WEIGHTS_AVAILABILITY,
};

const VALUE_OF: Record<FacetName, (model: CatalogModel) => string | null> = {
  byLicense: (m) => m.license.id,
  byLicenseCategory: (m) => m.license.category,
  byCommercialUse: (m) => m.license.commercialUse,
  byOpennessLevel: (m) => m.openness.level,
  byMofClass: (m) => m.openness.mofClass,
  byWeights: (m) => m.openness.weights.availability,
  byHub: (m) => m.hubId,
  byTask: (m) => m.task,
  byLibrary: (m) => m.library,
};

export const FACET_NAMES = Object.keys(VALUE_OF) as FacetName[];

/** A facet as `stats` must list it: count descending, then declared order / code point, null last. */
export function expectedFacet(models: readonly { model: CatalogModel }[], facet: FacetName) {
  const tally = new Map<string | null, number>();
  for (const { model } of models) {
    const value = VALUE_OF[facet](model);
    tally.set(value, (tally.get(value) ?? 0) + 1);
  }
  const order = DECLARED[facet];
  return [...tally.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => {
      if (a.count !== b.count) return b.count - a.count;
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      if (order) return order.indexOf(a.value) - order.indexOf(b.value);
      return Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    });
}

/** The start of the UTC bucket holding `at`, written independently of the code under test. */
export function bucketOf(at: Date, interval: 'DAY' | 'WEEK' | 'MONTH'): Date {
  const iso = at.toISOString();
  if (interval === 'MONTH') return new Date(`${iso.slice(0, 7)}-01T00:00:00.000Z`);
  let start = new Date(`${iso.slice(0, 10)}T00:00:00.000Z`);
  if (interval === 'WEEK') while (start.getUTCDay() !== 1) start = new Date(start.getTime() - DAY);
  return start;
}

export function nextBucket(start: Date, interval: 'DAY' | 'WEEK' | 'MONTH'): Date {
  if (interval === 'DAY') return new Date(start.getTime() + DAY);
  if (interval === 'WEEK') return new Date(start.getTime() + 7 * DAY);
  return bucketOf(new Date(start.getTime() + 32 * DAY), 'MONTH');
}

/**
 * What `opennessOverTime` must return for the models matching `filter` by their current attributes
 * (removal aside), buckets from the one holding `from` to the one holding `to`: per level, the
 * models whose last timeline entry before the bucket's end has that level (and is listed, unless
 * removed models are included).
 */
export function expectedOpennessOverTime(
  world: World,
  filter: FilterInput,
  interval: 'DAY' | 'WEEK' | 'MONTH',
  from: Date,
  to: Date,
) {
  const chosen = world
    .current()
    .filter((seeded) => matches({ ...seeded, removed: false }, { ...filter, includeRemoved: true }))
    .map((seeded) => (world.models.get(seeded.model.id) as TruthModel).timeline);
  const countsAt = (end: Date) =>
    OPENNESS_LEVELS.map(
      (level) =>
        chosen.filter((timeline) => {
          const state = timeline.filter((entry) => entry.at < end).at(-1);
          return state !== undefined && state.level === level && (state.listed || filter.includeRemoved === true);
        }).length,
    );
  const buckets = [];
  for (let start = bucketOf(from, interval); start <= to; start = nextBucket(start, interval)) {
    const end = nextBucket(start, interval);
    const before = countsAt(start);
    const after = countsAt(end);
    buckets.push({
      start: start.toISOString(),
      end: end.toISOString(),
      levels: OPENNESS_LEVELS.map((level, i) => ({
        level,
        count: after[i] as number,
        change: (after[i] as number) - (before[i] as number),
      })),
      total: after.reduce((sum, n) => sum + n, 0),
      change: after.reduce((sum, n) => sum + n, 0) - before.reduce((sum, n) => sum + n, 0),
    });
  }
  return buckets;
}
