/**
 * The webhook operations over real HTTP (the scope and SSRF refusals: test/abuse/api-access): ownership (a
 * key sees only its own webhooks; another's id is not found), the secret shown once, loopback
 * allowed by configuration, bad input, and the deliveries connection (newest first, with attempts).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyScope } from '../../src/auth/api-key.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const keys = new ApiKeyRepository(db.prisma);
const running: RunningApi[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

/** An API with its own queue prefix; loopback allowed unless `env` says otherwise. */
async function api(env: Record<string, string> = {}): Promise<RunningApi> {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({})));
  const started = await startApi({
    db,
    redisUrl: inject('redisUrl'),
    queuePrefix: `test-${randomBytes(4).toString('hex')}`,
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback', ...env },
  });
  running.push(started);
  return started;
}

interface Response<T> {
  status: number;
  body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  options: { key?: string; variables?: Record<string, unknown> } = {},
): Promise<Response<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const newKey = async (scopes: ApiKeyScope[] = ['webhooks']) =>
  (await keys.create({ name: `k-${randomBytes(2).toString('hex')}`, scopes })).key;
const codeOf = (response: Response<unknown>) => response.body.errors?.[0]?.extensions?.['code'];

const CREATE = `mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    webhook { id url enabled consecutiveFailures pendingDeliveries createdAt
      filter { kinds modelIds authors hubs licenseCategories minOpennessLevel since } }
    secret
    errors { code field message }
  }
}`;

interface CreateData {
  createWebhook: {
    webhook: { id: string; url: string; enabled: boolean; filter: Record<string, unknown> } | null;
    secret: string | null;
    errors: { code: string; field: string[] | null; message: string }[];
  };
}

async function create(url: string, key: string, input: Record<string, unknown>) {
  return post<CreateData>(url, CREATE, { key, variables: { input } });
}

