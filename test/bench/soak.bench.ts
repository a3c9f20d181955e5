/**
 * `catalog bench soak`: the API's memory under minutes of mixed load, and after the load stops.
 *
 * - The catalog: `--models` (20,000) generated models in a scratch database (scratch-catalog.ts,
 *   shared with `bench api`; `--keep` / `--reuse`).
 * - The server: the real API (`dist/src/main.js`) in its own process, started with the node options
 *   of the production start (PRODUCTION_NODE_ARGS; `--node-args` replaces them), with the inspector
 *   on a loopback port (`--no-heap` leaves it off) so that its V8 heap can be read from outside.
 * - The load (soak.requests.ts): `--connections` (50) clients for `--seconds` (180) of filtered
 *   pages with literal filters, search, stats, models by id, deep pages and automatic persisted
 *   queries, nearly every query text a new document; plus `--subscribers` (10) graphql-ws
 *   subscriptions, each renewed every few seconds, fed by a writer committing
 *   `--changes-per-second` (5) real changes. A short warm-up (`--warm-up-seconds`) precedes it.
 * - Then `--rest-seconds` (30) with no request at all.
 * The resident set (VmRSS, /proc/<pid>/status) is sampled every second throughout. The figures are
 * the RSS at start (after the warm-up and 5 s of idling), its peak (VmHWM) and the RSS after the
 * rest, all without any forced collection; with the heap on, a forced full GC after the rest adds
 * a diagnostic reading (what the heap really retains), reported apart.
 * Last line: `bench soak: rss_start_mb=… rss_peak_mb=… rss_after_rest_mb=… requests=… errors=…`.
 */
import autocannon from 'autocannon';
import type { Command } from 'commander';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { loadConfigOrExit, type Config } from '../../src/config/config.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { unlimited } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import {
  generateHfRecords,
  mutateHfRecord,
  type HfGeneratedRecord,
} from '../../src/catalog/seed/demo/record-generator.js';
import { RedisChangePublisher } from '../../src/events/redis-change-publisher.js';
import { createProgress, type Progress } from '../../src/lib/progress.js';
import { closeRedis, createRedis } from '../../src/queue/redis.js';
import { freePort, type ChildServer } from './child-server.js';
import { integerAtLeast } from './options.js';
import {
  attachInspector,
  readProcCpuSeconds,
  readProcMemory,
  type GcPauses,
  type HeapMemory,
  type InspectorSession,
  type ProcStatusMemory,
} from './process-memory.js';
import {
  catalogVocabulary,
  openScratchCatalog,
  PRODUCTION_NODE_ARGS,
  SEED_PAGE,
  startApiChild,
} from './scratch-catalog.js';
import type { ScratchDatabase } from './scratch-database.js';
import { apqHashOf, soakRequest, type SoakKind, type SoakVocabulary } from './soak.requests.js';

const logger = pino({ level: 'silent' });
/** Idle seconds between the warm-up and the start reading (in-flight work and JIT settle). */
const SETTLE_SECONDS = 5;
const SAMPLE_MS = 1_000;
/** Each subscriber ends its subscription and opens a new one this often (connection churn). */
const SUBSCRIBER_RENEW_MS = 10_000;
const SUBSCRIPTION = `subscription Soak { modelChanged { id kind modelId model { id name license { id } } } }`;

export interface SoakOptions {
  readonly models: number;
  readonly seconds: number;
  readonly restSeconds: number;
  readonly warmUpSeconds: number;
  readonly connections: number;
  readonly subscribers: number;
  readonly changesPerSecond: number;
  readonly pool: number;
  readonly heap: boolean;
  readonly nodeArgs: readonly string[];
  readonly keep: boolean;
  readonly reuse: boolean;
}

export type SoakPhase = 'warm-up' | 'settle' | 'load' | 'rest';

export interface MemorySample {
  /** Seconds since the API was ready. */
  readonly at: number;
  readonly phase: SoakPhase;
  readonly rssMb: number;
  readonly heapUsedMb: number | null;
  readonly externalMb: number | null;
}

interface Reading {
  readonly proc: ProcStatusMemory;
  readonly heap: HeapMemory | null;
}

