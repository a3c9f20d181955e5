/**
 * Model Openness Tool (mot.isitopen.ai) API records → references. The record is what
 * `GET /api/v1/model/{id}` and each item of `GET /api/v1/models` return: the model's YAML
 * (`framework`, `release` with global licenses and the included components) plus MOT's own
 * `classification: {id, class, label, progress: {1, 2, 3}}` (openness-frameworks.md §1.3, §1.4).
 *
 * The API is PHP-backed: an empty map arrives as `[]`, numbers may arrive as strings; every field
 * is read defensively.
 */
import type { MofClass } from '../openness/types.js';
import { hfRepoIdFromUrl } from './hf-repo-url.js';
import { isRecord, text, type Json, type OpennessReference } from './reference.types.js';

export type MotContentType = 'code' | 'data' | 'document';
type MofClassId = Exclude<MofClass, 'NONE'>;

export interface MotComponentDefinition {
  readonly id: number;
  readonly name: string;
  readonly contentType: MotContentType;
  readonly mofClass: MofClassId;
  readonly required: boolean;
}

/** The 17 components of MOT's `mof.settings.yml`, in MOF table order (class III, II, I). */
export const MOT_COMPONENTS: readonly MotComponentDefinition[] = [
  { id: 9, name: 'Model architecture', contentType: 'code', mofClass: 'CLASS_III', required: true },
  { id: 10, name: 'Model parameters (Final)', contentType: 'data', mofClass: 'CLASS_III', required: true },
  { id: 11, name: 'Technical report', contentType: 'document', mofClass: 'CLASS_III', required: true },
  { id: 12, name: 'Evaluation results', contentType: 'document', mofClass: 'CLASS_III', required: true },
  { id: 13, name: 'Model card', contentType: 'document', mofClass: 'CLASS_III', required: true },
  { id: 14, name: 'Data card', contentType: 'document', mofClass: 'CLASS_III', required: true },
  { id: 20, name: 'Sample model outputs', contentType: 'document', mofClass: 'CLASS_III', required: false },
  { id: 7, name: 'Training code', contentType: 'code', mofClass: 'CLASS_II', required: true },
  { id: 8, name: 'Inference code', contentType: 'code', mofClass: 'CLASS_II', required: true },
  { id: 18, name: 'Evaluation code', contentType: 'code', mofClass: 'CLASS_II', required: true },
  { id: 19, name: 'Evaluation data', contentType: 'data', mofClass: 'CLASS_II', required: true },
  { id: 22, name: 'Supporting libraries and tools', contentType: 'code', mofClass: 'CLASS_II', required: false },
  { id: 15, name: 'Datasets', contentType: 'data', mofClass: 'CLASS_I', required: true },
  { id: 16, name: 'Data preprocessing code', contentType: 'code', mofClass: 'CLASS_I', required: true },
  { id: 24, name: 'Model parameters (Intermediate)', contentType: 'data', mofClass: 'CLASS_I', required: true },
  { id: 21, name: 'Research paper', contentType: 'document', mofClass: 'CLASS_I', required: true },
  { id: 17, name: 'Model metadata', contentType: 'data', mofClass: 'CLASS_I', required: false },
];

/** MOT's `classification.class`: 1, 2, 3, 0 (unclassified); -1 (pending evaluation) has no class. */
export function motClass(value: unknown): MofClass | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  switch (n) {
    case 1:
      return 'CLASS_I';
    case 2:
      return 'CLASS_II';
    case 3:
      return 'CLASS_III';
    case 0:
      return 'NONE';
    default:
      return null;
  }
}

function percent(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}

/** `progress` as `{"1": p1, "2": p2, "3": p3}` (or a PHP list), per class; null where absent. */
function progressOf(value: unknown): { class1: number | null; class2: number | null; class3: number | null } {
  const at = (key: number): unknown =>
    Array.isArray(value) ? value[key - 1] : isRecord(value) ? (value[String(key)] ?? value[key]) : undefined;
  return { class1: percent(at(1)), class2: percent(at(2)), class3: percent(at(3)) };
}

/**
 * The score: MOT's own "total progress" (`ModelEvaluator::getTotalProgress`), the mean of the
 * three class progress percentages, as a fraction. A Class I model scores 1; a model that meets
 * Class III and half of Class II scores (100 + 50 + 0) / 300 = 0.5.
 */
