/**
 * `catalog bench notify`: change notifications under load, end to end.
 *
 * Two API processes (the real `dist/src/main.js`) share one Postgres and one Redis; `--subscribers`
 * (1,000) graphql-ws clients, each its own WebSocket, alternate between them. A writer in this
 * process commits real changes (generated Hugging Face records, new ones and relicensed, gated and
 * re-committed ones, through the crawler's ingest path) at `--rate` (120) changes per second for
 * `--seconds` (30), and announces each commit on Redis after it, as the crawler does.
 *
 * Subscribers are a realistic mix, not all firehose (see SUBSCRIBER_MIX): dashboards following
 * everything, people following a publisher, a handful of models they depend on, license and
 * gating events, or new models that meet an openness bar. Every subscriber passes `after` (the
 * log's newest id before the window), so what it must receive is exact: every change committed in
 * the window that matches its filter, computed from the log afterwards with the same filter.
 * Latency is commit (the writer's COMMIT returned) to the client's receipt, on one clock. A 3 s
 * warm-up at the same rate precedes the window and is not counted.
 * Last line: `bench notify: p50_ms=… p99_ms=… lost=… duplicated=…`.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository, type CommittedChange } from '../../src/catalog/ingest.repository.js';
import { loadConfigOrExit } from '../../src/config/config.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { unlimited } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import {
  generateHfRecords,
  mutateHfRecord,
  type HfGeneratedRecord,
} from '../../src/catalog/seed/demo/record-generator.js';
import { matchesChange, parseChangeFilter, type ChangeFilter } from '../../src/events/change-filter.js';
import { ChangeLog, type LoggedChange } from '../../src/events/change-log.repository.js';
import { RedisChangePublisher } from '../../src/events/redis-change-publisher.js';
import { createProgress } from '../../src/lib/progress.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { closeRedis, createRedis } from '../../src/queue/redis.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { createScratchDatabase } from './scratch-database.js';
import { integerAtLeast } from './options.js';

const logger = pino({ level: 'silent' });
const SEED_MODELS = 2_000;
const TICK_MS = 100;
const WARM_UP_MS = 3_000;

const SUBSCRIPTION = `subscription Bench($filter: ChangeFilter, $after: String) {
  modelChanged(filter: $filter, after: $after) { id kind modelId }
}`;

/**
 * Who subscribes, as shares of `--subscribers` (authors take the rest). Most people follow what
 * they depend on — a few models, a publisher, license and gating events of a publisher's models —
 * or new models that meet their bar; a few dashboards and mirrors follow everything.
 */
const SUBSCRIBER_MIX = [
  { kind: 'everything', share: 0.02 },
  { kind: 'models', share: 0.4 },
  { kind: 'license-or-gating', share: 0.18 },
  { kind: 'new-open-models', share: 0.1 },
  { kind: 'author', share: 0.3 },
] as const;

export interface NotifyBenchResult {
  readonly subscribers: number;
  readonly mix: Record<string, number>;
  /** Deliveries due per subscriber kind. */
  readonly dueByKind: Record<string, number>;
  readonly committed: number;
  readonly seconds: number;
  readonly changesPerSecond: number;
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly unexpected: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly histogram: readonly { readonly upToMs: number; readonly count: number }[];
}

interface Subscriber {
  readonly kind: string;
  readonly filter: ChangeFilter;
  readonly client: Client;
  /** change id → receipt time (ms, Date.now); a second receipt is a duplicate. */
  readonly received: Map<string, number>;
  duplicates: number;
  errors: unknown[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function filterInput(filter: ChangeFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0)),
  );
}

