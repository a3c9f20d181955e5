/**
 * The `/graphql` route over HTTP: the client guards, the JSON body, then Apollo's HTTP pipeline
 * (`executeHTTPGraphQLRequest`), as one Express handler (docs/api-performance.md, "Less per
 * request").
 *
 * Two things here are written by hand although libraries do them, because on the API's busiest
 * route they cost more than they give:
 * - `steps` runs the guards in turn, as Express would run them as separate handlers of the route:
 *   Express's router would match the path and trim the URL once per handler.
 * - `apolloHandler` stands in for `@as-integrations/express5` (the same 40 lines, less two costs):
 *   Express's `res.send` there hashes every answer into an ETag, POST answers included, which no
 *   cache keeps; and the URL is parsed with the legacy `url.parse` for its query string. Here only
 *   a successful GET answer gets its ETag, and a 304 when the client already has it, as the other
 *   GET routes answer (http-responses.ts).
 */
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answeredNotModified, etagOf } from '../http-responses.js';

/** Express's handlers of one route, run in turn in one handler: a step calls `next()` to go on. */
export function steps(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      // An error, or `next('route')`/`next('router')`, goes to Express as from any handler; as
      // Express's router does, a falsy argument (`next(null)`) is no error.
      if (error) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        // Express 5 passes a rejected promise of a handler on as its error: so does this.
        const returned: unknown = handler(req, res, step);
        if (returned instanceof Promise) returned.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

/** What Apollo's HTTP pipeline reads of a request. */
function graphqlRequest(req: Request): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const query = req.url.indexOf('?');
  return {
    method: req.method.toUpperCase(),
    headers,
    search: query === -1 ? '' : req.url.slice(query),
    body: req.body as unknown,
  };
}

/** Apollo Server's HTTP pipeline on an Express request whose JSON body is parsed (`req.body`). */
export function apolloHandler<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  context: (request: { req: Request; res: Response }) => Promise<Context>,
): RequestHandler {
  return async (req: Request, res: Response, _next: NextFunction) => {
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: graphqlRequest(req),
      context: () => context({ req, res }),
    });
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      const body = answer.body.string;
      if (req.method === 'GET' && res.statusCode < 300) {
        const etag = etagOf(body);
        res.setHeader('ETag', etag);
        if (answeredNotModified(req, res, etag)) return;
      }
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    // Incremental delivery (@defer): each part as Apollo yields it.
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
