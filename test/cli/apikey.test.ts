/**
 * `catalog apikey` end to end: the real CLI (through tsx) against the test database, and the keys
 * it prints used against the real API.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { API_KEY_PATTERN, hashApiKey } from '../../src/auth/api-key.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/processes.js';

const db = useTestDatabase();
let api: RunningApi;

beforeEach(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: `test-${randomBytes(4).toString('hex')}` });
});
afterEach(() => api.stop());

const catalog = (...args: string[]) => runCli(['apikey', ...args], { env: { DATABASE_URL: inject('databaseUrl') } });

async function reclassify(key: string) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: 'mutation { reclassify { rulesVersion } }' }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, body, code: body.errors?.[0]?.extensions?.code };
}

describe('catalog apikey', () => {
  // Each CLI run starts a Node process through tsx (a second or two): these tests get more time.
  it('create prints the key once on stdout; only its hash is stored; the key works', async () => {
    const created = await catalog('create', '--name', 'dashboard ci', '--scopes', 'reclassify,crawl');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^cat_[0-9A-Za-z]{32}\n$/);
    const key = created.stdout.trim();
    expect(key).toMatch(API_KEY_PATTERN);
    expect(created.stderr).toContain('cannot be shown again');
    expect(created.stderr).not.toContain(key);

    const [stored] = await db.prisma.apiKey.findMany();
    expect(stored).toMatchObject({
      name: 'dashboard ci',
      prefix: key.slice(0, 12),
      hash: hashApiKey(key),
      scopes: ['crawl', 'reclassify'],
      revokedAt: null,
    });
    expect(JSON.stringify(stored, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(
      key.slice(12),
    );

    const used = await reclassify(key);
    expect(used.status).toBe(200);
    expect(used.body.errors).toBeUndefined();
  }, 60_000);

  it('list shows name, prefix, scopes, created, last used and revoked; revoke stops the key at once', async () => {
    await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({})));
    const key = (await catalog('create', '--name', 'ops', '--scopes', 'reclassify')).stdout.trim();
    await catalog('create', '--name', 'hooks', '--scopes', 'webhooks');
    expect((await reclassify(key)).status).toBe(200);

    const listed = await catalog('list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(lines[1]).toMatch(
      new RegExp(`^1\\s+ops\\s+${key.slice(0, 12)}\\s+reclassify\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+\\d{4}-\\S+Z\\s+-$`),
    );
    expect(lines[2]).toMatch(/^2\s+hooks\s+cat_\S{8}\s+webhooks\s+\S+Z\s+-\s+-$/);

    const revoked = await catalog('revoke', key.slice(0, 12));
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('Revoked API key 1 "ops"');
    const refused = await reclassify(key);
    expect(refused.status).toBe(401);
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: 1n } })).revokedAt).toBeInstanceOf(Date);
    expect((await catalog('revoke', '1')).stdout).toContain('already revoked');
  }, 60_000);

  it('refuses unknown scopes and unknown keys', async () => {
    const bad = await catalog('create', '--name', 'x', '--scopes', 'crawl,root');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown scope(s) root (known: crawl, reclassify, webhooks, admin)');
    expect(bad.stdout).toBe('');
    expect(await db.prisma.apiKey.count()).toBe(0);

    const missing = await catalog('revoke', 'cat_nothere1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no API key with id or prefix "cat_nothere1"');
  }, 60_000);
});
