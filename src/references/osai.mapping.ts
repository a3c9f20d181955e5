/**
 * European Open Source AI Index data files → references (openness-frameworks.md §2). Each model
 * is one YAML file of the Index's data repository: `system` metadata, `org`, and one
 * `{class, link, notes}` block per openness parameter, graded open / partial / closed (empty =
 * not applicable). `_parameters.yml` lists the parameters, their categories and the model types
 * each applies to.
 *
 * Score and rank are the Index website's (`composables/models.ts`, `sortModels`): each applicable
 * parameter scores open 1, partial 0.5, closed or empty 0; the score is their mean; models are
 * ranked by score, highest first, ties by file name descending.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { hfRepoIdFromUrl } from './hf-repo-url.js';
import { OSAI_GRADES, isRecord, text, type Json, type OpennessReference, type OsaiGrade } from './reference.types.js';

export interface OsaiParameter {
  readonly ref: string;
  readonly name: string;
  readonly category: string;
  /** Model types the parameter applies to; empty = all. */
  readonly types: readonly string[];
}

const ALL_TYPES = ['text', 'image', 'code', 'video', 'audio'];

/** `_parameters.yml` at the data snapshot of openness-frameworks.md (12 parameters since 2026-03-13). */
export const DEFAULT_OSAI_PARAMETERS: readonly OsaiParameter[] = [
  ['availability', 'datasources_basemodel', 'Base Model Data'],
  ['availability', 'datasources_endmodel', 'End User Model Data'],
  ['availability', 'weights_basemodel', 'Base Model Weights'],
  ['availability', 'weights_endmodel', 'End User Model Weights'],
  ['availability', 'trainingcode', 'Training Code'],
  ['documentation', 'code', 'Code Documentation'],
  ['documentation', 'hardware_architecture', 'Hardware Architecture'],
  ['documentation', 'preprint', 'Preprint'],
  ['documentation', 'paper', 'Paper'],
  ['documentation', 'modelcard', 'Modelcard'],
  ['documentation', 'datasheet', 'Datasheet'],
  ['access', 'licenses', 'Licenses'],
].map(([category = '', ref = '', name = '']) => ({ ref, name, category, types: ALL_TYPES }));

/** Files of the data repository that are not model entries. */
export function isOsaiEntryFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith('_') && !/template/i.test(name);
}

/** The parameters of a `_parameters.yml`; null when the text is not that shape. */
export function parseOsaiParameters(yamlText: string): OsaiParameter[] | null {
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const parameters: OsaiParameter[] = [];
  for (const category of parsed) {
    if (!isRecord(category) || !Array.isArray(category.params)) continue;
    const categoryRef = text(category.ref) ?? '';
    for (const param of category.params) {
      if (!isRecord(param)) continue;
      const ref = text(param.ref);
      if (ref === null) continue;
      const types = Array.isArray(param.types) ? param.types.map(text).filter((t): t is string => t !== null) : [];
      parameters.push({ ref, name: text(param.name) ?? ref, category: categoryRef, types });
    }
  }
  return parameters.length === 0 ? null : parameters;
}

function gradeOf(value: unknown): OsaiGrade | null {
  const grade = text(value)?.toLowerCase();
  return OSAI_GRADES.find((candidate) => candidate === grade) ?? null;
}

/** Every URL in a `link` value: a string (possibly several, space- or comma-separated) or a list. */
export function linksOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  const links: string[] = [];
  for (const item of values) {
    const itemText = text(item);
    if (itemText === null) continue;
    for (const part of itemText.split(/[\s,]+/)) if (part.length > 0) links.push(part);
  }
  return links;
}

const squash = (value: string): string => value.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The Hugging Face model the entry is about: among the HF model links of `system.link` and
 * `weights_endmodel.link`, the one whose repository name best matches `system.endmodelname`
 * (equal after dropping case and punctuation, then one containing the other, then the first);
 * only when those hold none, a link of `weights_basemodel` or `modelcard` whose name matches.
 */
export function osaiHfRepoId(entry: Record<string, unknown>): string | null {
  const system = isRecord(entry.system) ? entry.system : {};
  const endModel = squash(text(system.endmodelname) ?? text(system.name) ?? '');
  const linkOf = (key: string): unknown => (isRecord(entry[key]) ? entry[key].link : undefined);
  const matchRank = (id: string): number => {
    const repoName = squash(id.slice(id.indexOf('/') + 1));
    if (endModel.length === 0) return 0;
    if (repoName === endModel) return 2;
    return repoName.includes(endModel) || endModel.includes(repoName) ? 1 : 0;
  };
  const best = (links: readonly string[], minimum: number): string | null => {
    let chosen: { id: string; rank: number } | null = null;
    for (const link of links) {
      const id = hfRepoIdFromUrl(link);
      if (id === null) continue;
      const rank = matchRank(id);
      if (rank >= minimum && (chosen === null || rank > chosen.rank)) chosen = { id, rank };
    }
    return chosen?.id ?? null;
  };
  return (
    best([...linksOf(system.link), ...linksOf(linkOf('weights_endmodel'))], 0) ??
    best([...linksOf(linkOf('weights_basemodel')), ...linksOf(linkOf('modelcard'))], 1)
  );
}

/** How much of a notes field is kept in the grades. */
const MAX_NOTES = 1_000;

