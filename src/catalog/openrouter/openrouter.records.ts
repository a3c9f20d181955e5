/** OpenRouter records → catalog models: boundary validation, then normalize and classify (pure). */
import type { BuildResult, HubRecords } from '../hub-records.js';
import { HUB_ID, normalizeOpenRouterRecord } from './normalize.js';
import { validateOpenRouterRecord } from './openrouter-record.js';

function buildModel(record: unknown): BuildResult {
  const validated = validateOpenRouterRecord(record);
  if (!validated.ok) return { ok: false, reason: validated.reason };
  return { ok: true, model: normalizeOpenRouterRecord(validated.record, validated.problems) };
}

/**
 * The listing has no modification time (`created` is when a model was added), so an incremental
 * crawl cannot stop early: it reads the same single listing as a full one.
 */
function lastModifiedOf(): Date | null {
  return null;
}

export const openRouterRecords: HubRecords = { hubId: HUB_ID, buildModel, lastModifiedOf };
