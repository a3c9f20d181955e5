/**
 * `catalog bench api [--n N]`: the GraphQL API under load over a catalog of N generated models
 * (default 1,000,000), against the same SQL served by a bare `http` + `pg` handler as the limit.
 *
 * - The catalog: a scratch database filled through the crawler's own ingest path from every hub's
 *   generated records (bench-records.ts: Hugging Face's from record-generator.ts, with realistic
 *   licenses, tasks, libraries, lineage and download distributions; Civitai, ModelScope and
 *   OpenRouter records in their APIs' shapes), so the maintained facet tables are built the way
 *   production builds them. `--keep` leaves it in place and `--reuse` starts from it when it
 *   already holds N models (or grows it in place when it holds fewer).
 * - The servers: the real API (`dist/src/main.js`, rate limiting on with a quota it never reaches,
 *   no response cache) and the bare handler (api-bare.server.ts), each in its own process with the
 *   same pool size (`--pool`).
 * - The load: autocannon, `--connections` (32) for `--seconds` (15) per query and server after a
 *   warm-up of `--warm-up` seconds (10) on each, in slices of about 5 s that alternate between the
 *   two servers (so that both see the same machine), every request with fresh random arguments.
 *   The warm-up is long enough for V8 to finish optimizing both servers: measured as the API's CPU
 *   time per filtered request over consecutive runs of 6,000 requests from a fresh start (32
 *   connections, 300,000 models), the API settles after about 8,000 requests (1.60, 1.23, 1.26,
 *   1.20 ms) and the bare handler after about 6,000 (0.65, 0.56, 0.56 ms); the 3 s warm-up it had
 *   before measured the API's first slices while it was still being optimized. The queries:
 *   filtered — `models(first: 50)` by license categories and a minimum openness level with
 *   `totalCount` and `nodes { id license { id category } openness { level score } }`;
 *   search — full text over words drawn from the catalog's own model names;
 *   stats — `stats` over the whole catalog (all facets and openness over time).
 * The last line is machine-readable: `bench api: p99_ms_filtered=… p99_ms_search=… p99_ms_stats=…
 * ratio_vs_bare=…` (throughput of the API over the bare handler, filtered query).
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigOrExit } from '../../src/config/config.js';
import { createProgress } from '../../src/lib/progress.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { BARE_ROUTES, BENCH_QUERIES, randomVariables, type BenchQuery, type Vocabulary } from './api.queries.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { apiChildEnv, catalogVocabulary, openScratchCatalog, SEED_PAGE, startApiChild } from './scratch-catalog.js';
import { integerAtLeast } from './options.js';

/** Load runs in slices of about this many seconds, alternating between the API and the bare handler. */
const SLICE_SECONDS = 5;

export interface LoadResult {
  readonly query: BenchQuery;
  readonly server: 'api' | 'bare';
  readonly p50: number;
  readonly p99: number;
  readonly requestsPerSecond: number;
  readonly requests: number;
  /** Non-2xx answers, transport errors, timeouts and GraphQL `errors`. */
  readonly failed: number;
}

export interface ApiBenchOptions {
  readonly n: number;
  readonly seconds: number;
  readonly connections: number;
  readonly pool: number;
  readonly keep: boolean;
  readonly reuse: boolean;
  readonly queries: readonly BenchQuery[];
  /** Seconds of unmeasured load on each server before each query's measured slices. */
  readonly warmUp: number;
}

/** What one server's load slices add up to. */
export interface Tally {
  readonly latencies: Histogram;
  requests: number;
  seconds: number;
  failed: number;
}

export const newTally = (): Tally => ({
  latencies: buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000,
    numberOfSignificantValueDigits: 3,
  }),
  requests: 0,
  seconds: 0,
  failed: 0,
});

/** `seconds` of load on one server, every latency recorded into `tally` (or nowhere: a warm-up). */
async function slice(
  target: ChildServer,
  server: 'api' | 'bare',
  query: BenchQuery,
  words: Vocabulary,
  seconds: number,
  connections: number,
  tally: Tally | null,
): Promise<void> {
  const path = server === 'api' ? '/graphql' : BARE_ROUTES[query];
  const body = () =>
    JSON.stringify(
      server === 'api'
        ? { query: BENCH_QUERIES[query], variables: randomVariables(query, words) }
        : { variables: randomVariables(query, words) },
    );
  await load(`${target.url}${path}`, body, seconds, connections, tally);
}

