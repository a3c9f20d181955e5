import { describe, expect, it } from 'vitest';
import { modelsSql } from './models.sql.js';
import { isKeyText } from './sort-keys.js';
import { parseModelsArgs, type ModelsArgs } from './models.filter.js';
import { encodeCursor } from './cursor.js';

const sql = (args: ModelsArgs) => modelsSql(parseModelsArgs(args));
const after = (order: string, key: string | null) => encodeCursor({ order, key, id: 'huggingface:a/b' });

describe('modelsSql', () => {
  it('seeks on (key, id) in the order, fetches one row more than the page, never OFFSET', () => {
    const { page } = sql({ first: 5, after: after('DOWNLOADS:DESC', '42') });
    expect(page.text).toContain('(m.downloads, m.id) < ($1::integer, $2)');
    expect(page.text).toContain('ORDER BY m.downloads DESC, m.id DESC');
    expect(page.text).not.toMatch(/OFFSET|UNION/);
    expect(page.values).toEqual(['42', 'huggingface:a/b', 6]);
    expect(page.text).toMatch(/LIMIT \$3\n\)/);
    // Rows are read whole only for the chosen page (step 2), by id.
    expect(page.text).toMatch(
      /FROM page JOIN models m ON m\.id = page\.id\nORDER BY page\."sortKey" (ASC|DESC), page\.id (ASC|DESC)$/,
    );
  });

  it('reads backward in the reverse order', () => {
    const { page } = sql({ last: 5, before: after('DOWNLOADS:DESC', '42') });
    expect(page.text).toContain('(m.downloads, m.id) > ($1::integer, $2)');
    expect(page.text).toContain('ORDER BY m.downloads ASC, m.id ASC');
  });

  it.each<[string, ModelsArgs, string[]]>([
    [
      'forward from the start: known keys, then unknown ones',
      { orderBy: { field: 'PARAMETERS' } },
      ['IS NOT NULL', 'IS NULL'],
    ],
    [
      'backward from the end: unknown keys first',
      { orderBy: { field: 'PARAMETERS' }, last: 3 },
      ['IS NULL', 'IS NOT NULL'],
    ],
    [
      'forward from a known key: the rest of the known, then every unknown',
      { orderBy: { field: 'PARAMETERS' }, after: after('PARAMETERS:DESC', '7') },
      ['IS NOT NULL', 'IS NULL'],
    ],
    [
      'forward from an unknown key: only unknown ones remain',
      { orderBy: { field: 'PARAMETERS' }, after: after('PARAMETERS:DESC', null) },
      ['IS NULL'],
    ],
    [
      'backward from an unknown key: the unknown before it, then every known',
      { orderBy: { field: 'PARAMETERS' }, last: 2, before: after('PARAMETERS:DESC', null) },
      ['IS NULL', 'IS NOT NULL'],
    ],
    [
      'backward from a known key: only known ones remain',
      { orderBy: { field: 'PARAMETERS' }, last: 2, before: after('PARAMETERS:DESC', '7') },
      ['IS NOT NULL'],
    ],
  ])('nullable keys, %s', (_name, args, segments) => {
    const { page } = sql(args);
    expect([...page.text.matchAll(/m\.parameter_count (IS (?:NOT )?NULL)/g)].map((match) => match[1])).toEqual(
      segments,
    );
    if (segments.length > 1) {
      // The second segment reads only what the first left of the page.
      expect(page.text).toMatch(/UNION ALL[\s\S]*LIMIT \$\d+ - \(SELECT count\(\*\) FROM first_segment\)\)/);
      expect(page.text).toMatch(/ORDER BY segment, "sortKey" (ASC|DESC), id (ASC|DESC)\nLIMIT \$\d+\n\)/);
      expect(page.text).toMatch(/ORDER BY page\.segment, page\."sortKey" (ASC|DESC), page\.id (ASC|DESC)$/);
    }
  });

  it('every filter is a condition on models columns; license facets resolve once against licenses', () => {
    const { page, count } = sql({
      filter: {
        search: 'llama 3',
        hubs: ['huggingface'],
        tags: ['gguf'],
        licenseCategories: ['PERMISSIVE'],
        osiApproved: true,
        minOpennessLevel: 'OPEN_WEIGHTS',
        gated: false,
        minParameters: 1,
        createdSince: new Date('2024-01-01T00:00:00Z'),
        includeRemoved: true,
      },
    });
    for (const condition of [
      "m.search_vector @@ to_tsquery('simple', $1)",
      'm.hub_id = ANY($2::text[])',
      'm.tags && $3::text[]',
      'm.license_id = ANY(ARRAY(SELECT l.id FROM licenses l WHERE l.category = ANY($4::"LicenseCategory"[]) AND l.osi_approved = $5::boolean))',
      'm.openness_level >= $6::"OpennessLevel"',
      'm.gating = ANY($7::"Gating"[])',
      'm.parameter_count >= $8::bigint',
      'm.created_at >= $9::timestamptz',
    ]) {
      expect(count.text).toContain(condition);
      // The page's parameters are numbered otherwise: its search is each tier's own condition.
      const anyNumber = (text: string) => text.replace(/\$\d+/g, '$n');
      if (!condition.startsWith('m.search_vector')) expect(anyNumber(page.text)).toContain(anyNumber(condition));
    }
    expect(page.text).not.toContain('m.removed_at IS NULL');
    // RELEVANCE: the tiers (exact name, in the name, anywhere), each read in the downloads order,
    // each with its own match: the literal terms, in the name (weight A) or anywhere.
    expect(page.text).toMatch(/m\.search_name = \$\d+::text/);
    expect(page.text.match(/ORDER BY m\.downloads DESC, m\.id DESC/g)).toHaveLength(3);
    const search = parseModelsArgs({ filter: { search: 'llama 3' } }).filter.search!;
    expect(page.values).toEqual(expect.arrayContaining([search.literal, search.inName, search.exactName]));
    expect(count.text).toMatch(/^SELECT count\(\*\)::int AS "totalCount" FROM models m/);
  });
});

describe('isKeyText', () => {
  it.each([
    ['integer', '-12', true],
    ['integer', '1.5', false],
    ['bigint', '8030261248', true],
    ['bigint', '99999999999999999999', false],
    ['timestamptz', '2024-05-01T10:00:00.123Z', true],
    ['timestamptz', '2024-05-01', false],
    ['double precision', '0.625', true],
    ['real', '1e-5', true],
    ['real', 'NaN', false],
    // Within the pattern but outside the type's range: Postgres would refuse them with a SQL error.
    ['integer', '-2147483648', true],
    ['integer', '2147483648', false],
    ['bigint', '-9223372036854775808', true],
    ['bigint', '9223372036854775808', false],
    ['bigint', '-9223372036854775809', false],
    ['timestamptz', '0001-01-01T00:00:00Z', true],
    ['timestamptz', '0000-01-01T00:00:00Z', false],
    ['timestamptz', '2024-02-29T23:59:59.999999Z', true],
    ['timestamptz', '2024-02-30T00:00:00Z', false],
    ['timestamptz', '2024-01-01T24:00:00Z', false],
    ['timestamptz', '2024-13-01T00:00:00Z', false],
    ['double precision', '1e-310', true],
    ['double precision', '1e-400', false],
    ['double precision', '1e309', false],
    ['double precision', '0e-999', true],
    ['real', '3.4028235e38', true],
    ['real', '3.5e38', false],
    ['real', '1e-50', false],
  ] as const)('%s %j → %s', (type, key, valid) => {
    expect(isKeyText(type, key)).toBe(valid);
  });
});
