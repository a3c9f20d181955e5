/**
 * Every hub's fetching adapter, by hub id: the one line a new hub adds here (docs/hubs.md). The
 * record type makes the compiler refuse a hub of src/config/hubs.ts without an adapter.
 */
import type { HubSettings } from '../config/config.js';
import type { HubId } from '../config/hubs.js';
import type { Logger } from '../lib/logger.js';
import type { HubClient } from '../outbound/hub-client.js';
import type { HubAdapter } from './hub-adapter.js';
import { CivitaiAdapter } from './civitai/civitai.adapter.js';
import { HuggingFaceAdapter } from './huggingface/huggingface.adapter.js';
import { ModelScopeAdapter } from './modelscope/modelscope.adapter.js';
import { OpenRouterAdapter } from './openrouter/openrouter.adapter.js';

export interface AdapterDeps {
  readonly settings: HubSettings;
  /** A client with the hub's request budget, retries and deadline (one per page or model). */
  readonly createClient: () => HubClient;
  /** The process's logger, for what an adapter notices on its own (Civitai's cursor gaps). */
  readonly logger: Logger;
}

export const ADAPTERS: Readonly<Record<HubId, (deps: AdapterDeps) => HubAdapter>> = {
  huggingface: ({ settings, createClient }) =>
    new HuggingFaceAdapter({ endpoint: settings.endpoint, pageSize: settings.pageSize, createClient }),
  openrouter: ({ settings, createClient }) =>
    new OpenRouterAdapter({ endpoint: settings.endpoint, pageSize: settings.pageSize, createClient }),
  modelscope: ({ settings, createClient }) =>
    new ModelScopeAdapter({ endpoint: settings.endpoint, pageSize: settings.pageSize, createClient }),
  civitai: ({ settings, createClient, logger }) =>
    new CivitaiAdapter({ endpoint: settings.endpoint, pageSize: settings.pageSize, createClient, logger }),
};
