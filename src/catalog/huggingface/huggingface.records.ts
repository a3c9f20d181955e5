/** Hugging Face records → catalog models: boundary validation, then normalize and classify (pure). */
import type { CatalogModel } from '../catalog-model.js';
import type { HubRecords, ModelTexts } from '../hub-records.js';
import { cleanDetailTexts, type FieldProblem } from '../record-problems.js';
import { validateHfRecord } from './hf-record.js';
import { HUB_ID, normalizeHfRecord } from './normalize.js';

/** The longest README or LICENSE text kept (256 KiB); longer files are cut here. */
export const MAX_TEXT = 256 * 1024;

type Validated<R> =
  | { readonly ok: true; readonly record: R; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly reason: string };

/**
 * A hub's `buildModel` from its boundary validation and its normalization, for the hubs whose
 * details bring a README and a LICENSE (Hugging Face, ModelScope): a record validation refuses is
 * quarantined with the reason; the texts are cut to MAX_TEXT and cleaned like the record's strings,
 * each cleaning one more problem (evidence).
 */
export function buildWithTexts<R>(
  validate: (record: unknown) => Validated<R>,
  normalize: (record: R, problems: readonly FieldProblem[], texts: ModelTexts) => CatalogModel,
): HubRecords['buildModel'] {
  return (record, details = {}) => {
    const validated = validate(record);
    if (!validated.ok) return { ok: false, reason: validated.reason };
    const problems = [...validated.problems];
    const cleaned = cleanDetailTexts(details, problems, MAX_TEXT);
    return { ok: true, model: normalize(validated.record, problems, cleaned) };
  };
}

function lastModifiedOf(record: unknown): Date | null {
  const value = (record as { lastModified?: unknown } | null)?.lastModified;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export const huggingFaceRecords: HubRecords = {
  hubId: HUB_ID,
  buildModel: buildWithTexts(validateHfRecord, normalizeHfRecord),
  lastModifiedOf,
};
