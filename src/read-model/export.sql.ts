/**
 * The statement of a bulk export (`GET /export/models.csv|jsonl|json`): every model a `models`
 * filter matches, one row each, in id order (stable across exports, served by the primary key),
 * with the stable column set `EXPORT_COLUMNS` the README documents. Read through a cursor
 * (ExportRepository), never all at once, and planned as one: for its first rows, a walk of
 * models_pkey with its hub and license looked up row by row in that order, no sort.
 */
import { filterConditions, Params, type SqlStatement } from './models.sql.js';
import type { ModelsFilter } from './models.filter.js';

/** The export's columns, in order: the CSV header, and the keys of each JSON row. */
export const EXPORT_COLUMNS = [
  'id',
  'hub',
  'repo_id',
  'author',
  'name',
  'task',
  'library',
  'license_id',
  'license_category',
  'commercial_use',
  'osi_approved',
  'openness_level',
  'openness_score',
  'mof_class',
  'weights_availability',
  'gating',
  'parameter_count',
  'downloads',
  'downloads_all_time',
  'likes',
  'created_at',
  'last_modified',
  'removed_at',
  'url',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Readonly<Record<ExportColumn, string | number | boolean | Date | null>>;

export function modelsExportSql(filter: ModelsFilter): SqlStatement {
  const params = new Params();
  const tsquery = filter.search ? params.add(filter.search.tsquery) : null;
  const where = filterConditions(filter, params, tsquery);
  // 64-bit counts as text: a JSON number cannot hold them exactly.
  const text = `SELECT m.id, m.hub_id AS hub, m.repo_id, m.author, m.name, m.task, m.library, m.license_id,
  lic.category AS license_category, lic.commercial_use, lic.osi_approved, m.openness_level, m.openness_score,
  m.mof_class, m.weights_availability, m.gating, m.parameter_count::text AS parameter_count, m.downloads,
  m.downloads_all_time::text AS downloads_all_time, m.likes, m.created_at, m.last_modified, m.removed_at,
  rtrim(h.base_url, '/') || '/' || m.repo_id AS url
FROM models m
JOIN hubs h ON h.id = m.hub_id
LEFT JOIN licenses lic ON lic.id = m.license_id${where.length > 0 ? `\nWHERE ${where.join('\n  AND ')}` : ''}
ORDER BY m.id`;
  return { text, values: params.values };
}
