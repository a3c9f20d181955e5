/**
 * How the API serves the dashboard's build (src/api/dashboard/dashboard.ts), on a stand-in build
 * in a temporary folder: the page at `/` and `/dashboard` with its CSP, hashed assets cached for a
 * year, unknown assets and paths outside the build as the API's JSON 404, a missing build as a
 * JSON 503 that says how to build it (everything else still served), and DASHBOARD=off.
 * The real page, built by Vite and driven in Chromium, is test/browser/dashboard.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const build = mkdtempSync(join(tmpdir(), 'dashboard-route-'));
const apis: RunningApi[] = [];
const PAGE =
  '<!doctype html><title>dashboard</title><script type="module" src="/dashboard/assets/index-abc123.js"></script>';

beforeAll(() => {
  mkdirSync(join(build, 'assets'));
  writeFileSync(join(build, 'index.html'), PAGE);
  writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log("dashboard");');
  writeFileSync(join(build, 'secret.txt'), 'not an asset');
});
afterEach(async () => {
  while (apis.length) await apis.pop()?.stop();
});
afterAll(() => rmSync(build, { recursive: true, force: true }));

async function api(env: Record<string, string>): Promise<RunningApi> {
  const running = await startApi({ db, redisUrl: inject('redisUrl'), env });
  apis.push(running);
  return running;
}

/** A GET with the path sent exactly as written (fetch would normalize `..`). */
function rawGet(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('the dashboard route', () => {
  it('serves the page at / and /dashboard, with a CSP that allows this origin only', async () => {
    const { url } = await api({ DASHBOARD_DIR: build, EMBED_FRAME_ANCESTORS: 'https://intranet.example.org' });
    for (const path of ['/', '/dashboard', '/dashboard/']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(PAGE);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'self' https://intranet.example.org");
    }
  });

  it('serves hashed assets for a year, and anything else under /dashboard as the JSON 404', async () => {
    const { url } = await api({ DASHBOARD_DIR: build });
    const asset = await fetch(`${url}/dashboard/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of [
      '/dashboard/assets/missing.js',
      '/dashboard/secret.txt',
      '/dashboard/assets/../secret.txt',
      '/dashboard/assets/%2e%2e/secret.txt',
      '/dashboard/assets/..%2fsecret.txt',
      '/dashboard/assets/',
    ]) {
      const response = await rawGet(url, path);
      expect(response.status, path).toBe(404);
      expect(response.type, path).toMatch(/^application\/json/);
      expect(response.body, path).not.toContain('not an asset');
      const body = JSON.parse(response.body) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code, path).toBe('NOT_FOUND');
    }
  });

  it('answers 503 with a JSON error saying how to build it when there is no build; the API works on', async () => {
    const { url } = await api({ DASHBOARD_DIR: join(build, 'nowhere') });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.errors[0]?.message).toContain('npm run build');
    expect((await fetch(`${url}/graphql?query=%7Bhubs%7Bid%7D%7D`)).status).toBe(200);
  });

  it('DASHBOARD=off serves no page: / is the JSON 404', async () => {
    const { url } = await api({ DASHBOARD_DIR: build, DASHBOARD: 'off' });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'NOT_FOUND',
    );
    expect((await fetch(`${url}/dashboard/assets/index-abc123.js`)).status).toBe(404);
  });
});
