/**
 * Dataset pages: dimension scores, the rule table with trends (paged, RULES_PER_PAGE a page), details of failing
 * rules (masked samples, reproducing SQL), quarantine by reason, schema drift and load history; and the list of
 * all datasets (datasets.html, paged).
 */
import {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_SEVERITY_LABELS,
  type QualityDatasetResult,
  type QualityRuleResult,
} from '../../schemas/index.ts';
import { barChart, lineChart, sparkline } from '../charts.ts';
import {
  DATASETS_PER_PAGE,
  datasetHref,
  datasetsHref,
  RULES_PER_PAGE,
  ruleAnchor,
  ruleCounts,
} from '../derive.ts';
import { card, esc, pager, statusBadge, table } from '../html.ts';
import type { DatasetExtras } from '../model.ts';
import { framed, type PageContext } from './context.ts';
import { datasetDepartment } from './overview-sections.ts';

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

  parts.push(`<div class="cards">
${card(t.score(d.score), t.t('score'))}
${card(t.pct(d.passRate), t.t('passRate'))}
${card(t.word(d.status), t.t('status'), d.status)}
${card(t.int(d.rows), t.t('rows'))}
${card(t.int(d.quarantine.total), t.t('quarantined'))}
${card(`${t.int(counts.failed)} / ${t.int(counts.total)}`, t.t('failedRules'))}
${card(datasetDepartment(ctx, d), t.t('department'))}
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
</div>`);
    const findings = model.quality.findings.filter((f) => f.dataset === d.dataset);
    if (findings.length) {
      parts.push(
        `<section id="findings"><h2>${esc(t.t('findings'))}</h2><ul>${findings
          .map((f) => `<li>${esc(t.finding(f))}</li>`)
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

function ruleTable(ctx: PageContext, rules: readonly QualityRuleResult[]): string {
  const { t } = ctx;
  return table(
    rules,
    [
      {
        head: t.t('rule'),
        wrap: true,
        cell: (r) => {
          const id = `<code>${esc(r.id)}</code>`;
          const linked =
            r.status === 'fail' || r.status === 'error' ? `<a href="#${esc(ruleAnchor(r))}">${id}</a>` : id;
          return `${linked}<br><span class="muted">${esc(t.rule(r))}</span>`;
        },
      },
      { head: t.t('dimension'), cell: (r) => esc(t.label(QUALITY_DIMENSION_LABELS, r.dimension)) },
      { head: t.t('severity'), cell: (r) => esc(t.label(QUALITY_SEVERITY_LABELS, r.severity)) },
      { head: t.t('column'), cell: (r) => (r.column ? `<code>${esc(r.column)}</code>` : '—') },
      { head: t.t('total'), num: true, cell: (r) => esc(t.int(r.total)) },
      { head: t.t('failed'), num: true, cell: (r) => esc(t.int(r.failed)) },
      { head: t.t('passRate'), num: true, cell: (r) => esc(t.pct(r.passRate)) },
      { head: t.t('threshold'), num: true, cell: (r) => esc(t.pct(r.mostly)) },
      { head: t.t('deduction'), num: true, cell: (r) => (r.deduction > 0 ? esc(t.score(r.deduction)) : '') },
      { head: t.t('status'), cell: (r) => statusBadge(t, r.status) },
      {
        head: t.t('trend'),
        cell: (r) => sparkline([...r.trend.map((p) => p.passRate), r.passRate], `${t.t('trend')}: ${r.id}`),
      },
    ],
    t.t('none'),
  );
}

function ruleDetail(ctx: PageContext, r: QualityRuleResult): string {
  const { t, model } = ctx;
  const samples = r.samples.length
    ? `<h3>${esc(model.quality.masked ? t.t('samples') : t.t('samplesUnmasked'))}</h3>${table(r.samples, [
        { head: t.t('key'), cell: (s) => `<code>${esc(s.key ?? '—')}</code>` },
        { head: t.t('source'), cell: (s) => esc(s.source ?? '—') },
        { head: t.t('value'), wrap: true, cell: (s) => esc(s.value ?? '—') },
      ])}`
    : '';
  const seen = t.observed(r);
  const observed = seen ? `<p>${esc(t.t('observed'))}: ${esc(seen)}</p>` : '';
  const error = r.error ? `<p class="error">${esc(t.t('ruleError', { error: r.error }))}</p>` : '';
  const sql = r.sql ? `<details><summary>${esc(t.t('sql'))}</summary><pre>${esc(r.sql)}</pre></details>` : '';
  return `<div id="${esc(ruleAnchor(r))}"><h3><code>${esc(r.id)}</code> ${statusBadge(t, r.status)} <span class="muted">${esc(
    t.t('failedOf', { failed: t.int(r.failed), total: t.int(r.total) }),
  )}</span></h3><p>${esc(t.rule(r))}</p>${observed}${error}${samples}${sql}</div>`;
}

function quarantineSection(ctx: PageContext, extras: DatasetExtras): string {
  const { t } = ctx;
  return `<section id="quarantine"><h2>${esc(t.t('quarantine'))}</h2>${table(
    extras.quarantine,
    [
      { head: t.t('reason'), cell: (q) => esc(t.reason(q.reason)) },
      { head: t.t('count'), num: true, cell: (q) => esc(t.int(q.count)) },
      {
        head: t.t('locations'),
        wrap: true,
        cell: (q) =>
          q.samples
            .map((s) => `${esc(s.location)}${s.key ? ` <code>${esc(s.key)}</code>` : ''}`)
            .join('<br>'),
      },
    ],
    t.t('noQuarantine'),
  )}</section>`;
}

/** The list of all datasets: file name → HTML (paged). */
export function renderDatasetList(ctx: PageContext): Map<string, string> {
  const { t, model } = ctx;
  const all = [...model.quality.datasets].sort((a, b) => a.dataset.localeCompare(b.dataset));
  const pages = Math.max(1, Math.ceil(all.length / DATASETS_PER_PAGE));
  const dims = QUALITY_DIMENSIONS.filter((x) => all.some((d) => d.dimensions[x] !== undefined));
  const out = new Map<string, string>();
  for (let n = 1; n <= pages; n++) {
    const rows = all.slice((n - 1) * DATASETS_PER_PAGE, n * DATASETS_PER_PAGE);
    const pg = pager(t, n, pages, datasetsHref);
    const body = `<section><h2>${esc(t.t('allDatasets'))} (${esc(t.int(all.length))})</h2>${pg}${table(
      rows,
      [
        {
          head: t.t('dataset'),
          cell: (d) =>
            `<a href="${esc(datasetHref(d.dataset))}">${esc(d.title ?? d.dataset)}</a> <span class="muted">${esc(d.dataset)}</span>`,
        },
        {
          head: t.t('department'),
          cell: (d) => esc(datasetDepartment(ctx, d)),
        },
        { head: t.t('rows'), num: true, cell: (d) => esc(t.int(d.rows)) },
        { head: t.t('score'), num: true, cell: (d) => esc(t.score(d.score)) },
        { head: t.t('passRate'), num: true, cell: (d) => esc(t.pct(d.passRate)) },
        ...dims.map((x) => ({
          head: t.label(QUALITY_DIMENSION_LABELS, x),
          num: true,
          cell: (d: QualityDatasetResult) => esc(d.dimensions[x] ? t.score(d.dimensions[x].score) : '—'),
        })),
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
    )}${pg}</section>`;
    const suffix = pages > 1 ? ` · ${t.t('page')} ${n}/${pages}` : '';
    out.set(datasetsHref(n), framed(ctx, 'datasets.html', `${t.t('datasets')}${suffix}`, body));
  }
  return out;
}
