/**
 * A deterministic generator of realistic Hugging Face model records, in the exact shape
 * `GET /api/models?expand[]=…` and `GET /api/models/{repo}` return them. It feeds the fake hub of the
 * integration tests, the seed snapshot and the ingest benchmark, so it must scale to millions of
 * records without holding them: record `i` depends only on `(seed, i)`.
 *
 * Every record is drawn from a few independent PRNG streams keyed by (seed, index, stream):
 * - identity: archetype (LLM, GGUF quant, adapter, encoder, …), model family and size, author, name;
 *   cheap on its own, so a derivative can look at candidate parents without generating them;
 * - time: createdAt and lastModified;
 * - popularity: downloads, likes, trending score;
 * - body: everything else (license, gating, tags, card data, files, …).
 *
 * Distributions (shares of all records over the first 100,000; the unit test checks ranges):
 * - license: none ≈ 24 %, apache-2.0 ≈ 32 %, mit ≈ 13 %, other ≈ 7 %, openrail family ≈ 7 %,
 *   llama2/3/3.1/3.2/3.3/4 + gemma ≈ 8 %, cc-by-nc-4.0 ≈ 2.3 %, cc-by-4.0 ≈ 1.3 %, then a long tail
 *   (unknown, gpl-3.0, afl-3.0, bsd-3-clause, cc0-1.0, agpl-3.0, …). LLM-family repos often carry
 *   their family's license (llama3.1, gemma, …), diffusion repos theirs (creativeml-openrail-m,
 *   openrail++). `license: other` comes with `license_name` / `license_link` three times out of
 *   four; one apache/mit card in 200 lists two licenses.
 * - gated ≈ 5.5 % (70 % of them `manual`), far more often for llama/gemma/other licenses.
 * - downloads: 42 % zero, the rest Pareto (α ≈ 0.62) capped at 150M: about a hundred per million
 *   exceed 1M; likes follow downloads sub-linearly; trendingScore is zero for ~95 %.
 * - tasks: text-generation ≈ 29 %, none ≈ 17 %, reinforcement-learning 11 %, text-classification
 *   8 %, text-to-image 6 %, …; libraries: transformers ≈ 46 %, none ≈ 16 %, peft 7 %, diffusers
 *   6 %, stable-baselines3 5 %, gguf 5 %, …
 * - weights: safetensors ≈ 53 % (parameter counts 10M … 400B from the family's sizes; sharded in
 *   5 GB files), GGUF ≈ 7 % (a `gguf` block, quantizations like Q4_K_M), some `.bin`, `.onnx`,
 *   `.h5`; RL agents, diffusers pipelines and weightless repos have no `safetensors` block.
 * - derivatives ≈ 31 % (finetune, adapter, quantized, merge), pointing at earlier records of a
 *   compatible archetype (of the same model family when one is near), via `base_model:` tags and
 *   `cardData.base_model` (a string, or a list for merges and some others).
 *
 * Generated repo ids end in `-<index in base 36>`, so the fake hub can parse a record's index back
 * from its id and serve model info for a million records without materializing them.
 *
 * This file assembles a record and revises it; the parts are drawn in the files next to it, each
 * named for what it generates: record-types.ts (the record types and options), prng.ts (the seeded
 * PRNG streams), archetypes.ts (archetype, family and size), repo-ids.ts (authors, names, repo ids),
 * timeline.ts (createdAt, lastModified, `_id`, sort keys), popularity.ts (downloads, likes, Spaces,
 * inference providers), lineage.ts (base models), licenses.ts (license, gating), model-card.ts
 * (card contents, model-index, cardData), repo-files.ts (siblings, safetensors, GGUF) and
 * tasks-and-tags.ts (pipeline, library, config, tags).
 */

import { drawLicensing, drawNewLicense, withLicense } from './licenses.js';
import { drawLineage } from './lineage.js';
import { drawCardContents, drawCardData, drawModelIndex } from './model-card.js';
import { drawInferenceProviders, drawSpaces, popularityOf } from './popularity.js';
import { Rng, Stream, hashString, streamSeed } from './prng.js';
import { type GeneratorOptions, type HfGating, type HfGeneratedRecord, seedOf } from './record-types.js';
import { drawRepoFiles, sortedSiblings } from './repo-files.js';
import { identityOf } from './repo-ids.js';
import { cardTagsFor, drawLibrary, drawPipeline, drawTags, transformersConfigOf } from './tasks-and-tags.js';
import { generatedCreatedAt, isoTime, lastModifiedOf, objectId } from './timeline.js';

export {
  CREATED_AT_STEP_SECONDS,
  DEFAULT_BASE_TIME,
  type GeneratorOptions,
  type HfBaseModelRelation,
  type HfCardData,
  type HfGating,
  type HfGeneratedRecord,
  type HfGguf,
  type HfInferenceProvider,
  type HfModelIndexEntry,
  type HfSafetensors,
  type HfSibling,
} from './record-types.js';
export { generatedRecordIndex, generatedRepoId } from './repo-ids.js';
export { type GeneratedSortKeys, generatedCreatedAt, generatedObjectId, generatedSortKeys } from './timeline.js';