/**
 * `seconds` of POSTs of `body()` (fresh for every request) to `url` over `connections`, every
 * latency recorded into `tally` (or nowhere: a warm-up); a GraphQL `errors` answer counts as failed.
 */
export async function load(
  url: string,
  body: () => string,
  seconds: number,
  connections: number,
  tally: Tally | null,
): Promise<void> {
  let graphqlErrors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: body() }),
            onResponse: (_status, responseBody) => {
              if (responseBody.startsWith('{"errors"') || responseBody.includes('"errors":[')) graphqlErrors++;
            },
          },
        ],
      },
      (error: unknown, done) =>
        error ? reject(error instanceof Error ? error : new Error('autocannon failed')) : resolve(done),
    );
    if (tally)
      instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
        tally.latencies.recordValue(Math.max(1, Math.round(ms))),
      );
  });
  if (!tally) return;
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.failed += result.non2xx + result.errors + result.timeouts + graphqlErrors;
}

/**
 * Load one query on both servers: a warm-up each (JIT, pools, Postgres caches), then `seconds`
 * each, in slices that alternate between the two (api, bare, api, bare, …) so that both see the
 * same machine: on a shared or virtual machine, whatever else runs (or steals CPU) during the run
 * then weighs on both alike, and the ratio compares like with like.
 */
async function loadBoth(
  servers: { readonly api: ChildServer; readonly bare: ChildServer },
  query: BenchQuery,
  words: Vocabulary,
  { seconds, connections, warmUp }: Pick<ApiBenchOptions, 'seconds' | 'connections' | 'warmUp'>,
  tick: () => void,
): Promise<LoadResult[]> {
  const slices = Math.max(1, Math.round(seconds / SLICE_SECONDS));
  const tallies = { api: newTally(), bare: newTally() };
  const order = ['api', 'bare'] as const;
  for (const server of order) {
    if (warmUp > 0) await slice(servers[server], server, query, words, warmUp, connections, null);
    tick();
  }
  for (let index = 0; index < slices; index++) {
    // Each slice's share of `seconds`, in whole seconds (autocannon's unit), adding up to `seconds`.
    const share = Math.floor(((index + 1) * seconds) / slices) - Math.floor((index * seconds) / slices);
    for (const server of index % 2 === 0 ? order : [...order].reverse()) {
      await slice(servers[server], server, query, words, share, connections, tallies[server]);
      tick();
    }
  }
  return order.map((server) => {
    const tally = tallies[server];
    return {
      query,
      server,
      p50: tally.latencies.getValueAtPercentile(50),
      p99: tally.latencies.getValueAtPercentile(99),
      requestsPerSecond: tally.seconds > 0 ? tally.requests / tally.seconds : 0,
      requests: tally.requests,
      failed: tally.failed,
    };
  });
}

/** One request of each kind through the API, so that a broken query fails the bench loudly. */
async function checkQueries(api: ChildServer, queries: readonly BenchQuery[], words: Vocabulary): Promise<void> {
  for (const query of queries) {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: BENCH_QUERIES[query], variables: randomVariables(query, words) }),
    });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"'))
      throw new Error(`the ${query} query failed (${response.status}): ${text.slice(0, 500)}`);
  }
}

export async function runApiBench(options: ApiBenchOptions): Promise<LoadResult[]> {
  const config = loadConfigOrExit();
  const scratch = await openScratchCatalog(config, {
    bench: 'api',
    models: options.n,
    reuse: options.reuse,
    label: 'bench api',
  });
  const servers: ChildServer[] = [];
  try {
    const words = await catalogVocabulary(scratch);
    const queuePrefix = `bench-api-${process.pid}`;
    const api = await startApiChild(config, scratch, { pool: options.pool, queuePrefix });
    servers.push(api);
    const bare = await startChildServer({
      name: 'bare handler',
      script: join(PROJECT_ROOT, 'test', 'bench', 'api-bare.server.ts'),
      env: apiChildEnv(config, scratch.url, options.pool, queuePrefix),
      healthPath: '/healthz',
    });
    servers.push(bare);
    await checkQueries(api, options.queries, words);

    const results: LoadResult[] = [];
    const slices = Math.max(1, Math.round(options.seconds / SLICE_SECONDS));
    const progress = createProgress({
      label: 'bench api: load',
      total: options.queries.length * 2 * (1 + slices),
      unit: 'slices',
    });
    for (const query of options.queries) {
      results.push(...(await loadBoth({ api, bare }, query, words, options, () => progress.increment(1))));
    }
    progress.stop();
    return results;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (options.keep) await scratch.db.close();
    else await scratch.drop();
  }
}

