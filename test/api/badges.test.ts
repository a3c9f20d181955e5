/**
 * `GET /badge/<hub>/<repoId>.svg` over real HTTP against the seeded catalog: one model per openness
 * level (text and colour computed here from what was ingested), the seeded models of both hubs,
 * the neutral grey badge with 404 for unknown and removed models and malformed paths (always an
 * SVG, never JSON or HTML), styles, caching (ETag, 304), the rate limit and a database outage.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { LEVEL_TEXT, LICENSE_TEXT } from '../../src/openness/display.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { createDatabase } from '../../src/db/database.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { OPENNESS_LEVELS, type LicenseCategory, type OpennessLevel } from '../../src/openness/types.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel, buildLicense, buildOpenness } from '../helpers/catalog-models.js';
import { silentLogger } from '../helpers/database.js';
import { OTHER_HUB, useSeededCatalog } from './catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;

/** The colours the README documents ("### Badges"): one per level, and the neutral grey. */
function documentedColours(): { levels: Record<OpennessLevel, string>; neutral: string } {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Badges'), readme.indexOf('## Query the catalog'));
  const rows = new Map(
    [...section.matchAll(/^\| `?([A-Z_]+|none)\b.*?\| `(#[0-9a-f]{6})`/gm)].map((m) => [m[1], m[2]]),
  );
  const colour = (name: string) => {
    const found = rows.get(name);
    if (found === undefined) throw new Error(`README.md documents no badge colour for ${name}`);
    return found;
  };
  return {
    levels: Object.fromEntries(OPENNESS_LEVELS.map((level) => [level, colour(level)])) as Record<OpennessLevel, string>,
    neutral: colour('none'),
  };
}
const { levels: COLOURS, neutral: NEUTRAL } = documentedColours();
const CATEGORY_OF_LEVEL: Record<OpennessLevel, LicenseCategory> = {
  CLOSED: 'PROPRIETARY',
  WEIGHTS_RESTRICTED: 'NON_COMMERCIAL',
  OPEN_WEIGHTS_CONDITIONAL: 'OPEN_RAIL',
  OPEN_WEIGHTS: 'PERMISSIVE',
  OPEN_TOOLING: 'COPYLEFT',
  OPEN_SCIENCE: 'PUBLIC_DOMAIN',
};

/** One model per level, each with its own license (and category). */
const probes: CatalogModel[] = OPENNESS_LEVELS.map((level) => {
  const category = CATEGORY_OF_LEVEL[level];
  const license = buildLicense({ id: `LicenseRef-badge-${category.toLowerCase()}`, category });
  return buildCatalogModel(`badge-probe/level-${level.toLowerCase()}`, {
    license,
    openness: buildOpenness({ level, license }),
  });
});

beforeAll(async () => {
  await new IngestRepository(catalog.db.pool).ingestPage(probes);
  api = await startApi({ db: catalog.db, redisUrl: inject('redisUrl') });
});
afterAll(() => api.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });
const badgePath = (model: Pick<CatalogModel, 'hubId' | 'repoId'>) => `/badge/${model.hubId}/${model.repoId}.svg`;

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_m, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : name === 'apos' ? "'" : '&',
  );

interface Badge {
  readonly status: number;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly etag: string | null;
  readonly svg: string;
  readonly ariaLabel: string | undefined;
  readonly title: string | undefined;
  /** The message's background: the second rect, the one with an `x`. */
  readonly colour: string | undefined;
}

async function badge(path: string, headers: Record<string, string> = {}): Promise<Badge> {
  const response = await get(path, headers);
  const svg = await response.text();
  const attribute = (pattern: RegExp) => {
    const found = pattern.exec(svg)?.[1];
    return found === undefined ? undefined : unescapeXml(found);
  };
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
    svg,
    ariaLabel: attribute(/^<svg [^>]*role="img"[^>]*aria-label="([^"]*)"/),
    title: attribute(/<title>([^<]*)<\/title>/),
    colour: attribute(/<rect x="[^"]*"[^>]*fill="(#[0-9a-f]+)"/),
  };
}

function expectNeutral(found: Badge, status: number, message = 'unknown model'): void {
  expect(found.status).toBe(status);
  expect(found.contentType).toBe('image/svg+xml; charset=utf-8');
  expect(found.svg.startsWith('<svg ')).toBe(true);
  expect(found.ariaLabel).toBe(`openness: ${message}`);
  expect(found.title).toBe(`openness: ${message}`);
  expect(found.colour).toBe(NEUTRAL);
}

