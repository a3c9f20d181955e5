/**
 * `references sync`: fetch each source's complete current set of expert judgments and make the
 * stored references of that source equal to it. A source that fails (or answers with nothing)
 * leaves its stored references as they were; the other sources still sync.
 */
import type { ReferenceRepository, ReplaceCounts } from './reference.repository.js';
import type { ReferenceAdapter, ReferenceSource, SkippedRecord } from './reference.types.js';

export type SourceSyncResult =
  | {
      readonly source: ReferenceSource;
      readonly ok: true;
      readonly fetched: number;
      readonly withHfRepoId: number;
      readonly skipped: readonly SkippedRecord[];
      readonly counts: ReplaceCounts;
      readonly inCatalog: number;
    }
  | { readonly source: ReferenceSource; readonly ok: false; readonly error: string };

export async function syncReferences(
  adapters: readonly ReferenceAdapter[],
  repository: ReferenceRepository,
  signal?: AbortSignal,
): Promise<SourceSyncResult[]> {
  const results: SourceSyncResult[] = [];
  for (const adapter of adapters) {
    try {
      const { references, skipped } = await adapter.fetchAll(signal);
      // An empty answer is a broken source, not a source that withdrew every judgment.
      if (references.length === 0) throw new Error(`no references fetched (${skipped.length} skipped)`);
      const counts = await repository.replaceSource(adapter.source, references);
      const { inCatalog } = await repository.attachmentCounts(adapter.source);
      results.push({
        source: adapter.source,
        ok: true,
        fetched: references.length,
        withHfRepoId: references.filter((reference) => reference.hfRepoId !== null).length,
        skipped,
        counts,
        inCatalog,
      });
    } catch (error) {
      results.push({
        source: adapter.source,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
}

export function formatSyncResult(result: SourceSyncResult): string {
  if (!result.ok) return `${result.source}: FAILED: ${result.error}`;
  const { counts } = result;
  const lines = [
    `${result.source}: ${result.fetched} references (${result.withHfRepoId} with a Hugging Face repo id, ${result.inCatalog} attached to catalog models); inserted ${counts.inserted}, updated ${counts.updated}, removed ${counts.removed}, skipped ${result.skipped.length}`,
  ];
  for (const skip of result.skipped.slice(0, 20)) lines.push(`  skipped ${skip.externalId}: ${skip.reason}`);
  if (result.skipped.length > 20) lines.push(`  … and ${result.skipped.length - 20} more skipped`);
  return lines.join('\n');
}
