/**
 * The lineage of a record: whether it derives from earlier records (about 31 % do: finetunes,
 * adapters, quantizations, merges), and which ones, picked among earlier records of a compatible
 * archetype, of the same model family when one is near. Older records collect more children, as
 * foundation models do.
 */

import { type Archetype, type Core, coreOf } from './archetypes.js';
import type { Rng } from './prng.js';
import type { GeneratorOptions, HfBaseModelRelation } from './record-types.js';
import { type Identity, generatedRepoId } from './repo-ids.js';

/** How a child of each archetype relates to its parent, and which archetypes can be its parent. */
const DERIVATION: Readonly<
  Record<
    Archetype,
    { readonly share: number; readonly parents: readonly Archetype[]; readonly relation: HfBaseModelRelation }
  >
> = {
  llm: { share: 0.33, parents: ['llm'], relation: 'finetune' },
  gguf: { share: 1, parents: ['llm'], relation: 'quantized' },
  peft: { share: 1, parents: ['llm'], relation: 'adapter' },
  encoder: { share: 0.15, parents: ['encoder'], relation: 'finetune' },
  diffusion: { share: 0.2, parents: ['diffusion'], relation: 'finetune' },
  lora: { share: 1, parents: ['diffusion'], relation: 'adapter' },
  speech: { share: 0.2, parents: ['speech'], relation: 'finetune' },
  vision: { share: 0.15, parents: ['vision'], relation: 'finetune' },
  rl: { share: 0, parents: [], relation: 'finetune' },
  empty: { share: 0, parents: [], relation: 'finetune' },
};
/** Share of LLM finetunes that are merges instead. */
const MERGE_SHARE = 0.15;
/** How far back a derivative looks for a compatible parent before giving up. */
const PARENT_SCAN = 256;
/** How far back it looks for a parent of its own family once it has a compatible one. */
const SAME_FAMILY_SCAN = 24;

function findParent(seed: number, index: number, rng: Rng, self: Core): number | undefined {
  if (index === 0) return undefined;
  const { parents } = DERIVATION[self.archetype];
  // Older records collect more children (u² leans toward early indices), like foundation models do.
  const u = rng.next();
  const start = Math.min(index - 1, Math.floor(u * u * index));
  let fallback: number | undefined;
  for (let j = start; j >= 0 && j > start - PARENT_SCAN; j--) {
    const candidate = coreOf(seed, j);
    if (!parents.includes(candidate.archetype)) continue;
    if (candidate.family === self.family) return j;
    fallback ??= j;
    // Prefer a parent of the same family, but only among near candidates: this bounds the cost.
    if (start - j >= SAME_FAMILY_SCAN) break;
  }
  return fallback;
}

export interface Lineage {
  /** How the record relates to its base models; undefined for an original. */
  readonly relation: HfBaseModelRelation | undefined;
  /** The base models' repo ids: none for an original, one, or two for some merges. */
  readonly baseModels: string[];
  readonly derivative: boolean;
}

/** Draws the lineage of record `index` from its body stream `rng`. */
export function drawLineage(
  seed: number,
  index: number,
  rng: Rng,
  identity: Identity,
  options: GeneratorOptions | undefined,
): Lineage {
  const derivation = DERIVATION[identity.archetype];
  const parentIndex = rng.chance(derivation.share) ? findParent(seed, index, rng, identity) : undefined;
  let relation: HfBaseModelRelation | undefined;
  let baseModels: string[] = [];
  if (parentIndex !== undefined) {
    relation = identity.archetype === 'llm' && rng.chance(MERGE_SHARE) ? 'merge' : derivation.relation;
    baseModels = [generatedRepoId(parentIndex, options)];
    if (relation === 'merge') {
      const second = findParent(seed, index, rng, identity);
      if (second !== undefined && second !== parentIndex) baseModels.push(generatedRepoId(second, options));
    }
  }
  return { relation, baseModels, derivative: baseModels.length > 0 };
}
