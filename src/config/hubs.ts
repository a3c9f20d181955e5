/**
 * The hubs this build crawls, and what configuration each takes (docs/hubs.md). A hub is added
 * here and in the two registries that must name every hub — src/catalog/hub-records.registry.ts
 * (its record builder) and src/crawl/adapters.ts (its fetching adapter) — which the compiler
 * checks: a hub in this table without a builder or an adapter does not type-check.
 *
 * Each hub reads `<PREFIX>_ENDPOINT` (its origin: a mirror, or a fake hub in tests), `<PREFIX>_TOKEN`,
 * `<PREFIX>_PAGE_SIZE`, `<PREFIX>_REQUESTS_PER_MINUTE` and `<PREFIX>_RATE_LIMIT_RESERVE`, and may
 * have its own crawl schedule (`<PREFIX>_CRAWL_EVERY_MS`, `<PREFIX>_CRAWL_FULL_CRON`, else the
 * global CRAWL_INCREMENTAL_EVERY_MS and CRAWL_FULL_CRON).
 */

export const HUB_IDS = ['huggingface'] as const;
export type HubId = (typeof HUB_IDS)[number];

export interface HubSpec {
  readonly id: HubId;
  readonly name: string;
  /** What the hub is to the catalog (the `HubKind` enum). */
  readonly kind: 'MODEL_HUB' | 'API_PROVIDER';
  /** The environment variables' prefix (`HF` → `HF_ENDPOINT`). */
  readonly envPrefix: string;
  readonly defaultEndpoint: string;
  /** Records per listing page: the default, and the hub's own maximum. */
  readonly pageSize: { readonly default: number; readonly max: number };
  /**
   * The request budget's default: requests per minute, or `headers` when the hub announces its
   * budget in `RateLimit` headers on every response (src/outbound/request-budget.ts).
   */
  readonly requestsPerMinute: number | 'headers';
}

export const HUBS: Readonly<Record<HubId, HubSpec>> = {
  huggingface: {
    id: 'huggingface',
    name: 'Hugging Face',
    kind: 'MODEL_HUB',
    envPrefix: 'HF',
    defaultEndpoint: 'https://huggingface.co',
    pageSize: { default: 1_000, max: 1_000 },
    requestsPerMinute: 'headers',
  },
};

export function isHubId(value: string): value is HubId {
  return (HUB_IDS as readonly string[]).includes(value);
}
