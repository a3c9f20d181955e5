/**
 * Who may do what, over real HTTP:
 *
 * - a mutation without a key → UNAUTHENTICATED, naming the scope; nothing queued;
 * - a key without the scope → FORBIDDEN, naming the scope it lacks; nothing queued;
 * - a revoked key, an unknown key, a header that is not a bearer key → 401 UNAUTHENTICATED with
 *   `WWW-Authenticate: Bearer`, even for a query (never served as anonymous);
 * - every webhook field without the `webhooks` scope → UNAUTHENTICATED / FORBIDDEN; nothing stored;
 * - a webhook pointing into the API's own networks (loopback, private, link-local metadata, IPv6
 *   and IPv4-mapped spellings, a name resolving to loopback, 0.0.0.0) → URL_NOT_ALLOWED, nothing
 *   stored; other schemes and URLs with credentials → INVALID_URL;
 * - several operations batched in one request → 400 BAD_REQUEST (batching is off).
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyScope } from '../../src/auth/api-key.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const keys = new ApiKeyRepository(db.prisma);
const redis = new Redis(inject('redisUrl'));
const running: RunningApi[] = [];
const queues: Queue[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
  for (const queue of queues.splice(0)) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
afterAll(() => redis.quit());

/** An API with its own queue prefix, and the queues its mutations would fill. */
async function api(env: Record<string, string> = {}) {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'http://127.0.0.1:9' })));
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const started = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
  running.push(started);
  const crawl = new Queue('crawl-huggingface', { connection: redis, prefix });
  const system = new Queue('system', { connection: redis, prefix });
  queues.push(crawl, system);
  return { url: started.url, crawl, system };
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(
  url: string,
  body: unknown,
  options: { key?: string; authorization?: string } = {},
): Promise<Answer> {
  const authorization = options.authorization ?? (options.key ? `Bearer ${options.key}` : undefined);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const newKey = async (scopes: ApiKeyScope[]) =>
  (await keys.create({ name: `k-${randomBytes(2).toString('hex')}`, scopes })).key;
const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.['code'];
const jobsOf = (queue: Queue) => queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed']);

const REQUEST_CRAWL = 'mutation { requestCrawl(input: { hub: "huggingface" }) { run { id } errors { code } } }';
const RECLASSIFY = 'mutation { reclassify { rulesVersion errors { code } } }';
const CREATE_WEBHOOK = `mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id } secret errors { code field message } }
}`;

describe('API key scopes', () => {
  it('a mutation without a key: UNAUTHENTICATED naming the scope, nothing queued', async () => {
    const { url, crawl } = await api();
    const answer = await post(url, { query: REQUEST_CRAWL });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeNull();
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    expect(answer.body.errors?.[0]?.message).toContain('"crawl" scope');
    expect(await jobsOf(crawl)).toHaveLength(0);
  });

  it('a key without the scope: FORBIDDEN naming the scope it lacks, nothing queued', async () => {
    const { url, crawl, system } = await api();
    const answer = await post(url, { query: REQUEST_CRAWL }, { key: await newKey(['reclassify', 'webhooks']) });
    expect(codeOf(answer)).toBe('FORBIDDEN');
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ scope: 'crawl' });
    expect(codeOf(await post(url, { query: RECLASSIFY }, { key: await newKey(['crawl']) }))).toBe('FORBIDDEN');
    expect(await jobsOf(crawl)).toHaveLength(0);
    expect(await jobsOf(system)).toHaveLength(0);
  });

  it.each([
    ['a revoked key', 'revoked', /revoked/],
    ['an unknown key', `Bearer cat_${'x'.repeat(32)}`, /unknown API key/],
    ['a header that is not a bearer key', 'Basic dXNlcjpwYXNz', /Bearer/],
  ])('%s: 401 UNAUTHENTICATED with WWW-Authenticate, even for a query', async (_what, header, reason) => {
    const { url } = await api();
    let authorization = header;
    if (header === 'revoked') {
      const { record, key } = await keys.create({ name: 'old', scopes: ['crawl', 'reclassify'] });
      expect(await keys.revoke(record.prefix)).toMatchObject({ kind: 'revoked' });
      authorization = `Bearer ${key}`;
    }
    for (const query of ['{ hubs { id } }', RECLASSIFY]) {
      const answer = await post(url, { query }, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.body.errors?.[0]?.message).toMatch(reason);
    }
  });

  it('every webhook field without the webhooks scope: UNAUTHENTICATED, or FORBIDDEN with a key; nothing stored', async () => {
    const { url } = await api({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' });
    const other = await newKey(['crawl', 'reclassify']);
    const operations = [
      [CREATE_WEBHOOK, { input: { url: 'http://127.0.0.1:9/' } }],
      ['mutation { deleteWebhook(id: "1") { deletedId } }', {}],
      ['mutation { enableWebhook(id: "1") { webhook { id } } }', {}],
      ['mutation { updateWebhook(id: "1", input: { enabled: false }) { webhook { id } } }', {}],
      ['{ webhooks { id } }', {}],
      ['{ webhook(id: "1") { id } }', {}],
      ['{ webhookDeliveries(webhookId: "1") { totalCount } }', {}],
    ] as const;
    for (const [query, variables] of operations) {
      const anonymous = await post(url, { query, variables });
      expect(codeOf(anonymous), query).toBe('UNAUTHENTICATED');
      expect(anonymous.body.errors?.[0]?.message).toContain('"webhooks" scope');
      expect(codeOf(await post(url, { query, variables }, { key: other })), query).toBe('FORBIDDEN');
    }
    expect(await db.prisma.webhook.count()).toBe(0);
  });
});

describe('where a webhook may point (SSRF)', () => {
  it.each([
    ['loopback (127.0.0.1)', 'http://127.0.0.1:8080/hook'],
    ['a private address (10.x)', 'http://10.1.2.3/hook'],
    ['the metadata address (169.254.169.254)', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback ([::1])', 'http://[::1]:8080/hook'],
    ['IPv4-mapped loopback ([::ffff:127.0.0.1])', 'http://[::ffff:127.0.0.1]/hook'],
    ['a host name resolving to loopback (localhost)', 'http://localhost:8080/hook'],
    ['0.0.0.0', 'http://0.0.0.0:8080/hook'],
    ['loopback spelled as one number (2130706433)', 'http://2130706433/hook'],
    ['loopback spelled in hex (0x7f.1)', 'http://0x7f.1/hook'],
  ])('%s: URL_NOT_ALLOWED, nothing stored', async (_what, hookUrl) => {
    const { url } = await api({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '' });
    const answer = await post(
      url,
      { query: CREATE_WEBHOOK, variables: { input: { url: hookUrl } } },
      {
        key: await newKey(['webhooks']),
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!['createWebhook']).toMatchObject({
      webhook: null,
      secret: null,
      errors: [
        { code: 'URL_NOT_ALLOWED', field: ['input', 'url'], message: expect.stringMatching(/address/) as unknown },
      ],
    });
    expect(await db.prisma.webhook.count()).toBe(0);
  });

  it.each([
    ['another scheme (ftp)', 'ftp://127.0.0.1/hook'],
    ['a file URL', 'file:///etc/passwd'],
    ['credentials in the URL', 'http://user:pw@127.0.0.1/hook'],
  ])('%s: INVALID_URL, nothing stored', async (_what, hookUrl) => {
    const { url } = await api({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' });
    const answer = await post(
      url,
      { query: CREATE_WEBHOOK, variables: { input: { url: hookUrl } } },
      {
        key: await newKey(['webhooks']),
      },
    );
    expect(answer.body.data!['createWebhook']).toMatchObject({
      webhook: null,
      errors: [{ code: 'INVALID_URL', field: ['input', 'url'] }],
    });
    expect(await db.prisma.webhook.count()).toBe(0);
  });
});

describe('batched operations', () => {
  it('several operations in one request: 400 BAD_REQUEST, none run', async () => {
    const { url, system } = await api();
    const key = await newKey(['reclassify']);
    const answer = await post(url, [{ query: RECLASSIFY }, { query: RECLASSIFY }], { key });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_REQUEST');
    expect(await jobsOf(system)).toHaveLength(0);
  });
});
