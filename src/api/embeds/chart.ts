/**
 * `GET /embed/chart?facet=…[&type=bar|doughnut|line][&title=…][&<ModelFilter fields>][&interval=…]`:
 * one chart of a `stats` facet, or of openness over time, as an HTML page to show in an iframe
 * (README: Embeddable charts). The page loads nothing from outside the API: Chart.js is served at
 * `/assets/chart.umd.min.js` from the installed package, and the numbers come from `/api/stats`
 * with the same query parameters, so the chart always shows what the JSON endpoint says.
 *
 * The page's own script is a few lines, inlined with a per-response CSP nonce; the dashboard's
 * browser code, which is larger, has its own build. Who may frame the page is configuration
 * (EMBED_FRAME_ANCESTORS → CSP `frame-ancestors`).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import type { GraphQLInputObjectType } from 'graphql';
import { CatalogError } from '../../lib/errors.js';
import { escapeHtml } from '../../lib/text.js';
import { LEVEL_COLOURS } from '../../openness/display.js';
import { OPENNESS_LEVELS } from '../../openness/types.js';
import { parsedOrRefused } from '../http-responses.js';
import { inputFromQuery, listParam } from '../query-params.js';

/** The facets of `/api/stats` a chart can show, and its time series. */
export const CHART_FACETS = [
  'licenseCategory',
  'commercialUse',
  'opennessLevel',
  'mofClass',
  'weights',
  'hub',
  'task',
  'library',
  'license',
  'opennessOverTime',
] as const;
type ChartFacet = (typeof CHART_FACETS)[number];
const CHART_TYPES = ['bar', 'doughnut', 'line'] as const;
type ChartType = (typeof CHART_TYPES)[number];

/** The page's own parameters; every other one is `/api/stats`'s and goes on to it unchanged. */
const OWN_PARAMETERS = ['facet', 'type', 'title'];
const STATS_PARAMETERS = ['interval', 'from', 'to', 'facetLimit'];

/** The file Chart.js publishes for `<script>` use, beside the package's main module. */
export const CHART_JS_FILE = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** Colours of the other facets' bars and slices, in order (Chart.js's own default palette). */
const PALETTE = ['#36a2eb', '#ff6384', '#4bc0c0', '#ff9f40', '#9966ff', '#ffcd56', '#c9cbcf', '#8dd3c7', '#fb8072'];

interface PageConfig {
  readonly facet: ChartFacet;
  readonly type: ChartType;
  readonly title: string;
  /** `/api/stats` with the filter, relative to the page. */
  readonly statsUrl: string;
  readonly levels: readonly string[];
  readonly levelColours: Readonly<Record<string, string>>;
  readonly palette: readonly string[];
}

/**
 * The page's script, run in the browser with the page's config: fetch the numbers, draw them,
 * and mark the page `data-state="ready"` (or `"error"`, with the reason shown) for whoever embeds
 * or tests it. Plain JavaScript in a string: the server's TypeScript has no DOM types.
 */
const PAGE_SCRIPT = `
(function (config) {
  var status = document.getElementById('status');
  function fail(message) {
    status.textContent = 'Could not load the numbers: ' + message;
    document.body.dataset.state = 'error';
  }
  fetch(config.statsUrl, { headers: { accept: 'application/json' } })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body.errors && body.errors[0] && body.errors[0].message) || response.statusText);
        return body;
      });
    })
    .then(function (stats) {
      var labels, datasets;
      if (config.facet === 'opennessOverTime') {
        labels = [];
        stats.opennessOverTime.forEach(function (row) { if (labels.indexOf(row.time) < 0) labels.push(row.time); });
        datasets = config.levels.map(function (level) {
          var rows = stats.opennessOverTime.filter(function (row) { return row.level === level; });
          return { label: level, data: rows.map(function (row) { return row.count; }), borderColor: config.levelColours[level],
            backgroundColor: config.levelColours[level], fill: false };
        });
        labels = labels.map(function (time) { return time.slice(0, 10); });
      } else {
        var rows = stats.facets[config.facet];
        labels = rows.map(function (row) { return row.value === null ? 'unknown' : row.value; });
        var colours = rows.map(function (row, index) {
          return config.facet === 'opennessLevel' && config.levelColours[row.value] ? config.levelColours[row.value]
            : config.palette[index % config.palette.length];
        });
        datasets = [{ label: config.title, data: rows.map(function (row) { return row.count; }), backgroundColor: colours }];
      }
      var canvas = document.getElementById('chart');
      canvas.setAttribute('aria-label', config.title + ': ' + labels.join(', '));
      new Chart(canvas, {
        type: config.type,
        data: { labels: labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { title: { display: true, text: config.title }, legend: { display: config.type !== 'bar' || datasets.length > 1 } }
        }
      });
      status.textContent = stats.totalCount + ' models';
      document.body.dataset.state = 'ready';
    })
    .catch(function (error) { fail(error.message); });
})`;

