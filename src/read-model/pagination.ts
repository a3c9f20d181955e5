/**
 * Relay pagination arguments and connections over keyset pages. A page is read as `size + 1` rows
 * in scan order (the order itself forward, reversed backward): the extra row only says whether
 * more follow.
 */
import { CatalogError } from '../lib/errors.js';
import type { ConnectionParent } from './catalog.rows.js';

/** The largest page a connection serves; larger `first` / `last` are refused, never clamped. */
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

export interface PageRequest {
  readonly size: number;
  /** `last` / `before`: read in reverse order, then flip. */
  readonly backward: boolean;
  /** The raw `after` (forward) or `before` (backward) cursor. */
  readonly cursor: string | null;
  readonly cursorArgument: 'after' | 'before';
}

function pageSize(value: number, argument: 'first' | 'last'): number {
  if (value < 0) {
    throw new CatalogError('INVALID_ARGUMENT', `\`${argument}\` must not be negative (got ${value})`, { argument });
  }
  if (value > MAX_PAGE_SIZE) {
    throw new CatalogError(
      'PAGE_SIZE_EXCEEDED',
      `\`${argument}\` is ${value}, above the maximum page size of ${MAX_PAGE_SIZE}; page with \`after\` / \`before\` instead`,
      { argument, maximum: MAX_PAGE_SIZE },
    );
  }
  return value;
}

/** Validate the four Relay arguments: one direction per request, sizes within the limit. */
export function pageRequest(args: PageArgs, defaultSize: number): PageRequest {
  const first = args.first ?? null;
  const last = args.last ?? null;
  const forward = first !== null || (args.after ?? null) !== null;
  const backward = last !== null || (args.before ?? null) !== null;
  if (forward && backward) {
    throw new CatalogError(
      'INVALID_ARGUMENT',
      'paginate forward with `first` / `after` or backward with `last` / `before`, not both',
      { argument: first !== null && last !== null ? 'first, last' : 'after, before' },
    );
  }
  if (backward) {
    return {
      size: last === null ? defaultSize : pageSize(last, 'last'),
      backward: true,
      cursor: args.before ?? null,
      cursorArgument: 'before',
    };
  }
  return {
    size: first === null ? defaultSize : pageSize(first, 'first'),
    backward: false,
    cursor: args.after ?? null,
    cursorArgument: 'after',
  };
}

/**
 * The connection of a page read in scan order (`size + 1` rows at most). `hasPreviousPage` going
 * forward (and `hasNextPage` going backward) is "a cursor was given", as Relay allows: exact
 * answers would cost a query per page.
 */
export function connectionOf<Row, Node>(
  rows: readonly Row[],
  page: { readonly size: number; readonly backward: boolean; readonly cursor: unknown },
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
  totalCount: () => Promise<number>,
): ConnectionParent<Node> {
  const more = rows.length > page.size;
  const taken = rows.slice(0, page.size);
  if (page.backward) taken.reverse();
  // Cursors are encoded only if asked for (getters: a page read for `nodes` makes none).
  const edges = taken.map((row) => {
    let cursor: string | undefined;
    return {
      get cursor() {
        return (cursor ??= cursorOf(row));
      },
      node: nodeOf(row),
    };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: page.backward ? page.cursor !== null : more,
      hasPreviousPage: page.backward ? more : page.cursor !== null,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount,
  };
}