const hue = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  const h = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return (h * 60 + 360) % 360;
};

describe('the badge of a listed model', () => {
  it.each(OPENNESS_LEVELS.map((level, index) => [level, probes[index] as CatalogModel] as const))(
    '%s: the level and license category, in the level’s colour, as an accessible SVG',
    async (level, model) => {
      const found = await badge(badgePath(model));
      const text = `openness: ${LEVEL_TEXT[level]} · ${LICENSE_TEXT[model.license.category]}`;
      expect(found.status).toBe(200);
      expect(found.contentType).toBe('image/svg+xml; charset=utf-8');
      expect(found.cacheControl).toBe('public, max-age=300');
      expect(found.ariaLabel).toBe(text);
      expect(found.title).toBe(text);
      expect(found.colour).toBe(COLOURS[level]);
    },
  );

  it('the colours run from red to green with the level, one per level, none of them the neutral grey', () => {
    const colours = OPENNESS_LEVELS.map((level) => COLOURS[level]);
    expect(new Set([...colours, NEUTRAL]).size).toBe(colours.length + 1);
    const hues = colours.map(hue);
    expect(hues[0]).toBeLessThan(15);
    expect(hues.at(-1)).toBeGreaterThan(90);
    for (let i = 1; i < hues.length; i++) expect(hues[i]).toBeGreaterThan(hues[i - 1] as number);
  });

  // The words are the module's vocabulary (LEVEL_TEXT, LICENSE_TEXT); these pin a few, the README's example first.
  it.each([
    ['open_weights', 'open weights · permissive'],
    ['closed', 'closed · proprietary'],
    ['open_weights_conditional', 'open weights (conditional) · OpenRAIL'],
    ['weights_restricted', 'weights restricted · non-commercial'],
  ])('reads as documented: level-%s is “%s”', async (probe, text) => {
    const found = await badge(`/badge/huggingface/badge-probe/level-${probe}.svg`);
    expect(found.ariaLabel).toBe(`openness: ${text}`);
  });

  it('every listed seeded model of both hubs: its own level and license category', async () => {
    const listed = catalog.models.filter((seeded) => !seeded.removed).map((seeded) => seeded.model);
    const sample = [...listed.slice(0, 15), ...listed.filter((model) => model.hubId === OTHER_HUB).slice(0, 3)];
    expect(new Set(sample.map((model) => model.openness.level)).size).toBeGreaterThan(2);
    expect(sample.some((model) => model.hubId === OTHER_HUB)).toBe(true);
    for (const model of sample) {
      const found = await badge(badgePath(model));
      expect(found.status, model.id).toBe(200);
      expect(found.ariaLabel, model.id).toBe(
        `openness: ${LEVEL_TEXT[model.openness.level]} · ${LICENSE_TEXT[model.license.category]}`,
      );
      expect(found.colour, model.id).toBe(COLOURS[model.openness.level]);
    }
  });
});

