/** Hubs: the reference rows every model points to. */
import type { Config } from '../config/config.js';
import { HUB_IDS } from '../config/hubs.js';
import type { Hub, HubKind } from '../generated/prisma/client.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface HubDefinition {
  readonly id: string;
  readonly name: string;
  readonly kind: HubKind;
  readonly baseUrl: string;
}

/** The hubs this build can crawl (src/config/hubs.ts), at the endpoints configured. */
export function knownHubs(config: Pick<Config, 'hubs'>): HubDefinition[] {
  return HUB_IDS.map((id) => {
    // The base of the hub's model pages: a model's page (`Model.url`) is `<baseUrl>/<repoId>`.
    const { spec, endpoint } = config.hubs[id];
    return { id, name: spec.name, kind: spec.kind, baseUrl: `${endpoint}${spec.modelPagesPath}` };
  });
}

export class HubRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Insert or refresh the hub rows (idempotent). */
  async upsertAll(hubs: readonly HubDefinition[]): Promise<void> {
    await this.prisma.$transaction(
      hubs.map((hub) =>
        this.prisma.hub.upsert({
          where: { id: hub.id },
          create: hub,
          update: { name: hub.name, kind: hub.kind, baseUrl: hub.baseUrl },
        }),
      ),
    );
  }

  list(): Promise<Hub[]> {
    return this.prisma.hub.findMany({ orderBy: { id: 'asc' } });
  }

  find(id: string): Promise<Hub | null> {
    return this.prisma.hub.findUnique({ where: { id } });
  }
}
