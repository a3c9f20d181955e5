/**
 * The change feed (`Query.changes`) and the `modelChanged` subscription's arguments: validated
 * here, read through the ChangeLog (src/events/change-log.repository.ts), in id (commit) order.
 */
import { parseChangeFilter } from './change-filter.js';
import { parseChangeId, type ChangeLog, type LoggedChange } from './change-log.repository.js';
import type { ChangeStream } from './change-stream.js';
import { ChangeSubscription } from './change-subscription.js';
import type { ChangeConnectionParent } from '../read-model/catalog.rows.js';
import { connectionOf, pageRequest } from '../read-model/pagination.js';

export const DEFAULT_CHANGES_PAGE_SIZE = 50;

export interface ChangesArgs {
  readonly filter?: unknown;
  readonly first?: number | null;
  readonly after?: string | null;
}

export async function findChanges(args: ChangesArgs, log: ChangeLog): Promise<ChangeConnectionParent> {
  const page = pageRequest({ first: args.first ?? null }, DEFAULT_CHANGES_PAGE_SIZE);
  const filter = parseChangeFilter(args.filter);
  const after = args.after === undefined || args.after === null ? null : parseChangeId(args.after);
  const rows = await log.read(after ?? '0', filter, page.size + 1);
  // After the read, not before: retention dropping a month while the page was read is caught here,
  // so a page is either whole or refused (CHANGES_EXPIRED), never silently short of a gap.
  await log.requireRetained(after, { since: filter.since });
  let count: Promise<number> | undefined;
  return connectionOf<LoggedChange, LoggedChange>(
    rows,
    { size: page.size, backward: false, cursor: after !== null && after !== '0' ? after : null },
    (row) => row.id,
    (row) => row,
    () => (count ??= log.count(filter)),
  );
}

/** A live subscription: arguments checked (and `after` known to the log) before it starts. */
export async function subscribeChanges(
  args: { readonly filter?: unknown; readonly after?: string | null },
  log: ChangeLog,
  stream: ChangeStream,
): Promise<ChangeSubscription> {
  const filter = parseChangeFilter(args.filter);
  const after = args.after === undefined || args.after === null ? null : parseChangeId(args.after);
  // Catch-up re-checks the horizon after each page it reads (ChangeSubscription).
  if (after !== null) await log.requireRetained(after, { since: filter.since });
  await stream.ready();
  return new ChangeSubscription(stream, log, filter, after);
}