export interface SoakResult {
  readonly options: SoakOptions;
  readonly boot: Reading;
  readonly start: Reading;
  readonly end: Reading;
  readonly afterRest: Reading;
  /** After the rest and one forced full GC (diagnostic; null without the heap). */
  readonly afterGc: Reading | null;
  readonly peakRssMb: number;
  readonly samples: readonly MemorySample[];
  readonly requests: number;
  readonly byKind: Readonly<Record<SoakKind, number>>;
  readonly errors: number;
  readonly firstError: string | null;
  /** Hash-only APQ requests the server no longer knew (resent with the query; not errors). */
  readonly apqNotFound: number;
  readonly changesCommitted: number;
  readonly subscriptionEvents: number;
  /** CPU seconds the API spent during the load (user + system). */
  readonly loadCpuSeconds: number;
  /** The API's GC pauses during the load (null without the heap). */
  readonly loadGc: GcPauses | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Values from the catalog for the mix's filters and ids. */
async function soakVocabulary(scratch: ScratchDatabase): Promise<Omit<SoakVocabulary, 'deepCursors'>> {
  const column = async (sql: string) => (await scratch.db.pool.query<{ v: string }>(sql)).rows.map((row) => row.v);
  const [tasks, libraries, authors, licenseIds, modelIds] = await Promise.all([
    column('SELECT task AS v FROM models WHERE task IS NOT NULL GROUP BY task ORDER BY count(*) DESC LIMIT 40'),
    column(
      'SELECT library AS v FROM models WHERE library IS NOT NULL GROUP BY library ORDER BY count(*) DESC LIMIT 30',
    ),
    column('SELECT author AS v FROM models WHERE author IS NOT NULL GROUP BY author ORDER BY count(*) DESC LIMIT 300'),
    column('SELECT id AS v FROM licenses ORDER BY id LIMIT 200'),
    column('SELECT id AS v FROM models ORDER BY md5(id) LIMIT 5000'),
  ]);
  return { ...(await catalogVocabulary(scratch)), tasks, libraries, authors, licenseIds, modelIds };
}

async function graphql(api: ChildServer, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"'))
    throw new Error(`bench soak: a request failed (${response.status}): ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** `endCursor`s of the CREATED_AT walk past its first fifth: positions a deep page starts from. */
async function deepCursors(api: ChildServer, models: number): Promise<string[]> {
  const pages = Math.min(200, Math.floor(models / 100));
  const cursors: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const result = (await graphql(api, {
      query: `query Walk($after: String) { models(first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { pageInfo { hasNextPage endCursor } } }`,
      variables: { after },
    })) as { data: { models: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const { hasNextPage, endCursor } = result.data.models.pageInfo;
    if (endCursor === null) break;
    if (page >= pages / 5) cursors.push(endCursor);
    if (!hasNextPage) break;
    after = endCursor;
  }
  if (cursors.length === 0) throw new Error('bench soak: the catalog is too small for deep pages');
  return cursors;
}

/** What the load phases add up to. */
interface LoadTally {
  requests: number;
  errors: number;
  firstError: string | null;
  apqNotFound: number;
  readonly byKind: Record<SoakKind, number>;
}

const newTally = (): LoadTally => ({
  requests: 0,
  errors: 0,
  firstError: null,
  apqNotFound: 0,
  byKind: { filtered: 0, search: 0, stats: 0, model: 0, deep: 0, apq: 0 },
});

function recordError(tally: LoadTally, message: string): void {
  tally.errors++;
  tally.firstError ??= message.slice(0, 300);
}

/** `seconds` of the mix at `connections`, counted into `tally`. */
async function load(
  api: ChildServer,
  vocabulary: SoakVocabulary,
  seconds: number,
  connections: number,
  tally: LoadTally,
): Promise<void> {
  // Hashes this client believes the server holds (APQ: hash alone when known, else with the query).
  const registered = new Set<string>();
  interface Context {
    kind?: SoakKind;
    apqHash?: string | null;
  }
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${api.url}/graphql`,
        method: 'POST',
        connections,
        duration: seconds,
        timeout: 30,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request, context: Context) => {
              const next = soakRequest(Math.random, vocabulary, (hash) => registered.has(hash));
              context.kind = next.kind;
              context.apqHash = next.kind === 'apq' ? apqHashOf(next.body) : null;
              return { ...request, body: next.body };
            },
            onResponse: (status, body, context: Context) => {
              tally.requests++;
              if (context.kind) tally.byKind[context.kind]++;
              const hash = context.apqHash;
              if (hash && body.includes('PERSISTED_QUERY_NOT_FOUND')) {
                registered.delete(hash);
                tally.apqNotFound++;
                return;
              }
              if (status !== 200 || body.startsWith('{"errors"') || body.includes('"errors":['))
                recordError(tally, `${status} ${context.kind ?? ''}: ${body}`);
              else if (hash) registered.add(hash);
            },
          },
        ],
      },
      (error: unknown, done) =>
        error ? reject(error instanceof Error ? error : new Error('autocannon failed')) : resolve(done),
    );
  });
  for (let i = 0; i < result.errors + result.timeouts; i++) recordError(tally, 'transport error or timeout');
}

