/**
 * The change log partitioned by month (migration 20261208000000_change_log_partitions), against
 * real Postgres: the migration converts a log with rows (every row, the sequence and the daily
 * openness counts kept, whatever the session's time zone) and an empty one; inserts by every
 * writer land in their month's partition, or in the default partition, which maintenance empties
 * into a partition it creates; Prisma reads and writes the table; and the feed's and a model's
 * history pages stay on indexes (no sequential scan of a large partition).
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { createDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { ChangePartitionRepository } from '../../src/events/change-partitions.repository.js';
import { ChangeLogMaintenance, monthStart } from '../../src/events/change-retention.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { dropDatabase, scratchDatabaseUrl, silentLogger, useTestDatabase } from '../helpers/database.js';

const PARTITIONS_MIGRATION = '20261208000000_change_log_partitions';

const db = useTestDatabase();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** `model_changes_YYYY_MM` of the UTC month holding `date`. */
const partitionOf = (date: Date) =>
  `model_changes_${date.getUTCFullYear()}_${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** The migrations before the partitioning one, in a directory of their own. */
async function migrationsBeforePartitions(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'catalog-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const name of await readdir(MIGRATIONS_DIR)) {
    if (name < PARTITIONS_MIGRATION) await cp(join(MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  }
  return dir;
}

function scratch(label: string): string {
  const url = scratchDatabaseUrl(label);
  cleanups.push(() => dropDatabase(url));
  return url;
}

interface PartitionRow extends pg.QueryResultRow {
  name: string;
  bound: string;
}
const PARTITIONS = `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'model_changes'::regclass ORDER BY c.relname`;

describe('the migration', () => {
  it('converts a log with rows across months: every row in its month, the sequence and the daily counts kept', async () => {
    // A session in New York: month boundaries are UTC's whatever the session's time zone.
    const plainUrl = scratch('partition_rows');
    const url = `${plainUrl}?options=${encodeURIComponent('-c timezone=America/New_York')}`;
    await migrate({ databaseUrl: url, migrationsDir: await migrationsBeforePartitions(), logger: silentLogger });
    await query(
      url,
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co');
       INSERT INTO models (id, hub_id, repo_id, name, content_hash, author, openness_level)
       SELECT 'huggingface:org/m' || i, 'huggingface', 'org/m' || i, 'm' || i, 'h', 'org', 'OPEN_WEIGHTS'
       FROM generate_series(1, 3) i;
       INSERT INTO crawl_runs (hub_id, mode, trigger) VALUES ('huggingface', 'FULL', 'CLI');`,
    );
    const instants = [
      '2024-11-30T23:59:59.999Z',
      '2024-12-01T00:00:00.000Z',
      '2024-12-31T23:30:00.000Z', // still December in UTC, already January nowhere west of it
      '2025-01-01T04:59:59.000Z', // New York's Dec 31
      '2025-03-15T12:00:00.000Z',
    ];
    for (const [i, at] of instants.entries()) {
      await query(
        url,
        `INSERT INTO model_changes (model_id, kind, changed_fields, before, after, occurred_at, crawl_run_id,
           hub_id, author, license_category, openness_level)
         VALUES ($1, $2, $3, $4, $5, $6, 1, 'huggingface', 'org', 'PERMISSIVE', 'OPEN_WEIGHTS')`,
        [
          `huggingface:org/m${(i % 3) + 1}`,
          i < 3 ? 'CREATED' : 'OPENNESS_CHANGED',
          i < 3 ? [] : ['openness.level'],
          i < 3 ? null : { 'openness.level': 'CLOSED' },
          { 'openness.level': 'OPEN_WEIGHTS' },
          at,
        ],
      );
    }
    const rows = () => query(url, 'SELECT row_to_json(c)::text AS row FROM model_changes c ORDER BY id');
    const daily = () =>
      query(
        url,
        'SELECT row_to_json(d)::text AS row FROM openness_daily_changes d ORDER BY day, hub_id, openness_level',
      );
    const [before, dailyBefore] = [await rows(), await daily()];
    const [sequence] = await query<{ last: string }>(url, 'SELECT last_value::text AS last FROM model_changes_id_seq');
    expect(before).toHaveLength(5);

    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });

    expect(await rows()).toEqual(before);
    expect(await daily()).toEqual(dailyBefore);
    const placed = await query<{ id: string; partition: string }>(
      url,
      'SELECT id::text, tableoid::regclass::text AS partition FROM model_changes ORDER BY id',
    );
    expect(placed.map((row) => row.partition)).toEqual(instants.map((at) => partitionOf(new Date(at))));
    const now = new Date();
    const partitions = (await query<PartitionRow>(url, PARTITIONS)).map((row) => row.name);
    expect(partitions).toEqual(
      expect.arrayContaining([
        'model_changes_2024_11',
        'model_changes_2024_12',
        'model_changes_2025_01',
        'model_changes_2025_03',
        'model_changes_default',
        ...[0, 1, 2].map((ahead) => partitionOf(monthStart(now, ahead))),
      ]),
    );
    expect(partitions).not.toContain('model_changes_2025_02'); // no rows, not current: not created

    // The sequence goes on where it was, owned by the new table (TRUNCATE … RESTART IDENTITY resets it).
    const [owned] = await query<{ sequence: string; last: string }>(
      url,
      `SELECT pg_get_serial_sequence('model_changes', 'id') AS sequence, last_value::text AS last FROM model_changes_id_seq`,
    );
    expect(owned).toEqual({ sequence: 'public.model_changes_id_seq', last: sequence!.last });
    const [next] = await query<{ id: string; partition: string }>(
      url,
      `INSERT INTO model_changes (model_id, kind, after, hub_id) VALUES ('huggingface:org/m1', 'CREATED', '{"openness.level":"OPEN_TOOLING"}', 'huggingface')
       RETURNING id::text, tableoid::regclass::text AS partition`,
    );
    expect(next).toEqual({ id: String(Number(sequence!.last) + 1), partition: partitionOf(now) });
    // The statement trigger of the daily openness counts still sees inserts through the table.
    expect(await daily()).toHaveLength(dailyBefore.length + 1);

    // The primary key holds the partition key; every index and key is on the partitioned table.
    const [table] = await query<{ kind: string; key: string }>(
      url,
      `SELECT c.relkind::text AS kind, pg_get_constraintdef(k.oid) AS key FROM pg_class c
       JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p' WHERE c.relname = 'model_changes'`,
    );
    expect(table).toEqual({ kind: 'p', key: 'PRIMARY KEY (id, occurred_at)' });

    // Prisma, through the pg adapter, reads and writes the partitioned table (in the server's time
    // zone: the adapter reads timestamptz text as UTC, whatever the session's zone).
    const scratchDb = createDatabase({ database: { url: plainUrl, poolSize: 2 } }, silentLogger);
    try {
      const history = await scratchDb.prisma.modelChange.findMany({
        where: { modelId: 'huggingface:org/m1' },
        orderBy: { id: 'asc' },
      });
      expect(history.map((change) => change.id.toString())).toEqual([placed[0]!.id, placed[3]!.id, next!.id]);
      expect(history.slice(0, 2).map((change) => change.occurredAt.toISOString())).toEqual([instants[0], instants[3]]);
      const written = await scratchDb.prisma.modelChange.create({
        data: { modelId: 'huggingface:org/m2', kind: 'UPDATED', occurredAt: new Date('2024-12-24T18:00:00Z') },
      });
      const read = await scratchDb.prisma.modelChange.findUniqueOrThrow({
        where: { id_occurredAt: { id: written.id, occurredAt: written.occurredAt } },
      });
      expect(read).toEqual(written);
      const [where] = await query<{ partition: string }>(
        url,
        'SELECT tableoid::regclass::text AS partition FROM model_changes WHERE id = $1',
        [written.id.toString()],
      );
      expect(where?.partition).toBe('model_changes_2024_12');
    } finally {
      await scratchDb.close();
    }
  });

  it('runs on an empty database: this month, the next two and the default partition', async () => {
    const url = scratch('partition_empty');
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
    const now = new Date();
    expect((await query<PartitionRow>(url, PARTITIONS)).map((row) => row.name).sort()).toEqual(
      [...[0, 1, 2].map((ahead) => partitionOf(monthStart(now, ahead))), 'model_changes_default'].sort(),
    );
    const [horizon] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM change_log_horizon');
    expect(horizon?.n).toBe(0);
  });
});