export async function runNotifyBench(options: {
  subscribers: number;
  seconds: number;
  rate: number;
}): Promise<NotifyBenchResult> {
  const config = loadConfigOrExit();
  const scratch = await createScratchDatabase(config, `catalog_bench_notify_${process.pid}`, logger, 4);
  const prefix = `bench-notify-${process.pid}`;
  const redis = createRedis(config.redis.url, 'producer', logger);
  const servers: ChildServer[] = [];
  const subscribers: Subscriber[] = [];
  const adapter = new HuggingFaceAdapter({
    endpoint: 'http://127.0.0.1:9',
    createClient: () => new HubClient({ limiter: unlimited, logger }),
  });
  const build = (records: readonly HfGeneratedRecord[]): CatalogModel[] =>
    records.flatMap((record) => {
      const built = adapter.buildModel(record);
      return built.ok ? [built.model] : [];
    });
  try {
    const ingest = new IngestRepository(scratch.db.pool);
    const log = new ChangeLog(scratch.db.pool);
    const publisher = new RedisChangePublisher(redis, prefix, logger);

    // The catalog before the window: models to relicense, gate and follow.
    const records = [...generateHfRecords(SEED_MODELS)];
    for (let i = 0; i < records.length; i += 500) await ingest.ingestPage(build(records.slice(i, i + 500)));
    const authorCounts = new Map<string, number>();
    for (const record of records) {
      const author = record.id.split('/')[0] as string;
      authorCounts.set(author, (authorCounts.get(author) ?? 0) + 1);
    }
    const authors = [...authorCounts].sort((a, b) => b[1] - a[1]).map(([author]) => author);
    const after = await log.latestId();

    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: config.redis.url,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT: '100000000',
      CRAWL_SCHEDULE: 'off',
    };
    for (const name of ['API 1', 'API 2']) {
      servers.push(
        await startChildServer({
          name,
          script: join(PROJECT_ROOT, 'dist', 'src', 'main.js'),
          env,
          healthPath: '/readyz',
        }),
      );
    }

    // Subscribers, alternating between the two instances.
    const mix: Record<string, number> = {};
    const pick = <T>(items: readonly T[], i: number) => items[i % items.length] as T;
    const connecting = createProgress({ label: 'bench notify: connecting subscribers', total: options.subscribers });
    const connected: Promise<void>[] = [];
    let index = 0;
    for (const { kind, share } of SUBSCRIBER_MIX) {
      const count = kind === 'author' ? options.subscribers - index : Math.round(options.subscribers * share);
      for (let n = 0; n < count; n++, index++) {
        const filter = parseChangeFilter(
          kind === 'everything'
            ? {}
            : kind === 'models'
              ? { modelIds: [0, 1, 2, 3, 4].map((k) => `huggingface:${pick(records, index * 7 + k * 131).id}`) }
              : kind === 'license-or-gating'
                ? { kinds: ['LICENSE_CHANGED', 'GATING_CHANGED'], authors: [pick(authors.slice(0, 100), index * 3)] }
                : kind === 'new-open-models'
                  ? { kinds: ['CREATED'], minOpennessLevel: 'OPEN_WEIGHTS' }
                  : { authors: [pick(authors.slice(0, 100), index)] },
        );
        mix[kind] = (mix[kind] ?? 0) + 1;
        const server = servers[index % servers.length] as ChildServer;
        let markConnected: () => void = () => undefined;
        connected.push(new Promise<void>((resolve) => (markConnected = resolve)));
        const client = createClient({
          url: `${server.url.replace(/^http/, 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: () => undefined,
          on: {
            connected: () => {
              connecting.increment();
              markConnected();
            },
          },
        });
        const subscriber: Subscriber = { kind, filter, client, received: new Map(), duplicates: 0, errors: [] };
        client.subscribe<{ modelChanged: { id: string } }>(
          { query: SUBSCRIPTION, variables: { filter: filterInput(filter), after } },
          {
            next: (result) => {
              const id = result.data?.modelChanged.id;
              if (result.errors) subscriber.errors.push(...result.errors);
              if (id === undefined) return;
              if (subscriber.received.has(id)) subscriber.duplicates++;
              else subscriber.received.set(id, Date.now());
            },
            error: (error) => subscriber.errors.push(error),
            complete: () => undefined,
          },
        );
        subscribers.push(subscriber);
      }
    }
    await Promise.all(connected);
    connecting.stop();

    // Commits: `rate` changes per second, one commit every TICK_MS, each announced after it.
    const committedAt = new Map<string, number>();
    const perTick = Math.max(1, Math.round((options.rate * TICK_MS) / 1_000));
    const current = new Map(records.map((record) => [record.id, record]));
    let revision = 1;
    let created = SEED_MODELS;
    const commitFor = async (ticks: number, onCommit: (changes: number) => void): Promise<number> => {
      const started = Date.now();
      for (let tick = 0; tick < ticks; tick++) {
        const due = started + tick * TICK_MS;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        const page: HfGeneratedRecord[] = [];
        for (let k = 0; k < perTick; k++) {
          const slot = (tick * perTick + k) % 6;
          if (slot < 2) {
            page.push(...generateHfRecords(1, { start: created++ }));
            continue;
          }
          const target = pick(records, (revision * 7919 + k * 104_729) % records.length);
          const change = slot < 4 ? 'license' : slot === 4 ? 'gating' : 'commit';
          const next = mutateHfRecord(current.get(target.id) as HfGeneratedRecord, change, revision++);
          current.set(target.id, next);
          page.push(next);
        }
        const result = await ingest.ingestPage(build(page));
        const at = Date.now();
        for (const change of result?.changes ?? []) committedAt.set(change.id, at);
        await publisher.publish(result?.changes ?? ([] as CommittedChange[]));
        onCommit(page.length);
      }
      return (Date.now() - started) / 1_000;
    };

    // Warm-up (JIT, pools, caches), as every benchmark here has; its changes are not measured.
    await commitFor(Math.round(WARM_UP_MS / TICK_MS), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const windowAfter = await log.latestId();

    // The window.
    const ticks = Math.round((options.seconds * 1_000) / TICK_MS);
    const writing = createProgress({
      label: 'bench notify: committing changes',
      total: ticks * perTick,
      unit: 'changes',
    });
    const seconds = await commitFor(ticks, (n) => writing.increment(n));
    writing.stop();

    // What each subscriber must have: the window's changes matching its filter.
    const window: LoggedChange[] = [];
    for (let from = windowAfter; ;) {
      const rows = await log.read(from, parseChangeFilter({}), 5_000);
      window.push(...rows);
      if (rows.length < 5_000) break;
      from = (rows.at(-1) as LoggedChange).id;
    }
    const expectedOf = (subscriber: Subscriber) => window.filter((change) => matchesChange(subscriber.filter, change));
    const expectations = subscribers.map(expectedOf);
    const draining = createProgress({ label: 'bench notify: waiting for deliveries', total: subscribers.length });
    const deadline = Date.now() + 20_000;
    const complete = (i: number) =>
      (expectations[i] as LoggedChange[]).every((change) => (subscribers[i] as Subscriber).received.has(change.id));
    for (;;) {
      const done = subscribers.filter((_, i) => complete(i)).length;
      draining.update(done);
      if (done === subscribers.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    draining.stop();
    await new Promise((resolve) => setTimeout(resolve, 500)); // late duplicates would show now

    const latencies: number[] = [];
    let expected = 0;
    let lost = 0;
    let unexpected = 0;
    let delivered = 0;
    let duplicated = 0;
    const dueByKind: Record<string, number> = {};
    subscribers.forEach((subscriber, i) => {
      const wanted = new Set((expectations[i] as LoggedChange[]).map((change) => change.id));
      dueByKind[subscriber.kind] = (dueByKind[subscriber.kind] ?? 0) + wanted.size;
      expected += wanted.size;
      duplicated += subscriber.duplicates;
      for (const id of wanted) if (!subscriber.received.has(id)) lost++;
      for (const [id, at] of subscriber.received) {
        if (BigInt(id) <= BigInt(windowAfter)) continue; // the warm-up's
        delivered++;
        if (!wanted.has(id)) {
          unexpected++;
          continue;
        }
        const committed = committedAt.get(id);
        if (committed !== undefined) latencies.push(at - committed);
      }
    });
    const errors = subscribers.flatMap((subscriber) => subscriber.errors);
    if (errors.length > 0) {
      const first = errors[0] as { message?: string; code?: number; reason?: string };
      process.stderr.write(
        `bench notify: ${errors.length} subscription errors, first: ${first.message ?? `close ${first.code} ${first.reason}`}\n`,
      );
    }
    latencies.sort((a, b) => a - b);
    const bounds = [10, 25, 50, 100, 250, 500, 1_000, Infinity];
    const histogram = bounds.map((upToMs, b) => ({
      upToMs,
      count: latencies.filter((ms) => ms <= upToMs && (b === 0 || ms > (bounds[b - 1] as number))).length,
    }));
    return {
      subscribers: subscribers.length,
      mix,
      dueByKind,
      committed: window.length,
      seconds,
      changesPerSecond: window.length / seconds,
      expected,
      delivered,
      lost,
      duplicated,
      unexpected,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
      histogram,
    };
  } finally {
    await Promise.all(subscribers.map(async (subscriber) => void (await subscriber.client.dispose())));
    await Promise.all(servers.map((server) => server.stop()));
    await closeRedis(redis);
    await scratch.drop();
  }
}

export function formatNotifyBench(r: NotifyBenchResult): string {
  const most = Math.max(...r.histogram.map((bucket) => bucket.count), 1);
  return [
    `bench notify: ${r.subscribers} graphql-ws subscribers on 2 API processes (${Object.entries(r.mix)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ')})`,
    `  committed ${r.committed} changes in ${r.seconds.toFixed(1)} s (${r.changesPerSecond.toFixed(0)}/s); ` +
      `${r.expected} deliveries due, ${r.delivered} made; lost ${r.lost}, duplicated ${r.duplicated}, unexpected ${r.unexpected}`,
    `  deliveries due by subscriber kind: ${Object.entries(r.dueByKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
    `  latency commit → client: p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms`,
    ...r.histogram.map(
      (bucket) =>
        `  ${(bucket.upToMs === Infinity ? '> 1000' : `≤ ${bucket.upToMs}`).padStart(7)} ms ${'█'
          .repeat(Math.round((bucket.count / most) * 40))
          .padEnd(40, '·')} ${bucket.count}`,
    ),
    `bench notify: p50_ms=${r.p50} p99_ms=${r.p99} lost=${r.lost} duplicated=${r.duplicated}`,
  ].join('\n');
}

export function registerNotifyBench(bench: Command): void {
  bench
    .command('notify')
    .description(
      'Change notifications end to end: graphql-ws subscribers on two API processes, changes committed at a fixed rate; latency, lost, duplicated',
    )
    .option('--subscribers <n>', 'WebSocket subscribers', integerAtLeast(2), 1_000)
    .option('--seconds <s>', 'length of the commit window', integerAtLeast(1), 30)
    .option('--rate <changes>', 'changes committed per second', integerAtLeast(10), 120)
    .action(async (options: { subscribers: number; seconds: number; rate: number }) => {
      const result = await runNotifyBench(options);
      process.stdout.write(`${formatNotifyBench(result)}\n`);
    });
}
