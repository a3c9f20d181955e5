/**
 * `GET /export/models.csv|jsonl|json`: every model a filter matches, for spreadsheets, notebooks
 * and dashboards. The filter is the `models` query's, as query parameters named after the
 * `ModelFilter` fields (src/api/query-params.ts); the columns are EXPORT_COLUMNS (README: Exports).
 */
import type { GraphQLInputObjectType } from 'graphql';
import { EXPORT_COLUMNS, modelsExportSql } from '../../read-model/export.sql.js';
import { parseModelsArgs } from '../../read-model/models.filter.js';
import { inputFromQuery } from '../query-params.js';
import type { ExportDefinition } from './export-response.js';

export function modelsExport(filterType: GraphQLInputObjectType): ExportDefinition {
  return {
    name: 'models',
    columns: EXPORT_COLUMNS,
    select(query) {
      const { filter } = parseModelsArgs({ filter: inputFromQuery(filterType, query) });
      return {
        statement: async (exports) => modelsExportSql(await exports.expandFilter(filter)),
        key: JSON.stringify(filter),
      };
    },
  };
}
