import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords, toCsv } from './csv.js';

describe('parseCsv', () => {
  it.each([
    [
      'plain fields',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'no trailing line end',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['quoted comma and quote', 'a\n"x, ""y"""\n', [['a'], ['x, "y"']]],
    [
      'line break inside quotes',
      'a,b\n"one\ntwo",3\n',
      [
        ['a', 'b'],
        ['one\ntwo', '3'],
      ],
    ],
    ['empty fields', ',,\n', [['', '', '']]],
    ['byte-order mark', '\uFEFFa\n1\n', [['a'], ['1']]],
  ])('%s', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
});

describe('parseCsvRecords', () => {
  it('keys rows by the header and fills short rows with empty strings', () => {
    expect(parseCsvRecords('a,b,c\n1,2\n\n4,5,6\n')).toEqual({
      header: ['a', 'b', 'c'],
      records: [
        { a: '1', b: '2', c: '' },
        { a: '4', b: '5', c: '6' },
      ],
    });
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and round-trips through parseCsv', () => {
    const rows = [
      { a: 'x, "y"', b: 3, c: null },
      { a: 'line\nbreak', b: true, c: 'z' },
    ];
    const text = toCsv(['a', 'b', 'c'], rows);
    expect(text).toBe('a,b,c\n"x, ""y""",3,\n"line\nbreak",true,z\n');
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, "y"', '3', ''],
      ['line\nbreak', 'true', 'z'],
    ]);
  });
});
