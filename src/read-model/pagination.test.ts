import { describe, expect, it } from 'vitest';
import { connectionOf, pageRequest } from './pagination.js';

const count = () => Promise.resolve(0);

describe('connectionOf', () => {
  it.each([
    ['forward, more rows', [1, 2, 3, 4], false, null, [1, 2, 3], { hasNextPage: true, hasPreviousPage: false }],
    ['forward after a cursor, last page', [5, 6], false, 'c', [5, 6], { hasNextPage: false, hasPreviousPage: true }],
    [
      'backward, more rows: flipped to the order',
      [9, 8, 7, 6],
      true,
      'c',
      [7, 8, 9],
      { hasNextPage: true, hasPreviousPage: true },
    ],
    ['backward from the end, first page', [2, 1], true, null, [1, 2], { hasNextPage: false, hasPreviousPage: false }],
    ['empty', [], false, null, [], { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }],
  ])('%s', (_name, rows, backward, cursor, nodes, pageInfo) => {
    const connection = connectionOf(
      rows,
      { size: 3, backward, cursor },
      (row) => `c${row}`,
      (row) => row,
      count,
    );
    expect(connection.edges.map((edge) => edge.node)).toEqual(nodes);
    expect(connection.pageInfo).toMatchObject(pageInfo);
    if (nodes.length > 0) {
      expect(connection.pageInfo.startCursor).toBe(`c${nodes[0]}`);
      expect(connection.pageInfo.endCursor).toBe(`c${nodes.at(-1)}`);
    }
  });
});

describe('pageRequest', () => {
  it('first: 0 is a page of nothing (for totalCount alone); last without before reads from the end', () => {
    expect(pageRequest({ first: 0 }, 20)).toEqual({ size: 0, backward: false, cursor: null, cursorArgument: 'after' });
    expect(pageRequest({ last: 4 }, 20)).toEqual({ size: 4, backward: true, cursor: null, cursorArgument: 'before' });
    expect(pageRequest({ first: null, after: null }, 20)).toMatchObject({ size: 20, backward: false });
  });
});