export interface OsaiEntry {
  readonly file: string;
  readonly name: string;
  readonly types: readonly string[];
  readonly hfRepoId: string | null;
  readonly grades: Readonly<Record<string, OsaiGrade | null>>;
  /** What is kept of the file: system metadata and every parameter's grade, links and notes. */
  readonly details: { readonly [key: string]: Json };
  /** Git blob id of the file (what GitHub calls its `sha`). */
  readonly blobSha: string;
}

export type OsaiParse =
  { readonly ok: true; readonly entry: OsaiEntry } | { readonly ok: false; readonly reason: string };

export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One data file → an entry (not yet scored: the rank needs every entry). */
export function parseOsaiEntry(
  file: string,
  yamlText: string,
  parameters: readonly OsaiParameter[] = DEFAULT_OSAI_PARAMETERS,
): OsaiParse {
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch (error) {
    return { ok: false, reason: `invalid YAML: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  if (!isRecord(parsed)) return { ok: false, reason: 'not a mapping' };
  const system = isRecord(parsed.system) ? parsed.system : null;
  const name = system === null ? null : text(system.name);
  if (system === null || name === null) return { ok: false, reason: 'no system.name' };

  const grades: Record<string, OsaiGrade | null> = {};
  const params: Record<string, Json> = {};
  const refs = new Set(parameters.map((parameter) => parameter.ref));
  // Parameters the file grades beyond the current list (e.g. `package` and `api` before 2026-03) are kept too.
  for (const [key, value] of Object.entries(parsed)) if (isRecord(value) && 'class' in value) refs.add(key);
  for (const ref of refs) {
    const block = parsed[ref];
    const grade = isRecord(block) ? gradeOf(block.class) : null;
    grades[ref] = grade;
    if (!isRecord(block)) continue;
    const notes = text(block.notes);
    params[ref] = {
      grade,
      links: linksOf(block.link),
      notes: notes === null ? null : notes.slice(0, MAX_NOTES),
    };
  }
  const org = isRecord(parsed.org) ? parsed.org : {};
  const types = (text(system.type) ?? '')
    .split(',')
    .map((type) => type.trim().toLowerCase())
    .filter((type) => type.length > 0);
  return {
    ok: true,
    entry: {
      file,
      name,
      types,
      hfRepoId: osaiHfRepoId(parsed),
      grades,
      details: {
        system: {
          link: linksOf(system.link),
          type: text(system.type),
          performanceclass: text(system.performanceclass),
          basemodelname: text(system.basemodelname),
          endmodelname: text(system.endmodelname),
          endmodellicense: text(system.endmodellicense),
          releasedate: text(system.releasedate),
        },
        org: text(org.name),
        params,
      },
      blobSha: gitBlobSha(yamlText),
    },
  };
}

/** The parameters that apply to an entry's types (all of them when the entry names no type). */
export function applicableParameters(types: readonly string[], parameters: readonly OsaiParameter[]): OsaiParameter[] {
  if (types.length === 0) return [...parameters];
  return parameters.filter(
    (parameter) => parameter.types.length === 0 || types.some((type) => parameter.types.includes(type)),
  );
}

/** The Index's score: mean over the applicable parameters of open 1, partial 0.5, closed or empty 0. */
export function osaiScore(
  entry: Pick<OsaiEntry, 'types' | 'grades'>,
  parameters: readonly OsaiParameter[],
): number | null {
  const applicable = applicableParameters(entry.types, parameters);
  if (applicable.length === 0) return null;
  let total = 0;
  for (const parameter of applicable) {
    const grade = entry.grades[parameter.ref];
    total += grade === 'open' ? 1 : grade === 'partial' ? 0.5 : 0;
  }
  return total / applicable.length;
}

export interface OsaiReferenceOptions {
  readonly parameters?: readonly OsaiParameter[];
  /** The page of each file (by name), e.g. its GitHub `html_url`. */
  readonly urlOf?: (file: string) => string | null;
  /** Prefix of `sourceVersion` before the blob id, e.g. the repository and ref. */
  readonly versionLabel?: string;
}

/** Score and rank every entry, as the Index's site lists them. */
export function osaiReferences(entries: readonly OsaiEntry[], options: OsaiReferenceOptions = {}): OpennessReference[] {
  const parameters = options.parameters ?? DEFAULT_OSAI_PARAMETERS;
  const scored = entries.map((entry) => ({ entry, score: osaiScore(entry, parameters) }));
  const ranked = [...scored].sort((a, b) => {
    const sa = a.score ?? -1;
    const sb = b.score ?? -1;
    if (sa !== sb) return sb - sa;
    return a.entry.file > b.entry.file ? -1 : a.entry.file < b.entry.file ? 1 : 0;
  });
  const rankOf = new Map(ranked.map((item, index) => [item.entry.file, index + 1]));
  return scored.map(({ entry, score }) => {
    const rank = rankOf.get(entry.file) ?? null;
    return {
      source: 'OSAI',
      externalId: entry.file,
      name: entry.name,
      hfRepoId: entry.hfRepoId,
      class: rank === null ? null : `rank ${rank}/${entries.length}`,
      score: score === null ? null : Math.round(score * 10_000) / 10_000,
      grades: { ...entry.details, grades: { ...entry.grades }, rank, of: entries.length },
      url: options.urlOf?.(entry.file) ?? null,
      sourceVersion: `${options.versionLabel === undefined ? '' : `${options.versionLabel} `}blob ${entry.blobSha}`,
    };
  });
}
