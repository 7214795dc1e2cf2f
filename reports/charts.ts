/**
 * Charts as inline SVG: ECharts rendered on the server (`ssr: true`, `animation: false`, no DOM), and a
 * hand-written sparkline for rule trends (thousands of them; an ECharts instance each would be slow).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import { esc } from './html.ts';
import { FONT_STACK } from './page-frame.ts';

// ECharts writes the family into a double-quoted style attribute without escaping: single quotes only.
const CHART_FONT = FONT_STACK.replaceAll('"', "'");

const COLORS = ['#0b4f8a', '#2f9e44', '#e67700', '#ae3ec9', '#c92a2a'];

/**
 * ECharts numbers its ids and CSS classes (`zr3-cls-17`, `zr3-c0`) with process-wide counters, so the same chart
 * renders differently on a second call. Renumbers them per chart and prefixes them with a hash of the chart, so
 * output is reproducible (golden tests) and ids stay unique within a page.
 */
export function stableIds(svg: string): string {
  const seen = new Map<string, string>();
  const local = svg.replace(/zr\d+-(cls-|c)(\d+)/g, (token, kind: string) => {
    let name = seen.get(token);
    if (name === undefined) {
      name = `@@-${kind}${seen.size}`;
      seen.set(token, name);
    }
    return name;
  });
  const prefix = `g${createHash('sha256').update(local).digest('hex').slice(0, 8)}`;
  return local.replaceAll('@@-', `${prefix}-`);
}

/** echarts, required on the first chart: only a command that draws one loads it (it is large). */
let loaded: typeof Echarts | undefined;
function echarts(): typeof Echarts {
  loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts;
  return loaded;
}

/** The width of a chart's phone variant: fits a 390 px screen inside a card, drawn with the same font sizes. */
export const NARROW_WIDTH = 340;

function svgOf(width: number, height: number, option: Echarts.EChartsOption): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: CHART_FONT, fontSize: 12 },
      ...option,
    });
    return stableIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * A chart drawn twice: at its width, and at NARROW_WIDTH for phones (CSS shows one of them). A wide chart scaled
 * down to a phone would shrink its text below legibility; the narrow one keeps every label at 11 px or more.
 */
function render(
  width: number,
  height: number,
  option: (narrow: boolean) => Echarts.EChartsOption,
  label: string,
  narrowHeight = height,
): string {
  const wide = svgOf(width, height, option(false));
  const narrow = svgOf(Math.min(width, NARROW_WIDTH), narrowHeight, option(true));
  return `<div class="chart" role="img" aria-label="${esc(label)}"><div class="wide">${wide}</div><div class="narrow">${narrow}</div></div>`;
}

/** A radar of dimension scores (0–100); needs at least three dimensions. */
export function radarChart(items: readonly { name: string; score: number | null }[], label: string): string {
  // Scores cluster near 100: start the axes a little below the lowest one (in steps of 5) so differences show;
  // the numbers table next to the chart carries the exact values.
  const scores = items.map((i) => i.score).filter((s): s is number => s !== null);
  const min = scores.length ? Math.max(0, Math.floor((Math.min(...scores) - 1) / 5) * 5) : 0;
  return render(
    420,
    320,
    (narrow) => ({
      radar: {
        indicator: items.map((i) => ({ name: i.name, max: 100, min })),
        radius: narrow ? '55%' : '62%',
        axisName: { color: '#334e68', fontSize: narrow ? 12 : 13 },
      },
      series: [
        {
          type: 'radar',
          areaStyle: { opacity: 0.2 },
          data: [{ name: label, value: items.map((i) => i.score ?? min) }],
        },
      ],
    }),
    label,
    300,
  );
}

/** Horizontal bars of scores (0–100), e.g. dimensions of a dataset or a department ranking. */
export function barChart(
  items: readonly { name: string; score: number | null }[],
  label: string,
  options: { width?: number; min?: number } = {},
): string {
  const height = Math.max(120, 28 * items.length + 50);
  const rev = [...items].reverse();
  return render(
    options.width ?? 520,
    height,
    (narrow) => ({
      grid: { left: 8, right: 48, top: 10, bottom: 24, containLabel: true },
      xAxis: { type: 'value', min: options.min ?? 0, max: 100, splitNumber: narrow ? 3 : 5 },
      yAxis: { type: 'category', data: rev.map((i) => truncate(shortName(i.name), narrow ? 8 : 18)) },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          label: { show: true, position: 'right', fontSize: 11 },
          data: rev.map((i) => (i.score === null ? '-' : i.score)),
        },
      ],
    }),
    label,
  );
}

/** A line of scores over runs. */
export function lineChart(points: readonly { x: string; y: number | null }[], label: string): string {
  const ys = points.map((p) => p.y).filter((y): y is number => y !== null);
  const lo = ys.length ? Math.max(0, Math.floor(Math.min(...ys) - 2)) : 0;
  return render(
    560,
    260,
    (narrow) => ({
      grid: { left: 8, right: 32, top: 28, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: points.map((p) => p.x),
        boundaryGap: true,
        axisLabel: { fontSize: 11, hideOverlap: true, ...(narrow ? { interval: 'auto' as const } : {}) },
      },
      yAxis: { type: 'value', min: lo, max: 100 },
      series: [
        {
          type: 'line',
          symbolSize: 6,
          connectNulls: false,
          label: { show: points.length <= (narrow ? 6 : 12), fontSize: 11 },
          data: points.map((p) => (p.y === null ? '-' : p.y)),
        },
      ],
    }),
    label,
    220,
  );
}

/** A tiny inline trend line of pass rates (0–1), oldest first; "—" with fewer than two points. */
export function sparkline(values: readonly (number | null)[], label: string): string {
  const pts = values
    .map((v, i) => [i, v] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null);
  if (pts.length < 2) return '<span class="muted">—</span>';
  const w = 80;
  const h = 20;
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const span = hi - lo || 1;
  const n = values.length - 1 || 1;
  const coords = pts
    .map(
      ([i, v]) => `${((i / n) * (w - 4) + 2).toFixed(1)},${(h - 2 - ((v - lo) / span) * (h - 4)).toFixed(1)}`,
    )
    .join(' ');
  const last = coords.split(' ').at(-1)!.split(',');
  return (
    `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}">` +
    `<polyline fill="none" stroke="#0b4f8a" stroke-width="1.5" points="${coords}"/>` +
    `<circle cx="${last[0]}" cy="${last[1]}" r="2" fill="#0b4f8a"/></svg>`
  );
}

/** A department's name without the region's name in front (新疆维吾尔自治区公安厅 → 公安厅), for chart axes. */
function shortName(s: string): string {
  const m = /^(.{2,}?(?:自治区|省|市))(.{2,})$/.exec(s);
  return m?.[2] ?? s;
}

function truncate(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length <= n ? s : `${cps.slice(0, n - 1).join('')}…`;
}
