/**
 * The timeline of a record: createdAt (strictly increasing with the index), lastModified, their ISO
 * strings, the Mongo-style `_id`, and the sortable fields of a record. All of them are cheap on their
 * own (they come from the time and popularity streams), for the fake hub's sorted listings.
 */

import { popularityOf } from './popularity.js';
import { Rng, Stream, mix32, streamSeed } from './prng.js';
import { CREATED_AT_STEP_SECONDS, type GeneratorOptions, baseSecondsOf, seedOf } from './record-types.js';

/** createdAt of record `index`, in epoch ms (whole seconds). Strictly increasing with the index. */
export function generatedCreatedAt(index: number, options?: GeneratorOptions): number {
  const rng = new Rng(streamSeed(seedOf(options), index, Stream.Time));
  const seconds = baseSecondsOf(options) + index * CREATED_AT_STEP_SECONDS + rng.int(CREATED_AT_STEP_SECONDS);
  return seconds * 1000;
}

export function lastModifiedOf(seed: number, index: number, createdAt: number): number {
  const rng = new Rng(streamSeed(seed, index, Stream.Time));
  rng.next(); // the createdAt jitter
  const roll = rng.next();
  // Most repos get their last commit within minutes of creation; some keep being updated for months.
  const delaySeconds =
    roll < 0.55 ? rng.int(600) : roll < 0.85 ? 600 + rng.int(30 * 86_400) : 30 * 86_400 + rng.int(400 * 86_400);
  return createdAt + delaySeconds * 1000;
}

export interface GeneratedSortKeys {
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly downloads: number;
  readonly likes: number;
  readonly trendingScore: number;
}

/** The sortable fields of record `index`, without generating the rest of it. */
export function generatedSortKeys(index: number, options?: GeneratorOptions): GeneratedSortKeys {
  const seed = seedOf(options);
  const createdAt = generatedCreatedAt(index, options);
  const popularity = popularityOf(seed, index);
  return {
    createdAt,
    lastModified: lastModifiedOf(seed, index, createdAt),
    downloads: popularity.downloads,
    likes: popularity.likes,
    trendingScore: popularity.trendingScore,
  };
}

/** The `_id` of record `index`, without generating the rest of it. */
export function generatedObjectId(index: number, options?: GeneratorOptions): string {
  return objectId(seedOf(options), index, generatedCreatedAt(index, options));
}

const dayPrefixes = new Map<number, string>();

/**
 * `Date#toISOString` for whole-second times, with the date part cached per day: formatting dates
 * was a fifth of the cost of a record.
 */
export function isoTime(ms: number): string {
  if (ms % 1000 !== 0) return new Date(ms).toISOString();
  const day = Math.floor(ms / 86_400_000);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const seconds = (ms - day * 86_400_000) / 1000;
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return `${prefix}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}.000Z`;
}

const machineParts = new Map<number, string>();

/**
 * A Mongo ObjectId like the Hub's: creation second, a per-seed "machine" part, a counter. Ids sort
 * like the records' indices, as the Hub's `_id` tie-breaker sorts by creation.
 */
export function objectId(seed: number, index: number, createdAt: number): string {
  let machine = machineParts.get(seed);
  if (machine === undefined) {
    machine = new Rng(mix32(seed ^ 0x0b1ec7)).hex(10);
    machineParts.set(seed, machine);
  }
  const counter = (index % 0x1000000).toString(16).padStart(6, '0');
  return (
    Math.floor(createdAt / 1000)
      .toString(16)
      .padStart(8, '0') +
    machine +
    counter
  );
}
