/**
 * One run of a delivery job: load the delivery, POST its signed body (one attempt), record the
 * attempt, and decide — delivered, retry (BullMQ retries the job with exponential backoff),
 * failed for good, or held (the webhook is disabled: the delivery waits for `enableWebhook`).
 *
 * Retried: 5xx, 408, 429, timeouts and network errors. Failed at once: any other answer (3xx,
 * 4xx) and an address the SSRF guard refuses, which retrying cannot change. A webhook whose
 * deliveries fail for good `disableAfter` times in a row is disabled, with the reason.
 *
 * A slow endpoint holds at most `perWebhookLimit` of this process's delivery slots: a job beyond
 * that is put back (delayed a moment) instead of waiting in a slot, so other webhooks keep moving.
 *
 * Postgres down is not the endpoint's failure: the run ends UNAVAILABLE, without using up one of
 * the delivery's attempts (BullMQ's backoff would grow to minutes), and is tried again within a
 * few seconds (capped backoff while the outage lasts), so deliveries resume soon after it ends.
 */
import type pg from 'pg';
import type { WebhookConfig } from '../config/config.js';
import { dependencyOutage } from '../lib/dependencies.js';
import type { Logger } from '../lib/logger.js';
import { backoffDelay } from '../lib/retry.js';
import { signatureHeader, SIGNATURE_HEADER } from './signature.js';
import { AddressGuard, WebhookUrlRefusal } from './ssrf.js';
import { postJson, type AttemptResult } from './webhook-http.js';
import { readDeliveryChanges, WEBHOOK_EVENT, type WebhookBody } from './webhook-payload.js';

export const USER_AGENT = 'open-model-catalog-webhooks/1.0';

/** What a run of a delivery job did. */
export type DeliveryOutcome =
  | { readonly kind: 'DELIVERED'; readonly statusCode: number }
  /** Attempt failed and will be retried; the job must fail so that BullMQ schedules the retry. */
  | { readonly kind: 'RETRY'; readonly error: string; readonly nextAttemptAt: Date }
  | { readonly kind: 'FAILED'; readonly error: string; readonly webhookDisabled: boolean }
  /** The webhook is disabled (or its key revoked): no attempt; the delivery stays pending. */
  | { readonly kind: 'HELD' }
  /** Nothing to do: the delivery is settled, or gone with its webhook. */
  | { readonly kind: 'SKIPPED'; readonly reason: string }
  /** This process already has `perWebhookLimit` attempts in flight to the webhook: try again shortly. */
  | { readonly kind: 'DEFERRED' }
  /** Postgres is down: no attempt counted; try again in `retryInMs`. */
  | { readonly kind: 'UNAVAILABLE'; readonly retryInMs: number };

/** Where the job stands in BullMQ's retries (job.attemptsMade before this run, job.opts.attempts). */
export interface JobAttempts {
  readonly attemptsMade: number;
  readonly maxAttempts: number;
}

interface DeliveryRow {
  id: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  change_ids: string[];
  webhook_id: string;
  url: string;
  secret: string;
  enabled: boolean;
  revoked: boolean;
}

export interface WebhookDeliveryServiceDeps {
  readonly pool: pg.Pool;
  readonly config: WebhookConfig;
  readonly logger: Logger;
  /** The guard's lookup is injectable for tests (a host name that resolves to a chosen address). */
  readonly guard?: AddressGuard;
  readonly clock?: () => Date;
}

/** Retried: the endpoint may answer differently later. */
export function isRetryable(result: AttemptResult): boolean {
  if (result.refused) return false;
  if (result.statusCode === null) return true;
  return result.statusCode >= 500 || result.statusCode === 408 || result.statusCode === 429;
}

/** Runs postponed by an outage wait this long at first, doubling (jittered) to the cap. */
export const UNAVAILABLE_RETRY_MS = { first: 500, max: 3_000 } as const;