describe('the neutral badge', () => {
  it('an unknown model, or a hub that does not exist: 404, an SVG, grey', async () => {
    expectNeutral(await badge('/badge/huggingface/nobody/no-such-model.svg'), 404);
    const [model] = probes as [CatalogModel];
    expectNeutral(await badge(`/badge/no-such-hub/${model.repoId}.svg`), 404);
    // The same repo id exists on Hugging Face only.
    expectNeutral(await badge(`/badge/${OTHER_HUB}/${model.repoId}.svg`), 404);
  });

  it('a removed model: 404, neutral', async () => {
    const removed = catalog.models.filter((seeded) => seeded.removed).map((seeded) => seeded.model);
    expect(removed.length).toBeGreaterThan(0);
    for (const model of removed.slice(0, 3)) expectNeutral(await badge(badgePath(model)), 404);
  });

  const [listed] = probes as [CatalogModel];
  it.each([
    ['a NUL character', `/badge/huggingface/badge-probe/level%00closed.svg`],
    ['a path over 500 characters', `/badge/huggingface/badge-probe/${'a'.repeat(600)}.svg`],
    ['a listed model without .svg', `/badge/${listed.hubId}/${listed.repoId}`],
    ['a listed model with a trailing slash', `${badgePath(listed)}/`],
    ['an empty segment', `/badge/${listed.hubId}/${listed.repoId.replace('/', '//')}.svg`],
    ['only .svg', '/badge/huggingface/.svg'],
    ['no repo id', '/badge/huggingface.svg'],
    ['no hub', '/badge/'],
    ['nothing', '/badge'],
    ['percent-encoding that is not UTF-8', '/badge/huggingface/badge-probe/%E0%A4%A.svg'],
  ])('a malformed path (%s): 404, neutral SVG, never JSON or HTML', async (_name, path) => {
    expectNeutral(await badge(path), 404);
  });

  it('a database outage: the neutral badge with 503, not cached', async () => {
    const unreachable = createDatabase(
      { database: { url: 'postgresql://postgres@127.0.0.1:1/catalog', poolSize: 1 } },
      silentLogger,
    );
    const down = await startApi({ db: unreachable, redisUrl: inject('redisUrl') });
    try {
      const response = await fetch(`${down.url}${badgePath(listed)}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      const svg = await response.text();
      expect(svg).toContain('aria-label="openness: unavailable"');
      expect(svg).toContain(`fill="${NEUTRAL}"`);
    } finally {
      await down.stop();
      await unreachable.close();
    }
  });

  it('a refused rate limit: the neutral badge with 429 and Retry-After', async () => {
    const limited = await startApi({
      db: catalog.db,
      redisUrl: inject('redisUrl'),
      queuePrefix: `badge-limit-${process.pid}-${Date.now()}`,
      env: { API_RATE_LIMIT: '2', API_RATE_LIMIT_WINDOW_MS: '60000' },
    });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await fetch(`${limited.url}${badgePath(listed)}`);
        statuses.push(last.status);
        if (i < 2) await last.text();
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(last?.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await last?.text()).toContain('aria-label="openness: unavailable"');
    } finally {
      await limited.stop();
    }
  });
});

describe('styles', () => {
  const [model] = probes as [CatalogModel];
  it('flat by default; flat-square, for-the-badge and plastic are other drawings of the same text', async () => {
    const flat = await badge(badgePath(model));
    const explicit = await badge(`${badgePath(model)}?style=flat`);
    expect(explicit.svg).toBe(flat.svg);
    const drawings = new Set([flat.svg]);
    for (const style of ['flat-square', 'for-the-badge', 'plastic']) {
      const found = await badge(`${badgePath(model)}?style=${style}`);
      expect(found.status).toBe(200);
      expect(found.ariaLabel?.toLowerCase()).toBe(flat.ariaLabel?.toLowerCase());
      expect(found.colour).toBe(flat.colour);
      drawings.add(found.svg);
    }
    expect(drawings.size).toBe(4);
  });

  it('an unknown or repeated style falls back to flat, still 200', async () => {
    const flat = await badge(badgePath(model));
    for (const query of ['style=shiny', 'style=social', 'style=flat&style=plastic']) {
      const found = await badge(`${badgePath(model)}?${query}`);
      expect(found.status).toBe(200);
      expect(found.svg).toBe(flat.svg);
    }
  });
});

describe('caching', () => {
  it('ETag is a hash of the SVG; a matching If-None-Match gets 304 until the badge changes', async () => {
    const model = buildCatalogModel('badge-probe/etag', {
      openness: buildOpenness({ level: 'OPEN_WEIGHTS' }),
    });
    const ingest = new IngestRepository(catalog.db.pool);
    await ingest.ingestPage([model]);
    const first = await badge(badgePath(model));
    expect(first.etag).toBe(`"${createHash('sha1').update(first.svg).digest('base64url')}"`);
    const etag = first.etag ?? '';

    const again = await get(badgePath(model), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get(badgePath(model), { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    // Another style is another drawing.
    expect((await get(`${badgePath(model)}?style=plastic`, { 'if-none-match': etag })).status).toBe(200);

    const reclassified = { ...model, openness: buildOpenness({ level: 'OPEN_SCIENCE' }) };
    await ingest.ingestPage([{ ...reclassified, sha: 'b'.repeat(40) }]);
    const changed = await badge(badgePath(model), { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(etag);
    expect(changed.ariaLabel).toBe('openness: open science · permissive');
    expect(changed.colour).toBe(COLOURS.OPEN_SCIENCE);
  });
});
