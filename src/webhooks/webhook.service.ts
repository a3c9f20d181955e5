/**
 * What the API does with webhooks: create (URL checked against SSRF, secret generated when not
 * given), update, enable, delete, list, and the deliveries of one. Every operation is scoped to
 * the calling API key: another key's webhook is "not found", never "forbidden", so ids reveal
 * nothing. Input problems come back as `WebhookError`s in the payload; an invalid filter is
 * BAD_USER_INPUT, as everywhere else change filters are read. Authorization (the `webhooks`
 * scope) is the resolvers' business.
 *
 * What is stored passes the one text sanitizer (src/lib/text.ts): a URL with a NUL, a control
 * character or a lone surrogate is refused (INVALID_URL) rather than repaired, since a repaired URL
 * would be an address the client never gave; the filter's strings are cleaned as the catalog's own
 * values are (a filter value compares with stored, cleaned values, so cleaning keeps its meaning).
 */
import type pg from 'pg';
import { CatalogError } from '../lib/errors.js';
import type { ConnectionParent } from '../read-model/catalog.rows.js';
import { connectionOf, pageRequest } from '../read-model/pagination.js';
import type { ApiKeyPrincipal } from '../auth/authenticator.js';
import type { WebhookConfig } from '../config/config.js';
import { changeFilterToJson, parseChangeFilter, type ChangeFilter } from '../events/change-filter.js';
import type { PrismaClient, Webhook, WebhookDelivery, WebhookDeliveryAttempt } from '../generated/prisma/client.js';
import type { Logger } from '../lib/logger.js';
import { cleanJson, inspectText, TEXT_LIMITS } from '../lib/text.js';
import { generateWebhookSecret } from './signature.js';
import { AddressGuard, WebhookUrlRefusal } from './ssrf.js';
import type { WebhookQueue } from './webhook-queue.js';
import { WebhookRepository } from './webhook.repository.js';

export type WebhookErrorCode =
  'WEBHOOK_NOT_FOUND' | 'INVALID_URL' | 'URL_NOT_ALLOWED' | 'INVALID_SECRET' | 'TOO_MANY_WEBHOOKS';

export interface WebhookError {
  readonly code: WebhookErrorCode;
  /** Path to the input field at fault (`["input", "url"]`), or null for the request as a whole. */
  readonly field: string[] | null;
  readonly message: string;
}

export interface WebhookResult {
  readonly webhook: Webhook | null;
  /** A secret generated for the caller, returned this once. */
  readonly secret: string | null;
  readonly errors: WebhookError[];
}

export type DeliveryRow = WebhookDelivery & { readonly attemptRecords: WebhookDeliveryAttempt[] };
export type DeliveryConnectionParent = ConnectionParent<DeliveryRow>;

/** Webhooks one API key may hold: each costs a filter evaluation per dispatched batch. */
export const MAX_WEBHOOKS_PER_KEY = 25;
const DEFAULT_DELIVERIES_PAGE = 20;
/** Printable ASCII without spaces: what can be pasted into any configuration file. */
const SECRET_PATTERN = /^[\x21-\x7e]{16,256}$/;
const REQUEUE_PAGE = 1_000;

export interface WebhookServiceDeps {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  readonly config: WebhookConfig;
  readonly queue: WebhookQueue;
  readonly logger: Logger;
  /** Injectable for tests (a host name that resolves to a chosen address). */
  readonly guard?: AddressGuard;
}

export interface CreateWebhookInput {
  readonly url: string;
  readonly filter?: unknown;
  readonly secret?: string | null;
}

export interface UpdateWebhookInput {
  readonly url?: string | null;
  readonly filter?: unknown;
  readonly secret?: string | null;
  readonly rotateSecret?: boolean | null;
  readonly enabled?: boolean | null;
}

