/**
 * The overview page (index.html). Its first block answers "which department's data is worst, and why": one
 * sentence per department (its worst dataset, the rule costing it most in words, the failing count and share,
 * a link to the masked examples). Then the node's numbers, the five dimensions, the trend, the department
 * ranking and the datasets needing attention (both worst first, in one order they state), findings, formula.
 */
import {
  datasetHref,
  datasetsHref,
  departmentAnswers,
  dimensionSummary,
  nodeRollup,
  quarantineTotal,
  ruleCounts,
} from '../derive.ts';
import { card, esc } from '../html.ts';
import { framed, type PageContext } from './context.ts';
import { departmentName } from './dataset-columns.ts';
import { backupsSection } from './overview-backups.ts';
import {
  attentionSection,
  departmentsSection,
  dimensionsSection,
  trendSection,
} from './overview-sections.ts';

/** The first block: one sentence per department, worst first. */
function answersSection(ctx: PageContext): string {
  const { model, t } = ctx;
  const answers = departmentAnswers(model);
  if (answers.length === 0) return `<p class="muted">${esc(t.t('answerNone'))}</p>`;
  const items = answers.map(({ department, dataset, rule, href }) => {
    const name = `<strong>${esc(departmentName(t, department))}</strong>`;
    if (!dataset) return '';
    const link = `<a href="${esc(datasetHref(dataset.dataset))}">${esc(dataset.title ?? dataset.dataset)}</a>`;
    if (!rule || !href) {
      return `<li>${fill(t.t('answerPassing'), { department: name, dataset: link, score: esc(t.score(dataset.score)) })}</li>`;
    }
    const examples = `<a href="${esc(href)}">${esc(model.quality.masked ? t.t('examples') : t.t('examplesUnmasked'))}</a>`;
    const sentence = fill(t.t('answerFailing'), {
      department: name,
      dataset: link,
      score: `<span class="fail">${esc(t.score(dataset.score))}</span>`,
      rate: esc(t.pct(dataset.passRate)),
      rule: `“${esc(t.rule(rule))}”`,
      failed: esc(t.int(rule.failed)),
      share: esc(t.pct(rule.total > 0 ? rule.failed / rule.total : null)),
    });
    return `<li>${sentence} ${examples}</li>`;
  });
  return `<ul class="answers">${items.join('\n')}</ul>`;
}

/** A message with `{name}` placeholders filled with HTML (already escaped). */
function fill(template: string, html: Readonly<Record<string, string>>): string {
  return esc(template).replace(/\{(\w+)\}/g, (m, k: string) => html[k] ?? m);
}

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
  const cards = `<div class="cards">
${card(t.score(node.score), t.t('nodeScore'))}
${card(t.pct(node.passRate), t.t('nodePassRate'))}
${card(t.word(q.status), t.t('status'), q.status)}
${card(t.int(q.datasets.length), t.t('datasetsCount'))}
${card(`${t.int(counts.failed)} / ${t.int(counts.rules)}`, t.t('failedRules'))}
${card(t.int(counts.rows), t.t('rows'))}
${card(t.int(quarantineTotal(model)), t.t('quarantined'))}
${card(t.date(q.asOf), t.t('asOf'))}
</div>`;

  // In the order they were always rendered (charts are drawn one after another).
  const dimensions = dimensionsSection(ctx, dims);
  const departments = departmentsSection(ctx, dims);
  const trend = trendSection(ctx);
  const attention = attentionSection(ctx);
  const findings = findingsSection(ctx);
  const backups = model.backups ? backupsSection(ctx, model.backups) : '';

  const extras = Object.values(model.datasets);
  const older = extras.filter((x) => x.assessed && x.assessed.runId !== q.runId).length;
  const stale = extras.filter((x) => x.assessed?.newerLoad).length;
  const lines = [
    ...model.notes,
    ...(older ? [t.t('olderResults', { n: older })] : []),
    ...(stale ? [t.t('staleCount', { n: stale })] : []),
  ];
  const notes = lines.length ? `<div class="note">${lines.map((n) => esc(n)).join('<br>')}</div>` : '';
  const f = q.formula;
  const points = {
    error: f.pointsPerPercent.error,
    warn: f.pointsPerPercent.warn,
    info: f.pointsPerPercent.info,
    errorMax: f.maxDeduction.error,
    warnMax: f.maxDeduction.warn,
  };

  const body = `${notes}<section id="answers"><h2>${esc(t.t('answerTitle'))}</h2>${answersSection(ctx)}</section>
${cards}
<p class="muted">${esc(t.t('scoreExplained'))}</p>
<div class="grid">
<section id="dimensions"><h2>${esc(t.t('dimensions'))}</h2>${dimensions}</section>
<section id="trend"><h2>${esc(t.t('scoreTrend'))}</h2>${trend}</section>
</div>
<section id="departments"><h2>${esc(t.t('departmentRanking'))}</h2><p class="muted">${esc(t.t('rankingOrder'))}</p>${departments}</section>
<section id="attention"><h2>${esc(t.t('attention'))}</h2><p class="muted">${esc(t.t('attentionOrder'))}</p>${attention}<a href="${esc(datasetsHref())}">${esc(t.t('allDatasets'))}</a></p></section>
<section id="findings"><h2>${esc(t.t('findings'))}</h2>${findings}</section>
${backups}<section id="formula"><h2>${esc(t.t('formula'))}</h2>
<details><summary>${esc(t.t('formula'))}</summary><ul>
<li>${esc(t.t('formulaRule', points))}</li>
<li>${esc(t.t('formulaDimension', { ceiling: f.errorCeiling }))}</li>
<li>${esc(t.t('formulaDataset', { ceiling: f.errorCeiling }))}</li>
<li>${esc(t.t('formulaRollup'))}</li>
</ul><p class="muted">${esc(t.t('formulaWhy'))}</p></details>
<p class="muted">${esc(t.t('queries'))}: ${esc(t.int(q.queries.total))}</p></section>`;
  return framed(ctx, 'index.html', node.name ? `${t.t('overview')} · ${node.name}` : t.t('overview'), body);
}

/** The findings of the run (the first 50): anomalies and scan fallbacks, in the page's language. */
function findingsSection(ctx: PageContext): string {
  const { model, t } = ctx;
  const q = model.quality;
  return q.findings.length
    ? `<ul>${q.findings
        .slice(0, 50)
        .map(
          (f) =>
            `<li><a href="${esc(datasetHref(f.dataset))}">${esc(f.dataset)}</a>: ${esc(t.finding(f))}${
              f.kind === 'fallback' ? ` <span class="muted">(${esc(t.t('fallbackNote'))})</span>` : ''
            }</li>`,
        )
        .join(
          '',
        )}</ul>${q.findings.length > 50 ? `<p>${esc(t.t('more', { n: q.findings.length - 50 }))}</p>` : ''}`
    : `<p class="muted">${esc(t.t('noFindings'))}</p>`;
}
