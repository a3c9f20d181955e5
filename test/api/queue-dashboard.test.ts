/**
 * The queue dashboard (bull-board at /admin/queues) over real HTTP, against the real Redis: 401
 * without a key, 403 with a key that lacks `admin`, the page and its JSON API with an admin key
 * (as a Bearer header, or as the cookie the sign-in form sets); actions allowed to admins, refused
 * cross-site and in read-only mode; a revoked key ends the session.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyScope } from '../../src/auth/api-key.js';
import { QUEUE_NAMES } from '../../src/queue/contracts.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { obliterateQueues } from '../helpers/queues.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
const keys = new ApiKeyRepository(db.prisma);
let prefix: string;
const apis: RunningApi[] = [];

async function start(env: Record<string, string> = {}): Promise<RunningApi> {
  const api = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
  apis.push(api);
  return api;
}

beforeEach(() => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
});
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.stop()));
  await obliterateQueues(redis, prefix);
});
afterAll(() => redis.quit());

const newKey = async (scopes: ApiKeyScope[]) => (await keys.create({ name: 'ops', scopes })).key;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function errorCode(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
  return body.errors[0]?.extensions.code;
}

interface QueuesAnswer {
  queues: { name: string; readOnlyMode: boolean; allowRetries: boolean; counts: Record<string, number> }[];
}

describe('/admin/queues', () => {
  it('refuses callers without a key (401) and keys without the admin scope (403), as JSON with a code', async () => {
    const api = await start();
    const nonAdmin = await newKey(['crawl', 'reclassify', 'webhooks']);
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/x.js']) {
      const anonymous = await fetch(`${api.url}${path}`);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorCode(anonymous)).toBe('UNAUTHENTICATED');

      const forbidden = await fetch(`${api.url}${path}`, { headers: bearer(nonAdmin) });
      expect(forbidden.status, path).toBe(403);
      expect(await errorCode(forbidden)).toBe('FORBIDDEN');

      const unknown = await fetch(`${api.url}${path}`, { headers: bearer(`cat_${'x'.repeat(32)}`) });
      expect(unknown.status, path).toBe(401);
      expect(await errorCode(unknown)).toBe('UNAUTHENTICATED');
    }
    const action = await fetch(`${api.url}/admin/queues/api/queues/system/clean/completed`, {
      method: 'PUT',
      headers: bearer(nonAdmin),
    });
    expect(action.status).toBe(403);
  });

  it('serves the dashboard and its API, listing every queue, to an admin key; admins may act on jobs', async () => {
    const api = await start();
    const admin = await newKey(['admin']);
    const system = new Queue('system', { connection: redis, prefix });
    await system.add('heartbeat', {});

    const page = await fetch(`${api.url}/admin/queues`, { headers: bearer(admin) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-powered-by')).toBeNull();
    const html = await page.text();
    expect(html).toContain('<title>Catalog queues</title>');
    expect(html).toContain('<base href="/admin/queues/" />');
    // Its scripts come from here, behind the same guard.
    const script = /<script defer src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${api.url}/admin/queues/${script}`)).status).toBe(401);
    const asset = await fetch(`${api.url}/admin/queues/${script}`, { headers: bearer(admin) });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);

    const answer = await fetch(`${api.url}/admin/queues/api/queues`, { headers: bearer(admin) });
    expect(answer.status).toBe(200);
    const { queues } = (await answer.json()) as QueuesAnswer;
    expect(queues.map((queue) => queue.name).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const queue of queues) expect(queue).toMatchObject({ readOnlyMode: false, allowRetries: true });
    expect(queues.find((queue) => queue.name === 'system')?.counts['waiting']).toBe(1);

    const emptied = await fetch(`${api.url}/admin/queues/api/queues/system/empty`, {
      method: 'PUT',
      headers: bearer(admin),
    });
    expect(emptied.status).toBe(200);
    expect(await system.getWaitingCount()).toBe(0);
    await system.close();
  });

  it('signs a browser in with a form: an HttpOnly, SameSite=Strict cookie, never the key in a URL', async () => {
    const api = await start();
    const admin = await newKey(['admin']);
    const nonAdmin = await newKey(['webhooks']);

    const form = await fetch(`${api.url}/admin/queues/login`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="login">');
    const signIn = (key: string, headers: Record<string, string> = {}) =>
      fetch(`${api.url}/admin/queues/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
        body: new URLSearchParams({ key }).toString(),
      });

    const refused = await signIn(nonAdmin);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await signIn('not-a-key')).status).toBe(401);
    expect((await signIn(admin, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);

    const signedIn = await signIn(admin);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('./');
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^catalog_admin_key=cat_\w{32}; Max-Age=28800; Path=\/admin\/queues; Expires=.*; HttpOnly; SameSite=Strict$/,
    );
    const jar = { cookie: cookie.split(';')[0]! };

    const page = await fetch(`${api.url}/admin/queues/`, { headers: jar });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const list = await fetch(`${api.url}/admin/queues/api/queues`, { headers: jar });
    expect(list.status).toBe(200);
    expect(((await list.json()) as QueuesAnswer).queues).toHaveLength(QUEUE_NAMES.length);

    // An action carried by the cookie must come from this origin.
    const clean = (headers: Record<string, string>) =>
      fetch(`${api.url}/admin/queues/api/queues/system/clean/completed`, {
        method: 'PUT',
        headers: { ...jar, ...headers },
      });
    expect((await clean({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await clean({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await clean({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);

    // Revoked: the cookie stops working at once.
    await keys.revoke(admin.slice(0, 12));
    const revoked = await fetch(`${api.url}/admin/queues/api/queues`, { headers: jar });
    expect(revoked.status).toBe(401);

    const signedOut = await fetch(`${api.url}/admin/queues/logout`, { redirect: 'manual', headers: jar });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('set-cookie')).toMatch(
      /^catalog_admin_key=; Path=\/admin\/queues; Expires=Thu, 01 Jan 1970/,
    );
  });

  it('QUEUE_DASHBOARD=read-only shows every queue but refuses actions; off removes the dashboard', async () => {
    const api = await start({ QUEUE_DASHBOARD: 'read-only' });
    const admin = await newKey(['admin']);
    const answer = await fetch(`${api.url}/admin/queues/api/queues`, { headers: bearer(admin) });
    const { queues } = (await answer.json()) as QueuesAnswer;
    expect(queues).toHaveLength(QUEUE_NAMES.length);
    for (const queue of queues) expect(queue).toMatchObject({ readOnlyMode: true, allowRetries: false });
    const action = await fetch(`${api.url}/admin/queues/api/queues/system/clean/completed`, {
      method: 'PUT',
      headers: bearer(admin),
    });
    expect(action.status).toBe(405);

    const off = await start({ QUEUE_DASHBOARD: 'off' });
    const missing = await fetch(`${off.url}/admin/queues/api/queues`, { headers: bearer(admin) });
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('NOT_FOUND');
  });
});
