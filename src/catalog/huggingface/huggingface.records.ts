/** Hugging Face records → catalog models: boundary validation, then normalize and classify (pure). */
import { inspectText } from '../../lib/text.js';
import type { BuildResult, HubRecords, ModelTexts } from '../hub-records.js';
import { validateHfRecord } from './hf-record.js';
import { HUB_ID, normalizeHfRecord } from './normalize.js';

/** The longest README or LICENSE text kept (256 KiB); longer files are cut here. */
export const MAX_TEXT = 256 * 1024;

function buildModel(record: unknown, details: ModelTexts = {}): BuildResult {
  const validated = validateHfRecord(record);
  if (!validated.ok) return { ok: false, reason: validated.reason };
  // README and LICENSE text are hub strings too: cleaned like the record's, the cleaning recorded.
  const problems = [...validated.problems];
  const text = (value: string | null | undefined, field: string) => {
    if (typeof value !== 'string') return value;
    const cleaned = inspectText(value, { maxLength: MAX_TEXT });
    if (cleaned.binary)
      problems.push({ field, issue: 'binary', detail: `removed NUL or lone surrogates from ${value.length} chars` });
    return cleaned.text;
  };
  const cleaned = { readme: text(details.readme, 'README.md'), licenseText: text(details.licenseText, 'LICENSE') };
  return { ok: true, model: normalizeHfRecord(validated.record, problems, cleaned) };
}

function lastModifiedOf(record: unknown): Date | null {
  const value = (record as { lastModified?: unknown } | null)?.lastModified;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export const huggingFaceRecords: HubRecords = { hubId: HUB_ID, buildModel, lastModifiedOf };
