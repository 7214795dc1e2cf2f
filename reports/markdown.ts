/** report.md: a short Markdown summary for email and chat, in the dashboard's language. */
import { QUALITY_DIMENSION_LABELS } from '../schemas/index.ts';
import {
  attentionOrder,
  departmentAnswers,
  departmentRanking,
  dimensionSummary,
  nodeRollup,
  quarantineTotal,
  ruleCounts,
} from './derive.ts';
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
  return [
    ...headline(model, t),
    ...answersSection(model, t),
    ...dimensionsSection(model, t),
    ...rankingSection(model, t),
    ...attentionSection(model, t),
    ...findingsSection(model, t),
    '',
    `${t.t('reportFiles')}: index.html · report.json · rules.csv — ${t.t('builtAt')}: ${t.dateTime(model.builtAt)}`,
    '',
  ].join('\n');
}

/** The title and the node's figures: score, pass rate, datasets, failed rules, rows, quarantined, the run. */
function headline(model: DashboardModel, t: Texts): string[] {
  const q = model.quality;
  const node = nodeRollup(model);
  const rules = q.datasets.reduce((s, d) => s + d.rules.length, 0);
  const failed = q.datasets.reduce((s, d) => s + ruleCounts(d).failed, 0);
  return [
    `# ${node.name ? `${node.name} · ` : ''}${t.t('title')}`,
    '',
    `- ${t.t('nodeScore')}: **${t.score(node.score)}** (${t.word(q.status)}) · ${t.t('nodePassRate')}: ${t.pct(node.passRate)}`,
    `- ${t.t('datasetsCount')}: ${t.int(q.datasets.length)} · ${t.t('failedRules')}: ${t.int(failed)} / ${t.int(rules)}`,
    `- ${t.t('rows')}: ${t.int(q.datasets.reduce((s, d) => s + d.rows, 0))} · ${t.t('quarantined')}: ${t.int(quarantineTotal(model))}`,
    `- ${t.t('asOf')}: ${t.date(q.asOf)} · ${t.t('generatedAt')}: ${t.dateTime(q.generatedAt)} · ${t.t('runId')}: \`${q.runId}\``,
  ];
}

/** Each department's answer: its dataset's score and, when failing, the rule failing most (none: no section). */
function answersSection(model: DashboardModel, t: Texts): string[] {
  const answers = departmentAnswers(model).filter((a) => a.dataset);
  if (!answers.length) return [];
  const out = ['', `## ${t.t('answerTitle')}`, ''];
  for (const a of answers) {
    const d = a.dataset!;
    const name = a.department.code === '' ? t.t('noDepartment') : a.department.name;
    const title = d.title ?? d.dataset;
    out.push(
      `- ${
        a.rule
          ? t.t('answerFailing', {
              department: name,
              dataset: title,
              score: t.score(d.score),
              rate: t.pct(d.passRate),
              rule: `“${t.rule(a.rule)}”`,
              failed: t.int(a.rule.failed),
              share: t.pct(a.rule.total > 0 ? a.rule.failed / a.rule.total : null),
            })
          : t.t('answerPassing', { department: name, dataset: title, score: t.score(d.score) })
      }`,
    );
  }
  return out;
}

/** The five dimensions: score, pass rate, rules and failed rules. */
function dimensionsSection(model: DashboardModel, t: Texts): string[] {
  return [
    '',
    `## ${t.t('dimensions')}`,
    '',
    mdTable(
      [t.t('dimension'), t.t('score'), t.t('passRate'), t.t('rules'), t.t('failedRules')],
      dimensionSummary(model).map((d) => [
        t.label(QUALITY_DIMENSION_LABELS, d.dimension),
        d.present ? t.score(d.score) : t.t('notAssessed'),
        d.present ? t.pct(d.passRate) : '',
        t.int(d.rules),
        t.int(d.failed),
      ]),
      [1, 2, 3, 4],
    ),
  ];
}

/** The ten best departments (none: no section). */
function rankingSection(model: DashboardModel, t: Texts): string[] {
  const depts = departmentRanking(model);
  if (!depts.length) return [];
  const out = [
    '',
    `## ${t.t('departmentRanking')}`,
    '',
    t.t('rankingOrder'),
    '',
    mdTable(
      [t.t('rank'), t.t('department'), t.t('datasets'), t.t('score'), t.t('passRate')],
      depts
        .slice(0, 10)
        .map((d, i) => [
          String(i + 1),
          d.code === '' ? t.t('noDepartment') : d.name,
          t.int(d.datasets.length),
          t.score(d.score),
          t.pct(d.passRate),
        ]),
      [0, 2, 3, 4],
    ),
  ];
  if (depts.length > 10) out.push('', t.t('more', { n: t.int(depts.length - 10) }));
  return out;
}

/** The ten datasets needing attention first. */
function attentionSection(model: DashboardModel, t: Texts): string[] {
  const attention = attentionOrder(model);
  const out = ['', `## ${t.t('attention')}`, ''];
  if (attention.length === 0) return [...out, t.t('none')];
  out.push(t.t('attentionOrder'), '');
  out.push(
    mdTable(
      [t.t('dataset'), t.t('department'), t.t('score'), t.t('failedErrorRules'), t.t('failedRules')],
      attention.slice(0, 10).map((d) => {
        const c = ruleCounts(d);
        return [
          d.title ? `${d.title} (${d.dataset})` : d.dataset,
          d.layer ? t.t('platformBuilt') : (d.department?.name ?? t.t('noDepartment')),
          t.score(d.score),
          t.int(c.failedError),
          `${t.int(c.failed)} / ${t.int(c.total)}`,
        ];
      }),
      [2, 3, 4],
    ),
  );
  if (attention.length > 10) out.push('', t.t('more', { n: t.int(attention.length - 10) }));
  return out;
}

/** The run's first ten findings. */
function findingsSection(model: DashboardModel, t: Texts): string[] {
  const { findings } = model.quality;
  const out = ['', `## ${t.t('findings')}`, ''];
  if (findings.length === 0) out.push(t.t('noFindings'));
  else for (const f of findings.slice(0, 10)) out.push(`- ${t.finding(f)}`);
  if (findings.length > 10) out.push(`- ${t.t('more', { n: t.int(findings.length - 10) })}`);
  return out;
}
