/**
 * The hubs this build crawls, and what configuration each takes (docs/hubs.md). A hub is added
 * here and in src/crawl/adapters.ts (its adapter, which carries its record builder), a record over
 * these ids: a hub in this table without an adapter does not type-check.
 *
 * Each hub reads `<PREFIX>_ENDPOINT` (its origin: a mirror, or a fake hub in tests), `<PREFIX>_TOKEN`,
 * `<PREFIX>_PAGE_SIZE`, `<PREFIX>_REQUESTS_PER_MINUTE`, `<PREFIX>_RATE_LIMIT_RESERVE`, `<PREFIX>_ENRICH` and
 * `<PREFIX>_ENRICH_MIN_DOWNLOADS` / `_MIN_LIKES` (else the global ENRICH_MIN_*), and may
 * have its own crawl schedule (`<PREFIX>_CRAWL_EVERY_MS`, `<PREFIX>_CRAWL_FULL_CRON`, else the
 * global CRAWL_INCREMENTAL_EVERY_MS and CRAWL_FULL_CRON).
 */

export const HUB_IDS = ['huggingface', 'openrouter', 'modelscope', 'civitai'] as const;
export type HubId = (typeof HUB_IDS)[number];

export interface HubSpec {
  readonly id: HubId;
  readonly name: string;
  /** What the hub is to the catalog (the `HubKind` enum). */
  readonly kind: 'MODEL_HUB' | 'API_PROVIDER';
  /** The environment variables' prefix (`HF` → `HF_ENDPOINT`). */
  readonly envPrefix: string;
  readonly defaultEndpoint: string;
  /** Where the hub's model pages live under its endpoint: a model's page is `<endpoint><path>/<repoId>`. */
  readonly modelPagesPath: string;
  /** Records per listing page: the default, and the hub's own maximum. */
  readonly pageSize: { readonly default: number; readonly max: number };
  /**
   * The request budget's default: requests per minute, or `headers` when the hub announces its
   * budget in `RateLimit` headers on every response (src/outbound/request-budget.ts).
   */
  readonly requestsPerMinute: number | 'headers';
  /**
   * Which copy stands for a model and its mirrors (`collapseMirrors`), lowest first: the hub the
   * weights come from before the hubs that copy or serve them.
   */
  readonly mirrorRank: number;
  /**
   * Whether models that matter get their details fetched by default (`<PREFIX>_ENRICH`): worth it
   * where details say more than the listing (Hugging Face's README and LICENSE, ModelScope's file
   * list), not where the listing is the whole record (Civitai, OpenRouter).
   */
  readonly enrich: boolean;
}

export const HUBS: Readonly<Record<HubId, HubSpec>> = {
  huggingface: {
    id: 'huggingface',
    name: 'Hugging Face',
    kind: 'MODEL_HUB',
    envPrefix: 'HF',
    defaultEndpoint: 'https://huggingface.co',
    modelPagesPath: '',
    pageSize: { default: 1_000, max: 1_000 },
    requestsPerMinute: 'headers',
    mirrorRank: 1,
    enrich: true,
  },
  // One unauthenticated listing (docs/hubs.md, "OpenRouter"): pages of 500 as the hub's own
  // `links.next` example; no limit is documented for it, so 20/min, its free-model limit.
  openrouter: {
    id: 'openrouter',
    name: 'OpenRouter',
    kind: 'API_PROVIDER',
    envPrefix: 'OPENROUTER',
    defaultEndpoint: 'https://openrouter.ai',
    modelPagesPath: '',
    pageSize: { default: 500, max: 500 },
    requestsPerMinute: 20,
    mirrorRank: 4,
    enrich: false,
  },
  // Page-number OpenAPI with no documented limits (docs/hubs.md, "ModelScope"): pages of 100 (its
  // site pages by 30–100; a hub that caps lower fails the crawl loudly), one request a second.
  modelscope: {
    id: 'modelscope',
    name: 'ModelScope',
    kind: 'MODEL_HUB',
    envPrefix: 'MODELSCOPE',
    defaultEndpoint: 'https://www.modelscope.cn',
    modelPagesPath: '/models',
    pageSize: { default: 100, max: 100 },
    requestsPerMinute: 60,
    mirrorRank: 2,
    enrich: true,
  },
  // Cursor listing of at most 100 models a page (docs/hubs.md, "Civitai"); no published rate
  // limit (CDN-cached reads, abuse throttling with 429 + Retry-After), so one request a second.
  civitai: {
    id: 'civitai',
    name: 'Civitai',
    kind: 'MODEL_HUB',
    envPrefix: 'CIVITAI',
    defaultEndpoint: 'https://civitai.com',
    modelPagesPath: '/models',
    pageSize: { default: 100, max: 100 },
    requestsPerMinute: 60,
    mirrorRank: 3,
    enrich: false,
  },
};

export function isHubId(value: string): value is HubId {
  return (HUB_IDS as readonly string[]).includes(value);
}
