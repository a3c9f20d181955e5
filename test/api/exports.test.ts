/**
 * `GET /export/models.csv|jsonl|json` over real HTTP against the seeded catalog: the filter is the
 * `models` filter as query parameters (the same rows as the expectation computed in TypeScript from
 * what was ingested), the three formats agree, CSV opens cleanly (BOM, header, RFC 4180 quoting,
 * UTF-8), conditional requests get 304 until the catalog changes, and bad parameters get a 400
 * naming the parameter.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { type CHANGE_EXPORT_COLUMNS } from '../../src/events/change-log.repository.js';
import { EXPORT_COLUMNS } from '../../src/read-model/export.sql.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { matches, OTHER_HUB, useSeededCatalog, type FilterInput } from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });

type Row = Record<(typeof EXPORT_COLUMNS)[number], string>;
const csvRows = <T = Row>(text: string): T[] => parse<T>(text, { bom: true, columns: true, skip_empty_lines: true });
type ChangeRow = Record<(typeof CHANGE_EXPORT_COLUMNS)[number], string>;
const expectedIds = (filter: FilterInput) =>
  catalog.models
    .filter((seeded) => matches(seeded, filter))
    .map((seeded) => seeded.model.id)
    .sort();

describe('exports of the models a filter matches', () => {
  const query = 'licenseCategories=PERMISSIVE,COPYLEFT&minOpennessLevel=OPEN_WEIGHTS';
  const filter: FilterInput = { licenseCategories: ['PERMISSIVE', 'COPYLEFT'], minOpennessLevel: 'OPEN_WEIGHTS' };

  it('CSV: a BOM, the documented header, one row per matching model, as an attachment', async () => {
    const response = await get(`/export/models.csv?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="models.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the BOM, as spreadsheets do.
    const text = new TextDecoder().decode(bytes);
    expect(text.slice(0, text.indexOf('\n'))).toBe(EXPORT_COLUMNS.join(','));
    const rows = csvRows(text);
    expect(expectedIds(filter).length).toBeGreaterThan(10);
    expect(rows.map((row) => row.id).sort()).toEqual(expectedIds(filter));
    for (const row of rows) {
      expect(['PERMISSIVE', 'COPYLEFT']).toContain(row.license_category);
      const hubPage = row.hub === OTHER_HUB ? 'https://modelscope.cn/models/' : 'https://huggingface.co/';
      expect(row.url).toBe(`${hubPage}${row.repo_id}`);
    }
  });

  it('JSON Lines and JSON hold the same rows and values as the CSV', async () => {
    const csv = csvRows(await (await get(`/export/models.csv?${query}`)).text());
    const jsonlResponse = await get(`/export/models.jsonl?${query}`);
    expect(jsonlResponse.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await jsonlResponse.text())
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, string | number | boolean | null>);
    const jsonResponse = await get(`/export/models.json?${query}`);
    expect(jsonResponse.headers.get('content-disposition')).toBe('attachment; filename="models.json"');
    const array = (await jsonResponse.json()) as Record<string, string | number | boolean | null>[];
    expect(array).toEqual(lines);
    expect(lines.map((row) => row['id'])).toEqual(csv.map((row) => row.id));
    // JSON values are strings, numbers, booleans or null (dates as ISO strings).
    const asCsv = (value: string | number | boolean | null | undefined) => (value === null ? '' : String(value));
    for (const [index, row] of lines.entries()) {
      expect(Object.keys(row)).toEqual([...EXPORT_COLUMNS]);
      for (const column of EXPORT_COLUMNS) expect(asCsv(row[column])).toBe(csv[index]?.[column]);
    }
  });

  it('without parameters exports every listed model; includeRemoved adds the removed ones', async () => {
    const all = csvRows(await (await get('/export/models.csv')).text());
    expect(all.map((row) => row.id).sort()).toEqual(expectedIds({}));
    const withRemoved = csvRows(await (await get('/export/models.csv?includeRemoved=true')).text());
    expect(withRemoved.map((row) => row.id).sort()).toEqual(expectedIds({ includeRemoved: true }));
    expect(withRemoved.length).toBeGreaterThan(all.length);
  });

  it('a repeated parameter is a list too, and an empty export is a header (CSV) or [] (JSON)', async () => {
    const repeated = csvRows(
      await (await get('/export/models.csv?licenseCategories=PERMISSIVE&licenseCategories=COPYLEFT')).text(),
    );
    expect(repeated.map((row) => row.id).sort()).toEqual(
      expectedIds({ licenseCategories: ['PERMISSIVE', 'COPYLEFT'] }),
    );
    const none = await (await get('/export/models.csv?authors=nobody-at-all')).text();
    expect(none).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
    expect(await (await get('/export/models.json?authors=nobody-at-all')).json()).toEqual([]);
  });
});

describe('conditional requests', () => {
  it('answers 304 to the ETag it gave until a change is committed, then the new rows', async () => {
    const first = await get('/export/models.csv?authors=etag-probe');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('last-modified')).not.toBeNull();
    const again = await get('/export/models.csv?authors=etag-probe', { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    // Another filter or format is another export.
    const other = await get('/export/models.jsonl?authors=etag-probe', { 'if-none-match': etag ?? '' });
    expect(other.status).toBe(200);

    await new IngestRepository(catalog.db.pool).ingestPage([buildCatalogModel('etag-probe/new-model')]);
    const changed = await get('/export/models.csv?authors=etag-probe', { 'if-none-match': etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(csvRows(await changed.text()).map((row) => row.id)).toEqual(['huggingface:etag-probe/new-model']);
  });
});

describe('CSV that opens cleanly', () => {
  it('quotes commas, quotes and line breaks, and keeps UTF-8 text exact', async () => {
    const name = 'Ünïcødé "quoted", 模型\nsecond line';
    await new IngestRepository(catalog.db.pool).ingestPage([buildCatalogModel('csv-probe/odd', { name })]);
    const text = await (await get('/export/models.csv?authors=csv-probe')).text();
    expect(text).toContain('"Ünïcødé ""quoted"", 模型\nsecond line"');
    const [row] = csvRows(text);
    expect(row?.name).toBe(name);
    const [line] = (await (await get('/export/models.jsonl?authors=csv-probe')).text()).split('\n');
    expect((JSON.parse(line ?? '{}') as { name?: string }).name).toBe(name);
  });
});

describe('bad parameters', () => {
  it.each([
    ['an unknown parameter', 'licence=MIT', 'licence'],
    ['an unknown enum value', 'licenseCategories=PERMISSIVE,NOPE', 'licenseCategories'],
    ['a malformed number', 'minParameters=lots', 'minParameters'],
    ['a malformed boolean', 'gated=maybe', 'gated'],
    [
      'a single-valued parameter given twice',
      'minOpennessLevel=OPEN_WEIGHTS&minOpennessLevel=CLOSED',
      'minOpennessLevel',
    ],
    ['bounds the wrong way round', 'minParameters=5000&maxParameters=10', 'filter'],
    ['a NUL character', 'authors=a%00b', 'authors'],
  ])('%s: 400, BAD_USER_INPUT naming the parameter, no rows', async (_name, query, argument) => {
    const response = await get(`/export/models.csv?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(body.errors[0]?.message).not.toMatch(/at .*\.ts|SELECT|pg_/);
  });
});

interface FeedChange {
  readonly id: string;
  readonly kind: string;
  readonly modelId: string;
}
interface FeedPage {
  readonly nodes: FeedChange[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
}
const FEED_QUERY = `query($filter: ChangeFilter, $after: String) {
  changes(filter: $filter, first: 100, after: $after) { nodes { id kind modelId } pageInfo { endCursor hasNextPage } }
}`;

/** Every change the GraphQL feed returns for `filter`, walking its pages. */
async function feed(filter: Record<string, unknown>): Promise<FeedChange[]> {
  const nodes: FeedChange[] = [];
  let after: string | null = null;
  for (;;) {
    const answer: { body: { data?: { changes: FeedPage }; errors?: unknown } } = await graphql<{ changes: FeedPage }>(
      api.url,
      FEED_QUERY,
      { filter, after },
    );
    const page: FeedPage | undefined = answer.body.data?.changes;
    if (!page) throw new Error(JSON.stringify(answer.body.errors));
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

describe('exports of the change log', () => {
  it('holds the rows of the changes feed for the same filter, in id order', async () => {
    const rows = csvRows<ChangeRow>(
      await (await get('/export/changes.csv?kinds=CREATED&licenseCategories=PERMISSIVE')).text(),
    );
    const expected = await feed({ kinds: ['CREATED'], licenseCategories: ['PERMISSIVE'] });
    expect(expected.length).toBeGreaterThan(10);
    expect(rows.map((row) => row.id)).toEqual(expected.map((change) => change.id));
    expect(rows.map((row) => row.model_id)).toEqual(expected.map((change) => change.modelId));
  });

  it('continues after a change id, and takes the feed filter’s `since` time', async () => {
    const all = await feed({});
    const middle = all[Math.floor(all.length / 2)];
    const rest = (await (await get(`/export/changes.jsonl?after=${middle?.id}`)).text())
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(rest).toEqual(all.slice(all.length / 2 + 1).map((change) => change.id));
    const future = await get('/export/changes.json?since=2999-01-01T00:00:00Z');
    expect(await future.json()).toEqual([]);
  });

  it.each([
    ['a malformed change id', 'after=abc', 'after'],
    ['an unknown change kind', 'kinds=EXPLODED', 'kinds'],
    ['a malformed time', 'since=yesterday', 'since'],
  ])('%s: 400 naming the parameter', async (_name, query, argument) => {
    const response = await get(`/export/changes.csv?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });
});

describe('from a browser on another origin', () => {
  it('answers the CORS preflight for an allowed origin, and gives another no CORS headers', async () => {
    const allowed = 'https://dashboard.example.org';
    const cross = await startApi({ db: catalog.db, redisUrl: inject('redisUrl'), env: { CORS_ORIGINS: allowed } });
    try {
      for (const origin of [allowed, 'https://elsewhere.example.org']) {
        const preflight = await fetch(`${cross.url}/export/models.csv`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        // Another origin gets no CORS headers (the browser then refuses the request itself).
        if (origin === allowed) expect(preflight.status).toBe(204);
        expect(preflight.headers.get('access-control-allow-origin')).toBe(origin === allowed ? allowed : null);
      }
      const csv = await fetch(`${cross.url}/export/models.csv?authors=nobody`, { headers: { origin: allowed } });
      expect(csv.headers.get('access-control-allow-origin')).toBe(allowed);
    } finally {
      await cross.stop();
    }
  });
});
