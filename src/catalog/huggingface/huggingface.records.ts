/** Hugging Face records → catalog models: boundary validation, then normalize and classify (pure). */
import type { BuildResult, HubRecords, ModelTexts } from '../hub-records.js';
import { cleanDetailTexts } from '../record-problems.js';
import { validateHfRecord } from './hf-record.js';
import { HUB_ID, normalizeHfRecord } from './normalize.js';

/** The longest README or LICENSE text kept (256 KiB); longer files are cut here. */
export const MAX_TEXT = 256 * 1024;

function buildModel(record: unknown, details: ModelTexts = {}): BuildResult {
  const validated = validateHfRecord(record);
  if (!validated.ok) return { ok: false, reason: validated.reason };
  const problems = [...validated.problems];
  const cleaned = cleanDetailTexts(details, problems, MAX_TEXT);
  return { ok: true, model: normalizeHfRecord(validated.record, problems, cleaned) };
}

function lastModifiedOf(record: unknown): Date | null {
  const value = (record as { lastModified?: unknown } | null)?.lastModified;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export const huggingFaceRecords: HubRecords = { hubId: HUB_ID, buildModel, lastModifiedOf };