/** JSON inside a <script>: `<` escaped so no `</script>` in a title can end it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function one(query: Request['query'], name: string): string | undefined {
  const values = listParam(query[name]);
  if (values.length > 1) throw new CatalogError('INVALID_ARGUMENT', `\`${name}\` takes one value`, { argument: name });
  return values[0];
}

function pageConfig(query: Request['query'], filterType: GraphQLInputObjectType): PageConfig {
  // The filter is checked here too, so a bad one is a 400 naming it rather than a page that fails.
  inputFromQuery(filterType, query, [...OWN_PARAMETERS, ...STATS_PARAMETERS]);
  const facet = one(query, 'facet');
  if (!facet || !(CHART_FACETS as readonly string[]).includes(facet)) {
    throw new CatalogError('INVALID_ARGUMENT', `\`facet\` must be one of ${CHART_FACETS.join(', ')}`, {
      argument: 'facet',
    });
  }
  const type = one(query, 'type') ?? (facet === 'opennessOverTime' ? 'line' : 'bar');
  if (!(CHART_TYPES as readonly string[]).includes(type)) {
    throw new CatalogError('INVALID_ARGUMENT', `\`type\` must be one of ${CHART_TYPES.join(', ')}`, {
      argument: 'type',
    });
  }
  const title = one(query, 'title') ?? `Models by ${facet === 'opennessOverTime' ? 'openness level over time' : facet}`;
  if (title.length > 200)
    throw new CatalogError('INVALID_ARGUMENT', '`title` is longer than 200 characters', { argument: 'title' });
  const forward = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (OWN_PARAMETERS.includes(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') forward.append(name, item);
  }
  return {
    facet: facet as ChartFacet,
    type: type as ChartType,
    title,
    statsUrl: `../api/stats${forward.size > 0 ? `?${forward.toString()}` : ''}`,
    levels: OPENNESS_LEVELS,
    levelColours: LEVEL_COLOURS,
    palette: PALETTE,
  };
}

function page(config: PageConfig, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(config.title)}</title>
<style>
html, body { margin: 0; height: 100%; font: 13px system-ui, sans-serif; color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
#frame { position: relative; flex: 1; min-height: 0; padding: 8px; }
#status { padding: 0 8px 6px; color: #666; }
</style>
</head>
<body data-state="loading">
<div id="frame"><canvas id="chart" role="img" aria-label="${escapeHtml(config.title)}"></canvas></div>
<div id="status" aria-live="polite">Loading…</div>
<script src="../assets/chart.umd.min.js"></script>
<script nonce="${nonce}">${PAGE_SCRIPT}(${scriptJson(config)});</script>
</body>
</html>
`;
}

/** CSP `frame-ancestors` from EMBED_FRAME_ANCESTORS: anyone, or this origin and the listed ones. */
export function frameAncestors(allowed: readonly string[] | '*'): string {
  return allowed === '*' ? '*' : ["'self'", ...allowed].join(' ');
}

export function chartEmbedHandler(deps: {
  readonly filterType: GraphQLInputObjectType;
  readonly frameAncestors: readonly string[] | '*';
}): RequestHandler {
  return (req: Request, res: Response) => {
    const config = parsedOrRefused(res, () => pageConfig(req.query, deps.filterType));
    if (config === undefined) return;
    const nonce = randomBytes(16).toString('base64');
    res
      .set({
        'Content-Security-Policy': [
          "default-src 'none'",
          `script-src 'self' 'nonce-${nonce}'`,
          "connect-src 'self'",
          "style-src 'unsafe-inline'",
          "img-src 'self' data:",
          `frame-ancestors ${frameAncestors(deps.frameAncestors)}`,
        ].join('; '),
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      })
      .type('html')
      .send(page(config, nonce));
  };
}

/** Chart.js's browser build, served from the installed package (no CDN). */
export function chartJsAsset(): RequestHandler {
  return (_req, res, next) => {
    res.sendFile(
      CHART_JS_FILE,
      { maxAge: '1d', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } },
      (error) => {
        if (error) next(error);
      },
    );
  };
}
