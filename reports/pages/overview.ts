/** The overview page (index.html): node score, the five dimensions, departments, trend, attention, findings. */
import {
  datasetHref,
  datasetsHref,
  dimensionSummary,
  nodeRollup,
  quarantineTotal,
  ruleCounts,
} from '../derive.ts';
import { card, esc } from '../html.ts';
import { framed, type PageContext } from './context.ts';
import { backupsSection } from './overview-backups.ts';
import {
  attentionSection,
  departmentsSection,
  dimensionsSection,
  trendSection,
} from './overview-sections.ts';

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

  const notes = model.notes.length
    ? `<div class="note">${model.notes.map((n) => esc(n)).join('<br>')}</div>`
    : '';

  const body = `${notes}${cards}
<div class="grid">
<section id="dimensions"><h2>${esc(t.t('dimensions'))}</h2>${dimensions}</section>
<section id="trend"><h2>${esc(t.t('scoreTrend'))}</h2>${trend}</section>
</div>
<section id="departments"><h2>${esc(t.t('departmentRanking'))}</h2>${departments}</section>
<section id="attention"><h2>${esc(t.t('attention'))}</h2>${attention}<a href="${esc(datasetsHref())}">${esc(t.t('allDatasets'))}</a></p></section>
<section id="findings"><h2>${esc(t.t('findings'))}</h2>${findings}</section>
${backups}<section id="formula"><h2>${esc(t.t('formula'))}</h2>
<details><summary>${esc(t.t('formula'))}</summary><ul>
<li><code>rule</code>: ${esc(q.formula.rule)}</li>
<li><code>dimension</code>: ${esc(q.formula.dimension)}</li>
<li><code>dataset</code>: ${esc(q.formula.dataset)}</li>
<li><code>rollup</code>: ${esc(q.formula.rollup)}</li>
</ul></details>
<p class="muted">${esc(t.t('queries'))}: ${esc(t.int(q.queries.total))}</p></section>`;
  return framed(ctx, 'index.html', node.name ? `${t.t('overview')} · ${node.name}` : t.t('overview'), body);
}

/** The findings of the run (the first 50): anomalies and scan fallbacks. */
function findingsSection(ctx: PageContext): string {
  const { model, t } = ctx;
  const q = model.quality;
  return q.findings.length
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
}