export class WebhookService {
  private readonly guard: AddressGuard;
  private readonly repository: WebhookRepository;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.guard = deps.guard ?? new AddressGuard(deps.config);
    this.repository = new WebhookRepository(deps.pool, deps.prisma);
  }

  async list(owner: ApiKeyPrincipal): Promise<Webhook[]> {
    return this.repository.listWebhooks(owner.id);
  }

  /** Null for an id that is malformed or not the caller's. */
  async find(owner: ApiKeyPrincipal, id: string): Promise<Webhook | null> {
    const key = idOf(id);
    if (key === null) return null;
    return this.repository.findWebhook(key, owner.id);
  }

  pendingDeliveries(webhook: Webhook): Promise<number> {
    return this.repository.countPendingDeliveries(webhook.id);
  }

  async create(owner: ApiKeyPrincipal, input: CreateWebhookInput): Promise<WebhookResult> {
    const filter = parseChangeFilter(input.filter ?? {}, 'input.filter');
    const errors: WebhookError[] = [];
    const secretError = checkSecret(input.secret, ['input', 'secret']);
    if (secretError) errors.push(secretError);
    const held = await this.repository.countWebhooks(owner.id);
    if (held >= MAX_WEBHOOKS_PER_KEY) errors.push(tooMany(owner, held));
    const urlError = await this.checkUrl(input.url, ['input', 'url']);
    if (urlError) errors.push(urlError);
    if (errors.length > 0) return { webhook: null, secret: null, errors };

    const generated = input.secret ? null : generateWebhookSecret();
    const created = await this.repository.transaction(async (tx) => {
      // The quota, under concurrency: the count that decides is read under the key's row lock
      // (the count above only spares the URL check).
      const heldNow = await this.repository.lockQuota(tx, owner.id);
      if (heldNow >= MAX_WEBHOOKS_PER_KEY) {
        await tx.rollback();
        return { id: null, heldNow };
      }
      // The dispatcher's row, shared: this webhook is either seen by a batch or starts after it.
      await this.repository.shareCursor(tx);
      const id = await this.repository.insertWebhook(tx, {
        apiKeyId: owner.id,
        url: input.url,
        filter: storableFilter(filter),
        secret: input.secret ?? generated,
      });
      return { id, heldNow };
    });
    if (created.id === null) return { webhook: null, secret: null, errors: [tooMany(owner, created.heldNow)] };
    const id = created.id;
    this.deps.logger.info({ webhookId: id, apiKey: owner.prefix }, 'webhook created');
    const webhook = await this.repository.getWebhook(BigInt(id));
    return { webhook, secret: generated, errors: [] };
  }

  async update(owner: ApiKeyPrincipal, id: string, input: UpdateWebhookInput): Promise<WebhookResult> {
    const filter =
      input.filter === undefined || input.filter === null ? null : parseChangeFilter(input.filter, 'input.filter');
    const current = await this.find(owner, id);
    if (!current) return notFound();
    const errors: WebhookError[] = [];
    if (input.secret !== undefined && input.secret !== null) {
      const secretError = checkSecret(input.secret, ['input', 'secret']);
      if (secretError) errors.push(secretError);
      if (input.rotateSecret)
        errors.push({
          code: 'INVALID_SECRET',
          field: ['input', 'rotateSecret'],
          message: 'Give a `secret` or ask for `rotateSecret`, not both.',
        });
    }
    if (input.url !== undefined && input.url !== null) {
      const urlError = await this.checkUrl(input.url, ['input', 'url']);
      if (urlError) errors.push(urlError);
    }
    if (errors.length > 0) return { webhook: null, secret: null, errors };

    const generated = input.rotateSecret ? generateWebhookSecret() : null;
    const pausing = input.enabled === false && current.enabled;
    await this.repository.updateWebhook(current.id, {
      ...(input.url ? { url: input.url } : {}),
      ...(filter ? { filter: storableFilter(filter) } : {}),
      ...(input.secret || generated ? { secret: (input.secret ?? generated)! } : {}),
      ...(pausing ? { disabled: { at: new Date(), reason: 'paused by its owner' } } : {}),
    });
    if (input.enabled === true) return { ...(await this.enable(owner, id)), secret: generated };
    const webhook = await this.repository.getWebhook(current.id);
    return { webhook, secret: generated, errors: [] };
  }

  /**
   * Enable the webhook, start its failure count over, and queue the deliveries that waited, due
   * now. If Redis cannot take them at this moment they stay pending, and the worker's periodic
   * sweep queues them.
   */
  async enable(owner: ApiKeyPrincipal, id: string): Promise<WebhookResult> {
    const current = await this.find(owner, id);
    if (!current) return notFound();
    await this.repository.enableWebhook(current.id);
    try {
      for (let after = 0n; ;) {
        const pending = await this.repository.pendingDeliveryIds(current.id, after, REQUEUE_PAGE);
        await this.deps.queue.enqueue(pending.map((deliveryId) => ({ id: deliveryId.toString() })));
        if (pending.length < REQUEUE_PAGE) break;
        after = pending.at(-1)!;
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, webhookId: id }, 'could not queue the waiting deliveries; the worker will');
    }
    if (!current.enabled) this.deps.logger.info({ webhookId: id, apiKey: owner.prefix }, 'webhook enabled');
    const webhook = await this.repository.getWebhook(current.id);
    return { webhook, secret: null, errors: [] };
  }

  async delete(owner: ApiKeyPrincipal, id: string): Promise<{ deletedId: string | null; errors: WebhookError[] }> {
    const key = idOf(id);
    const deleted = key === null ? false : await this.repository.deleteWebhook(key, owner.id);
    if (!deleted) return { deletedId: null, errors: notFound().errors };
    this.deps.logger.info({ webhookId: id, apiKey: owner.prefix }, 'webhook deleted');
    return { deletedId: key!.toString(), errors: [] };
  }

  /** A page of the webhook's deliveries, newest first; the cursor is a delivery id. */
  async deliveries(
    owner: ApiKeyPrincipal,
    webhookId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<DeliveryConnectionParent> {
    const webhook = await this.find(owner, webhookId);
    if (!webhook)
      throw new CatalogError('NOT_FOUND', `No webhook of yours has id ${webhookId}.`, { argument: 'webhookId' });
    const page = pageRequest({ first: args.first ?? null, after: args.after ?? null }, DEFAULT_DELIVERIES_PAGE);
    let before: bigint | null = null;
    if (page.cursor !== null) {
      before = idOf(page.cursor);
      if (before === null)
        throw new CatalogError('INVALID_CURSOR', '`after` must be a cursor this connection returned', {
          argument: 'after',
        });
    }
    const rows: DeliveryRow[] = await this.repository.deliveriesPage(webhook.id, before, page.size + 1);
    return connectionOf(
      rows,
      page,
      (row) => row.id.toString(),
      (row) => row,
      () => this.repository.countDeliveries(webhook.id),
    );
  }

  private async checkUrl(url: string, field: string[]): Promise<WebhookError | null> {
    const unstorable = unstorableUrl(url);
    if (unstorable !== null) return { code: 'INVALID_URL', field, message: `Webhook URL refused: ${unstorable}.` };
    try {
      await this.guard.checkUrl(url);
      return null;
    } catch (error) {
      if (!(error instanceof WebhookUrlRefusal)) throw error;
      return {
        code: error.code === 'INVALID' ? 'INVALID_URL' : 'URL_NOT_ALLOWED',
        field,
        message: `Webhook URL refused: ${error.message}.`,
      };
    }
  }
}