export function motScore(progress: {
  class1: number | null;
  class2: number | null;
  class3: number | null;
}): number | null {
  const { class1, class2, class3 } = progress;
  if (class1 === null || class2 === null || class3 === null) return null;
  return Math.round(((class1 + class2 + class3) / 300) * 10_000) / 10_000;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

function licenseName(licenses: Record<string, unknown>, key: string): string | null {
  const entry = licenses[key];
  if (isRecord(entry)) return text(entry.name);
  return text(entry);
}

export interface MotComponentGrade {
  readonly included: boolean;
  readonly mofClass: MofClassId;
  readonly required: boolean;
  /** The license that applies, resolved as MOT does (component, then content type, then distribution). */
  readonly license: string | null;
  /** Where `license` came from; `unlicensed` when the component is included without a license. */
  readonly licenseFrom: 'component' | MotContentType | 'distribution' | 'unlicensed' | null;
}

/**
 * A component's license, in MOT's order (ModelEvaluator, openness-frameworks.md §1.3 step 1): its
 * own `license` (`unlicensed` = none), else the global license of its content type, else the
 * distribution license.
 */
export function motComponentLicense(
  own: unknown,
  contentType: MotContentType,
  licenses: Record<string, unknown>,
): Pick<MotComponentGrade, 'license' | 'licenseFrom'> {
  const ownName = text(own);
  if (ownName !== null) {
    return ownName.toLowerCase() === 'unlicensed'
      ? { license: null, licenseFrom: 'unlicensed' }
      : { license: ownName, licenseFrom: 'component' };
  }
  const typed = licenseName(licenses, contentType);
  if (typed !== null) return { license: typed, licenseFrom: contentType };
  const distribution = licenseName(licenses, 'distribution');
  return distribution === null
    ? { license: null, licenseFrom: null }
    : { license: distribution, licenseFrom: 'distribution' };
}

export type MotMapping =
  | { readonly ok: true; readonly reference: OpennessReference }
  | { readonly ok: false; readonly externalId: string; readonly reason: string };

/** One MOT API record → a reference. `siteUrl` is the MOT base URL, for the model page link. */
export function mapMotModel(record: unknown, siteUrl: string): MotMapping {
  if (!isRecord(record)) return { ok: false, externalId: '?', reason: 'not an object' };
  const classification = isRecord(record.classification) ? record.classification : {};
  const externalId = text(record.id) ?? text(classification.id);
  if (externalId === null) return { ok: false, externalId: '?', reason: 'no model id' };
  const release = isRecord(record.release) ? record.release : null;
  const name = release === null ? null : text(release.name);
  if (release === null || name === null) return { ok: false, externalId, reason: 'no release name' };

  const licenses = isRecord(release.license) ? release.license : {};
  const listed = new Map<string, Record<string, unknown>>();
  const unknownComponents: string[] = [];
  if (Array.isArray(release.components)) {
    for (const component of release.components) {
      if (!isRecord(component)) continue;
      const componentName = text(component.name);
      if (componentName === null) continue;
      if (MOT_COMPONENTS.some((definition) => definition.name === componentName)) listed.set(componentName, component);
      else unknownComponents.push(componentName);
    }
  }
  const components: Record<string, Json> = {};
  for (const definition of MOT_COMPONENTS) {
    const component = listed.get(definition.name);
    const license =
      component === undefined
        ? { license: null, licenseFrom: null }
        : motComponentLicense(component.license, definition.contentType, licenses);
    const grade: MotComponentGrade = {
      included: component !== undefined,
      mofClass: definition.mofClass,
      required: definition.required,
      ...license,
    };
    components[definition.name] = { ...grade };
  }

  const progress = progressOf(classification.progress);
  const framework = isRecord(record.framework) ? record.framework : {};
  const frameworkVersion = text(framework.version);
  const recordDate = text(release.date);
  const versionParts = [
    frameworkVersion === null ? null : `MOF ${frameworkVersion}`,
    recordDate === null ? null : `record ${recordDate}`,
  ].filter((part): part is string => part !== null);

  return {
    ok: true,
    reference: {
      source: 'MOT',
      externalId,
      name,
      hfRepoId: hfRepoIdFromUrl(release.huggingface),
      class: motClass(classification.class),
      score: motScore(progress),
      grades: {
        classification: { class: integer(classification.class), label: text(classification.label), progress },
        licenses: {
          distribution: licenseName(licenses, 'distribution'),
          code: licenseName(licenses, 'code'),
          data: licenseName(licenses, 'data'),
          document: licenseName(licenses, 'document'),
        },
        components,
        ...(unknownComponents.length > 0 ? { unknownComponents } : {}),
        huggingface: text(release.huggingface),
        repository: text(release.repository),
        producer: text(release.producer),
      },
      url: `${siteUrl.replace(/\/+$/, '')}/model/${encodeURIComponent(externalId)}`,
      sourceVersion: versionParts.length === 0 ? null : versionParts.join(', '),
    },
  };
}
