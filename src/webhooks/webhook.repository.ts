/**
 * Webhooks, their deliveries and the dispatch cursor: every statement of the webhook service (what
 * the API does), the dispatcher (change log to deliveries) and the delivery service (one attempt).
 *
 * Transactions stay the services' own: `transaction` opens one on one pooled client (BEGIN, COMMIT
 * when the work returns, ROLLBACK when it throws or ends early), and the statements that belong to
 * a transaction take it as their first argument, so they run on its client in the order the
 * service calls them, under the locks it took. The rest runs on the pool, or through Prisma.
 *
 * The dispatch cursor's row orders dispatch and creation: a batch holds it FOR UPDATE until it
 * commits (`lockCursor`), and webhook creation holds it FOR SHARE while it reads the log's head
 * (`shareCursor`), so a webhook is either seen by a batch or created after it.
 */
import type pg from 'pg';
import { CHANGE_LOG_COLUMNS, type LoggedChange } from '../events/change-log.repository.js';
import type {
  Prisma,
  PrismaClient,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
} from '../generated/prisma/client.js';
import type { ChangeBodyRow } from './webhook-payload.js';

/** The cursor row, created at the log's head (or before the oldest webhook's start, if older). */
export const ENSURE_CURSOR = `INSERT INTO webhook_dispatch_cursor (id, last_change_id)
  SELECT 1, LEAST(coalesce((SELECT max(id) FROM model_changes), 0),
                  coalesce((SELECT min(after_change_id) FROM webhooks), 9223372036854775807))
  ON CONFLICT (id) DO NOTHING`;

/** A transaction opened by `WebhookRepository.transaction`. */
export interface WebhookTransaction {
  readonly client: pg.PoolClient;
  /** End it now, writing nothing: `transaction` then returns what the work returns, without COMMIT. */
  rollback(): Promise<void>;
}

/** A webhook as the dispatcher matches changes against it. */
export interface ActiveWebhook {
  id: string;
  filter: unknown;
  after_change_id: string;
  enabled: boolean;
}

/** A delivery created by a dispatch batch. */
export interface CreatedDelivery {
  id: string;
  webhook_id: string;
  next_attempt_at: Date;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** A delivery with what an attempt needs of its webhook and of the webhook's key. */
export interface DeliveryToAttempt {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  change_ids: string[];
  webhook_id: string;
  url: string;
  secret: string;
  enabled: boolean;
  revoked: boolean;
}

/** What an update changes; the fields left out stay as they are. */
export interface WebhookPatch {
  readonly url?: string;
  readonly filter?: Record<string, unknown>;
  readonly secret?: string;
  /** Disable it: when, and why (shown to its owner). */
  readonly disabled?: { readonly at: Date; readonly reason: string };
}

export class WebhookRepository {
  /** `prisma` is needed by the API's operations only: the dispatcher and the delivery service run SQL on the pool. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly prisma: PrismaClient | null = null,
  ) {}

  private get db(): PrismaClient {
    if (this.prisma === null) throw new Error('this WebhookRepository was built without a Prisma client');
    return this.prisma;
  }

  /** The change-log rows of a delivery, in id order, with what its body says of each model. */
  async deliveryChanges(changeIds: readonly string[]): Promise<ChangeBodyRow[]> {
    const { rows } = await this.pool.query<ChangeBodyRow>(
      `SELECT c.id::text, c.kind, c.model_id, c.occurred_at, coalesce(c.changed_fields, '{}') AS changed_fields,
         c.before, c.after, coalesce(c.hub_id, m.hub_id) AS hub_id, m.repo_id, m.name, c.author, h.base_url,
         c.license_id, c.license_category, l.commercial_use, c.openness_level
       FROM model_changes c
       JOIN models m ON m.id = c.model_id
       LEFT JOIN hubs h ON h.id = m.hub_id
       LEFT JOIN licenses l ON l.id = c.license_id
       WHERE c.id = ANY($1::bigint[])
       ORDER BY c.id`,
      [changeIds],
    );
    return rows;
  }

