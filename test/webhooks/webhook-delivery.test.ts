/**
 * Webhook delivery end to end, in-process: changes committed by the ingest path and announced on
 * Redis, the real dispatcher, the real delivery job on a real BullMQ worker, real HTTP receivers
 * on 127.0.0.1 (loopback allowed, as tests must). Signatures are checked here with node:crypto,
 * independently of the signing code; expectations are computed from what the test wrote.
 */
import { createHmac } from 'node:crypto';
import type { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import type { Webhook } from '../../src/generated/prisma/client.js';
import { AddressGuard } from '../../src/webhooks/ssrf.js';
import { buildCatalogModel, buildOpenness, NON_COMMERCIAL_LICENSE } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { deliveriesOf, seedOwner, startPipeline, type Pipeline } from './harness.js';
import { Receiver, type ReceivedRequest } from './receiver.js';

const db = useTestDatabase();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function pipeline(options: Parameters<typeof startPipeline>[1] = {}): Promise<Pipeline> {
  const started = await startPipeline(db, options);
  cleanup.push(() => started.stop());
  return started;
}

async function receiver(answer?: Parameters<typeof Receiver.start>[0]): Promise<Receiver> {
  const started = await Receiver.start(answer);
  cleanup.push(() => started.stop());
  return started;
}

async function webhook(p: Pipeline, url: string, input: { filter?: unknown; secret?: string } = {}): Promise<Webhook> {
  const { principal } = await seedOwner(db, `key-${Math.random()}`);
  const result = await p.service.create(principal, { url, ...input });
  expect(result.errors).toEqual([]);
  return result.webhook!;
}

/** The receiver's check of X-Catalog-Signature, written from the documented scheme (Stripe's). */
function verifySignature(secret: string, request: ReceivedRequest): void {
  const header = String(request.headers['x-catalog-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match, header).not.toBeNull();
  const [, t, v1] = match!;
  const expected = createHmac('sha256', secret).update(`${t}.${request.rawBody}`, 'utf8').digest('hex');
  expect(v1).toBe(expected);
  expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60);
  const forged = createHmac('sha256', `${secret}-other`).update(`${t}.${request.rawBody}`).digest('hex');
  expect(v1).not.toBe(forged);
}

interface Body {
  deliveryId: string;
  webhookId: string;
  event: string;
  changes: {
    id: string;
    kind: string;
    modelId: string;
    occurredAt: string;
    changedFields: string[];
    model: { id: string; url: string; license: unknown; opennessLevel: string | null };
  }[];
}
const bodyOf = (request: ReceivedRequest) => JSON.parse(request.rawBody) as Body;

const NON_COMMERCIAL = NON_COMMERCIAL_LICENSE;
const nonCommercial = (repoId: string) =>
  buildCatalogModel(repoId, { openness: buildOpenness({ license: NON_COMMERCIAL, level: 'WEIGHTS_RESTRICTED' }) });

describe('a delivery', () => {
  it('is signed (verified here with node:crypto) and carries the committed changes', async () => {
    const p = await pipeline();
    const endpoint = await receiver();
    const secret = 'given-secret-0123456789';
    const hook = await webhook(p, endpoint.url('/catalog?x=1'), { secret });

    const committed = await p.writer.write([buildCatalogModel('org/alpha'), buildCatalogModel('org/beta')]);
    await expectEventually(() => expect(endpoint.requests).toHaveLength(1));
    const [request] = endpoint.requests;
    verifySignature(secret, request!);

    const [delivery] = await deliveriesOf(db, hook.id);
    expect(request).toMatchObject({ method: 'POST', path: '/catalog?x=1' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-catalog-event': 'model.changed',
      'x-catalog-delivery': delivery!.id.toString(),
      'x-catalog-webhook': hook.id.toString(),
      'x-catalog-attempt': '1',
    });
    expect(request!.headers['user-agent']).toMatch(/^open-model-catalog-webhooks\//);
    const body = bodyOf(request!);
    expect(body).toMatchObject({ deliveryId: delivery!.id.toString(), webhookId: hook.id.toString() });
    expect(body.changes.map((c) => [c.id, c.kind, c.modelId])).toEqual(
      committed.map((c) => [c.id, 'CREATED', c.modelId]),
    );
    expect(body.changes[0]!.model).toEqual({
      id: 'huggingface:org/alpha',
      hub: 'huggingface',
      repoId: 'org/alpha',
      name: 'alpha',
      author: 'org',
      url: 'https://huggingface.co/org/alpha',
      license: { id: 'MIT', category: 'PERMISSIVE', commercialUse: 'ALLOWED' },
      opennessLevel: 'OPEN_WEIGHTS',
    });
    expect(body.changes[0]!.changedFields).toContain('license');

    await expectEventually(async () => {
      const [settled] = await deliveriesOf(db, hook.id);
      expect(settled).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
      expect(settled!.deliveredAt).toBeInstanceOf(Date);
      expect(settled!.attemptRecords.map((a) => [a.number, a.statusCode, a.error])).toEqual([[1, 200, null]]);
    });
  });

  it('is retried with backoff on 5xx under the same delivery id, every attempt recorded, until delivered', async () => {
    const p = await pipeline({ env: { WEBHOOK_ATTEMPTS: '5', WEBHOOK_BACKOFF_MS: '60' } });
    const statuses = [500, 503, 200];
    const endpoint = await receiver((_request, index) => ({ status: statuses[index] ?? 200, body: 'busy' }));
    const secret = 'retry-secret-0123456789';
    const hook = await webhook(p, endpoint.url(), { secret });

    await p.writer.write([buildCatalogModel('org/gamma')]);
    await expectEventually(async () => {
      const [delivery] = await deliveriesOf(db, hook.id);
      expect(delivery?.status).toBe('DELIVERED');
    });
    expect(endpoint.requests).toHaveLength(3);
    const ids = new Set(endpoint.requests.map((request) => request.headers['x-catalog-delivery']));
    expect(ids.size).toBe(1);
    expect(endpoint.requests.map((request) => request.headers['x-catalog-attempt'])).toEqual(['1', '2', '3']);
    for (const request of endpoint.requests) verifySignature(secret, request);
    // Exponential: about 60 ms, then about 120 ms (BullMQ's timers are not exact; allow slack).
    const gaps = endpoint.requests.slice(1).map((request, i) => request.receivedAt - endpoint.requests[i]!.receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);

    const [delivery] = await deliveriesOf(db, hook.id);
    expect(delivery!.attempts).toBe(3);
    expect(delivery!.attemptRecords.map((a) => [a.number, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500: busy'],
      [2, 503, 'HTTP 503: busy'],
      [3, 200, null],
    ]);
    expect((await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })).consecutiveFailures).toBe(0);
  });

  it('fails at once on a 4xx other than 408/429, without retrying', async () => {
    const p = await pipeline();
    const endpoint = await receiver(() => ({ status: 400, body: 'unknown event' }));
    const hook = await webhook(p, endpoint.url());
    await p.writer.write([buildCatalogModel('org/delta')]);
    await expectEventually(async () => expect((await deliveriesOf(db, hook.id))[0]?.status).toBe('FAILED'));
    // Give a wrongly scheduled retry the time to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(endpoint.requests).toHaveLength(1);
    const [delivery] = await deliveriesOf(db, hook.id);
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400: unknown event' });
    expect(delivery!.nextAttemptAt).toBeNull();
    expect((await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })).consecutiveFailures).toBe(1);
  });

  it('retries 429 and 408, and gives up after the configured attempts', async () => {
    const p = await pipeline({ env: { WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '20' } });
    const statuses = [429, 408, 500];
    const endpoint = await receiver((_request, index) => ({ status: statuses[index] ?? 500 }));
    const hook = await webhook(p, endpoint.url());
    await p.writer.write([buildCatalogModel('org/epsilon')]);
    await expectEventually(async () => expect((await deliveriesOf(db, hook.id))[0]?.status).toBe('FAILED'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(endpoint.requests).toHaveLength(3);
    const [delivery] = await deliveriesOf(db, hook.id);
    expect(delivery!.attemptRecords.map((a) => a.statusCode)).toEqual([429, 408, 500]);
    expect(delivery!.lastError).toBe('HTTP 500 (gave up after 3 attempts)');
  });
});

describe('a slow or hanging endpoint', () => {
  it('times out without delaying a healthy webhook', async () => {
    // A timeout long enough that a loaded CI machine still delivers the healthy webhook well inside it.
    const p = await pipeline({ env: { WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_ATTEMPTS: '1' } });
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver();
    const stuck = await webhook(p, hanging.url());
    await webhook(p, healthy.url());

    const started = Date.now();
    await p.writer.write([buildCatalogModel('org/zeta')]);
    await expectEventually(() => expect(healthy.requests).toHaveLength(1), 10_000, 10);
    // Delivered while the hanging endpoint still holds its request. The two deliveries run side by
    // side, so the hanging endpoint's request may arrive a moment after the healthy one's.
    expect(healthy.requests[0]!.receivedAt - started).toBeLessThan(3_000);
    await expectEventually(() => expect(hanging.requests).toHaveLength(1), 2_000, 10);
    expect(hanging.inFlight).toBe(1);

    await expectEventually(async () => expect((await deliveriesOf(db, stuck.id))[0]?.status).toBe('FAILED'), 10_000);
    const [attempt] = (await deliveriesOf(db, stuck.id))[0]!.attemptRecords;
    expect(attempt).toMatchObject({ statusCode: null, error: 'timed out after 3000 ms' });
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(2_950);
    expect(attempt!.durationMs).toBeLessThan(6_000);
  });

  it('holds at most a few delivery slots while many of its deliveries wait, so others keep flowing', async () => {
    // Concurrency 8: a webhook gets at most 2 slots of this process; one change per batch.
    const p = await pipeline({
      env: {
        WEBHOOK_TIMEOUT_MS: '3000',
        WEBHOOK_ATTEMPTS: '1',
        WEBHOOK_CONCURRENCY: '8',
        WEBHOOK_DISABLE_AFTER: '100',
      },
      dispatcher: { batchSize: 1 },
    });
    expect(p.deliveries.perWebhookLimit).toBe(2);
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver(() => ({ status: 204, delayMs: 20 }));
    const stuck = await webhook(p, hanging.url());
    const fine = await webhook(p, healthy.url());

    const started = Date.now();
    await p.writer.write(Array.from({ length: 8 }, (_, i) => buildCatalogModel(`org/many-${i}`)));
    await expectEventually(() => expect(healthy.requests).toHaveLength(8), 10_000, 10);
    // All eight healthy deliveries before the hanging ones could even have been tried twice over.
    expect(Date.now() - started).toBeLessThan(6_000);
    await expectEventually(async () =>
      expect((await deliveriesOf(db, fine.id)).map((d) => d.status)).toEqual(Array(8).fill('DELIVERED')),
    );
    expect(hanging.maxInFlight).toBeLessThanOrEqual(2);
    expect((await deliveriesOf(db, stuck.id)).length).toBe(8);
  });
});

describe('shutdown', () => {
  it('ends an attempt in flight at once, records it and leaves the delivery to be retried', async () => {
    const p = await pipeline({ env: { WEBHOOK_TIMEOUT_MS: '60000', WEBHOOK_BACKOFF_MS: '60000' } });
    const hanging = await receiver(() => 'hang');
    const hook = await webhook(p, hanging.url());
    await p.writer.write([buildCatalogModel('org/hang')]);
    await expectEventually(() => expect(hanging.requests).toHaveLength(1));
    const stopping = Date.now();
    p.deliveries.stop();
    await expectEventually(async () => {
      const [delivery] = await deliveriesOf(db, hook.id);
      expect(delivery).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        lastError: 'interrupted: the worker is shutting down',
      });
      expect(delivery!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    });
    // At once: far inside the 60 s timeout (slack for a loaded machine).
    expect(Date.now() - stopping).toBeLessThan(5_000);
  });
});

describe('the failure run', () => {
  it('disables the webhook after the configured run of failed deliveries; enabling it resumes where it stopped', async () => {
    const p = await pipeline({ env: { WEBHOOK_ATTEMPTS: '2', WEBHOOK_BACKOFF_MS: '20', WEBHOOK_DISABLE_AFTER: '2' } });
    let failing = true;
    const endpoint = await receiver(() => ({ status: failing ? 502 : 200, body: failing ? 'bad gateway' : '' }));
    const secret = 'disable-secret-0123456789';
    const hook = await webhook(p, endpoint.url(), { secret });

    const settled = async (count: number) =>
      expectEventually(async () => {
        const rows = await deliveriesOf(db, hook.id);
        expect(rows).toHaveLength(count);
        expect(rows.every((d) => d.status !== 'PENDING')).toBe(true);
      });
    await p.writer.write([buildCatalogModel('org/one')]);
    await settled(1);
    let state = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(state).toMatchObject({ enabled: true, consecutiveFailures: 1 });

    await p.writer.write([buildCatalogModel('org/two')]);
    await settled(2);
    state = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(state).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(state.disabledAt).toBeInstanceOf(Date);
    expect(state.disabledReason).toBe(
      'disabled after 2 deliveries in a row failed; the last: HTTP 502: bad gateway (gave up after 2 attempts)',
    );
    expect(endpoint.requests).toHaveLength(4);

    // Disabled: the next change is recorded but held, not sent.
    const [third] = await p.writer.write([buildCatalogModel('org/three')]);
    await expectEventually(async () => expect(await deliveriesOf(db, hook.id)).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(endpoint.requests).toHaveLength(4);
    expect((await deliveriesOf(db, hook.id))[2]).toMatchObject({ status: 'PENDING', attempts: 0 });

    // The owner fixes the endpoint and enables the webhook: the held delivery goes out.
    failing = false;
    const owner = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: hook.apiKeyId } });
    const enabled = await p.service.enable(
      { id: owner.id.toString(), name: owner.name, prefix: owner.prefix, scopes: ['webhooks'] },
      hook.id.toString(),
    );
    expect(enabled.webhook).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    await expectEventually(async () => expect((await deliveriesOf(db, hook.id))[2]?.status).toBe('DELIVERED'));
    const resumed = endpoint.requests.at(-1)!;
    expect(endpoint.requests).toHaveLength(5);
    verifySignature(secret, resumed);
    expect(bodyOf(resumed).changes.map((c) => c.id)).toEqual([third!.id]);
  });
});

