/**
 * Abuse of the write paths a client reaches with an API key, against a real API over HTTP:
 *
 * - 40 `createWebhook` calls at once from one key (and 40 more from a second key, at the same
 *   time) → exactly MAX_WEBHOOKS_PER_KEY webhooks per key; every other call answers the payload
 *   error TOO_MANY_WEBHOOKS; no call fails with an internal error;
 * - a webhook URL with a NUL byte, a line break or a lone surrogate → refused (BAD_USER_INPUT from
 *   the API's argument check, or INVALID_URL from the service behind it), never stored, never a
 *   500. Refused rather than repaired: a repaired URL would be an address the client never gave;
 * - the service itself, whoever calls it: INVALID_URL for such a URL, and filter strings with
 *   NUL / lone surrogates stored cleaned (they are compared with cleaned catalog values);
 * - an API key name with a NUL byte or a lone surrogate → stored cleaned (it is a label for people;
 *   the CLI cannot pass a NUL in argv, so the repository, its one writer, is the check).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { MAX_WEBHOOKS_PER_KEY, WebhookService } from '../../src/webhooks/webhook.service.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import { seedOwner, webhookConfig } from '../webhooks/harness.js';

const db = useTestDatabase();
const keys = new ApiKeyRepository(db.prisma);
const running: RunningApi[] = [];
const redis = new Redis(inject('redisUrl'));
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});
afterAll(() => redis.quit());

async function api(): Promise<RunningApi> {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({})));
  const started = await startApi({
    db,
    redisUrl: inject('redisUrl'),
    queuePrefix: `test-${randomBytes(4).toString('hex')}`,
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' },
  });
  running.push(started);
  return started;
}

const CREATE = `mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id url } errors { code field message } }
}`;

interface CreateResponse {
  status: number;
  body: {
    data?: { createWebhook: { webhook: { id: string; url: string } | null; errors: { code: string }[] } } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

async function createWebhook(apiUrl: string, key: string, input: Record<string, unknown>): Promise<CreateResponse> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: CREATE, variables: { input } }),
  });
  return { status: response.status, body: (await response.json()) as CreateResponse['body'] };
}

/** What one call ended as: `created`, a payload error code, or a GraphQL error code. */
function outcomeOf(response: CreateResponse): string {
  const payload = response.body.data?.createWebhook;
  if (payload?.webhook) return 'created';
  if (payload?.errors[0]) return payload.errors[0].code;
  return response.body.errors?.[0]?.extensions?.code ?? `HTTP ${response.status}`;
}

const webhookRows = async (apiKeyId: bigint) => db.prisma.webhook.count({ where: { apiKeyId } });

describe('the webhook quota under concurrency', () => {
  it(`40 parallel createWebhook calls from one key create exactly ${MAX_WEBHOOKS_PER_KEY}; the rest get TOO_MANY_WEBHOOKS`, async () => {
    const { url } = await api();
    const first = await keys.create({ name: 'racer-1', scopes: ['webhooks'] });
    const second = await keys.create({ name: 'racer-2', scopes: ['webhooks'] });

    const calls = [first, second].flatMap(({ key }) =>
      Array.from({ length: 40 }, (_, i) => createWebhook(url, key, { url: `http://127.0.0.1:9/hook-${i}` })),
    );
    const outcomes = (await Promise.all(calls)).map(outcomeOf);

    for (const [index, { record }] of [first, second].entries()) {
      const mine = outcomes.slice(index * 40, index * 40 + 40);
      expect(mine.filter((outcome) => outcome === 'created')).toHaveLength(MAX_WEBHOOKS_PER_KEY);
      expect(mine.filter((outcome) => outcome !== 'created')).toEqual(
        Array.from({ length: 40 - MAX_WEBHOOKS_PER_KEY }, () => 'TOO_MANY_WEBHOOKS'),
      );
      expect(await webhookRows(record.id)).toBe(MAX_WEBHOOKS_PER_KEY);
    }
  });
});

describe('text that Postgres cannot store, on the webhook and API-key write paths', () => {
  it.each([
    { name: 'a NUL byte', url: 'http://127.0.0.1:9/hook\u0000x' },
    { name: 'a line break', url: 'http://127.0.0.1:9/hook\nx' },
    { name: 'a lone surrogate', url: 'http://127.0.0.1:9/hook\ud800' },
  ])('a webhook URL with $name is refused over HTTP, never stored, never a 500', async ({ url: hookUrl }) => {
    const { url } = await api();
    const { record, key } = await keys.create({ name: 'nul-url', scopes: ['webhooks'] });

    const response = await createWebhook(url, key, { url: hookUrl });

    expect(response.status).toBeLessThan(500);
    expect(['BAD_USER_INPUT', 'INVALID_URL']).toContain(outcomeOf(response));
    expect(JSON.stringify(response.body)).not.toMatch(
      /INTERNAL_SERVER_ERROR|invalid byte sequence|unsupported Unicode/,
    );
    expect(await webhookRows(record.id)).toBe(0);
  });

  it('the webhook service refuses such URLs (INVALID_URL) and stores filter strings cleaned', async () => {
    const { principal } = await seedOwner(db);
    const config = webhookConfig();
    const service = new WebhookService({
      prisma: db.prisma,
      pool: db.pool,
      config,
      queue: new WebhookQueue(new QueueProducer(redis, `test-${randomBytes(4).toString('hex')}`), config),
      logger: silentLogger,
    });

    for (const bad of [
      'http://127.0.0.1:9/\u0000',
      'http://127.0.0.1:9/\udc00',
      `http://127.0.0.1:9/${'x'.repeat(3000)}`,
    ]) {
      const refused = await service.create(principal, { url: bad });
      expect(refused.errors).toMatchObject([{ code: 'INVALID_URL', field: ['input', 'url'] }]);
    }
    const created = await service.create(principal, {
      url: 'http://127.0.0.1:9/ok',
      filter: { authors: ['ac\u0000me', 'x\ud800'], modelIds: ['huggingface:a/b\u0000'] },
    });
    expect(created.errors).toEqual([]);
    const stored = await db.prisma.webhook.findUniqueOrThrow({ where: { id: created.webhook!.id } });
    expect(stored.filter).toMatchObject({ authors: ['acme', 'x\ufffd'], modelIds: ['huggingface:a/b'] });
    const updated = await service.update(principal, created.webhook!.id.toString(), {
      url: 'http://127.0.0.1:9/\u0000',
      filter: { hubs: ['hugging\u0000face'] },
    });
    expect(updated.errors).toMatchObject([{ code: 'INVALID_URL' }]);
    const renamed = await service.update(principal, created.webhook!.id.toString(), {
      filter: { hubs: ['hugging\u0000face'] },
    });
    expect(renamed.errors).toEqual([]);
    expect((await db.prisma.webhook.findUniqueOrThrow({ where: { id: created.webhook!.id } })).filter).toMatchObject({
      hubs: ['huggingface'],
    });
  });

  it('an API key name with a NUL byte or a lone surrogate is stored cleaned', async () => {
    const { record, key } = await keys.create({ name: 'ci\u0000 bot \ud800', scopes: ['webhooks'] });

    expect(record.name).toBe('ci bot \ufffd');
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } })).name).toBe('ci bot \ufffd');
    expect(key).toMatch(/^cat_/);
    const long = await keys.create({ name: 'n'.repeat(1_000), scopes: [] });
    expect(long.record.name).toHaveLength(256);
  });
});
