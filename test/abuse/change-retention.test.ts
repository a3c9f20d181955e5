/**
 * Change-log retention (docs/changes.md) against real Postgres, Redis and the API over HTTP and
 * WebSocket, each test named after the situation and the promised outcome:
 *
 * - months past CHANGE_RETENTION_MONTHS are dropped whole, but never one holding a change a
 *   webhook still needs (its dispatch position behind, or a pending delivery, disabled webhooks
 *   included); once the webhook has caught up, the month goes;
 * - a client whose cursor (`after`) or `since` is older than what the log keeps gets
 *   CHANGES_EXPIRED — on `changes` and on `modelChanged` — with the oldest cursor to resume from,
 *   a message that says to resync, and nothing internal; never a page with a gap. Within the
 *   horizon, answers are what they were before retention ran;
 * - a drop that cannot get its locks in time (a reader holding the table) is postponed, not
 *   waited for: readers are not queued behind it for long, and the next run drops it;
 * - CHANGE_RETENTION_MONTHS=0 keeps everything.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyPrincipal } from '../../src/auth/authenticator.js';
import { IngestRepository, type CommittedChange } from '../../src/catalog/ingest.repository.js';
import { ChangePartitionRepository } from '../../src/events/change-partitions.repository.js';
import { ChangeLogMaintenance, monthStart, type MaintenanceReport } from '../../src/events/change-retention.js';
import { webhookDeliveryJob } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { WebhookDeliveryService } from '../../src/webhooks/webhook-delivery.service.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { WebhookRepository } from '../../src/webhooks/webhook.repository.js';
import { WebhookService } from '../../src/webhooks/webhook.service.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import { subscribe } from '../helpers/subscriptions.js';
import { seedOwner, webhookConfig } from '../webhooks/harness.js';
import { Receiver } from '../webhooks/receiver.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
const prefix = `test-retention-${randomBytes(4).toString('hex')}`;
const producer = new QueueProducer(redis, prefix);
const config = webhookConfig();
const webhooks = new WebhookRepository(db.pool);
let api: RunningApi;
let receiver: Receiver;
let owner: ApiKeyPrincipal;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix });
  receiver = await Receiver.start();
});
/** The months earlier tests left behind (empty once the tables are truncated) go first. */
const dropOldPartitions = () => maintenance({ retentionMonths: 1 }).run();

beforeEach(async () => {
  await dropOldPartitions();
  owner = (await seedOwner(db)).principal;
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await db.pool.query('TRUNCATE model_changes, change_log_horizon, webhooks CASCADE');
  await dropOldPartitions();
  await new Queue(webhookDeliveryJob.queue, { connection: redis, prefix }).obliterate({ force: true });
  await producer.close();
  await Promise.all([api.stop(), receiver.stop()]);
  redis.disconnect();
});

