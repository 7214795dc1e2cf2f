/** The tables and charts of the overview page: dimensions, departments, trend and the datasets needing attention. */
import { QUALITY_DIMENSION_LABELS } from '../../schemas/index.ts';
import { barChart, lineChart, radarChart } from '../charts.ts';
import { ATTENTION_LIMIT, attentionOrder, type dimensionSummary, ruleCounts } from '../derive.ts';
import { esc, table } from '../html.ts';
import type { PageContext } from './context.ts';
import { datasetColumns } from './dataset-columns.ts';

type Dimensions = ReturnType<typeof dimensionSummary>;

const dimensionLabel = (ctx: PageContext, d: string): string => ctx.t.label(QUALITY_DIMENSION_LABELS, d);

/** The five dimensions: a radar chart (a bar chart under three dimensions) and their table. */
export function dimensionsSection(ctx: PageContext, dims: Dimensions): string {
  const { t } = ctx;
  const dimLabel = (d: string) => dimensionLabel(ctx, d);
  const present = dims.filter((d) => d.present);
  const dimChart =
    present.length >= 3
      ? radarChart(
          present.map((d) => ({ name: `${dimLabel(d.dimension)}\n${t.score(d.score)}`, score: d.score })),
          t.t('dimensions'),
        )
      : `${barChart(
          present.map((d) => ({ name: dimLabel(d.dimension), score: d.score })),
          t.t('dimensions'),
        )}<p class="muted">${esc(t.t('radarFallback'))}</p>`;
  const dimTable = table(dims, [
    { head: t.t('dimension'), cell: (d) => esc(dimLabel(d.dimension)) },
    {
      head: t.t('score'),
      num: true,
      cell: (d) => (d.present ? esc(t.score(d.score)) : `<span class="na">${esc(t.t('notAssessed'))}</span>`),
    },
    { head: t.t('rules'), num: true, cell: (d) => esc(t.int(d.rules)) },
    { head: t.t('failedRules'), num: true, cell: (d) => esc(t.int(d.failed)) },
  ]);

  return `${dimChart}${dimTable}`;
}

/** The department ranking: a bar chart of the first 20 and the table of all, with a column per dimension. */
export function departmentsSection(ctx: PageContext, dims: Dimensions): string {
  const { model, t } = ctx;
  const q = model.quality;
  const dimLabel = (d: string) => dimensionLabel(ctx, d);
  const departments = [...q.departments].sort(
    (a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name),
  );
  const shown = departments.slice(0, 20);
  const deptChart = shown.length
    ? barChart(
        shown.map((d) => ({ name: d.name, score: d.score })),
        t.t('departmentRanking'),
        {
          width: 620,
          min: Math.max(0, Math.floor(Math.min(...shown.map((d) => d.score ?? 100)) - 5)),
        },
      )
    : '';
  const deptTable = table(
    departments.map((d, i) => ({ ...d, rank: i + 1 })),
    [
      { head: t.t('rank'), num: true, cell: (d) => String(d.rank) },
      { head: t.t('department'), cell: (d) => esc(d.name) },
      { head: t.t('datasets'), num: true, cell: (d) => esc(t.int(d.datasets.length)) },
      { head: t.t('rows'), num: true, cell: (d) => esc(t.int(d.rows)) },
      { head: t.t('score'), num: true, cell: (d) => esc(t.score(d.score)) },
      ...dims
        .filter((x) => x.present)
        .map((x) => ({
          head: dimLabel(x.dimension),
          num: true,
          cell: (d: (typeof departments)[number]) => esc(t.score(d.dimensions[x.dimension] ?? null)),
        })),
    ],
    t.t('none'),
  );

  return `${deptChart}${deptTable}`;
}

/** The node score over the recorded runs. */
export function trendSection(ctx: PageContext): string {
  const { model, t } = ctx;
  const xs = t.axisLabels(model.runs.map((r) => r.at));
  return lineChart(
    model.runs.map((r, i) => ({ x: xs[i]!, y: r.score })),
    t.t('scoreTrend'),
  );
}

/** The datasets needing attention, worst first, and the "n more" line (its paragraph left open for the link). */
export function attentionSection(ctx: PageContext): string {
  const { model, t } = ctx;
  const attention = attentionOrder(model);
  const c = datasetColumns(t);
  const attentionTable = table(
    attention.slice(0, ATTENTION_LIMIT),
    [
      c.dataset,
      c.department,
      c.score,
      {
        head: t.t('failedErrorRules'),
        num: true,
        cell: (d) => esc(t.int(ruleCounts(d).failedError)),
      },
      c.failedRules,
      c.quarantined,
      c.status,
    ],
    t.t('none'),
  );
  const more =
    attention.length > ATTENTION_LIMIT
      ? `<p>${esc(t.t('more', { n: t.int(attention.length - ATTENTION_LIMIT) }))} · `
      : '<p>';

  return `${attentionTable}${more}`;
}
