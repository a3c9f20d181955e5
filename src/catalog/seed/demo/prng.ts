/**
 * The seeded randomness every other generator file draws from: the PRNG streams keyed by
 * (seed, index, stream), uniform and weighted draws, and the `words` helper for vocabulary lists.
 * Imports nothing of the other generator files.
 *
 * Written here rather than taken from a package because what we need is random access: record
 * i must be computable from (seed, i) alone, in O(1), without drawing records 0..i-1 first.
 * Sequence-oriented seedable PRNG packages don't offer that; a 32-bit hash of (seed, index, stream)
 * seeding mulberry32 does, in a dozen lines.
 */

export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

export function streamSeed(seed: number, index: number, stream: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 0x1_0000_0000) >>> 0;
  return mix32(mix32(mix32(Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(stream, 0x85ebca6b)) ^ low) ^ high);
}

export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return mix32(hash);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `count` distinct items (fewer when the list is shorter), in list order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    const wanted = Math.min(count, items.length);
    while (chosen.size < wanted) chosen.add(this.int(items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      const word = this.int(0x1_0000_0000);
      out +=
        (HEX_BYTES[word >>> 24] as string) +
        (HEX_BYTES[(word >>> 16) & 0xff] as string) +
        (HEX_BYTES[(word >>> 8) & 0xff] as string) +
        (HEX_BYTES[word & 0xff] as string);
    }
    return out.slice(0, length);
  }
}

export class Weighted<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    let sum = 0;
    for (const [value, weight] of entries) {
      sum += weight;
      this.values.push(value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  draw(rng: Rng): T {
    const target = rng.next() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) {
      if (target < (this.cumulative[i] as number)) return this.values[i] as T;
    }
    return this.values[this.values.length - 1] as T;
  }
}

/** The independent PRNG streams of one record (see the file comment of record-generator.ts). */
export const Stream = { Identity: 1, Time: 2, Popularity: 3, Body: 4, Mutation: 5 } as const;

export function words(list: string): readonly string[] {
  return list.split(' ');
}
