/** Per-request GraphQL context: repositories plus request-scoped caches. */
import type { Logger } from '../lib/logger.js';
import type { HubRepository } from '../catalog/hub.repository.js';

export interface ApiContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly hubs: HubRepository;
  /** Model counts per hub, read once per request however many hubs ask. */
  readonly hubModelCounts: () => Promise<Map<string, number>>;
}

export function createContext(base: { requestId: string; logger: Logger; hubs: HubRepository }): ApiContext {
  let counts: Promise<Map<string, number>> | undefined;
  return { ...base, hubModelCounts: () => (counts ??= base.hubs.modelCounts()) };
}
