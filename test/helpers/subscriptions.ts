/** A graphql-ws client for tests: collects what a subscription receives. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expectEventually } from './eventually.js';

export interface ReceivedChange {
  readonly id: string;
  readonly kind: string;
  readonly modelId: string;
  readonly [field: string]: unknown;
}

export interface TestSubscriber {
  readonly events: ReceivedChange[];
  readonly errors: unknown[];
  readonly completed: boolean;
  readonly client: Client;
  /** Wait until at least `count` events arrived (or fail after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedChange[]>;
  /** Wait until the subscription ended with an error. */
  waitForError(timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

export const MODEL_CHANGED = `subscription Changes($filter: ChangeFilter, $after: String) {
  modelChanged(filter: $filter, after: $after) { id kind modelId changedFields before after model { id license { id category } } }
}`;

/** Subscribe over graphql-ws at `<httpUrl>/graphql`. */
export function subscribe(
  httpUrl: string,
  variables: Record<string, unknown> = {},
  options: { query?: string; connectionParams?: Record<string, unknown> } = {},
): TestSubscriber {
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Failures reach the sink (and the test) already; the default would print them too.
    onNonLazyError: () => undefined,
    ...(options.connectionParams ? { connectionParams: options.connectionParams } : {}),
    on: { error: () => undefined },
  });
  const events: ReceivedChange[] = [];
  const errors: unknown[] = [];
  const state = { completed: false };
  client.subscribe<{ modelChanged: ReceivedChange }>(
    { query: options.query ?? MODEL_CHANGED, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data?.modelChanged) events.push(result.data.modelChanged);
      },
      // An `error` message carries the operation's errors (an array); a closed socket, its CloseEvent.
      error: (error) => (Array.isArray(error) ? errors.push(...(error as unknown[])) : errors.push(error)),
      complete: () => (state.completed = true),
    },
  );
  return {
    events,
    errors,
    get completed() {
      return state.completed;
    },
    client,
    waitFor: (count, timeoutMs = 10_000) =>
      expectEventually(() => {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (events.length < count) throw new Error(`${events.length} of ${count} events received`);
        return events;
      }, timeoutMs),
    waitForError: (timeoutMs = 10_000) =>
      expectEventually(() => {
        if (errors.length === 0) throw new Error('no error yet');
        return errors[0];
      }, timeoutMs),
    close: () => client.dispose() as Promise<void>,
  };
}
