/**
 * Dataset pages: dimension scores, the rule table with trends (paged, RULES_PER_PAGE a page), details of failing
 * rules (masked samples, reproducing SQL), quarantine by reason, schema drift and load history.
 */
import {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  type QualityDatasetResult,
} from '../../schemas/index.ts';
import { barChart, lineChart } from '../charts.ts';
import { datasetHref, RULES_PER_PAGE, ruleCounts } from '../derive.ts';
import { card, esc, pager, table } from '../html.ts';
import type { DatasetExtras } from '../model.ts';
import { framed, type PageContext } from './context.ts';
import { quarantineSection, ruleDetail, ruleTable } from './dataset-sections.ts';

const EMPTY_EXTRAS: DatasetExtras = { scoreTrend: [], quarantine: [], drift: [], loads: [] };

/** The pages of one dataset: file name → HTML. */
export function renderDatasetPages(ctx: PageContext, d: QualityDatasetResult): Map<string, string> {
  const pages = Math.max(1, Math.ceil(d.rules.length / RULES_PER_PAGE));
  const out = new Map<string, string>();
  for (let n = 1; n <= pages; n++) out.set(datasetHref(d.dataset, n), renderDatasetPage(ctx, d, n, pages));
  return out;
}

function renderDatasetPage(ctx: PageContext, d: QualityDatasetResult, n: number, pages: number): string {
  const { t, model } = ctx;
  const extras = model.datasets[d.dataset] ?? EMPTY_EXTRAS;
  const counts = ruleCounts(d);
  const dimLabel = (x: string) => t.label(QUALITY_DIMENSION_LABELS, x);
  const title = d.title ? `${d.title} (${d.dataset})` : d.dataset;
  const parts: string[] = [];

  parts.push(`<div class="cards">
${card(t.score(d.score), t.t('score'))}
${card(t.word(d.status), t.t('status'), d.status)}
${card(t.int(d.rows), t.t('rows'))}
${card(t.int(d.quarantine.total), t.t('quarantined'))}
${card(`${t.int(counts.failed)} / ${t.int(counts.total)}`, t.t('failedRules'))}
${card(d.department?.name ?? '—', t.t('department'))}
</div>`);

  if (n === 1) {
    const present = QUALITY_DIMENSIONS.filter((x) => d.dimensions[x] !== undefined);
    const dimRows = QUALITY_DIMENSIONS.map((x) => ({ x, r: d.dimensions[x] }));
    parts.push(`<div class="grid">
<section id="dimensions"><h2>${esc(t.t('dimensions'))}</h2>${
      present.length
        ? barChart(
            present.map((x) => ({ name: dimLabel(x), score: d.dimensions[x]?.score ?? null })),
            t.t('dimensions'),
            { width: 460 },
          )
        : ''
    }${table(dimRows, [
      { head: t.t('dimension'), cell: ({ x }) => esc(dimLabel(x)) },
      {
        head: t.t('score'),
        num: true,
        cell: ({ r }) => (r ? esc(t.score(r.score)) : `<span class="na">${esc(t.t('notAssessed'))}</span>`),
      },
      { head: t.t('rules'), num: true, cell: ({ r }) => esc(t.int(r?.rules.length ?? 0)) },
    ])}</section>
<section id="trend"><h2>${esc(t.t('scoreTrend'))}</h2>${lineChart(
      ((xs) => extras.scoreTrend.map((p, i) => ({ x: xs[i]!, y: p.score })))(
        t.axisLabels(extras.scoreTrend.map((p) => p.at)),
      ),
      t.t('scoreTrend'),
    )}</section>
</div>`);
    const findings = model.quality.findings.filter((f) => f.dataset === d.dataset);
    if (findings.length) {
      parts.push(
        `<section id="findings"><h2>${esc(t.t('findings'))}</h2><ul>${findings
          .map((f) => `<li>${esc(f.message)}</li>`)
          .join('')}</ul></section>`,
      );
    }
  }

  const from = (n - 1) * RULES_PER_PAGE;
  const rules = d.rules.slice(from, from + RULES_PER_PAGE);
  const pg = pager(t, n, pages, (k) => datasetHref(d.dataset, k));
  parts.push(
    `<section id="rules"><h2>${esc(t.t('rules'))} (${esc(t.int(d.rules.length))})</h2>${pg}${ruleTable(ctx, rules)}${pg}</section>`,
  );

  const failing = rules.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failing.length) {
    parts.push(
      `<section id="rule-details"><h2>${esc(t.t('ruleDetails'))}</h2>${failing.map((r) => ruleDetail(ctx, r)).join('\n')}</section>`,
    );
  }

  if (n === 1) {
    parts.push(quarantineSection(ctx, extras));
    parts.push(
      `<section id="drift"><h2>${esc(t.t('drift'))}</h2>${table(
        extras.drift,
        [
          { head: t.t('lastAt'), cell: (r) => esc(t.dateTime(r.at)) },
          { head: t.t('change'), cell: (r) => esc(t.word(r.change)) },
          { head: t.t('column'), cell: (r) => `<code>${esc(r.column)}</code>` },
          { head: t.t('oldType'), cell: (r) => esc(r.oldType ?? '—') },
          { head: t.t('newType'), cell: (r) => esc(r.newType ?? '—') },
          { head: t.t('action'), cell: (r) => esc(t.word(r.action)) },
          { head: t.t('loadId'), cell: (r) => `<code>${esc(r.loadId)}</code>` },
        ],
        t.t('noDrift'),
      )}</section>`,
    );
    parts.push(
      `<section id="loads"><h2>${esc(t.t('loads'))}</h2>${table(
        extras.loads,
        [
          { head: t.t('startedAt'), cell: (r) => esc(t.dateTime(r.startedAt)) },
          { head: t.t('connector'), cell: (r) => esc(r.connector) },
          { head: t.t('source'), cell: (r) => esc(r.source) },
          { head: t.t('writeMode'), cell: (r) => esc(t.word(r.writeMode)) },
          { head: t.t('rowsRead'), num: true, cell: (r) => esc(t.int(r.rowsRead)) },
          { head: t.t('rowsLoaded'), num: true, cell: (r) => esc(t.int(r.rowsLoaded)) },
          { head: t.t('quarantined'), num: true, cell: (r) => esc(t.int(r.rowsQuarantined)) },
          { head: t.t('status'), cell: (r) => esc(t.word(r.status)) },
          { head: t.t('loadId'), cell: (r) => `<code>${esc(r.loadId)}</code>` },
        ],
        t.t('noLoads'),
      )}</section>`,
    );
  }
  const suffix = pages > 1 ? ` · ${t.t('page')} ${n}/${pages}` : '';
  return framed(ctx, 'datasets.html', `${t.t('dataset')}: ${title}${suffix}`, parts.join('\n'));
}