describe('inserts and the default partition', () => {
  beforeEach(async () => {
    await db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
    );
  });

  const placement = async () =>
    (
      await db.pool.query<{ id: string; partition: string; at: Date }>(
        'SELECT id::text, tableoid::regclass::text AS partition, occurred_at AS at FROM model_changes ORDER BY id',
      )
    ).rows;

  it('routes every writer’s rows to their month, and a month without a partition to the default one', async () => {
    const now = new Date();
    const ingest = new IngestRepository(db.pool);
    await ingest.ingestPage([buildCatalogModel('org/now')], { seenAt: now });
    await ingest.ingestPage([buildCatalogModel('org/later')], { seenAt: monthStart(now, 2) });
    await db.prisma.modelChange.create({
      data: { modelId: 'huggingface:org/now', kind: 'UPDATED', occurredAt: monthStart(now, 1) },
    });
    const far = new Date(Date.UTC(now.getUTCFullYear() + 5, 2, 10));
    await ingest.ingestPage([buildCatalogModel('org/far')], { seenAt: far });
    expect((await placement()).map((row) => row.partition)).toEqual([
      partitionOf(now),
      partitionOf(monthStart(now, 2)),
      partitionOf(monthStart(now, 1)),
      'model_changes_default',
    ]);
  });

  it('maintenance gives a straggler’s month its partition, moving the rows (ids and daily counts unchanged)', async () => {
    const far = new Date(Date.UTC(new Date().getUTCFullYear() + 6, 4, 20));
    const name = partitionOf(far);
    cleanups.push(() => db.pool.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(name)}`));
    const ingest = new IngestRepository(db.pool);
    await ingest.ingestPage([buildCatalogModel('org/a'), buildCatalogModel('org/b')], { seenAt: far });
    const daily = async () =>
      (
        await db.pool.query<Record<string, unknown>>(
          'SELECT * FROM openness_daily_changes ORDER BY day, hub_id, openness_level',
        )
      ).rows;
    const [before, dailyBefore] = [await placement(), await daily()];
    expect(before.map((row) => row.partition)).toEqual(['model_changes_default', 'model_changes_default']);

    const maintenance = new ChangeLogMaintenance({
      partitions: new ChangePartitionRepository(db.pool, 2_000),
      retentionMonths: 0,
      monthsAhead: 2,
      neededFrom: () => Promise.resolve(null),
      logger: silentLogger,
    });
    const report = await maintenance.run();
    expect(report).toMatchObject({ ran: true, created: [name], dropped: [], postponed: [] });
    expect(await placement()).toEqual(before.map((row) => ({ ...row, partition: name })));
    expect(await daily()).toEqual(dailyBefore);
    // A second run has nothing to do.
    expect((await maintenance.run()).created).toEqual([]);
  });

  it('lets one maintenance run at a time', async () => {
    const partitions = new ChangePartitionRepository(db.pool, 2_000);
    const maintenance = new ChangeLogMaintenance({
      partitions,
      retentionMonths: 0,
      monthsAhead: 2,
      neededFrom: () => Promise.resolve(null),
      logger: silentLogger,
    });
    const inner = await partitions.withMaintenanceLock(() => maintenance.run());
    expect(inner).toMatchObject({ ran: false });
  });
});

describe('plans', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ db, redisUrl: inject('redisUrl') });
  });
  afterAll(() => api.stop());

  interface PlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  /** The statements a GraphQL request sends, with their values. */
  async function statementsOf(document: string, variables: Record<string, unknown>) {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const response = await graphql(api.url, document, variables);
      expect(response.body.errors).toBeUndefined();
      return spy.mock.calls.map(([config, values]) =>
        typeof config === 'string'
          ? { text: config, values: Array.isArray(values) ? (values as unknown[]) : [] }
          : {
              text: String((config as { text?: string }).text),
              values: [...((config as { values?: unknown[] }).values ?? [])],
            },
      );
    } finally {
      spy.mockRestore();
    }
  }

  async function planOf(statement: { text: string; values: unknown[] }): Promise<PlanNode[]> {
    const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${statement.text}`,
      statement.values,
    );
    return nodes(rows[0]!['QUERY PLAN'][0].Plan);
  }

  it('reads the feed and a model’s history through indexes, never scanning a large partition', async () => {
    const now = new Date();
    const big = partitionOf(now);
    await db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co');
       INSERT INTO models (id, hub_id, repo_id, name, content_hash, author)
       SELECT 'huggingface:org/m' || i, 'huggingface', 'org/m' || i, 'm' || i, 'h', 'org' || (i % 50) FROM generate_series(1, 500) i;`,
    );
    // 60,000 changes this month, a few in each of the two next months.
    await db.pool.query(
      `INSERT INTO model_changes (model_id, kind, occurred_at, hub_id, author)
       SELECT 'huggingface:org/m' || (i % 500 + 1), 'UPDATED', $1::timestamptz + (i || ' milliseconds')::interval,
         'huggingface', 'org' || ((i % 500 + 1) % 50)
       FROM generate_series(1, 60000) i`,
      [monthStart(now)],
    );
    for (const ahead of [1, 2]) {
      await db.pool.query(
        `INSERT INTO model_changes (model_id, kind, occurred_at, hub_id) SELECT 'huggingface:org/m1', 'UPDATED', $1, 'huggingface' FROM generate_series(1, 3)`,
        [monthStart(now, ahead)],
      );
    }
    await db.pool.query('ANALYZE model_changes');
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id::text FROM model_changes ORDER BY id LIMIT 1 OFFSET 30000',
    );
    const middle = rows[0]!.id;

    const pages: [string, string, Record<string, unknown>][] = [
      [
        'the feed from a cursor',
        'query ($after: String) { changes(first: 50, after: $after) { nodes { id } } }',
        { after: middle },
      ],
      ['the feed from the start', 'query { changes(first: 50) { nodes { id } } }', {}],
      [
        'the feed of one author',
        'query ($after: String) { changes(first: 50, after: $after, filter: { authors: ["org7"] }) { nodes { id } } }',
        { after: middle },
      ],
      ['a model’s history', 'query { model(id: "huggingface:org/m42") { history(first: 20) { nodes { id } } } }', {}],
    ];
    for (const [name, document, variables] of pages) {
      const statements = (await statementsOf(document, variables)).filter((s) => /\bmodel_changes\b/.test(s.text));
      expect(statements.length, name).toBeGreaterThan(0);
      let touched = 0;
      for (const statement of statements) {
        const plan = await planOf(statement);
        const onBig = plan.filter((node) => node['Relation Name'] === big);
        touched += onBig.length;
        expect(
          onBig.filter((node) => node['Node Type'] === 'Seq Scan'),
          `${name}: ${statement.text}`,
        ).toEqual([]);
        expect(
          onBig.map((node) => node['Node Type']).every((type) => type.startsWith('Index') || type.startsWith('Bitmap')),
          name,
        ).toBe(true);
      }
      expect(touched, `${name} reads the large partition`).toBeGreaterThan(0);
    }

    // A lookup by id alone (a cursor's existence) probes the primary key of every partition.
    const lookup = await planOf({ text: 'SELECT 1 FROM model_changes c WHERE c.id = $1::bigint', values: [middle] });
    expect(lookup.filter((node) => node['Relation Name'] === big).map((node) => node['Index Name'])).toEqual([
      `${big}_pkey`,
    ]);
    // A time filter (`since`) prunes the months before it.
    const since = await planOf({
      text: 'SELECT c.id FROM model_changes c WHERE c.occurred_at >= $1::timestamptz ORDER BY c.id LIMIT 50',
      values: [monthStart(now, 1)],
    });
    expect(since.some((node) => node['Relation Name'] === big)).toBe(false);
  });
});
