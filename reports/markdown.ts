/** report.md: a short Markdown summary for email and chat, in the dashboard's language. */
import { QUALITY_DIMENSION_LABELS } from '../schemas/index.ts';
import { attentionOrder, dimensionSummary, nodeRollup, quarantineTotal, ruleCounts } from './derive.ts';
import type { Texts } from './i18n/texts.ts';
import type { DashboardModel } from './model.ts';

const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\s+/g, ' ');

function mdTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
) {
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [head, align, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

/** Renders report.md. */
export function renderMarkdown(model: DashboardModel, t: Texts): string {
  const q = model.quality;
  const node = nodeRollup(model);
  const rules = q.datasets.reduce((s, d) => s + d.rules.length, 0);
  const failed = q.datasets.reduce((s, d) => s + ruleCounts(d).failed, 0);
  const out: string[] = [];
  out.push(`# ${node.name ? `${node.name} · ` : ''}${t.t('title')}`);
  out.push('');
  out.push(`- ${t.t('nodeScore')}: **${t.score(node.score)}** (${t.word(q.status)})`);
  out.push(
    `- ${t.t('datasetsCount')}: ${t.int(q.datasets.length)} · ${t.t('failedRules')}: ${t.int(failed)} / ${t.int(rules)}`,
  );
  out.push(
    `- ${t.t('rows')}: ${t.int(q.datasets.reduce((s, d) => s + d.rows, 0))} · ${t.t('quarantined')}: ${t.int(quarantineTotal(model))}`,
  );
  out.push(
    `- ${t.t('asOf')}: ${t.date(q.asOf)} · ${t.t('generatedAt')}: ${t.dateTime(q.generatedAt)} · ${t.t('runId')}: \`${q.runId}\``,
  );
  out.push('');
  out.push(`## ${t.t('dimensions')}`);
  out.push('');
  out.push(
    mdTable(
      [t.t('dimension'), t.t('score'), t.t('rules'), t.t('failedRules')],
      dimensionSummary(model).map((d) => [
        t.label(QUALITY_DIMENSION_LABELS, d.dimension),
        d.present ? t.score(d.score) : t.t('notAssessed'),
        t.int(d.rules),
        t.int(d.failed),
      ]),
      [1, 2, 3],
    ),
  );
  const depts = [...q.departments].sort(
    (a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name),
  );
  if (depts.length) {
    out.push('');
    out.push(`## ${t.t('departmentRanking')}`);
    out.push('');
    out.push(
      mdTable(
        [t.t('rank'), t.t('department'), t.t('datasets'), t.t('score')],
        depts.slice(0, 10).map((d, i) => [String(i + 1), d.name, t.int(d.datasets.length), t.score(d.score)]),
        [0, 2, 3],
      ),
    );
    if (depts.length > 10) out.push('', t.t('more', { n: t.int(depts.length - 10) }));
  }
  const attention = attentionOrder(model);
  out.push('');
  out.push(`## ${t.t('attention')}`);
  out.push('');
  if (attention.length === 0) out.push(t.t('none'));
  else {
    out.push(
      mdTable(
        [t.t('dataset'), t.t('department'), t.t('score'), t.t('failedErrorRules'), t.t('failedRules')],
        attention.slice(0, 10).map((d) => {
          const c = ruleCounts(d);
          return [
            d.title ? `${d.title} (${d.dataset})` : d.dataset,
            d.department?.name ?? '—',
            t.score(d.score),
            t.int(c.failedError),
            `${t.int(c.failed)} / ${t.int(c.total)}`,
          ];
        }),
        [2, 3, 4],
      ),
    );
    if (attention.length > 10) out.push('', t.t('more', { n: t.int(attention.length - 10) }));
  }
  out.push('');
  out.push(`## ${t.t('findings')}`);
  out.push('');
  if (q.findings.length === 0) out.push(t.t('noFindings'));
  else for (const f of q.findings.slice(0, 10)) out.push(`- ${f.message}`);
  if (q.findings.length > 10) out.push(`- ${t.t('more', { n: t.int(q.findings.length - 10) })}`);
  out.push('');
  out.push(
    `${t.t('reportFiles')}: index.html · report.json · rules.csv — ${t.t('builtAt')}: ${t.dateTime(model.builtAt)}`,
  );
  out.push('');
  return out.join('\n');
}