describe('createWebhook', () => {
  it('generates a strong secret and returns it once; a given secret is never echoed', async () => {
    const { url } = await api();
    const key = await newKey();
    const generated = await create(url, key, {
      url: 'http://127.0.0.1:9/hook',
      filter: { kinds: ['LICENSE_CHANGED'], minOpennessLevel: 'OPEN_WEIGHTS', since: '2026-01-01T00:00:00Z' },
    });
    expect(generated.body.errors).toBeUndefined();
    const { webhook, secret, errors } = generated.body.data!.createWebhook;
    expect(errors).toEqual([]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      enabled: true,
      consecutiveFailures: 0,
      pendingDeliveries: 0,
      filter: {
        kinds: ['LICENSE_CHANGED'],
        modelIds: [],
        authors: [],
        hubs: [],
        licenseCategories: [],
        minOpennessLevel: 'OPEN_WEIGHTS',
        since: '2026-01-01T00:00:00.000Z',
      },
    });
    const stored = await db.prisma.webhook.findUniqueOrThrow({ where: { id: BigInt(webhook!.id) } });
    expect(stored.secret).toBe(secret);

    const given = await create(url, key, { url: 'http://127.0.0.1:9/other', secret: 'my-own-secret-0123456789' });
    expect(given.body.data!.createWebhook.secret).toBeNull();
    // The Webhook type has no secret field at all.
    const asked = await post(url, '{ webhooks { id secret } }', { key });
    expect(codeOf(asked)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('accepts loopback when the configuration allows it, and only https in production', async () => {
    const development = await api();
    const key = await newKey();
    expect(
      (await create(development.url, key, { url: 'http://localhost:8080/hook' })).body.data!.createWebhook.errors,
    ).toEqual([]);
    const production = await api({ NODE_ENV: 'production' });
    const plain = await create(production.url, key, { url: 'http://127.0.0.1:8080/hook' });
    expect(plain.body.data!.createWebhook.errors).toMatchObject([
      { code: 'URL_NOT_ALLOWED', message: expect.stringContaining('https://') as unknown },
    ]);
    const tls = await create(production.url, key, { url: 'https://127.0.0.1:8443/hook' });
    expect(tls.body.data!.createWebhook.errors).toEqual([]);
  });

  it.each([
    [{ url: 'not a url' }, 'INVALID_URL', ['input', 'url']],
    [{ url: 'ftp://127.0.0.1/hook' }, 'INVALID_URL', ['input', 'url']],
    [{ url: 'http://user:pw@127.0.0.1/hook' }, 'INVALID_URL', ['input', 'url']],
    [{ url: 'http://does-not-exist.invalid/hook' }, 'INVALID_URL', ['input', 'url']],
    [{ url: 'http://127.0.0.1/hook', secret: 'short' }, 'INVALID_SECRET', ['input', 'secret']],
    [{ url: 'http://127.0.0.1/hook', secret: 'has spaces in the secret!' }, 'INVALID_SECRET', ['input', 'secret']],
  ])('reports bad input %j in the payload', async (input, code, field) => {
    const { url } = await api();
    const response = await create(url, await newKey(), input);
    expect(response.body.data!.createWebhook).toMatchObject({ webhook: null, errors: [{ code, field }] });
  });

  it('refuses an invalid filter with BAD_USER_INPUT', async () => {
    const { url } = await api();
    const key = await newKey();
    const tooMany = await create(url, key, {
      url: 'http://127.0.0.1/hook',
      filter: { modelIds: Array.from({ length: 101 }, (_, i) => `huggingface:org/m${i}`) },
    });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.body.errors?.[0]?.message).toContain('input.filter.modelIds');
    const badEnum = await create(url, key, { url: 'http://127.0.0.1/hook', filter: { kinds: ['EXPLODED'] } });
    expect(codeOf(badEnum)).toBe('BAD_USER_INPUT');
    expect(await db.prisma.webhook.count()).toBe(0);
  });

  it('holds at most 25 webhooks per key', async () => {
    const { url } = await api();
    const key = await newKey();
    for (let i = 0; i < 25; i++)
      expect((await create(url, key, { url: `http://127.0.0.1/${i}` })).body.data!.createWebhook.errors).toEqual([]);
    const refused = await create(url, key, { url: 'http://127.0.0.1/26' });
    expect(refused.body.data!.createWebhook.errors).toMatchObject([{ code: 'TOO_MANY_WEBHOOKS', field: null }]);
  });
});

describe('a key’s own webhooks', () => {
  it('lists, reads, updates, enables and deletes only its own; another key’s id is not found', async () => {
    const { url } = await api();
    const [mine, theirs] = [await newKey(), await newKey()];
    const a = (await create(url, mine, { url: 'http://127.0.0.1/a' })).body.data!.createWebhook.webhook!;
    const b = (await create(url, theirs, { url: 'http://127.0.0.1/b' })).body.data!.createWebhook.webhook!;

    const list = await post<{ webhooks: { id: string }[] }>(url, '{ webhooks { id url } }', { key: mine });
    expect(list.body.data!.webhooks).toEqual([{ id: a.id, url: 'http://127.0.0.1/a' }]);
    const get = (id: string, key: string) =>
      post<{ webhook: { id: string } | null }>(url, 'query($id: ID!) { webhook(id: $id) { id } }', {
        key,
        variables: { id },
      });
    expect((await get(a.id, mine)).body.data!.webhook).toEqual({ id: a.id });
    expect((await get(b.id, mine)).body.data!.webhook).toBeNull();
    expect((await get('nonsense', mine)).body.data!.webhook).toBeNull();

    const notFound = [{ code: 'WEBHOOK_NOT_FOUND', field: ['id'] }];
    const update = (id: string, input: Record<string, unknown>) =>
      post<{ updateWebhook: { webhook: Record<string, unknown> | null; secret: string | null; errors: unknown[] } }>(
        url,
        `mutation($id: ID!, $input: UpdateWebhookInput!) {
          updateWebhook(id: $id, input: $input) { webhook { id url enabled disabledReason filter { authors } } secret errors { code field } }
        }`,
        { key: mine, variables: { id, input } },
      );
    expect((await update(b.id, { enabled: false })).body.data!.updateWebhook.errors).toMatchObject(notFound);
    const paused = await update(a.id, {
      url: 'http://127.0.0.1/a2',
      filter: { authors: ['meta-llama'] },
      enabled: false,
    });
    expect(paused.body.data!.updateWebhook).toMatchObject({
      webhook: {
        url: 'http://127.0.0.1/a2',
        enabled: false,
        disabledReason: 'paused by its owner',
        filter: { authors: ['meta-llama'] },
      },
      secret: null,
      errors: [],
    });
    const rotated = await update(a.id, { rotateSecret: true });
    const newSecret = rotated.body.data!.updateWebhook.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect((await db.prisma.webhook.findUniqueOrThrow({ where: { id: BigInt(a.id) } })).secret).toBe(newSecret);
    expect((await update(a.id, { url: 'http://10.0.0.1/' })).body.data!.updateWebhook.errors).toMatchObject([
      { code: 'URL_NOT_ALLOWED', field: ['input', 'url'] },
    ]);

    const enable = (id: string) =>
      post<{ enableWebhook: { webhook: { enabled: boolean } | null; errors: unknown[] } }>(
        url,
        'mutation($id: ID!) { enableWebhook(id: $id) { webhook { enabled disabledReason } errors { code field } } }',
        { key: mine, variables: { id } },
      );
    expect((await enable(b.id)).body.data!.enableWebhook.errors).toMatchObject(notFound);
    expect((await enable(a.id)).body.data!.enableWebhook.webhook).toEqual({ enabled: true, disabledReason: null });

    const remove = (id: string) =>
      post<{ deleteWebhook: { deletedId: string | null; errors: unknown[] } }>(
        url,
        'mutation($id: ID!) { deleteWebhook(id: $id) { deletedId errors { code field } } }',
        { key: mine, variables: { id } },
      );
    expect((await remove(b.id)).body.data!.deleteWebhook).toMatchObject({ deletedId: null, errors: notFound });
    expect((await remove(a.id)).body.data!.deleteWebhook).toEqual({ deletedId: a.id, errors: [] });
    expect((await db.prisma.webhook.findMany()).map((w) => w.id.toString())).toEqual([b.id]);

    const deliveries = await post(url, `{ webhookDeliveries(webhookId: "${b.id}") { totalCount } }`, { key: mine });
    expect(codeOf(deliveries)).toBe('NOT_FOUND');
  });
});

describe('webhookDeliveries', () => {
  it('pages the deliveries newest first, each with its attempts', async () => {
    const { url } = await api();
    const key = await newKey();
    const hook = (await create(url, key, { url: 'http://127.0.0.1/hook' })).body.data!.createWebhook.webhook!;
    const webhookId = BigInt(hook.id);
    // Deliveries as the worker leaves them (the delivery path itself is tested elsewhere).
    for (let i = 1; i <= 3; i++) {
      await db.prisma.webhookDelivery.create({
        data: {
          webhookId,
          changeIds: [BigInt(i * 10), BigInt(i * 10 + 1)],
          status: i === 3 ? 'PENDING' : 'DELIVERED',
          attempts: i === 2 ? 2 : i === 1 ? 1 : 0,
          lastStatusCode: i === 3 ? null : 200,
          deliveredAt: i === 3 ? null : new Date(),
          attemptRecords: {
            create:
              i === 2
                ? [
                    { number: 1, statusCode: 500, error: 'HTTP 500', durationMs: 12 },
                    { number: 2, statusCode: 200, durationMs: 8 },
                  ]
                : i === 1
                  ? [{ number: 1, statusCode: 200, durationMs: 5 }]
                  : [],
          },
        },
      });
    }
    const QUERY = `query($id: ID!, $after: String) {
      webhookDeliveries(webhookId: $id, first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id webhookId status changeIds attemptCount lastStatusCode deliveredAt
          attempts { number statusCode error durationMs attemptedAt } }
      }
    }`;
    type Page = {
      webhookDeliveries: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: {
          id: string;
          status: string;
          changeIds: string[];
          attemptCount: number;
          attempts: { statusCode: number | null }[];
        }[];
      };
    };
    const first = await post<Page>(url, QUERY, { key, variables: { id: hook.id } });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data!.webhookDeliveries;
    expect(page1.totalCount).toBe(3);
    expect(
      page1.nodes.map((n) => [n.status, n.changeIds, n.attemptCount, n.attempts.map((a) => a.statusCode)]),
    ).toEqual([
      ['PENDING', ['30', '31'], 0, []],
      ['DELIVERED', ['20', '21'], 2, [500, 200]],
    ]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await post<Page>(url, QUERY, { key, variables: { id: hook.id, after: page1.pageInfo.endCursor } });
    const page2 = second.body.data!.webhookDeliveries;
    expect(page2.nodes.map((n) => n.changeIds)).toEqual([['10', '11']]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(
      (await post<Page>(url, QUERY, { key, variables: { id: hook.id } })).body.data!.webhookDeliveries.nodes[0]!.id,
    ).toBe(page1.nodes[0]!.id);

    const bad = await post(url, QUERY, { key, variables: { id: hook.id, after: 'xyz' } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    const tooBig = await post(url, `{ webhookDeliveries(webhookId: "${hook.id}", first: 101) { totalCount } }`, {
      key,
    });
    expect(codeOf(tooBig)).toBe('BAD_USER_INPUT');
  });
});