  /** Run `work` in one transaction on one client of the pool. */
  async transaction<T>(work: (tx: WebhookTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let ended = false;
    try {
      await client.query('BEGIN');
      const result = await work({
        client,
        rollback: async () => {
          ended = true;
          await client.query('ROLLBACK');
        },
      });
      if (!ended) await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // Webhooks, for their owner (the API).

  listWebhooks(apiKeyId: string): Promise<Webhook[]> {
    return this.db.webhook.findMany({ where: { apiKeyId: BigInt(apiKeyId) }, orderBy: { id: 'asc' } });
  }

  /** The webhook if it is this key's, else null. */
  findWebhook(id: bigint, apiKeyId: string): Promise<Webhook | null> {
    return this.db.webhook.findFirst({ where: { id, apiKeyId: BigInt(apiKeyId) } });
  }

  getWebhook(id: bigint): Promise<Webhook> {
    return this.db.webhook.findUniqueOrThrow({ where: { id } });
  }

  countWebhooks(apiKeyId: string): Promise<number> {
    return this.db.webhook.count({ where: { apiKeyId: BigInt(apiKeyId) } });
  }

  /**
   * The quota, under concurrency: creations for one key take turns on the key's row (FOR NO KEY
   * UPDATE, held until the transaction ends), and the count returned, the one that decides, is
   * read inside that lock.
   */
  async lockQuota(tx: WebhookTransaction, apiKeyId: string): Promise<number> {
    await tx.client.query('SELECT 1 FROM api_keys WHERE id = $1::bigint FOR NO KEY UPDATE', [apiKeyId]);
    const { rows } = await tx.client.query<{ held: number }>(
      'SELECT count(*)::int AS held FROM webhooks WHERE api_key_id = $1::bigint',
      [apiKeyId],
    );
    return rows[0]?.held ?? 0;
  }

  /**
   * The dispatcher's row, shared (created first if missing): a batch in progress finishes first,
   * so a webhook inserted after this in the same transaction is either seen by a batch or starts
   * after it, and no change falls between the two.
   */
  async shareCursor(tx: WebhookTransaction): Promise<void> {
    await tx.client.query(ENSURE_CURSOR);
    await tx.client.query('SELECT 1 FROM webhook_dispatch_cursor WHERE id = 1 FOR SHARE');
  }

  /** A new webhook, starting after the log's head (take `shareCursor` first); returns its id. */
  async insertWebhook(
    tx: WebhookTransaction,
    webhook: { apiKeyId: string; url: string; filter: Record<string, unknown>; secret: string | null },
  ): Promise<string> {
    const { rows } = await tx.client.query<{ id: string }>(
      `INSERT INTO webhooks (api_key_id, url, filter, secret, after_change_id)
       VALUES ($1::bigint, $2, $3::jsonb, $4, (SELECT coalesce(max(id), 0) FROM model_changes))
       RETURNING id::text`,
      [webhook.apiKeyId, webhook.url, JSON.stringify(webhook.filter), webhook.secret],
    );
    return rows[0]!.id;
  }

  async updateWebhook(id: bigint, patch: WebhookPatch): Promise<void> {
    await this.db.webhook.update({
      where: { id },
      data: {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.filter !== undefined ? { filter: patch.filter as Prisma.InputJsonObject } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(patch.disabled !== undefined
          ? { enabled: false, disabledAt: patch.disabled.at, disabledReason: patch.disabled.reason }
          : {}),
      },
    });
  }

  /** Enable it, start its failure count over and make its pending deliveries due now, in one transaction. */
  async enableWebhook(id: bigint): Promise<void> {
    await this.db.$transaction([
      this.db.webhook.update({
        where: { id },
        data: { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 },
      }),
      this.db.webhookDelivery.updateMany({
        where: { webhookId: id, status: 'PENDING' },
        data: { nextAttemptAt: new Date() },
      }),
    ]);
  }

  /** Deletes the webhook if it is this key's; false if there was none to delete. */
  async deleteWebhook(id: bigint, apiKeyId: string): Promise<boolean> {
    const { count } = await this.db.webhook.deleteMany({ where: { id, apiKeyId: BigInt(apiKeyId) } });
    return count > 0;
  }

  // Deliveries, for their webhook's owner (the API).

  countPendingDeliveries(webhookId: bigint): Promise<number> {
    return this.db.webhookDelivery.count({ where: { webhookId, status: 'PENDING' } });
  }

  /** Ids of the webhook's pending deliveries after `after`, in id order. */
  async pendingDeliveryIds(webhookId: bigint, after: bigint, limit: number): Promise<bigint[]> {
    const pending = await this.db.webhookDelivery.findMany({
      where: { webhookId, status: 'PENDING', id: { gt: after } },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true },
    });
    return pending.map((delivery) => delivery.id);
  }

  /** The webhook's deliveries before `before` (all when null), newest first, each with its attempts in order. */
  deliveriesPage(
    webhookId: bigint,
    before: bigint | null,
    limit: number,
  ): Promise<(WebhookDelivery & { attemptRecords: WebhookDeliveryAttempt[] })[]> {
    return this.db.webhookDelivery.findMany({
      where: { webhookId, ...(before === null ? {} : { id: { lt: before } }) },
      orderBy: { id: 'desc' },
      take: limit,
      include: { attemptRecords: { orderBy: { id: 'asc' } } },
    });
  }

  countDeliveries(webhookId: bigint): Promise<number> {
    return this.db.webhookDelivery.count({ where: { webhookId } });
  }

  // Dispatch (one batch per transaction).

  /**
   * One dispatcher at a time: the cursor row (created first if missing), locked FOR UPDATE until
   * the transaction ends; returns the last change id dispatched. Another process's batch holds the
   * row for a moment at most, so no lock of this transaction is waited for more than 10 s.
   */
  async lockCursor(tx: WebhookTransaction): Promise<string> {
    await tx.client.query(`SET LOCAL lock_timeout = '10s'`);
    await tx.client.query(ENSURE_CURSOR);
    const { rows } = await tx.client.query<{ last: string }>(
      'SELECT last_change_id::text AS last FROM webhook_dispatch_cursor WHERE id = 1 FOR UPDATE',
    );
    return rows[0]?.last ?? '0';
  }

  /**
   * The webhooks of unrevoked keys, disabled ones included, in id order. Read after `lockCursor`,
   * so every webhook created before this batch is visible.
   */
  async listDispatchedWebhooks(tx: WebhookTransaction): Promise<ActiveWebhook[]> {
    const { rows } = await tx.client.query<ActiveWebhook>(
      `SELECT w.id::text, w.filter, w.after_change_id::text, w.enabled
       FROM webhooks w JOIN api_keys k ON k.id = w.api_key_id AND k.revoked_at IS NULL
       ORDER BY w.id`,
    );
    return rows;
  }

  /** Move the cursor to the log's head (never back), skipping what nobody is to be sent. */
  async advanceCursorToHead(tx: WebhookTransaction): Promise<void> {
    await tx.client.query(
      `UPDATE webhook_dispatch_cursor SET last_change_id = GREATEST(last_change_id, coalesce((SELECT max(id) FROM model_changes), 0)),
         updated_at = now() WHERE id = 1`,
    );
  }

  /**
   * Change-log rows after `cursor`, in id order: the log's own columns (as ChangeLog.read in
   * src/events/change-log.repository.ts), on the transaction's connection, one per dispatcher.
   */
  async readChangesAfter(tx: WebhookTransaction, cursor: string, limit: number): Promise<LoggedChange[]> {
    const { rows } = await tx.client.query<LoggedChange>(
      `SELECT ${CHANGE_LOG_COLUMNS} FROM model_changes c WHERE c.id > $1::bigint ORDER BY c.id LIMIT $2`,
      [cursor, limit],
    );
    return rows;
  }

  /** One pending delivery per entry, due now, all in one statement. */
  async insertDeliveries(
    tx: WebhookTransaction,
    deliveries: readonly { webhook_id: string; change_ids: readonly string[] }[],
  ): Promise<CreatedDelivery[]> {
    const { rows } = await tx.client.query<CreatedDelivery>(
      `INSERT INTO webhook_deliveries (webhook_id, change_ids, next_attempt_at)
       SELECT r.webhook_id, ARRAY(SELECT jsonb_array_elements_text(r.change_ids)::bigint), now()
       FROM jsonb_to_recordset($1::jsonb) AS r(webhook_id bigint, change_ids jsonb)
       RETURNING id::text, webhook_id::text, next_attempt_at`,
      [JSON.stringify(deliveries.map(({ webhook_id, change_ids }) => ({ webhook_id, change_ids })))],
    );
    return rows;
  }

  /**
   * The smallest change id webhooks still need, or null when they need none; change-log retention
   * keeps every month that holds one (src/events/change-retention.ts). Needed: the changes of
   * pending deliveries, which are read again at every attempt, and every change past the dispatch
   * position while any webhook is there to dispatch to. Webhooks of unrevoked keys count, disabled
   * ones too: their deliveries wait to be sent when they are enabled again.
   */
  async oldestNeededChangeId(): Promise<string | null> {
    const { rows } = await this.pool.query<{ needed: string | null }>(
      `WITH live AS (
         SELECT w.id, w.after_change_id FROM webhooks w JOIN api_keys k ON k.id = w.api_key_id AND k.revoked_at IS NULL
       )
       SELECT LEAST(
         (SELECT min(x) FROM webhook_deliveries d JOIN live ON live.id = d.webhook_id, unnest(d.change_ids) AS x
          WHERE d.status = 'PENDING'),
         (SELECT coalesce((SELECT last_change_id FROM webhook_dispatch_cursor WHERE id = 1), min(live.after_change_id)) + 1
          FROM live HAVING count(*) > 0)
       )::text AS needed`,
    );
    return rows[0]?.needed ?? null;
  }

  /** Move the cursor past `lastChangeId`, the last change of the batch. */
  async advanceCursor(tx: WebhookTransaction, lastChangeId: string): Promise<void> {
    await tx.client.query(
      'UPDATE webhook_dispatch_cursor SET last_change_id = $1::bigint, updated_at = now() WHERE id = 1',
      [lastChangeId],
    );
  }

  /**
   * A page of the pending deliveries of enabled webhooks of unrevoked keys, after `after` in id
   * order. With `overdueMs`, only those whose next attempt was due at least that long ago.
   */
  async pendingDeliveriesPage(
    after: string,
    overdueMs: number | null,
    limit: number,
  ): Promise<{ id: string; next_attempt_at: Date | null }[]> {
    const { rows } = await this.pool.query<{ id: string; next_attempt_at: Date | null }>(
      `SELECT d.id::text, d.next_attempt_at
       FROM webhook_deliveries d
       JOIN webhooks w ON w.id = d.webhook_id AND w.enabled
       JOIN api_keys k ON k.id = w.api_key_id AND k.revoked_at IS NULL
       WHERE d.status = 'PENDING' AND d.id > $1::bigint
         AND ($2::int IS NULL OR d.next_attempt_at <= now() - $2::int * interval '1 millisecond')
       ORDER BY d.id LIMIT $3`,
      [after, overdueMs, limit],
    );
    return rows;
  }

  // Attempts (one transaction records each).

  async loadDelivery(deliveryId: string): Promise<DeliveryToAttempt | undefined> {
    const { rows } = await this.pool.query<DeliveryToAttempt>(
      `SELECT d.id::text, d.status, d.attempts, d.change_ids::text[] AS change_ids, w.id::text AS webhook_id, w.url,
         w.secret, w.enabled, k.revoked_at IS NOT NULL AS revoked
       FROM webhook_deliveries d
       JOIN webhooks w ON w.id = d.webhook_id
       JOIN api_keys k ON k.id = w.api_key_id
       WHERE d.id = $1::bigint`,
      [deliveryId],
    );
    return rows[0];
  }

  /**
   * Count an attempt on the delivery and set its new state, only while it is still pending, so a
   * duplicate run cannot settle it twice. Returns its attempt count, or null if it was settled.
   */
  async settleDelivery(
    tx: WebhookTransaction,
    delivery: {
      id: string;
      status: DeliveryStatus;
      statusCode: number | null;
      error: string | null;
      nextAttemptAt: Date | null;
      delivered: boolean;
    },
  ): Promise<number | null> {
    const { rows } = await tx.client.query<{ attempts: number }>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2::"WebhookDeliveryStatus",
         last_status_code = $3, last_error = $4, next_attempt_at = $5,
         delivered_at = CASE WHEN $6::boolean THEN now() ELSE NULL END, updated_at = now()
       WHERE id = $1::bigint AND status = 'PENDING'
       RETURNING attempts`,
      [delivery.id, delivery.status, delivery.statusCode, delivery.error, delivery.nextAttemptAt, delivery.delivered],
    );
    return rows[0]?.attempts ?? null;
  }

  async insertAttempt(
    tx: WebhookTransaction,
    attempt: {
      deliveryId: string;
      number: number;
      statusCode: number | null;
      error: string | null;
      durationMs: number;
    },
  ): Promise<void> {
    await tx.client.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, number, status_code, error, duration_ms)
       VALUES ($1::bigint, $2, $3, $4, $5)`,
      [attempt.deliveryId, attempt.number, attempt.statusCode, attempt.error, attempt.durationMs],
    );
  }

  /** A delivery went through: the webhook's run of failures is over. */
  async resetFailures(tx: WebhookTransaction, webhookId: string): Promise<void> {
    await tx.client.query(
      `UPDATE webhooks SET consecutive_failures = 0, updated_at = now() WHERE id = $1::bigint AND consecutive_failures > 0`,
      [webhookId],
    );
  }

  /**
   * A delivery failed for good: one more in the webhook's run of failures. The run that reaches
   * `disableAfter` disables it, with `lastError` in the reason, and gets true (now() is this
   * transaction's instant: `disabled_at = now()` holds only in the transaction that disabled it).
   */
  async countFailure(
    tx: WebhookTransaction,
    webhookId: string,
    disableAfter: number,
    lastError: string,
  ): Promise<boolean> {
    const { rows } = await tx.client.query<{ just_disabled: boolean }>(
      `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
         enabled = enabled AND consecutive_failures + 1 < $2,
         disabled_at = CASE WHEN enabled AND consecutive_failures + 1 >= $2 THEN now() ELSE disabled_at END,
         disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= $2
           THEN format('disabled after %s deliveries in a row failed; the last: %s', consecutive_failures + 1, $3::text)
           ELSE disabled_reason END,
         updated_at = now()
       WHERE id = $1::bigint
       RETURNING NOT enabled AND disabled_at = now() AS just_disabled`,
      [webhookId, disableAfter, lastError],
    );
    return rows[0]?.just_disabled === true;
  }
}
