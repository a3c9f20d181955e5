/**
 * `GET /export/changes.csv|jsonl|json`: the change log, for dashboards that chart relicensing and
 * gating over time. The filter is the `changes` query's `ChangeFilter` as query parameters (its
 * `since` is a time); `after=<change id>` continues from the last row a previous export ended with.
 */
import type { GraphQLInputObjectType } from 'graphql';
import { parseChangeFilter, changeFilterToJson } from '../../events/change-filter.js';
import {
  CHANGE_EXPORT_COLUMNS,
  changesExportSql,
  parseChangeId,
  type ChangeLog,
} from '../../events/change-log.repository.js';
import { listParam, inputFromQuery } from '../query-params.js';
import type { ExportDefinition } from './export-response.js';

/** `log` answers whether `after` and `since` are still retained (CHANGES_EXPIRED, docs/changes.md). */
export function changesExport(filterType: GraphQLInputObjectType, log: ChangeLog): ExportDefinition {
  return {
    name: 'changes',
    columns: CHANGE_EXPORT_COLUMNS,
    select(query) {
      const filter = parseChangeFilter(inputFromQuery(filterType, query, ['after']), 'filter');
      const after = query['after'] === undefined ? '0' : parseChangeId(listParam(query['after']).join(','), 'after');
      return {
        statement: async () => {
          // Never rows after a gap: an export from before the retention horizon is refused.
          await log.requireRetained(after, { since: filter.since });
          return changesExportSql(filter, after);
        },
        key: JSON.stringify({ filter: changeFilterToJson(filter), after }),
      };
    },
  };
}
