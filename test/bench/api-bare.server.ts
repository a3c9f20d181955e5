/**
 * The limit `bench api` compares the API with: a bare Node `http` server over the same `pg` pool
 * settings running exactly the statements the API runs for each benchmark query (the same
 * repository methods, so the same SQL text and parameters), with no GraphQL parsing, validation,
 * execution, DataLoaders, plugins or middleware. Started as its own process by the benchmark;
 * configured like the API (DATABASE_URL, DATABASE_POOL_SIZE, HOST, PORT).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { CatalogReadRepository } from '../../src/read-model/catalog-read.repository.js';
import type { Facet } from '../../src/read-model/facets.sql.js';
import { parseModelsArgs, type ModelsArgs } from '../../src/read-model/models.filter.js';
import { createStatsLoaders } from '../../src/read-model/stats.loaders.js';
import type { TimeInterval } from '../../src/read-model/stats.filter.js';
import { catalogStats, opennessOverTime, type StatsReader } from '../../src/read-model/stats.service.js';
import { loadConfigOrExit } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { BARE_ROUTES } from './api.queries.js';

const config = loadConfigOrExit();
const logger = pino({ level: 'warn' });
const db = createDatabase(config, logger);
// The pool the API's catalog reads use: the replica's with DATABASE_READ_URL (docs/replicas.md).
const repository = new CatalogReadRepository(db.readPool, config.api.filterFirstMaxRows);

type Variables = Record<string, unknown>;

/**
 * What the API runs for `models(…) { totalCount? nodes { id name? license { id category } openness
 * { level score } } }`: heads when `name` is not selected, as the API's lookahead decides.
 */
async function modelsPage(args: ModelsArgs, withCount: boolean, withName: boolean) {
  const query = parseModelsArgs(args);
  const page = await repository.modelsPageWithCount(query, withName ? 'full' : 'head');
  const rows = page.rows.slice(0, query.page.size);
  const licenseIds = [...new Set(rows.flatMap((row) => (row.licenseId === null ? [] : [row.licenseId])))];
  const [totalCount, licenses] = await Promise.all([
    withCount ? (page.count ?? repository.modelsCount(query)) : Promise.resolve(undefined),
    licenseIds.length > 0 ? repository.licensesByIds(licenseIds) : Promise.resolve([]),
  ]);
  const licenseById = new Map(licenses.map((license) => [license.id, license]));
  return {
    totalCount,
    nodes: rows.map((row) => {
      const license = row.licenseId === null ? undefined : licenseById.get(row.licenseId);
      return {
        id: row.id,
        ...(withName && 'name' in row ? { name: row.name } : {}),
        license: license ? { id: license.id, category: license.category } : null,
        // As the API: the headline is on the model row.
        openness: row.opennessLevel === null ? null : { level: row.opennessLevel, score: row.opennessScore },
      };
    }),
  };
}

const stats: StatsReader = { repository: repository.stats, loaders: createStatsLoaders(repository.stats) };

/** What the API runs for the bench's `stats` query: every facet (one statement) and one series. */
async function catalogStatsOf(v: Variables) {
  const parent = catalogStats({}, stats);
  const limit = typeof v['limit'] === 'number' ? v['limit'] : null;
  const [counts, series] = await Promise.all([
    parent.counts(),
    opennessOverTime(parent, { interval: v['interval'] as TimeInterval, from: new Date(String(v['from'])) }, stats),
  ]);
  const facet = (name: Facet, max: number | null = null) =>
    (counts.facets.get(name) ?? []).slice(0, max ?? undefined).map(({ value, count }) => ({ value, count }));
  return {
    stats: {
      totalCount: counts.total,
      byLicense: facet('license', limit),
      byLicenseCategory: facet('licenseCategory'),
      byCommercialUse: facet('commercialUse'),
      byOpennessLevel: facet('opennessLevel'),
      byMofClass: facet('mofClass'),
      byWeights: facet('weights'),
      byHub: facet('hub'),
      byTask: facet('task', limit),
      byLibrary: facet('library', limit),
      opennessOverTime: series.map((bucket) => ({
        start: bucket.start.toISOString(),
        levels: bucket.levels.map(({ level, count }) => ({ level, count })),
      })),
    },
  };
}

const handlers: Record<string, (variables: Variables) => Promise<unknown>> = {
  [BARE_ROUTES.stats]: catalogStatsOf,
  [BARE_ROUTES.filtered]: async (v) => ({
    models: await modelsPage(
      { first: 50, filter: { licenseCategories: v['categories'], minOpennessLevel: v['level'] } },
      true,
      false,
    ),
  }),
  [BARE_ROUTES.search]: async (v) => ({
    models: await modelsPage({ first: 20, filter: { search: v['search'] } }, false, true),
  }),
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => {
  if (request.url === '/healthz') return send(response, 200, { status: 'ok' });
  const handler = handlers[request.url ?? ''];
  if (!handler || request.method !== 'POST') return send(response, 404, { errors: [{ message: 'not found' }] });
  readBody(request)
    .then(async (text) => {
      const { variables } = JSON.parse(text) as { variables?: Variables };
      send(response, 200, { data: await handler(variables ?? {}) });
    })
    .catch((error: unknown) => send(response, 500, { errors: [{ message: String(error) }] }));
});
server.keepAliveTimeout = 60_000;
server.listen(config.http.port, config.http.host);
await once(server, 'listening');

const stop = () => {
  server.close();
  server.closeAllConnections();
  void db.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
