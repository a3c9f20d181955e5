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
import { toWebhookChange, WEBHOOK_EVENT, type WebhookBody } from './webhook-payload.js';
import { WebhookRepository, type DeliveryToAttempt } from './webhook.repository.js';

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
  private readonly repository: WebhookRepository;

  constructor(private readonly deps: WebhookDeliveryServiceDeps) {
    this.guard = deps.guard ?? new AddressGuard(deps.config);
    this.repository = new WebhookRepository(deps.pool);
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
    const delivery = await this.repository.loadDelivery(deliveryId);
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

  /** One signed POST. The URL is checked again (the configuration may have changed since creation). */
  private async attempt(delivery: DeliveryToAttempt): Promise<AttemptResult> {
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
      changes: (await this.repository.deliveryChanges(delivery.change_ids)).map(toWebhookChange),
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
  private async record(delivery: DeliveryToAttempt, result: AttemptResult, job: JobAttempts): Promise<DeliveryOutcome> {
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

    const { repository } = this;
    // Whether this run disabled the webhook; null when another run settled the delivery meanwhile.
    const webhookDisabled = await repository.transaction(async (tx) => {
      const attempts = await repository.settleDelivery(tx, {
        id: delivery.id,
        status,
        statusCode: result.statusCode,
        error: finalError,
        nextAttemptAt,
        delivered,
      });
      if (attempts === null) {
        await tx.rollback();
        return null;
      }
      await repository.insertAttempt(tx, {
        deliveryId: delivery.id,
        number: attempts,
        statusCode: result.statusCode,
        error,
        durationMs: result.durationMs,
      });
      if (status === 'DELIVERED') await repository.resetFailures(tx, delivery.webhook_id);
      if (status !== 'FAILED') return false;
      // The run that reaches `disableAfter` disables it.
      return repository.countFailure(tx, delivery.webhook_id, config.disableAfter, finalError ?? 'unknown error');
    });
    if (webhookDisabled === null) return { kind: 'SKIPPED', reason: 'settled by another run meanwhile' };

    const log = { deliveryId: delivery.id, webhookId: delivery.webhook_id, statusCode: result.statusCode };
    if (status === 'DELIVERED') return { kind: 'DELIVERED', statusCode: result.statusCode! };
    if (retry) return { kind: 'RETRY', error: error ?? 'failed', nextAttemptAt: nextAttemptAt! };
    this.deps.logger.warn({ ...log, err: finalError }, 'webhook delivery failed');
    if (webhookDisabled)
      this.deps.logger.warn({ webhookId: delivery.webhook_id }, 'webhook disabled after a run of failed deliveries');
    return { kind: 'FAILED', error: finalError ?? 'failed', webhookDisabled };
  }
}