/**
 * `count` subscribers to every change, each renewing its subscription every
 * SUBSCRIBER_RENEW_MS (a new WebSocket each time), until `stop()`.
 */
function startSubscribers(
  api: ChildServer,
  count: number,
  tally: LoadTally,
): { events: () => number; stop: () => Promise<void> } {
  let events = 0;
  let stopped = false;
  const clients = new Set<Client>();
  const open = () => {
    const client = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: (error) => recordError(tally, `subscription connection: ${String(error)}`),
    });
    clients.add(client);
    client.subscribe(
      { query: SUBSCRIPTION },
      {
        next: (result) => {
          if (result.errors) recordError(tally, `subscription: ${JSON.stringify(result.errors)}`);
          else events++;
        },
        error: (error) => {
          if (!stopped && clients.has(client)) recordError(tally, `subscription: ${JSON.stringify(error)}`);
        },
        complete: () => undefined,
      },
    );
    return client;
  };
  const loops = Array.from({ length: count }, async (_, index) => {
    await sleep((index * SUBSCRIBER_RENEW_MS) / count); // spread the renewals
    while (!stopped) {
      const client = open();
      for (let waited = 0; waited < SUBSCRIBER_RENEW_MS && !stopped; waited += 250) await sleep(250);
      clients.delete(client);
      await client.dispose();
    }
  });
  return {
    events: () => events,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * Real changes at `perSecond` (relicensed, gated and re-committed models among the catalog's
 * first ones), each commit announced on Redis as the crawler does, until `stop()`.
 */
function startWriter(
  config: Config,
  scratch: ScratchDatabase,
  queuePrefix: string,
  models: number,
  perSecond: number,
): { committed: () => number; stop: () => Promise<void> } {
  const redis = createRedis(config.redis.url, 'producer', logger);
  const ingest = new IngestRepository(scratch.db.pool);
  const publisher = new RedisChangePublisher(redis, queuePrefix, logger);
  const adapter = new HuggingFaceAdapter({
    endpoint: 'http://127.0.0.1:9',
    createClient: () => new HubClient({ limiter: unlimited, logger }),
  });
  const records = [...generateHfRecords(Math.min(models, 2_000))];
  const current = new Map(records.map((record) => [record.id, record]));
  // Mutations start from the generated records, targets drawn at random: on a kept catalog too,
  // nearly every one differs from what the database holds, so it is a real change.
  let revision = 1;
  let committed = 0;
  let stopped = false;
  const loop = (async () => {
    const kinds = ['license', 'gating', 'commit'] as const;
    while (!stopped) {
      const started = Date.now();
      const page: CatalogModel[] = [];
      for (let k = 0; k < perSecond; k++) {
        const target = records[Math.floor(Math.random() * records.length)] as HfGeneratedRecord;
        const next = mutateHfRecord(current.get(target.id) as HfGeneratedRecord, kinds[k % 3] ?? 'commit', revision++);
        current.set(target.id, next);
        const built = adapter.buildModel(next);
        if (built.ok) page.push(built.model);
      }
      const result = await ingest.ingestPage(page);
      committed += result?.changes.length ?? 0;
      await publisher.publish(result?.changes ?? []);
      await sleep(Math.max(0, 1_000 - (Date.now() - started)));
    }
  })();
  return {
    committed: () => committed,
    async stop() {
      stopped = true;
      await loop;
      await closeRedis(redis);
    },
  };
}

export async function runSoakBench(options: SoakOptions): Promise<SoakResult> {
  const config = loadConfigOrExit();
  const scratch = await openScratchCatalog(config, {
    bench: 'soak',
    models: options.models,
    reuse: options.reuse,
    label: 'bench soak',
  });
  let api: ChildServer | null = null;
  let inspector: InspectorSession | null = null;
  let sampler: NodeJS.Timeout | null = null;
  try {
    const base = await soakVocabulary(scratch);
    const inspectPort = options.heap ? await freePort() : null;
    const queuePrefix = `bench-soak-${process.pid}`;
    api = await startApiChild(config, scratch, {
      pool: options.pool,
      queuePrefix,
      nodeArgs: [...(inspectPort === null ? [] : [`--inspect=127.0.0.1:${inspectPort}`]), ...options.nodeArgs],
    });
    const pid = api.child.pid;
    if (pid === undefined) throw new Error('bench soak: the API has no pid');
    if (inspectPort !== null) inspector = await attachInspector(inspectPort);
    const session = inspector;

    const read = async (): Promise<Reading> => {
      const [proc, heap] = await Promise.all([readProcMemory(pid), session?.memoryUsage() ?? null]);
      if (!proc) throw new Error(`bench soak: cannot read /proc/${pid}/status (the API exited, or not Linux)`);
      return { proc, heap };
    };
    const readyAt = Date.now();
    const boot = await read();
    const samples: MemorySample[] = [];
    let phase: SoakPhase = 'warm-up';
    let progress: Progress | null = null;
    sampler = setInterval(() => {
      void read().then(
        (reading) => {
          samples.push({
            at: (Date.now() - readyAt) / 1_000,
            phase,
            rssMb: reading.proc.rssMb,
            heapUsedMb: reading.heap?.heapUsedMb ?? null,
            externalMb: reading.heap?.externalMb ?? null,
          });
          progress?.increment(1);
        },
        () => undefined,
      );
    }, SAMPLE_MS);

    const vocabulary: SoakVocabulary = { ...base, deepCursors: await deepCursors(api, options.models) };
    // One of each kind first, so that a broken query fails the bench loudly instead of counting errors.
    const probe = newTally();
    for (let i = 0; i < 200 && Object.values(probe.byKind).some((n) => n === 0); i++) {
      const request = soakRequest(Math.random, vocabulary);
      if (probe.byKind[request.kind] > 0) continue;
      await graphql(api, JSON.parse(request.body) as Record<string, unknown>);
      probe.byKind[request.kind]++;
    }

    progress = createProgress({
      label: 'bench soak',
      total: options.warmUpSeconds + SETTLE_SECONDS + options.seconds + options.restSeconds,
      unit: 'seconds',
    });
    const warmUp = newTally();
    await load(api, vocabulary, options.warmUpSeconds, options.connections, warmUp);
    phase = 'settle';
    await sleep(SETTLE_SECONDS * 1_000);
    const start = await read();
    const cpu = async () => (await readProcCpuSeconds(pid)) ?? Number.NaN;
    const cpuAtStart = await cpu();
    await inspector?.countGc();

    phase = 'load';
    const tally = newTally();
    const subscribers = startSubscribers(api, options.subscribers, tally);
    const writer =
      options.changesPerSecond > 0
        ? startWriter(config, scratch, queuePrefix, options.models, options.changesPerSecond)
        : { committed: () => 0, stop: () => Promise.resolve() };
    try {
      await load(api, vocabulary, options.seconds, options.connections, tally);
    } finally {
      await writer.stop();
      await subscribers.stop();
    }
    const end = await read();
    const loadCpuSeconds = (await cpu()) - cpuAtStart;
    const loadGc = (await inspector?.gcPauses()) ?? null;

    phase = 'rest';
    await sleep(options.restSeconds * 1_000);
    const afterRest = await read();
    clearInterval(sampler);
    sampler = null;
    progress.stop();
    let afterGc: Reading | null = null;
    if (inspector) {
      await inspector.collectGarbage();
      await sleep(1_000);
      afterGc = await read();
    }
    return {
      options,
      boot,
      start,
      end,
      afterRest,
      afterGc,
      peakRssMb: afterRest.proc.peakRssMb,
      samples,
      requests: tally.requests,
      byKind: tally.byKind,
      errors: tally.errors,
      firstError: tally.firstError,
      apqNotFound: tally.apqNotFound,
      changesCommitted: writer.committed(),
      subscriptionEvents: subscribers.events(),
      loadCpuSeconds,
      loadGc,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    inspector?.close();
    await api?.stop();
    if (options.keep) await scratch.db.close();
    else await scratch.drop();
  }
}

const PHASE_MARK: Readonly<Record<SoakPhase, string>> = { 'warm-up': 'w', settle: 's', load: '█', rest: '·' };

/**
 * RSS over time as an ASCII chart: `width` columns (each the highest sample of its slice of time),
 * `height` rows from the lowest to the highest value, and under it the phase of each column
 * (w warm-up, s settle, █ load, · rest).
 */
export function rssChart(samples: readonly MemorySample[], width = 60, height = 10): string[] {
  if (samples.length === 0) return [];
  const columns = Math.min(width, samples.length);
  const buckets = Array.from({ length: columns }, (_, column) =>
    samples.slice(
      Math.floor((column * samples.length) / columns),
      Math.max(
        Math.floor(((column + 1) * samples.length) / columns),
        Math.floor((column * samples.length) / columns) + 1,
      ),
    ),
  );
  const values = buckets.map((bucket) => Math.max(...bucket.map((sample) => sample.rssMb)));
  const low = Math.floor(Math.min(...values) / 10) * 10;
  const high = Math.max(low + 10, Math.ceil(Math.max(...values) / 10) * 10);
  const rows: string[] = [];
  for (let row = height; row >= 1; row--) {
    // The bottom row is every column's, so the lowest reading still shows.
    const threshold = low + ((row - 1) / height) * (high - low);
    const label = row === height ? `${high} MB` : row === 1 ? `${low} MB` : '';
    rows.push(`${label.padStart(8)} │${values.map((value) => (value >= threshold ? '█' : ' ')).join('')}`);
  }
  const seconds = samples.at(-1)?.at ?? 0;
  rows.push(`${''.padStart(8)} └${'─'.repeat(columns)}`);
  rows.push(
    `${'phase'.padStart(8)}  ${buckets.map((bucket) => PHASE_MARK[(bucket.at(-1) as MemorySample).phase]).join('')}`,
  );
  rows.push(`${''.padStart(8)}  0 s${`${seconds.toFixed(0)} s`.padStart(Math.max(0, columns - 3))}`);
  return rows;
}

const mb = (value: number) => value.toFixed(0);

function describeReading(name: string, reading: Reading): string {
  const heap = reading.heap
    ? `, heap used ${mb(reading.heap.heapUsedMb)} of ${mb(reading.heap.heapTotalMb)} MB, external ${mb(reading.heap.externalMb)} MB (array buffers ${mb(reading.heap.arrayBuffersMb)})`
    : '';
  return `  ${name.padEnd(34)} rss ${mb(reading.proc.rssMb).padStart(4)} MB (anonymous ${mb(reading.proc.anonMb)})${heap}`;
}

export function formatSoakBench(result: SoakResult): string {
  const { options } = result;
  // The node options the API ran with, when they are not the production start's.
  const nodeArgs = options.nodeArgs.join(' ');
  const perSecond = result.requests / options.seconds;
  return [
    `bench soak over ${options.models.toLocaleString('en-US')} models: ${options.connections} connections for ${options.seconds} s, ` +
      `${options.subscribers} subscribers, ${options.changesPerSecond} changes/s, then ${options.restSeconds} s of rest` +
      (nodeArgs === PRODUCTION_NODE_ARGS
        ? ''
        : `; API node options "${nodeArgs}" (production: "${PRODUCTION_NODE_ARGS}")`),
    `  requests ${result.requests} (${perSecond.toFixed(0)}/s): ${Object.entries(result.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}; errors ${result.errors}; APQ hashes resent ${result.apqNotFound}`,
    `  changes committed ${result.changesCommitted}, subscription events delivered ${result.subscriptionEvents}`,
    `  API CPU over the load ${result.loadCpuSeconds.toFixed(1)} s, ${((result.loadCpuSeconds * 1_000) / Math.max(1, result.requests)).toFixed(2)} ms per request` +
      (result.loadGc
        ? `; GC pauses ${result.loadGc.count} (${result.loadGc.major} full), ${(result.loadGc.totalMs / 1_000).toFixed(1)} s = ${(result.loadGc.totalMs / 10 / options.seconds).toFixed(1)}% of the load`
        : ''),
    ...(result.firstError ? [`  first error: ${result.firstError}`] : []),
    describeReading('at boot (ready, no request yet)', result.boot),
    describeReading('at start (after warm-up)', result.start),
    describeReading('at the end of the load', result.end),
    `  ${'peak (VmHWM)'.padEnd(34)} rss ${mb(result.peakRssMb).padStart(4)} MB`,
    describeReading(`after ${options.restSeconds} s of rest`, result.afterRest),
    ...(result.afterGc ? [describeReading('then after one forced GC (diag.)', result.afterGc)] : []),
    '  RSS over time:',
    ...rssChart(result.samples).map((line) => `  ${line}`),
    `bench soak: rss_start_mb=${mb(result.start.proc.rssMb)} rss_peak_mb=${mb(result.peakRssMb)} ` +
      `rss_after_rest_mb=${mb(result.afterRest.proc.rssMb)} requests=${result.requests} errors=${result.errors}`,
  ].join('\n');
}

export function registerSoakBench(bench: Command): void {
  bench
    .command('soak')
    .description(
      "The API's memory under minutes of mixed queries (nearly every query text new) and after a rest: RSS at start, peak, after the rest",
    )
    .option('--models <count>', 'models in the catalog', integerAtLeast(SEED_PAGE), 20_000)
    .option('--seconds <s>', 'length of the load', integerAtLeast(1), 180)
    .option('--rest-seconds <s>', 'idle time after the load before the last reading', integerAtLeast(0), 30)
    .option('--warm-up-seconds <s>', 'load before the start reading (JIT, pools)', integerAtLeast(1), 10)
    .option('--connections <c>', 'concurrent HTTP clients', integerAtLeast(1), 50)
    .option('--subscribers <n>', 'graphql-ws subscribers (renewed every 10 s)', integerAtLeast(0), 10)
    .option('--changes-per-second <n>', 'changes the writer commits during the load', integerAtLeast(0), 5)
    .option('--pool <size>', "the API's Postgres pool size", integerAtLeast(1), 10)
    .option('--no-heap', "don't attach the inspector (no V8 heap readings, no diagnostic GC)")
    .option(
      '--node-args <args>',
      'the API\'s node options, space-separated ("" for V8\'s defaults)',
      PRODUCTION_NODE_ARGS,
    )
    .option('--keep', 'keep the scratch catalog database for a later --reuse')
    .option('--reuse', 'start from the kept catalog database when it holds N models')
    .action(
      async (options: {
        models: number;
        seconds: number;
        restSeconds: number;
        warmUpSeconds: number;
        connections: number;
        subscribers: number;
        changesPerSecond: number;
        pool: number;
        heap: boolean;
        nodeArgs: string;
        keep?: boolean;
        reuse?: boolean;
      }) => {
        const result = await runSoakBench({
          ...options,
          nodeArgs: options.nodeArgs.split(/\s+/).filter((arg) => arg !== ''),
          keep: options.keep ?? false,
          reuse: options.reuse ?? false,
        });
        process.stdout.write(`${formatSoakBench(result)}\n`);
      },
    );
}