describe('filters', () => {
  it('deliver to each webhook only the changes its filter matches', async () => {
    const p = await pipeline();
    const endpoints = await Promise.all([receiver(), receiver(), receiver()]);
    await webhook(p, endpoints[0].url(), { filter: { licenseCategories: ['NON_COMMERCIAL'] } });
    await webhook(p, endpoints[1].url(), { filter: { kinds: ['LICENSE_CHANGED'], authors: ['org'] } });
    await webhook(p, endpoints[2].url(), { filter: { minOpennessLevel: 'OPEN_WEIGHTS' } });

    const [created] = await p.writer.write([buildCatalogModel('org/a')]);
    const [otherCreated] = await p.writer.write([nonCommercial('other/b')]);
    const [relicensed] = await p.writer.write([nonCommercial('org/a')]);
    expect(relicensed!.kind).toBe('LICENSE_CHANGED');

    // Computed from what was written: the state after each change decides.
    const expected = [
      [otherCreated!.id, relicensed!.id], // non-commercial after the change
      [relicensed!.id], // a license change by org
      [created!.id], // at least OPEN_WEIGHTS after the change (the relicensed model is WEIGHTS_RESTRICTED)
    ];
    const received = (endpoint: Receiver) =>
      endpoint.requests.flatMap((request) => bodyOf(request).changes.map((c) => c.id)).sort();
    await expectEventually(() => expect(endpoints.map(received)).toEqual(expected.map((ids) => [...ids].sort())));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(endpoints.map(received)).toEqual(expected.map((ids) => [...ids].sort()));
  });
});

