/**
 * The embeddable chart in a real headless Chromium: the page draws exactly the numbers
 * `/api/stats` gives for the same filter, a filter changes the chart accordingly, the time series
 * has one line per openness level, the page requests nothing outside the API, and its CSP says
 * who may frame it. Screenshots are saved to test-results/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LEVEL_COLOURS } from '../../src/openness/display.js';
import { OPENNESS_LEVELS } from '../../src/openness/types.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { useSeededCatalog } from '../api/catalog.fixture.js';

const catalog = useSeededCatalog();
let api: RunningApi;
let browser: Browser;
beforeAll(async () => {
  api = await startApi({
    db: catalog.db,
    redisUrl: inject('redisUrl'),
    env: { EMBED_FRAME_ANCESTORS: 'https://grafana.example.org' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

interface Drawn {
  readonly type: string;
  readonly labels: string[];
  readonly datasets: { label: string; data: number[]; backgroundColor?: unknown }[];
}

interface FacetRow {
  readonly value: string | null;
  readonly count: number;
}

/** Open the chart page, wait until it has drawn, and read what Chart.js holds. */
async function openChart(
  query: string,
  screenshot?: string,
): Promise<{ page: Page; drawn: Drawn; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${api.url}/embed/chart?${query}`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  const drawn = await page.evaluate(() => {
    const chart = (
      globalThis as unknown as { Chart: { getChart(id: string): { config: { type: string }; data: Drawn } } }
    ).Chart.getChart('chart');
    return {
      type: chart.config.type,
      labels: chart.data.labels,
      datasets: chart.data.datasets.map((dataset) => ({
        label: dataset.label,
        data: dataset.data,
        backgroundColor: dataset.backgroundColor,
      })),
    };
  });
  if (screenshot) await page.screenshot({ path: artifactPath(screenshot) });
  return { page, drawn, requests };
}

async function statsFacet(query: string, facet: string): Promise<FacetRow[]> {
  const stats = (await (await fetch(`${api.url}/api/stats?${query}`)).json()) as { facets: Record<string, FacetRow[]> };
  const rows = stats.facets[facet];
  if (!rows) throw new Error(`no facet ${facet}`);
  return rows;
}

describe('the embeddable chart in Chromium', () => {
  it('draws the license categories /api/stats counts, and a filter changes them', async () => {
    const all = await openChart('facet=licenseCategory', 'embed-chart-license-categories.png');
    const expected = await statsFacet('', 'licenseCategory');
    expect(all.drawn.type).toBe('bar');
    expect(all.drawn.labels).toEqual(expected.map((row) => row.value ?? 'unknown'));
    expect(all.drawn.datasets[0]?.data).toEqual(expected.map((row) => row.count));
    expect(expected.length).toBeGreaterThan(2);
    await all.page.close();

    const filtered = await openChart('facet=licenseCategory&licenseCategories=PERMISSIVE&type=doughnut');
    const permissive = expected.find((row) => row.value === 'PERMISSIVE');
    expect(filtered.drawn.type).toBe('doughnut');
    expect(filtered.drawn.labels).toEqual(['PERMISSIVE']);
    expect(filtered.drawn.datasets[0]?.data).toEqual([permissive?.count]);
    await filtered.page.close();
  });

  it('draws openness over time as one line per level, from the same series', async () => {
    const { page, drawn } = await openChart(
      'facet=opennessOverTime&interval=MONTH',
      'embed-chart-openness-over-time.png',
    );
    expect(drawn.type).toBe('line');
    expect(drawn.datasets.map((dataset) => dataset.label)).toEqual([...OPENNESS_LEVELS]);
    const series = (
      (await (await fetch(`${api.url}/api/stats?interval=MONTH`)).json()) as {
        opennessOverTime: { level: string; count: number }[];
      }
    ).opennessOverTime;
    for (const dataset of drawn.datasets) {
      expect(dataset.data).toEqual(series.filter((row) => row.level === dataset.label).map((row) => row.count));
    }
    await page.close();
  });

  it('draws each openness level alone in its own colour, and a filter no model matches as an empty chart', async () => {
    const levels = await statsFacet('', 'opennessLevel');
    for (const level of OPENNESS_LEVELS) {
      const { page, drawn } = await openChart(`facet=opennessLevel&opennessLevels=${level}`);
      const count = levels.find((row) => row.value === level)?.count ?? 0;
      if (count === 0) {
        expect(drawn.labels, level).toEqual([]);
      } else {
        expect(drawn.labels, level).toEqual([level]);
        expect(drawn.datasets[0]?.data, level).toEqual([count]);
        expect(drawn.datasets[0]?.backgroundColor, level).toEqual([LEVEL_COLOURS[level]]);
      }
      expect(await page.textContent('#status'), level).toBe(`${count} models`);
      await page.close();
    }
    expect(levels.filter((row) => row.count > 0).length).toBeGreaterThan(2);
    const nothing = await openChart('facet=opennessLevel&search=no-model-is-called-this', 'embed-chart-empty.png');
    expect(nothing.drawn.labels).toEqual([]);
    expect(await nothing.page.textContent('#status')).toBe('0 models');
    await nothing.page.close();
  });

  it('requests nothing outside the API, and says who may frame it', async () => {
    const { page, requests } = await openChart('facet=opennessLevel');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.filter((url) => !url.startsWith(api.url))).toEqual([]);
    await page.close();
    const response = await fetch(`${api.url}/embed/chart?facet=opennessLevel`);
    expect(response.headers.get('content-security-policy')).toContain(
      "frame-ancestors 'self' https://grafana.example.org",
    );
  });

  it('shows the reason when the numbers cannot be had, and refuses a bad chart with a 400 naming it', async () => {
    const bad = await fetch(`${api.url}/embed/chart?facet=colour`);
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { errors: { extensions: { argument: string } }[] }).errors[0]?.extensions.argument,
    ).toBe('facet');
    const badFilter = await fetch(`${api.url}/embed/chart?facet=hub&licenseCategories=NOPE`);
    expect(badFilter.status).toBe(400);
  });
});
