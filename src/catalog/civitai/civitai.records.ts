/** Civitai records → catalog models: boundary validation, then normalize and classify (pure). */
import type { BuildResult, HubRecords } from '../hub-records.js';
import { validateCivitaiRecord } from './civitai-record.js';
import { HUB_ID, lastVersionTime, normalizeCivitaiRecord } from './normalize.js';

/** Civitai has no README or LICENSE file beside a record: the description is in the record itself. */
function buildModel(record: unknown): BuildResult {
  const validated = validateCivitaiRecord(record);
  if (!validated.ok) return { ok: false, reason: validated.reason };
  return { ok: true, model: normalizeCivitaiRecord(validated.record, validated.problems) };
}

/**
 * The latest version's publication time (Civitai's `lastVersionAt`, the key of `sort=Newest`), read
 * without a full validation: incremental crawls stop at the first record older than the watermark.
 */
function lastModifiedOf(record: unknown): Date | null {
  if (typeof record !== 'object' || record === null) return null;
  const { modelVersions, lastVersionAt } = record as { modelVersions?: unknown; lastVersionAt?: unknown };
  const versions = Array.isArray(modelVersions)
    ? modelVersions
        .filter((version): version is Record<string, unknown> => typeof version === 'object' && version !== null)
        .map((version) => ({
          ...(typeof version['publishedAt'] === 'string' ? { publishedAt: version['publishedAt'] } : {}),
          ...(typeof version['createdAt'] === 'string' ? { createdAt: version['createdAt'] } : {}),
        }))
    : [];
  const at = lastVersionTime({
    modelVersions: versions,
    ...(typeof lastVersionAt === 'string' ? { lastVersionAt } : {}),
  });
  return at === null ? null : new Date(at);
}

export const civitaiRecords: HubRecords = { hubId: HUB_ID, buildModel, lastModifiedOf };
