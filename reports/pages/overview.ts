/** The overview page (index.html): node score, the five dimensions, departments, trend, attention, findings. */
import { QUALITY_DIMENSION_LABELS } from '../../schemas/index.ts';
import { barChart, lineChart, radarChart } from '../charts.ts';
import {
  ATTENTION_LIMIT,
  attentionOrder,
  datasetHref,
  datasetsHref,
  dimensionSummary,
  nodeRollup,
  quarantineTotal,
  ruleCounts,
} from '../derive.ts';
import { card, esc, statusBadge, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

/** Renders index.html. */
export function renderOverview(ctx: PageContext): string {
  const { model, t } = ctx;
  const q = model.quality;
  const node = nodeRollup(model);
  const dims = dimensionSummary(model);
  const counts = q.datasets.reduce(
    (s, d) => {
      const c = ruleCounts(d);
      return { rules: s.rules + c.total, failed: s.failed + c.failed, rows: s.rows + d.rows };
    },
    { rules: 0, failed: 0, rows: 0 },
  );
  const dimLabel = (d: string) => t.label(QUALITY_DIMENSION_LABELS, d);

  const cards = `<div class="cards">
${card(t.score(node.score), t.t('nodeScore'))}
${card(t.word(q.status), t.t('status'), q.status)}
${card(t.int(q.datasets.length), t.t('datasetsCount'))}
${card(`${t.int(counts.failed)} / ${t.int(counts.rules)}`, t.t('failedRules'))}
${card(t.int(counts.rows), t.t('rows'))}
${card(t.int(quarantineTotal(model)), t.t('quarantined'))}
${card(t.date(q.asOf), t.t('asOf'))}
</div>`;

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

  const xs = t.axisLabels(model.runs.map((r) => r.at));
  const trend = lineChart(
    model.runs.map((r, i) => ({ x: xs[i]!, y: r.score })),
    t.t('scoreTrend'),
  );

  const attention = attentionOrder(model);
  const attentionTable = table(
    attention.slice(0, ATTENTION_LIMIT),
    [
      {
        head: t.t('dataset'),
        cell: (d) =>
          `<a href="${esc(datasetHref(d.dataset))}">${esc(d.title ?? d.dataset)}</a> <span class="muted">${esc(d.dataset)}</span>`,
      },
      { head: t.t('department'), cell: (d) => esc(d.department?.name ?? '—') },
      { head: t.t('score'), num: true, cell: (d) => esc(t.score(d.score)) },
      {
        head: t.t('failedErrorRules'),
        num: true,
        cell: (d) => esc(t.int(ruleCounts(d).failedError)),
      },
      {
        head: t.t('failedRules'),
        num: true,
        cell: (d) => {
          const c = ruleCounts(d);
          return esc(`${t.int(c.failed)} / ${t.int(c.total)}`);
        },
      },
      { head: t.t('quarantined'), num: true, cell: (d) => esc(t.int(d.quarantine.total)) },
      { head: t.t('status'), cell: (d) => statusBadge(t, d.status) },
    ],
    t.t('none'),
  );
  const more =
    attention.length > ATTENTION_LIMIT
      ? `<p>${esc(t.t('more', { n: t.int(attention.length - ATTENTION_LIMIT) }))} · `
      : '<p>';

  const findings = q.findings.length
    ? `<ul>${q.findings
        .slice(0, 50)
        .map(
          (f) =>
            `<li><a href="${esc(datasetHref(f.dataset))}">${esc(f.dataset)}</a>: ${esc(f.message)}${
              f.kind === 'fallback' ? ` <span class="muted">(${esc(t.t('fallbackNote'))})</span>` : ''
            }</li>`,
        )
        .join(
          '',
        )}</ul>${q.findings.length > 50 ? `<p>${esc(t.t('more', { n: q.findings.length - 50 }))}</p>` : ''}`
    : `<p class="muted">${esc(t.t('noFindings'))}</p>`;

  const notes = model.notes.length
    ? `<div class="note">${model.notes.map((n) => esc(n)).join('<br>')}</div>`
    : '';

  const body = `${notes}${cards}
<div class="grid">
<section id="dimensions"><h2>${esc(t.t('dimensions'))}</h2>${dimChart}${dimTable}</section>
<section id="trend"><h2>${esc(t.t('scoreTrend'))}</h2>${trend}</section>
</div>
<section id="departments"><h2>${esc(t.t('departmentRanking'))}</h2>${deptChart}${deptTable}</section>
<section id="attention"><h2>${esc(t.t('attention'))}</h2>${attentionTable}${more}<a href="${esc(datasetsHref())}">${esc(t.t('allDatasets'))}</a></p></section>
<section id="findings"><h2>${esc(t.t('findings'))}</h2>${findings}</section>
<section id="formula"><h2>${esc(t.t('formula'))}</h2>
<details><summary>${esc(t.t('formula'))}</summary><ul>
<li><code>rule</code>: ${esc(q.formula.rule)}</li>
<li><code>dimension</code>: ${esc(q.formula.dimension)}</li>
<li><code>dataset</code>: ${esc(q.formula.dataset)}</li>
<li><code>rollup</code>: ${esc(q.formula.rollup)}</li>
</ul></details>
<p class="muted">${esc(t.t('queries'))}: ${esc(t.int(q.queries.total))}</p></section>`;
  return framed(ctx, 'index.html', node.name ? `${t.t('overview')} · ${node.name}` : t.t('overview'), body);
}
