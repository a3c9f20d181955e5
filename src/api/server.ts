/**
 * The HTTP server: `/healthz` (the process is up), `/readyz` (Postgres, Redis and migrations) and
 * the GraphQL endpoint at `/graphql` (Apollo Server 5 on Express 5).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/config.js';
import { HubRepository } from '../catalog/hub.repository.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import { createContext, type ApiContext } from './context.js';
import type { Readiness } from './readiness.js';
import { resolvers } from './resolvers/index.js';
import { loadTypeDefs } from './schema.js';

export interface ApiServerDeps {
  readonly config: Pick<Config, 'env'>;
  readonly logger: Logger;
  readonly db: Database;
  readonly readiness: () => Promise<Readiness>;
}

export interface ApiServer {
  readonly httpServer: Server;
  /** Stop accepting requests, let in-flight ones finish, then stop Apollo. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const { config, logger, db } = deps;
  const app = express();
  const httpServer = createServer(app);
  app.disable('x-powered-by');

  app.use(
    pinoHttp({
      logger,
      // Honour a caller's request id (from a proxy) when it is sane; otherwise mint one.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await deps.readiness();
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'unready', ...readiness });
  });

  const apollo = new ApolloServer<ApiContext>({
    typeDefs: loadTypeDefs(),
    resolvers,
    includeStacktraceInErrorResponses: config.env === 'development',
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();

  const hubs = new HubRepository(db.prisma);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        Promise.resolve(createContext({ requestId: String(req.id as string), logger: req.log, hubs })),
    }),
  );

  return {
    httpServer,
    stop: () => apollo.stop(),
  };
}