function tooMany(owner: ApiKeyPrincipal, held: number): WebhookError {
  return {
    code: 'TOO_MANY_WEBHOOKS',
    field: null,
    message: `API key ${owner.prefix} already holds ${held} webhooks (at most ${MAX_WEBHOOKS_PER_KEY}); delete one first.`,
  };
}

// C0 controls and DEL: never part of a URL as typed (the URL parser would drop or escape them).
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const URL_CONTROLS = /[\u0000-\u001f\u007f]/;

/** Why a URL cannot be stored as given, or null. */
function unstorableUrl(url: string): string | null {
  if (URL_CONTROLS.test(url)) return 'it contains a control character (a NUL, a line break, …)';
  if (inspectText(url).binary) return 'it contains a lone UTF-16 surrogate';
  if (url.length > TEXT_LIMITS.line) return `it is longer than ${TEXT_LIMITS.line} characters`;
  return null;
}

/** The filter as stored JSON, its strings cleaned (src/lib/text.ts) like the values it is compared with. */
function storableFilter(filter: ChangeFilter): Record<string, unknown> {
  return cleanJson(changeFilterToJson(filter), { maxLength: TEXT_LIMITS.line });
}

function checkSecret(secret: string | null | undefined, field: string[]): WebhookError | null {
  if (secret === undefined || secret === null || SECRET_PATTERN.test(secret)) return null;
  return {
    code: 'INVALID_SECRET',
    field,
    message:
      'The secret must be 16 to 256 printable ASCII characters without spaces (or omit it to have one generated).',
  };
}

/** A webhook or delivery id as given by a client: a positive decimal bigint, else null. */
function idOf(text: string): bigint | null {
  if (!/^\d{1,19}$/.test(text)) return null;
  const value = BigInt(text);
  return value > 0n && value <= 9_223_372_036_854_775_807n ? value : null;
}

function notFound(): WebhookResult {
  return {
    webhook: null,
    secret: null,
    errors: [{ code: 'WEBHOOK_NOT_FOUND', field: ['id'], message: 'No webhook of yours has this id.' }],
  };
}