const now = new Date();
/** The first day of the UTC month `months` before this one, plus `days`. */
const monthsAgo = (months: number, days = 3) => new Date(monthStart(now, -months).getTime() + days * 86_400_000);
const partitionOf = (date: Date) =>
  `model_changes_${date.getUTCFullYear()}_${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

/** `count` models created `months` ago (a crawl then), each one change; their ids, ascending. */
async function crawledMonthsAgo(months: number, count = 3, tag = ''): Promise<string[]> {
  const at = months === 0 ? now : monthsAgo(months);
  const models = Array.from({ length: count }, (_, i) => buildCatalogModel(`org/m${months}${tag}-${i}`));
  const result = await new IngestRepository(db.pool).ingestPage(models, { seenAt: at });
  return result!.changes.map((change: CommittedChange) => change.id);
}

function maintenance(options: { retentionMonths?: number; lockTimeoutMs?: number } = {}) {
  return new ChangeLogMaintenance({
    partitions: new ChangePartitionRepository(db.pool, options.lockTimeoutMs ?? 2_000),
    retentionMonths: options.retentionMonths ?? 12,
    monthsAhead: 2,
    neededFrom: () => webhooks.oldestNeededChangeId(),
    logger: silentLogger,
  });
}

const presentIds = async (ids: readonly string[]) =>
  (
    await db.pool.query<{ id: string }>(
      'SELECT c.id::text FROM model_changes c WHERE c.id = ANY($1::bigint[]) ORDER BY c.id',
      [ids],
    )
  ).rows.map((row) => row.id);

const CHANGES = `query ($after: String, $filter: ChangeFilter) {
  changes(first: 100, after: $after, filter: $filter) { nodes { id kind model { id } } pageInfo { endCursor } }
}`;
interface Feed {
  changes: { nodes: { id: string }[]; pageInfo: { endCursor: string | null } };
}
const feed = (variables: Record<string, unknown>) => graphql<Feed>(api.url, CHANGES, variables);

/** Nothing of the server's insides in an error a client sees. */
function expectNoInternals(error: { message: string; extensions?: Record<string, unknown> }): void {
  expect(error.extensions?.['stacktrace']).toBeUndefined();
  expect(error.message).not.toMatch(/model_changes|partition|horizon|SELECT|postgres|pg_/i);
}

function webhookService() {
  return new WebhookService({
    prisma: db.prisma,
    pool: db.pool,
    config,
    queue: new WebhookQueue(producer, config),
    logger: silentLogger,
  });
}

async function createWebhook(): Promise<string> {
  const result = await webhookService().create(owner, { url: receiver.url(), filter: {} });
  expect(result.errors).toEqual([]);
  return result.webhook!.id.toString();
}

const dispatcher = () =>
  new WebhookDispatcher({ pool: db.pool, queue: new WebhookQueue(producer, config), logger: silentLogger });

describe('retention and webhooks', () => {
  it('keeps the months a lagging webhook still needs, drops them once it caught up, and refuses expired cursors', async () => {
    const oldest = await crawledMonthsAgo(26);
    const old = await crawledMonthsAgo(25);
    await createWebhook(); // dispatch starts after `old`
    const lagging = await crawledMonthsAgo(20);
    const older = await crawledMonthsAgo(14);
    const recent = await crawledMonthsAgo(0);
    const all = [...oldest, ...old, ...lagging, ...older, ...recent];

    // Before retention: what a client following from the end of month −25 reads, and by time.
    const fromOld = await feed({ after: old.at(-1) });
    const sinceLagging = await feed({ filter: { since: monthStart(now, -20).toISOString() } });
    expect(fromOld.body.data!.changes.nodes.map((n) => n.id)).toEqual([...lagging, ...older, ...recent]);

    // The dispatcher has not run: its position (the log's head when the webhook was created) holds month −20 on.
    let report: MaintenanceReport = await maintenance().run();
    expect([...report.dropped].sort()).toEqual([partitionOf(monthsAgo(26)), partitionOf(monthsAgo(25))].sort());
    expect(report.kept).toEqual(
      expect.arrayContaining([
        { name: partitionOf(monthsAgo(20)), reason: 'NEEDED' },
        { name: partitionOf(monthsAgo(14)), reason: 'NEEDED' },
      ]),
    );
    expect(report.horizon).toEqual({ throughId: old.at(-1), before: monthStart(now, -24) });
    expect(await presentIds(all)).toEqual([...lagging, ...older, ...recent]);

    // Dispatched: the deliveries wait (no worker runs here), and hold the same months.
    await dispatcher().dispatchBatch();
    report = await maintenance().run();
    expect(report.dropped).toEqual([]);
    expect(report.kept.map((k) => k.reason)).toEqual(['NEEDED', 'NEEDED']);
    expect(await presentIds(lagging)).toEqual(lagging);

    // Within the horizon, answers are what they were.
    expect((await feed({ after: old.at(-1) })).body).toEqual(fromOld.body);
    expect((await feed({ filter: { since: monthStart(now, -20).toISOString() } })).body).toEqual(sinceLagging.body);
    // From the start: the oldest change kept; below the horizon: refused, never a gap.
    expect((await feed({})).body.data!.changes.nodes[0]?.id).toBe(lagging[0]);
    for (const variables of [
      { after: oldest[1] },
      { after: '0', filter: { since: monthsAgo(26).toISOString() } },
      { filter: { since: monthsAgo(25).toISOString() } },
    ]) {
      const response = await feed(variables);
      expect(response.status).toBe(200);
      expect(response.body.data).toBeNull();
      const error = response.body.errors?.[0];
      expect(error?.extensions).toMatchObject({
        code: 'CHANGES_EXPIRED',
        reason: 'CHANGES_EXPIRED',
        oldestCursor: old.at(-1),
        expiredBefore: monthStart(now, -24).toISOString(),
        argument: 'after' in variables && variables.after !== '0' ? 'after' : 'filter.since',
      });
      expect(error?.message).toMatch(/Resync from `models`/);
      expect(error?.message).toContain(`after: "${old.at(-1)}"`);
      expectNoInternals(error!);
    }
    // The oldest cursor itself is accepted (the change it names is gone; everything after it is not).
    expect((await feed({ after: old.at(-1) })).body.errors).toBeUndefined();

    // The change export refuses an expired `after` too: 410 with the code, no rows, no internals.
    const exported = await fetch(`${api.url}/export/changes.jsonl?after=${oldest[1]}`);
    expect(exported.status).toBe(410);
    const body = (await exported.json()) as { error: { code: string; message: string } } & Record<string, unknown>;
    expect(JSON.stringify(body)).toContain('CHANGES_EXPIRED');
    expect(JSON.stringify(body)).not.toMatch(/model_changes|stack|postgres/i);
    const resumed = await fetch(`${api.url}/export/changes.jsonl?after=${old.at(-1)}`);
    expect(resumed.status).toBe(200);
    expect((await resumed.text()).trim().split('\n')[0]).toContain(`"id":"${lagging[0]}"`);

    // A subscription resuming from an expired id hears so too.
    const subscriber = subscribe(api.url, { after: oldest[0] });
    cleanup.push(() => subscriber.close());
    const subscriptionError = (await subscriber.waitForError()) as {
      message: string;
      extensions?: Record<string, unknown>;
    };
    expect(subscriptionError.extensions).toMatchObject({ code: 'CHANGES_EXPIRED', oldestCursor: old.at(-1) });
    expectNoInternals(subscriptionError);

    // The webhook catches up: every pending delivery is delivered, its changes read from the kept months.
    const service = new WebhookDeliveryService({ pool: db.pool, config, logger: silentLogger });
    const pending = await db.prisma.webhookDelivery.findMany({ where: { status: 'PENDING' }, orderBy: { id: 'asc' } });
    expect(pending.length).toBeGreaterThan(0);
    for (const delivery of pending) {
      expect(await service.deliver(delivery.id.toString(), { attemptsMade: 0, maxAttempts: 1 })).toMatchObject({
        kind: 'DELIVERED',
      });
    }
    const delivered = receiver.requests.flatMap(
      (request) => (JSON.parse(request.rawBody) as { changes: { id: string }[] }).changes,
    );
    expect(delivered.map((change) => change.id)).toEqual(expect.arrayContaining([...lagging, ...older]));

    report = await maintenance().run();
    expect([...report.dropped].sort()).toEqual([partitionOf(monthsAgo(20)), partitionOf(monthsAgo(14))].sort());
    expect(report.horizon).toEqual({ throughId: older.at(-1), before: monthStart(now, -13) });
    expect(await presentIds(all)).toEqual(recent);
    const refused = await feed({ after: old.at(-1) });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CHANGES_EXPIRED', oldestCursor: older.at(-1) });
    expect((await feed({ after: older.at(-1) })).body.data!.changes.nodes.map((n) => n.id)).toEqual(recent);
  });

  it('a disabled webhook’s waiting deliveries hold their month; revoking its key lets it go', async () => {
    const webhookId = await createWebhook();
    const held = await crawledMonthsAgo(18);
    await dispatcher().dispatchBatch();
    await db.pool.query(`UPDATE webhooks SET enabled = false, disabled_reason = 'paused' WHERE id = $1`, [webhookId]);
    await crawledMonthsAgo(0);
    await dispatcher().dispatchBatch();

    let report = await maintenance().run();
    expect(report.kept).toEqual([{ name: partitionOf(monthsAgo(18)), reason: 'NEEDED' }]);
    expect(await presentIds(held)).toEqual(held);

    await new ApiKeyRepository(db.prisma).revoke(owner.id);
    report = await maintenance().run();
    expect(report.dropped).toEqual([partitionOf(monthsAgo(18))]);
    expect(await presentIds(held)).toEqual([]);
  });

  it('without webhooks, retention drops every expired month; CHANGE_RETENTION_MONTHS=0 drops none', async () => {
    const old = await crawledMonthsAgo(15);
    const recent = await crawledMonthsAgo(11);
    expect((await maintenance({ retentionMonths: 0 }).run()).dropped).toEqual([]);
    expect((await maintenance({ retentionMonths: 16 }).run()).dropped).toEqual([]);
    expect(await presentIds([...old, ...recent])).toEqual([...old, ...recent]);
    expect((await maintenance({ retentionMonths: 12 }).run()).dropped).toEqual([partitionOf(monthsAgo(15))]);
    expect(await presentIds([...old, ...recent])).toEqual(recent);
  });
});

describe('retention and the order of ids', () => {
  it('a change committed after the next month began is not a gap for a `since` read: the horizon covers it', async () => {
    const first = await crawledMonthsAgo(14, 2);
    const next = await crawledMonthsAgo(13, 1);
    const late = await crawledMonthsAgo(14, 1, 'late'); // occurred in month −14, committed after month −13's change
    const recent = await crawledMonthsAgo(0, 2);
    const report = await maintenance({ retentionMonths: 13 }).run();
    expect(report.dropped).toEqual([partitionOf(monthsAgo(14))]);
    // Month −13's change has an id below the one dropped last: reads start above it, and so must `since`.
    const [orphan] = (
      await db.pool.query<{ at: Date }>('SELECT occurred_at AS at FROM model_changes WHERE id = $1', [next[0]])
    ).rows;
    expect(report.horizon).toEqual({ throughId: late[0], before: new Date(orphan!.at.getTime() + 1) });
    expect((await feed({})).body.data!.changes.nodes.map((n) => n.id)).toEqual(recent);
    const refused = await feed({ filter: { since: monthStart(now, -13).toISOString() } });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CHANGES_EXPIRED', argument: 'filter.since' });
    const kept = await feed({ filter: { since: new Date(orphan!.at.getTime() + 1).toISOString() } });
    expect(kept.body.data!.changes.nodes.map((n) => n.id)).toEqual(recent);
    expect(first).toHaveLength(2);
  });

  it('a month backfilled after newer ones (ids above theirs) is kept until those are gone', async () => {
    const recent = await crawledMonthsAgo(0, 2);
    const backfilled = await crawledMonthsAgo(20, 2);
    const report = await maintenance().run();
    expect(report.dropped).toEqual([]);
    expect(report.kept).toEqual([{ name: partitionOf(monthsAgo(20)), reason: 'OUT_OF_ORDER' }]);
    expect((await feed({})).body.data!.changes.nodes.map((n) => n.id)).toEqual([...recent, ...backfilled]);
  });
});

describe('retention under load', () => {
  it('a drop that cannot get its lock in time is postponed, readers keep reading, and the next run drops it', async () => {
    const old = await crawledMonthsAgo(30);
    await crawledMonthsAgo(0);
    // Give the old month its partition first, so that only the drop is left to wait.
    await maintenance({ retentionMonths: 0 }).run();
    // A long reader (an export streaming) holds the table.
    const reader = await db.pool.connect();
    cleanup.push(() => Promise.resolve(reader.release()));
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM model_changes');
    const started = Date.now();
    const report = await maintenance({ lockTimeoutMs: 300 }).run();
    expect(report.postponed).toEqual([partitionOf(monthsAgo(30))]);
    expect(report.dropped).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Nobody queued behind the abandoned drop: the feed answers while the reader still holds the table.
    expect((await feed({})).body.data!.changes.nodes[0]?.id).toBe(old[0]);
    await reader.query('COMMIT');
    expect((await maintenance().run()).dropped).toEqual([partitionOf(monthsAgo(30))]);
    expect(await presentIds(old)).toEqual([]);
  });
});
