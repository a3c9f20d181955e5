/**
 * The popularity of a record and what comes with it: downloads (42 % zero, the rest Pareto capped
 * at 150M), all-time downloads, likes (sub-linear in downloads) and trending score, drawn from their
 * own stream; then, from the body stream, the Spaces that use a popular repo and the inference
 * providers that serve some popular text-generation and text-to-image repos.
 */

import { Rng, Stream, streamSeed, words } from './prng.js';
import type { HfInferenceProvider } from './record-types.js';
import { type Identity, USERS, userName } from './repo-ids.js';

const PROVIDERS = words('hf-inference together fireworks-ai nebius novita groq fal-ai replicate');

export interface Popularity {
  readonly downloads: number;
  readonly downloadsAllTime: number;
  readonly likes: number;
  readonly trendingScore: number;
}

export function popularityOf(seed: number, index: number): Popularity {
  const rng = new Rng(streamSeed(seed, index, Stream.Popularity));
  const active = rng.next() >= 0.42;
  // Pareto with α ≈ 0.62 above 1: P(downloads > 1M | active) ≈ 2e-4.
  const downloads = active ? Math.min(150_000_000, Math.floor(Math.pow(1 - rng.next(), -1 / 0.62))) : 0;
  const history = rng.next();
  const downloadsAllTime = downloads + Math.floor(downloads * history * 12) + (rng.chance(0.3) ? rng.int(50) : 0);
  const likeScale = rng.next();
  const likes = Math.floor(Math.pow(downloads, 0.55) * likeScale * likeScale * 0.6) + (rng.chance(0.12) ? 1 : 0);
  const trendingScore = rng.chance(0.05) ? Math.floor(likes * rng.next() * 0.5) : 0;
  return { downloads, downloadsAllTime, likes, trendingScore };
}

/** Inference providers, only for some popular text-generation and text-to-image repos. */
export function drawInferenceProviders(
  rng: Rng,
  identity: Identity,
  pipeline: string | undefined,
  downloads: number,
): HfInferenceProvider[] | undefined {
  const { archetype, author, name, repoId } = identity;
  if (
    (pipeline === 'text-generation' || pipeline === 'text-to-image') &&
    (archetype === 'llm' || archetype === 'diffusion') &&
    downloads >= 20_000 &&
    rng.chance(0.5)
  ) {
    return rng.sample(PROVIDERS, 1 + rng.int(3)).map((provider) => ({
      provider,
      providerId: provider === 'hf-inference' ? repoId : `${author.toLowerCase()}/${name.toLowerCase()}`,
      status: rng.chance(0.85) ? 'live' : 'staging',
      task: pipeline === 'text-generation' ? 'conversational' : pipeline,
    }));
  }
  return undefined;
}

/** The Spaces that use a repo: one to four demos by random users, for repos past 100,000 downloads. */
export function drawSpaces(rng: Rng, downloads: number): string[] {
  const spaces: string[] = [];
  if (downloads > 100_000) {
    const count = 1 + rng.int(4);
    for (let n = 0; n < count; n++) spaces.push(`${userName(rng.int(USERS))}/demo-${n}`);
  }
  return spaces;
}
