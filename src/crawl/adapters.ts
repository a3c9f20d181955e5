/**
 * Every hub's fetching adapter, by hub id: the one line a new hub adds here (docs/hubs.md). The
 * record type makes the compiler refuse a hub of src/config/hubs.ts without an adapter.
 */
import type { HubSettings } from '../config/config.js';
import type { HubId } from '../config/hubs.js';
import type { HubClient } from '../outbound/hub-client.js';
import type { HubAdapter } from './hub-adapter.js';
import { HuggingFaceAdapter } from './huggingface/huggingface.adapter.js';

export interface AdapterDeps {
  readonly settings: HubSettings;
  /** A client with the hub's request budget, retries and deadline (one per page or model). */
  readonly createClient: () => HubClient;
}

export const ADAPTERS: Readonly<Record<HubId, (deps: AdapterDeps) => HubAdapter>> = {
  huggingface: ({ settings, createClient }) =>
    new HuggingFaceAdapter({ endpoint: settings.endpoint, pageSize: settings.pageSize, createClient }),
};