export class WebhookDeliveryService {
  private readonly guard: AddressGuard;
  private readonly inFlight = new Map<string, number>();
  /** Deliveries being attempted by this process (a job queued again meanwhile must not send it twice). */
  private readonly attempting = new Set<string>();
  private readonly aborter = new AbortController();
  /** Runs in a row postponed by an outage, for the backoff; 0 once Postgres answers again. */
  private outageStreak = 0;
  readonly perWebhookLimit: number;

  constructor(private readonly deps: WebhookDeliveryServiceDeps) {
    this.guard = deps.guard ?? new AddressGuard(deps.config);
    this.perWebhookLimit = Math.max(1, Math.floor(deps.config.concurrency / 4));
  }

  /**
   * Shutdown: end the attempts in flight at once (each is recorded and retried later) so that the
   * worker's close does not wait out WEBHOOK_TIMEOUT_MS on a hanging endpoint.
   */
  stop(): void {
    this.aborter.abort();
  }

  async deliver(deliveryId: string, job: JobAttempts): Promise<DeliveryOutcome> {
    // Its job was queued again while this process still attempts it (Redis lost its jobs and the
    // dispatcher re-queued the pending deliveries): look again once this attempt is recorded.
    if (this.attempting.has(deliveryId)) return { kind: 'DEFERRED' };
    try {
      const outcome = await this.deliverOnce(deliveryId, job);
      this.outageStreak = 0;
      return outcome;
    } catch (error) {
      const outage = dependencyOutage(error);
      if (!outage) throw error;
      // Before the POST nothing was sent; after it (the attempt could not be recorded) the
      // endpoint may get this delivery again, with the same X-Catalog-Delivery id.
      const retryInMs = backoffDelay(++this.outageStreak, UNAVAILABLE_RETRY_MS.first, UNAVAILABLE_RETRY_MS.max);
      this.deps.logger.warn(
        { err: error, outage, deliveryId, retryInMs },
        'webhook delivery postponed: a dependency is unavailable',
      );
      return { kind: 'UNAVAILABLE', retryInMs };
    }
  }

  private async deliverOnce(deliveryId: string, job: JobAttempts): Promise<DeliveryOutcome> {
    const delivery = await this.load(deliveryId);
    if (!delivery) return { kind: 'SKIPPED', reason: 'the delivery is gone (its webhook was deleted)' };
    if (delivery.status !== 'PENDING') return { kind: 'SKIPPED', reason: `already ${delivery.status}` };
    if (!delivery.enabled || delivery.revoked) return { kind: 'HELD' };

    const inFlight = this.inFlight.get(delivery.webhook_id) ?? 0;
    if (inFlight >= this.perWebhookLimit || this.attempting.has(deliveryId)) return { kind: 'DEFERRED' };
    this.inFlight.set(delivery.webhook_id, inFlight + 1);
    this.attempting.add(deliveryId);
    try {
      let result: AttemptResult;
      try {
        result = await this.attempt(delivery);
      } finally {
        const left = (this.inFlight.get(delivery.webhook_id) ?? 1) - 1;
        if (left > 0) this.inFlight.set(delivery.webhook_id, left);
        else this.inFlight.delete(delivery.webhook_id);
      }
      return await this.record(delivery, result, job);
    } finally {
      this.attempting.delete(deliveryId);
    }
  }

