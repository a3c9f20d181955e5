/** Hubs: the reference rows every model points to. */
import type { Config } from '../config/config.js';
import type { Hub, HubKind } from '../generated/prisma/client.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface HubDefinition {
  readonly id: string;
  readonly name: string;
  readonly kind: HubKind;
  readonly baseUrl: string;
}

/** The hubs this build can crawl. A hub is added here together with its adapter. */
export function knownHubs(config: Pick<Config, 'huggingFace'>): HubDefinition[] {
  return [{ id: 'huggingface', name: 'Hugging Face', kind: 'MODEL_HUB', baseUrl: config.huggingFace.endpoint }];
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