/** Record number `index` (0-based). Pure and O(1): the same (index, options) always gives the same record. */
export function generateHfRecord(index: number, options?: GeneratorOptions): HfGeneratedRecord {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`record index must be a non-negative integer, got ${index}`);
  const seed = seedOf(options);
  const identity = identityOf(seed, index);
  const { archetype, author, repoId } = identity;
  const createdAt = generatedCreatedAt(index, options);
  const lastModified = lastModifiedOf(seed, index, createdAt);
  const popularity = popularityOf(seed, index);
  const rng = new Rng(streamSeed(seed, index, Stream.Body));

  // The body stream is drawn part after part in this order: moving a draw changes the records.
  const lineage = drawLineage(seed, index, rng, identity, options);
  const { derivative } = lineage;
  const pipeline = drawPipeline(rng, archetype);
  const library = drawLibrary(rng, identity);
  const licensing = drawLicensing(rng, identity, derivative, lineage.baseModels[0] ?? repoId);
  const card = drawCardContents(rng, archetype, licensing.license, derivative);
  const cardTags = cardTagsFor(rng, archetype, identity.rlRun, lineage.relation);
  const { siblings, safetensors, gguf, formatTags, usedStorage } = drawRepoFiles(
    rng,
    identity,
    library,
    card.hasReadme,
    licensing.licenseFile,
    cardTags,
  );
  const { config, transformersInfo } = transformersConfigOf(identity, pipeline, library);
  const modelIndex = drawModelIndex(rng, identity, card, derivative, pipeline);
  const cardData = drawCardData(rng, identity, card, { licensing, lineage, library, pipeline, cardTags, modelIndex });
  const inferenceProviderMapping = drawInferenceProviders(rng, identity, pipeline, popularity.downloads);
  const tags = drawTags(rng, identity, {
    pipeline,
    library,
    modelType: config?.model_type,
    formatTags,
    cardTags,
    card,
    lineage,
    licenses: licensing.licenses,
    hasModelIndex: modelIndex !== undefined,
  });

  // Built by assignment, in the Hub's key order: conditional spreads cost microseconds per record.
  const record = { _id: objectId(seed, index, createdAt), id: repoId, private: false } as HfGeneratedRecord;
  if (pipeline) record.pipeline_tag = pipeline;
  if (library) record.library_name = library;
  record.tags = tags;
  record.downloads = popularity.downloads;
  record.downloadsAllTime = popularity.downloadsAllTime;
  record.likes = popularity.likes;
  record.trendingScore = popularity.trendingScore;
  record.modelId = repoId;
  record.author = author;
  record.sha = rng.hex(40);
  record.lastModified = isoTime(lastModified);
  record.gated = licensing.gated;
  record.disabled = false;
  if (inferenceProviderMapping) record.inference = 'warm';
  if (modelIndex) record['model-index'] = modelIndex;
  if (config) record.config = config;
  if (cardData) record.cardData = cardData;
  if (transformersInfo) record.transformersInfo = transformersInfo;
  record.siblings = sortedSiblings(siblings);
  record.spaces = drawSpaces(rng, popularity.downloads);
  record.createdAt = isoTime(createdAt);
  if (safetensors) record.safetensors = safetensors;
  if (gguf) record.gguf = gguf;
  if (inferenceProviderMapping) record.inferenceProviderMapping = inferenceProviderMapping;
  record.usedStorage = Math.round(usedStorage);
  return record;
}

/** Records start..start+count-1, lazily (never holds them all in memory). */
export function* generateHfRecords(
  count: number,
  options?: GeneratorOptions & { readonly start?: number },
): Generator<HfGeneratedRecord> {
  const start = options?.start ?? 0;
  for (let index = start; index < start + count; index++) yield generateHfRecord(index, options);
}

// ---------------------------------------------------------------------------------------------
// Revisions.

/**
 * A variant of `record` at another revision, for "5 % changed" re-ingest benchmarks and incremental
 * crawl tests. Deterministic in (record, change, revision); a larger `revision` is a later one.
 *
 * - `commit`: a new commit (new sha, later lastModified), nothing else.
 * - `license`: a commit that changes the card's license (tags, cardData, LICENSE file as needed).
 * - `gating`: gating switched on (`manual` or `auto`) or off. On the Hub this is a repo setting,
 *   not a commit, so sha and lastModified stay as they are — an incremental crawl by lastModified
 *   does not see it, exactly as with the real Hub. Chain with `commit` for a visible change.
 * - `downloads`: more downloads and likes; also not a commit.
 */
export function mutateHfRecord(
  record: HfGeneratedRecord,
  change: 'commit' | 'license' | 'gating' | 'downloads',
  revision: number,
): HfGeneratedRecord {
  const changeSalt = { commit: 1, license: 2, gating: 3, downloads: 4 }[change];
  const rng = new Rng(
    streamSeed(hashString(`${record._id}:${record.sha}`), revision, Stream.Mutation * 16 + changeSalt),
  );
  const commit = (next: HfGeneratedRecord): HfGeneratedRecord => {
    const previous = Date.parse(next.lastModified);
    const delaySeconds = Math.max(1, revision) * 86_400 + rng.int(86_400);
    return { ...next, sha: rng.hex(40), lastModified: new Date(previous + delaySeconds * 1000).toISOString() };
  };
  switch (change) {
    case 'commit':
      return commit(record);
    case 'license': {
      const current = typeof record.cardData?.license === 'string' ? record.cardData.license : undefined;
      return commit(withLicense(record, drawNewLicense(rng, current), rng));
    }
    case 'gating': {
      const gated: HfGating = record.gated === false ? (rng.chance(0.7) ? 'manual' : 'auto') : false;
      return { ...record, gated };
    }
    case 'downloads': {
      const more = 1 + rng.int(Math.max(10, Math.round(record.downloads * 0.3)));
      return {
        ...record,
        downloads: record.downloads + more,
        downloadsAllTime: record.downloadsAllTime + more,
        likes: record.likes + rng.int(3),
      };
    }
  }
}