  private async load(deliveryId: string): Promise<DeliveryRow | undefined> {
    const { rows } = await this.deps.pool.query<DeliveryRow>(
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

  /** One signed POST. The URL is checked again (the configuration may have changed since creation). */
  private async attempt(delivery: DeliveryRow): Promise<AttemptResult> {
    let url: URL;
    try {
      url = this.guard.parseUrl(delivery.url);
    } catch (error) {
      if (!(error instanceof WebhookUrlRefusal)) throw error;
      return { statusCode: null, error: `refused: ${error.message}`, durationMs: 0, refused: true };
    }
    const body: WebhookBody = {
      deliveryId: delivery.id,
      webhookId: delivery.webhook_id,
      event: WEBHOOK_EVENT,
      changes: await readDeliveryChanges(this.deps.pool, delivery.change_ids),
    };
    const json = JSON.stringify(body);
    const now = this.deps.clock?.() ?? new Date();
    return postJson(
      url,
      json,
      {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'X-Catalog-Event': WEBHOOK_EVENT,
        'X-Catalog-Delivery': delivery.id,
        'X-Catalog-Webhook': delivery.webhook_id,
        'X-Catalog-Attempt': String(delivery.attempts + 1),
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, json, now),
      },
      { timeoutMs: this.deps.config.timeoutMs, lookup: this.guard.guardedLookup(), signal: this.aborter.signal },
    );
  }

  /**
   * The attempt, the delivery's new state and the webhook's failure run, in one transaction. The
   * delivery is updated only while still pending, so a duplicate run cannot settle it twice.
   */
  private async record(delivery: DeliveryRow, result: AttemptResult, job: JobAttempts): Promise<DeliveryOutcome> {
    const { config } = this.deps;
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retry = !delivered && isRetryable(result) && job.attemptsMade + 1 < job.maxAttempts;
    // BullMQ's exponential backoff: delay × 2^(failures so far − 1), failures counting this one.
    const nextAttemptAt = retry ? new Date(Date.now() + config.backoffMs * 2 ** job.attemptsMade) : null;
    const status = delivered ? 'DELIVERED' : retry ? 'PENDING' : 'FAILED';
    const error =
      result.error ?? (delivered ? null : `HTTP ${result.statusCode ?? '?'}`); /* an answer without a usable status */
    const finalError =
      status === 'FAILED' && isRetryable(result) ? `${error} (gave up after ${job.attemptsMade + 1} attempts)` : error;

    const client = await this.deps.pool.connect();
    let webhookDisabled = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ attempts: number }>(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2::"WebhookDeliveryStatus",
           last_status_code = $3, last_error = $4, next_attempt_at = $5,
           delivered_at = CASE WHEN $6::boolean THEN now() ELSE NULL END, updated_at = now()
         WHERE id = $1::bigint AND status = 'PENDING'
         RETURNING attempts`,
        [delivery.id, status, result.statusCode, finalError, nextAttemptAt, delivered],
      );
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return { kind: 'SKIPPED', reason: 'settled by another run meanwhile' };
      }
      await client.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, number, status_code, error, duration_ms)
         VALUES ($1::bigint, $2, $3, $4, $5)`,
        [delivery.id, rows[0]!.attempts, result.statusCode, error, result.durationMs],
      );
      if (status === 'DELIVERED') {
        await client.query(
          `UPDATE webhooks SET consecutive_failures = 0, updated_at = now() WHERE id = $1::bigint AND consecutive_failures > 0`,
          [delivery.webhook_id],
        );
      } else if (status === 'FAILED') {
        // The run that reaches `disableAfter` disables it (now() is this transaction's instant).
        const { rows: webhook } = await client.query<{ just_disabled: boolean }>(
          `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
             enabled = enabled AND consecutive_failures + 1 < $2,
             disabled_at = CASE WHEN enabled AND consecutive_failures + 1 >= $2 THEN now() ELSE disabled_at END,
             disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= $2
               THEN format('disabled after %s deliveries in a row failed; the last: %s', consecutive_failures + 1, $3::text)
               ELSE disabled_reason END,
             updated_at = now()
           WHERE id = $1::bigint
           RETURNING NOT enabled AND disabled_at = now() AS just_disabled`,
          [delivery.webhook_id, config.disableAfter, finalError ?? 'unknown error'],
        );
        webhookDisabled = webhook[0]?.just_disabled === true;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }

    const log = { deliveryId: delivery.id, webhookId: delivery.webhook_id, statusCode: result.statusCode };
    if (status === 'DELIVERED') return { kind: 'DELIVERED', statusCode: result.statusCode! };
    if (retry) return { kind: 'RETRY', error: error ?? 'failed', nextAttemptAt: nextAttemptAt! };
    this.deps.logger.warn({ ...log, err: finalError }, 'webhook delivery failed');
    if (webhookDisabled)
      this.deps.logger.warn({ webhookId: delivery.webhook_id }, 'webhook disabled after a run of failed deliveries');
    return { kind: 'FAILED', error: finalError ?? 'failed', webhookDisabled };
  }
}
