/**
 * The benchmarks' catalog records, every hub's: record number `index` of a scratch catalog, built
 * into a CatalogModel by that hub's own record builder (src/catalog/<hub>/*.records.ts), as a crawl
 * builds it. Pure in `index`, so a catalog of N models is the first N of any larger one and a
 * scratch catalog can grow in place (scratch-catalog.ts).
 *
 * The mix follows the hubs' sizes (docs/hubs.md): of every 100 records, 80 are Hugging Face's
 * (the demo generator, record-generator.ts), 13 Civitai's and 7 ModelScope's (the fakes' record
 * generators, in their APIs' real shapes); one record in 10,000 is an OpenRouter model instead (a
 * hub of a few hundred models). Every record's popularity is the demo generator's (popularity.ts, a
 * Pareto tail over a mass of unused models), whatever its hub: the fakes' own counters grow with the
 * index (they are made for paging tests), and they would put every Civitai and ModelScope model
 * above every Hugging Face one in the downloads order.
 */
import type { BuildResult, HubRecords } from '../../src/catalog/hub-records.js';
import { civitaiRecords } from '../../src/catalog/civitai/civitai.records.js';
import { huggingFaceRecords } from '../../src/catalog/huggingface/huggingface.records.js';
import { modelScopeRecords } from '../../src/catalog/modelscope/modelscope.records.js';
import { openRouterRecords } from '../../src/catalog/openrouter/openrouter.records.js';
import { popularityOf } from '../../src/catalog/seed/demo/popularity.js';
import { generateHfRecord } from '../../src/catalog/seed/demo/record-generator.js';
import { civitaiRecord } from '../fake-hub/civitai/civitai-records.js';
import { generateModelScopeRecord } from '../fake-hub/modelscope/fake-modelscope.js';
import { generateOpenRouterRecords } from '../fake-hub/openrouter/records.js';

/** Records of the mix in one run of 100 (the rest of the run is Hugging Face's). */
const CIVITAI_FROM = 80;
const MODELSCOPE_FROM = 93;
/** The demo generator's default seed (record-types.ts). */
const SEED = 1;
/** One record in this many is an OpenRouter model. */
const OPENROUTER_EVERY = 10_000;

/** Which hub's record number `index` is, and that record in the hub's API shape. */
export function benchRecord(index: number): { readonly hub: HubRecords; readonly record: unknown } {
  if (index % OPENROUTER_EVERY === OPENROUTER_EVERY - 1) {
    const nth = Math.floor(index / OPENROUTER_EVERY);
    // The fake's generator numbers its records within one listing: the last of nth + 1 is record nth.
    return { hub: openRouterRecords, record: generateOpenRouterRecords(nth + 1)[nth] };
  }
  const slot = index % 100;
  if (slot >= MODELSCOPE_FROM) {
    const { downloads, likes } = popularityOf(SEED, index);
    return { hub: modelScopeRecords, record: { ...generateModelScopeRecord(index), downloads, likes } };
  }
  if (slot >= CIVITAI_FROM) {
    const record = civitaiRecord(index);
    const { downloads, likes } = popularityOf(SEED, index);
    if (record.stats && record.stats['downloadCount'] !== null && record.stats['downloadCount'] !== undefined)
      record.stats = { ...record.stats, downloadCount: downloads, thumbsUpCount: likes };
    return { hub: civitaiRecords, record };
  }
  return { hub: huggingFaceRecords, record: generateHfRecord(index) };
}

/** Record number `index`, built as its hub's crawl builds it. */
export function buildBenchRecord(index: number): BuildResult {
  const { hub, record } = benchRecord(index);
  return hub.buildModel(record);
}
