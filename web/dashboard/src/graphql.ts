/**
 * The dashboard's only data source: the public GraphQL API of the server that serves the page —
 * queries over HTTP POST to `/graphql`, the live panel over graphql-ws on the same path. A refusal
 * arrives as a GraphQLRequestError with the API's error code (BAD_USER_INPUT, RATE_LIMITED, …),
 * which the page shows as it is.
 */
import { createClient, type Client } from 'graphql-ws/client';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLError {
  readonly message: string;
  readonly extensions?: { readonly code?: string };
}

interface GraphQLResponse<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLError[];
}

export async function request<T>(document: string, variables: object, signal?: AbortSignal): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: document, variables }),
    signal: signal ?? null,
  });
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new GraphQLRequestError(`the API answered ${response.status} without JSON`, undefined);
  }
  const [error] = body.errors ?? [];
  if (error) throw new GraphQLRequestError(error.message, error.extensions?.code);
  if (!body.data) throw new GraphQLRequestError(`the API answered ${response.status} without data`, undefined);
  return body.data;
}

/**
 * A graphql-ws client for this page's origin. It does not retry on its own (`retryAttempts: 0`):
 * the live panel resubscribes itself with `after` set to the last change it saw, so that a dropped
 * connection loses nothing (live.ts).
 */
export function subscriptionClient(on: { connected(): void; closed(): void }): Client {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return createClient({
    url: url.toString(),
    lazy: true,
    retryAttempts: 0,
    on: { connected: () => on.connected(), closed: () => on.closed() },
  });
}
