/**
 * The dashboard's three charts, drawn by Chart.js (bundled, tree-shaken to what they use): openness
 * levels (bars, one colour per level as on the badges), license categories (doughnut), and openness
 * over time (stacked areas, one per level). Each chart also writes its numbers into a data table
 * beside the canvas (screen readers, and anyone who wants the exact counts) — `chartData` reads
 * them back for the page's tests.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { OPENNESS_LEVELS } from '../../../src/openness/types.js';
import type { FacetCount, OpennessBucket } from './documents.js';
import { el, fill } from './dom.js';
import { count, levelColour, levelText, licenseText } from './format.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** Colours of the license categories, in order (Chart.js's own default palette, extended). */
const PALETTE = [
  '#36a2eb',
  '#ff6384',
  '#4bc0c0',
  '#ff9f40',
  '#9966ff',
  '#ffcd56',
  '#c9cbcf',
  '#8dd3c7',
  '#fb8072',
  '#80b1d3',
];

export interface ChartSeries {
  readonly labels: string[];
  readonly datasets: { readonly label: string; readonly data: number[] }[];
}

const charts = new Map<string, Chart>();

function draw(canvasId: string, config: ChartConfiguration): void {
  const existing = charts.get(canvasId);
  if (existing && (existing.config as ChartConfiguration).type === config.type) {
    existing.data = config.data;
    existing.update();
    return;
  }
  existing?.destroy();
  const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
  charts.set(canvasId, new Chart(canvas, config));
}

/** The numbers a chart shows, as its data table beside the canvas and its accessible label. */
function describe(canvasId: string, title: string, series: ChartSeries): void {
  const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
  const figure = canvas.closest('figure');
  if (!figure) return;
  let table = figure.querySelector('table');
  if (!table) {
    table = el('table', { class: 'visually-hidden', 'data-chart': canvasId });
    figure.append(table);
  }
  const total = (data: number[]) => data.reduce((sum, value) => sum + value, 0);
  canvas.setAttribute(
    'aria-label',
    series.datasets.length === 1
      ? `${title}: ${series.labels.map((label, i) => `${label} ${count(series.datasets[0]?.data[i] ?? 0)}`).join(', ')}`
      : `${title}, ${series.labels.length} points; the table below has the numbers`,
  );
  fill(
    table,
    el('caption', {}, title),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, ''),
        series.datasets.map((d) => el('th', { scope: 'col' }, d.label)),
      ),
    ),
    el(
      'tbody',
      {},
      series.labels.map((label, row) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, label),
          series.datasets.map((d) => el('td', {}, String(d.data[row] ?? 0))),
        ),
      ),
    ),
    el(
      'tfoot',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, 'total'),
        series.datasets.map((d) => el('td', {}, String(total(d.data)))),
      ),
    ),
  );
}

export function drawLevels(rows: readonly FacetCount[]): void {
  // Every level, lowest first, including those no model has: the bars line up across filters.
  const byLevel = new Map(rows.map((row) => [row.value, row.count]));
  const values: (string | null)[] = [...OPENNESS_LEVELS];
  if (byLevel.has(null)) values.push(null);
  const series: ChartSeries = {
    labels: values.map(levelText),
    datasets: [{ label: 'models', data: values.map((value) => byLevel.get(value) ?? 0) }],
  };
  draw('chart-levels', {
    type: 'bar',
    data: { labels: series.labels, datasets: [{ ...series.datasets[0]!, backgroundColor: values.map(levelColour) }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, indexAxis: 'y' },
  });
  describe('chart-levels', 'Openness levels', series);
}

export function drawLicenses(rows: readonly FacetCount[]): void {
  const shown = rows.filter((row) => row.count > 0);
  const series: ChartSeries = {
    labels: shown.map((row) => licenseText(row.value)),
    datasets: [{ label: 'models', data: shown.map((row) => row.count) }],
  };
  draw('chart-licenses', {
    type: 'doughnut',
    data: {
      labels: series.labels,
      datasets: [{ ...series.datasets[0]!, backgroundColor: shown.map((_, i) => PALETTE[i % PALETTE.length]!) }],
    },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'right' } } },
  });
  describe('chart-licenses', 'License categories', series);
}

export function drawOverTime(buckets: readonly OpennessBucket[]): void {
  const series: ChartSeries = {
    labels: buckets.map((bucket) => bucket.start.slice(0, 10)),
    datasets: OPENNESS_LEVELS.map((level) => ({
      label: levelText(level),
      data: buckets.map((bucket) => bucket.levels.find((row) => row.level === level)?.count ?? 0),
    })),
  };
  draw('chart-over-time', {
    type: 'line',
    data: {
      labels: series.labels,
      datasets: series.datasets.map((dataset, i) => {
        const colour = levelColour(OPENNESS_LEVELS[i] ?? null);
        // Points only while there are few buckets (a new catalog's first month is a single point).
        const pointRadius = buckets.length > 24 ? 0 : 3;
        return { ...dataset, borderColor: colour, backgroundColor: `${colour}99`, fill: true, pointRadius };
      }),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { stacked: true, beginAtZero: true } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  describe('chart-over-time', 'Openness over time', series);
}

/** What a chart holds now, read from Chart.js itself (the page's tests compare it with the API). */
export function chartData(canvasId: string): ChartSeries | null {
  const chart = charts.get(canvasId);
  if (!chart) return null;
  return {
    labels: (chart.data.labels ?? []).map(String),
    datasets: chart.data.datasets.map((dataset) => ({ label: String(dataset.label), data: dataset.data.map(Number) })),
  };
}
