/**
 * Who is calling: `Authorization: Bearer <key>` resolved to an API key, or nobody. A key that is
 * presented but malformed, unknown or revoked is rejected outright rather than treated as
 * anonymous, so a client never mistakes a dead key for a working one.
 */
import type { Logger } from '../lib/logger.js';
import { hashApiKey, parseAuthorization, type ApiKeyScope, API_KEY_SCOPES } from './api-key.js';
import type { ApiKeyRepository } from './api-key.repository.js';

/** `last_used_at` is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyPrincipal {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly ApiKeyScope[];
}

export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'key'; readonly principal: ApiKeyPrincipal }
  | { readonly kind: 'rejected'; readonly reason: string };

export class Authenticator {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const credentials = parseAuthorization(authorization);
    switch (credentials.kind) {
      case 'none':
        return { kind: 'anonymous' };
      case 'malformed':
        return { kind: 'rejected', reason: credentials.reason };
      case 'key':
        break;
    }
    const record = await this.keys.findByHash(hashApiKey(credentials.key));
    if (!record) return { kind: 'rejected', reason: 'unknown API key' };
    if (record.revokedAt) return { kind: 'rejected', reason: `API key ${record.prefix} was revoked` };
    const now = this.clock();
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failure here must not fail the request.
      await this.keys.touch(record.id, now, LAST_USED_RESOLUTION_MS).catch((error: unknown) => {
        this.logger.warn({ err: error, apiKey: record.prefix }, 'could not record API key use');
      });
    }
    return {
      kind: 'key',
      principal: {
        id: record.id.toString(),
        name: record.name,
        prefix: record.prefix,
        // A scope this build no longer knows grants nothing.
        scopes: API_KEY_SCOPES.filter((scope) => record.scopes.includes(scope)),
      },
    };
  }
}