describe('the SSRF guard at delivery time', () => {
  /** A resolver under the test's control: every name resolves to `address` (DNS rebinding). */
  const resolvingTo = (address: string): typeof dnsLookup =>
    ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
      callback(null, [{ address, family: 4 }])) as unknown as typeof dnsLookup;

  it('refuses a host that now resolves to a loopback address, sends nothing, and does not retry', async () => {
    const guard = new AddressGuard({ httpsOnly: false, allowNetworks: [] }, resolvingTo('127.0.0.1'));
    const p = await pipeline({ guard });
    const endpoint = await receiver();
    // Created when the name still resolved to a public address (bypassing the creation check here).
    const { principal } = await seedOwner(db);
    const hook = await db.prisma.webhook.create({
      data: {
        apiKeyId: BigInt(principal.id),
        url: `http://rebinding.example:${endpoint.port}/hook`,
        secret: 'rebinding-secret-0123456789',
        afterChangeId: 0n,
      },
    });
    await p.writer.write([buildCatalogModel('org/rebind')]);
    await expectEventually(async () => expect((await deliveriesOf(db, hook.id))[0]?.status).toBe('FAILED'));
    const [delivery] = await deliveriesOf(db, hook.id);
    expect(delivery!.attempts).toBe(1);
    expect(delivery!.lastError).toContain('127.0.0.1 is a loopback address');
    expect(endpoint.requests).toHaveLength(0);
  });

  it('refuses localhost (resolved by the system) when loopback is not allowed', async () => {
    const p = await pipeline({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: '' } });
    const endpoint = await receiver();
    const { principal } = await seedOwner(db);
    const hook = await db.prisma.webhook.create({
      data: {
        apiKeyId: BigInt(principal.id),
        url: `http://localhost:${endpoint.port}/hook`,
        secret: 'localhost-secret-0123456789',
        afterChangeId: 0n,
      },
    });
    await p.writer.write([buildCatalogModel('org/local')]);
    await expectEventually(async () => expect((await deliveriesOf(db, hook.id))[0]?.status).toBe('FAILED'));
    expect((await deliveriesOf(db, hook.id))[0]!.lastError).toMatch(
      /refused to connect: localhost resolves to .* loopback/,
    );
    expect(endpoint.requests).toHaveLength(0);
  });
});