/** A horizontal bar of `width` cells for `value` out of `max`. */
function bar(value: number, max: number, width = 30): string {
  const cells = max > 0 ? Math.round((value / max) * width) : 0;
  return '█'.repeat(cells).padEnd(width, '·');
}

export function formatApiBench(
  n: number,
  options: Pick<ApiBenchOptions, 'connections' | 'seconds'>,
  results: readonly LoadResult[],
) {
  const find = (query: BenchQuery, server: 'api' | 'bare') =>
    results.find((r) => r.query === query && r.server === server);
  const maxRate = Math.max(...results.map((r) => r.requestsPerSecond));
  const lines = [
    `bench api over ${n.toLocaleString('en-US')} models, ${options.connections} connections, ${options.seconds} s per query`,
    `${'query'.padEnd(10)}${'server'.padEnd(7)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'req/s'.padStart(9)}${'failed'.padStart(8)}  throughput`,
    ...results.map(
      (r) =>
        `${r.query.padEnd(10)}${r.server.padEnd(7)}${r.p50.toFixed(0).padStart(8)}${r.p99.toFixed(0).padStart(8)}${r.requestsPerSecond.toFixed(0).padStart(9)}${String(r.failed).padStart(8)}  ${bar(r.requestsPerSecond, maxRate)}`,
    ),
  ];
  const p99 = (query: BenchQuery) => find(query, 'api')?.p99.toFixed(0) ?? 'n/a';
  const api = find('filtered', 'api');
  const bare = find('filtered', 'bare');
  const ratio =
    api && bare && bare.requestsPerSecond > 0 ? (api.requestsPerSecond / bare.requestsPerSecond).toFixed(2) : 'n/a';
  lines.push(
    `bench api: p99_ms_filtered=${p99('filtered')} p99_ms_search=${p99('search')} p99_ms_stats=${p99('stats')} ratio_vs_bare=${ratio}`,
  );
  return lines.join('\n');
}

export function registerApiBench(bench: Command): void {
  bench
    .command('api')
    .description(
      'GraphQL API latency and throughput (filtered page, search, stats) over N generated models vs a bare http + pg handler running the same SQL',
    )
    .option('--n <count>', 'models in the catalog', integerAtLeast(SEED_PAGE), 1_000_000)
    .option('--seconds <s>', 'load duration per query and server', integerAtLeast(1), 15)
    .option('--connections <c>', 'concurrent connections', integerAtLeast(1), 32)
    .option('--warm-up <s>', 'unmeasured load on each server before each query (V8 optimizing)', integerAtLeast(0), 10)
    .option('--pool <size>', 'Postgres pool size of both servers', integerAtLeast(1), 10)
    .option('--keep', 'keep the scratch catalog database for a later --reuse')
    .option('--reuse', 'start from the kept catalog database when it holds N models')
    .option('--only <queries>', 'comma list of the queries to run (filtered, search, stats)', (value: string) => {
      const queries = value.split(',').map((query) => query.trim());
      for (const query of queries)
        if (!(query in BENCH_QUERIES)) throw new InvalidArgumentError(`unknown query "${query}"`);
      return queries as BenchQuery[];
    })
    .action(
      async (options: {
        n: number;
        seconds: number;
        connections: number;
        warmUp: number;
        pool: number;
        keep?: boolean;
        reuse?: boolean;
        only?: BenchQuery[];
      }) => {
        const results = await runApiBench({
          ...options,
          keep: options.keep ?? false,
          reuse: options.reuse ?? false,
          queries: options.only ?? ['filtered', 'search', 'stats'],
        });
        process.stdout.write(`${formatApiBench(options.n, options, results)}\n`);
      },
    );
}
