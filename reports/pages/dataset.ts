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
import { datasetDepartment } from './dataset-columns.ts';
import { driftSection, loadsSection, quarantineSection, ruleDetail, ruleTable } from './dataset-sections.ts';

const EMPTY_EXTRAS: DatasetExtras = { scoreTrend: [], quarantine: [], drift: [], loads: [] };

/** The pages of one dataset: file name → HTML. */
export function renderDatasetPages(ctx: PageContext, d: QualityDatasetResult): Map<string, string> {
  const pages = Math.max(1, Math.ceil(d.rules.length / RULES_PER_PAGE));
  const out = new Map<string, string>();
  for (let n = 1; n <= pages; n++) out.set(datasetHref(d.dataset, n), renderDatasetPage(ctx, d, n, pages));
  return out;
}

/** One page of a dataset: page 1 has the dimensions, trend, findings, quarantine, drift and loads; every page rules. */
function renderDatasetPage(ctx: PageContext, d: QualityDatasetResult, n: number, pages: number): string {
  const { t, model } = ctx;
  const extras = model.datasets[d.dataset] ?? EMPTY_EXTRAS;
  const title = d.title ? `${d.title} (${d.dataset})` : d.dataset;
  const parts: string[] = [...assessedNotes(ctx, extras), summaryCards(ctx, d)];
  if (n === 1) parts.push(dimensionsAndTrend(ctx, d, extras), ...findingsSection(ctx, d));
  parts.push(...ruleSections(ctx, d, n, pages));
  if (n === 1)
    parts.push(quarantineSection(ctx, extras), driftSection(ctx, extras), loadsSection(ctx, extras));
  const suffix = pages > 1 ? ` · ${t.t('page')} ${n}/${pages}` : '';
  return framed(ctx, 'datasets.html', `${t.t('dataset')}: ${title}${suffix}`, parts.join('\n'));
}

/** Notes on when the result was assessed: stale (a newer load since), or assessed in an earlier run. */
function assessedNotes({ t, model }: PageContext, extras: DatasetExtras): string[] {
  const parts: string[] = [];
  const assessed = extras.assessed;
  if (assessed?.newerLoad) {
    parts.push(
      `<div class="note" id="stale">${esc(
        t.t('staleResult', { at: t.dateTime(assessed.at), loadAt: t.dateTime(assessed.newerLoad.at) }),
      )}</div>`,
    );
  }
  if (assessed && assessed.runId !== model.quality.runId) {
    parts.push(
      `<p class="muted">${esc(t.t('assessedIn'))}: <code>${esc(assessed.runId)}</code> (${esc(t.dateTime(assessed.at))})</p>`,
    );
  }
  return parts;
}

/** The cards at the top: score, pass rate, status, rows, quarantined, failed rules, department. */
function summaryCards({ t }: PageContext, d: QualityDatasetResult): string {
  const counts = ruleCounts(d);
  return `<div class="cards">
${card(t.score(d.score), t.t('score'))}
${card(t.pct(d.passRate), t.t('passRate'))}
${card(t.word(d.status), t.t('status'), d.status)}
${card(t.int(d.rows), t.t('rows'))}
${card(t.int(d.quarantine.total), t.t('quarantined'))}
${card(`${t.int(counts.failed)} / ${t.int(counts.total)}`, t.t('failedRules'))}
${card(datasetDepartment(t, d), t.t('department'))}
</div>`;
}

/** The five dimensions (chart and table) beside the score trend. */
function dimensionsAndTrend({ t }: PageContext, d: QualityDatasetResult, extras: DatasetExtras): string {
  const dimLabel = (x: string) => t.label(QUALITY_DIMENSION_LABELS, x);
  const present = QUALITY_DIMENSIONS.filter((x) => d.dimensions[x] !== undefined);
  const dimRows = QUALITY_DIMENSIONS.map((x) => ({ x, r: d.dimensions[x] }));
  return `<div class="grid">
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
    { head: t.t('passRate'), num: true, cell: ({ r }) => (r ? esc(t.pct(r.passRate)) : '') },
    {
      head: t.t('deduction'),
      num: true,
      cell: ({ r }) => (r?.deductions ? esc(t.score(r.deductions)) : ''),
    },
    { head: t.t('rules'), num: true, cell: ({ r }) => esc(t.int(r?.rules.length ?? 0)) },
  ])}</section>
<section id="trend"><h2>${esc(t.t('scoreTrend'))}</h2>${lineChart(
    ((xs) => extras.scoreTrend.map((p, i) => ({ x: xs[i]!, y: p.score })))(
      t.axisLabels(extras.scoreTrend.map((p) => p.at)),
    ),
    t.t('scoreTrend'),
  )}</section>
</div>`;
}

/** The run's findings about the dataset (none: no section). */
function findingsSection({ t, model }: PageContext, d: QualityDatasetResult): string[] {
  const findings = model.quality.findings.filter((f) => f.dataset === d.dataset);
  if (!findings.length) return [];
  return [
    `<section id="findings"><h2>${esc(t.t('findings'))}</h2><ul>${findings
      .map((f) => `<li>${esc(t.finding(f))}</li>`)
      .join('')}</ul></section>`,
  ];
}

/** The page's rules (with the pager), then the details of those failing. */
function ruleSections(ctx: PageContext, d: QualityDatasetResult, n: number, pages: number): string[] {
  const { t } = ctx;
  const from = (n - 1) * RULES_PER_PAGE;
  const rules = d.rules.slice(from, from + RULES_PER_PAGE);
  const pg = pager(t, n, pages, (k) => datasetHref(d.dataset, k));
  const parts = [
    `<section id="rules"><h2>${esc(t.t('rules'))} (${esc(t.int(d.rules.length))})</h2>${pg}${ruleTable(ctx, rules)}${pg}</section>`,
  ];
  const failing = rules.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failing.length) {
    parts.push(
      `<section id="rule-details"><h2>${esc(t.t('ruleDetails'))}</h2>${failing.map((r) => ruleDetail(ctx, r)).join('\n')}</section>`,
    );
  }
  return parts;
}
