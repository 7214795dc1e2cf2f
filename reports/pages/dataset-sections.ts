/** Parts of a dataset page: the rule table, failing rules in detail, the quarantine. */
import {
  QUALITY_DIMENSION_LABELS,
  QUALITY_SEVERITY_LABELS,
  type QualityRuleResult,
} from '../../schemas/index.ts';
import { sparkline } from '../charts.ts';
import { ruleAnchor } from '../derive.ts';
import { esc, statusBadge, table } from '../html.ts';
import type { DatasetExtras } from '../model.ts';
import type { PageContext } from './context.ts';

/** The rule table of a page: id and description, dimension, severity, counts, pass rate, deduction, status, trend. */
export function ruleTable(ctx: PageContext, rules: readonly QualityRuleResult[]): string {
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

/** A failing rule in detail: observed value, error, masked samples and the reproducing SQL. */
export function ruleDetail(ctx: PageContext, r: QualityRuleResult): string {
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

/** The quarantine of the dataset by reason, with source locations and masked keys. */
export function quarantineSection(ctx: PageContext, extras: DatasetExtras): string {
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

/** The schema drift of the dataset's loads: columns added, removed or retyped, and what the contract did. */
export function driftSection({ t }: PageContext, extras: DatasetExtras): string {
  return `<section id="drift"><h2>${esc(t.t('drift'))}</h2>${table(
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
  )}</section>`;
}

/** The dataset's load history. */
export function loadsSection({ t }: PageContext, extras: DatasetExtras): string {
  return `<section id="loads"><h2>${esc(t.t('loads'))}</h2>${table(
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
  )}</section>`;
}
