/**
 * Per-request DataLoaders of the stats read side: the model counts of the licenses and hubs a
 * response shows, and the hubs' latest crawl runs, each one statement for the whole response.
 * Created per request: the counts change with every crawler commit.
 */
import DataLoader from 'dataloader';
import type { StatsRepository, HubCrawlRuns } from './stats.repository.js';

export interface StatsLoaders {
  /** Listed models under a license (the facet totals). */
  readonly licenseModelCount: DataLoader<string, number>;
  /** Listed models of a hub (the facet totals). */
  readonly hubModelCount: DataLoader<string, number>;
  readonly crawlRunsByHub: DataLoader<string, HubCrawlRuns>;
}

const countsBy = (load: (ids: readonly string[]) => Promise<Map<string, number>>) =>
  new DataLoader<string, number>(async (ids) => {
    const counts = await load(ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });

export function createStatsLoaders(repository: StatsRepository): StatsLoaders {
  return {
    licenseModelCount: countsBy((ids) => repository.licenseModelCounts(ids)),
    hubModelCount: countsBy((ids) => repository.hubModelCounts(ids)),
    // lastCrawlRuns answers every hub asked, in order.
    crawlRunsByHub: new DataLoader((hubIds) => repository.lastCrawlRuns(hubIds)),
  };
}
