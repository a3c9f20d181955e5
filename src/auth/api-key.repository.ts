/** API keys in `api_keys`: only the hash and the display prefix of a key are ever written. */
import type { ApiKey, PrismaClient } from '../generated/prisma/client.js';
import { cleanText, TEXT_LIMITS } from '../lib/text.js';
import { generateApiKey, type ApiKeyScope } from './api-key.js';

export type RevokeOutcome =
  | { readonly kind: 'revoked'; readonly key: ApiKey }
  | { readonly kind: 'already-revoked'; readonly key: ApiKey }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'ambiguous'; readonly matches: readonly ApiKey[] };

export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Store a new key; the returned `key` is the only time the secret exists outside its holder. The
   * name is a label for people: stored cleaned (src/lib/text.ts: no NUL, no lone surrogate, at most
   * `TEXT_LIMITS.key` characters) rather than refused.
   */
  async create(input: { name: string; scopes: readonly ApiKeyScope[] }): Promise<{ record: ApiKey; key: string }> {
    const generated = generateApiKey();
    const name = cleanText(input.name, TEXT_LIMITS.key);
    const record = await this.prisma.apiKey.create({
      data: { name, prefix: generated.prefix, hash: generated.hash, scopes: [...input.scopes] },
    });
    return { record, key: generated.key };
  }

  list(): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ orderBy: { id: 'asc' } });
  }

  findByHash(hash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { hash } });
  }

  /**
   * Record a use, at most once a minute per key however many instances serve it: the condition
   * is in the UPDATE, so concurrent requests write once.
   */
  async touch(id: bigint, now: Date, intervalMs: number): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - intervalMs) } }] },
      data: { lastUsedAt: now },
    });
  }

  /** Revoke by numeric id or by display prefix (`cat_1a2B3c4D`); a prefix must match one key. */
  async revoke(idOrPrefix: string, now = new Date()): Promise<RevokeOutcome> {
    const matches = /^\d+$/.test(idOrPrefix)
      ? await this.prisma.apiKey.findMany({ where: { id: BigInt(idOrPrefix) } })
      : await this.prisma.apiKey.findMany({ where: { prefix: idOrPrefix }, orderBy: { id: 'asc' } });
    const [only, ...others] = matches;
    if (!only) return { kind: 'not-found' };
    if (others.length > 0) return { kind: 'ambiguous', matches };
    if (only.revokedAt) return { kind: 'already-revoked', key: only };
    const key = await this.prisma.apiKey.update({ where: { id: only.id }, data: { revokedAt: now } });
    return { kind: 'revoked', key };
  }
}
