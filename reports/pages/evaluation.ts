/**
 * evaluation.html and evaluation-<n>.html (GOVERNANCE.md H, I): the yearly evaluation per department, the
 * article-44 failures per department (exactly: missing catalog entries, repeated collection, overdue requests,
 * overdue catalog updates, unresolved objections), the datasets collecting another department's data elements,
 * the children's evaluations received with their pushes, and one page per department of this node.
 */
import type { DepartmentRow, NodeEvaluationRow } from '../evaluation-model.ts';
import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

/** The page of the n-th department (1-based) of this node. */
export const departmentHref = (n: number): string => `evaluation-${n}.html`;

const num = (ctx: PageContext, n: number | null) =>
  n === null ? esc(ctx.t.t('notRecorded')) : esc(ctx.t.int(n));
const failCell = (ctx: PageContext, n: number | null) =>
  n === null
    ? esc(ctx.t.t('notRecorded'))
    : n > 0
      ? `<span class="badge fail">${esc(ctx.t.int(n))}</span>`
      : '0';
const name = (ctx: PageContext, d: DepartmentRow) => d.department ?? ctx.t.t('uncatalogued');
const percent = (ctx: PageContext, p: number | null) => (p === null ? '—' : esc(ctx.t.pct(p / 100)));

function article44(ctx: PageContext, departments: readonly DepartmentRow[]): string {
  const { t } = ctx;
  return table(departments, [
    { head: t.t('department'), cell: (d) => esc(name(ctx, d)) },
    {
      head: t.t('missingCatalogEntries'),
      num: true,
      cell: (d) => failCell(ctx, d.failures.missingCatalogEntries),
    },
    { head: t.t('repeatedCollection'), num: true, cell: (d) => failCell(ctx, d.failures.repeatedCollection) },
    { head: t.t('overdueRequests'), num: true, cell: (d) => failCell(ctx, d.failures.overdueRequests) },
    {
      head: t.t('overdueCatalogUpdates'),
      num: true,
      cell: (d) => failCell(ctx, d.failures.overdueCatalogUpdates),
    },
    {
      head: t.t('unresolvedObjections'),
      num: true,
      cell: (d) => failCell(ctx, d.failures.unresolvedObjections),
    },
  ]);
}

function figures(ctx: PageContext, departments: readonly DepartmentRow[], link: boolean): string {
  const { t } = ctx;
  return table(departments, [
    {
      head: t.t('department'),
      cell: (d) =>
        link
          ? `<a href="${departmentHref(departments.indexOf(d) + 1)}">${esc(name(ctx, d))}</a>`
          : esc(name(ctx, d)),
    },
    {
      head: t.t('catalogEntries'),
      num: true,
      cell: (d) => `${esc(t.int(d.catalog.published))}/${esc(t.int(d.catalog.entries))}`,
    },
    { head: t.t('rowsLoaded'), num: true, cell: (d) => esc(t.int(d.collected.rowsLoaded)) },
    { head: t.t('quarantined'), num: true, cell: (d) => esc(t.int(d.collected.rowsQuarantined)) },
    { head: t.t('score'), num: true, cell: (d) => esc(t.score(d.quality.score)) },
    { head: t.t('freshness'), num: true, cell: (d) => percent(ctx, d.quality.freshness) },
    { head: t.t('rowsPushed'), num: true, cell: (d) => esc(t.int(d.provided.rowsPushed)) },
    {
      head: t.t('requestsAnswered'),
      num: true,
      cell: (d) => `${esc(t.int(d.provided.requestsAnswered))} (${esc(t.int(d.provided.answeredOnTime))})`,
    },
    { head: t.t('requestsMade'), num: true, cell: (d) => esc(t.int(d.used.requestsMade)) },
    { head: t.t('rowsReceived'), num: true, cell: (d) => esc(t.int(d.used.rowsReceived)) },
  ]);
}

/** The security figures of a department (第三十四条): grading, secrecy reviews, the node's verified backups. */
function security(ctx: PageContext, dep: DepartmentRow): string {
  const { t } = ctx;
  const s = dep.security;
  if (!s) return '';
  const when = (iso: string | null) => (iso ? esc(t.dateTime(iso)) : esc(t.t('notRecorded')));
  const rows: [string, string][] = [
    [
      t.t('gradeCoverage'),
      `${esc(t.int(s.graded))}/${esc(t.int(s.datasets))} (${percent(ctx, s.gradeCoverage)})`,
    ],
    [
      t.t('securityGrades'),
      `${esc(t.int(s.grades.core))}/${esc(t.int(s.grades.important))}/${esc(t.int(s.grades.general))}`,
    ],
    [t.t('secrecyReviewed'), `${esc(t.int(s.reviewed))}/${esc(t.int(s.graded))}`],
    [t.t('lastAssessment'), s.lastAssessment ? esc(s.lastAssessment) : esc(t.t('notRecorded'))],
    ...(s.backup
      ? ([
          [t.t('lastVerifiedBackup'), when(s.backup.lastVerified)],
          [t.t('offsiteVerifiedBackup'), when(s.backup.offsiteVerified)],
          [
            t.t('backups'),
            s.backup.overdue
              ? `<span class="badge fail">${esc(t.t('backupOverdue'))}</span>`
              : esc(t.t('backupOk')),
          ],
        ] as [string, string][])
      : [[t.t('backups'), esc(t.t('backupsNotConfigured'))] as [string, string]]),
  ];
  return `<section id="security"><h2>${esc(t.t('security'))}</h2><div class="tw"><table><tbody>${rows
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td></tr>`)
    .join('')}</tbody></table></div></section>`;
}

function nodeTitle(n: NodeEvaluationRow): string {
  return `${n.name ?? ''} (${n.node})`.trim();
}

/** evaluation.html and one page per department of this node. */
export function renderEvaluation(ctx: PageContext): Map<string, string> {
  const { t, model } = ctx;
  const files = new Map<string, string>();
  const s = model.evaluation;
  if (!s || s.status === 'not-configured') {
    const note = s?.note ?? null;
    files.set(
      'evaluation.html',
      framed(
        ctx,
        'evaluation.html',
        t.t('evaluation'),
        `<section id="not-configured"><h2>${esc(t.t('notConfigured'))}</h2><p>${esc(t.t('evaluationNotConfigured'))}</p>${
          note ? `<p class="muted"><code>${esc(note)}</code></p>` : ''
        }</section>`,
      ),
    );
    return files;
  }
  const d = s.data;
  const self = d.self;
  const children = d.children
    .map(
      (c) => `<h3>${esc(nodeTitle(c))} · ${esc(t.t('via'))}: ${esc(c.via.join(' → '))} · ${esc(
        t.t('receivedAt'),
      )}: ${esc(c.receivedAt ? t.dateTime(c.receivedAt) : '—')}</h3>
${article44(ctx, c.departments)}
${figures(ctx, c.departments, false)}`,
    )
    .join('\n');
  const body = `<p class="muted">${esc(t.t('evaluationIntro'))} ${esc(t.t('evaluationYear', { year: d.year }))} · ${esc(
    t.t('computedAt'),
  )}: ${esc(t.dateTime(self.asOf))}</p>
<section id="article-44"><h2>${esc(t.t('article44'))}</h2><p class="muted">${esc(t.t('article44Intro'))}</p>${article44(
    ctx,
    self.departments,
  )}</section>
<section id="departments"><h2>${esc(t.t('departments'))}</h2>${figures(ctx, self.departments, true)}</section>
<section id="one-source"><h2>${esc(t.t('oneSource'))}</h2>${table(
    d.duplicates,
    [
      { head: t.t('department'), cell: (r) => esc(r.department) },
      { head: t.t('dataset'), cell: (r) => esc(r.dataset) },
      { head: t.t('element'), cell: (r) => `<code>${esc(r.element)}</code>` },
      { head: t.t('column'), cell: (r) => `<code>${esc(r.column)}</code>` },
      { head: t.t('authoritativeSource'), cell: (r) => esc(r.authoritative) },
      { head: t.t('overlap'), num: true, cell: (r) => (r.overlap === null ? '—' : esc(t.int(r.overlap))) },
      {
        head: t.t('disagreeing'),
        num: true,
        cell: (r) => (r.disagreeing === null ? '—' : esc(t.int(r.disagreeing))),
      },
      { head: t.t('duplicateBasis'), wrap: true, cell: (r) => esc(r.basis ?? '') },
    ],
    t.t('noDuplicates'),
  )}</section>
<section id="children"><h2>${esc(t.t('childEvaluations'))}</h2>${
    children || `<p class="muted">${esc(t.t('noChildEvaluations'))}</p>`
  }</section>`;
  files.set('evaluation.html', framed(ctx, 'evaluation.html', t.t('evaluation'), body));

  self.departments.forEach((dep, i) => {
    const title = t.t('departmentEvaluation', { department: name(ctx, dep) });
    const kv = (rows: [string, string][]) =>
      `<div class="tw"><table><tbody>${rows
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td></tr>`)
        .join('')}</tbody></table></div>`;
    const o = dep.objections;
    const page = `<p class="muted">${esc(t.t('evaluationYear', { year: d.year }))} · ${esc(t.t('computedAt'))}: ${esc(
      t.dateTime(self.asOf),
    )} · <a href="evaluation.html">${esc(t.t('evaluation'))}</a></p>
<section id="article-44"><h2>${esc(t.t('article44'))}</h2>${article44(ctx, [dep])}</section>
<section id="figures"><h2>${esc(t.t('evaluation'))}</h2>${kv([
      [t.t('datasets'), esc(dep.datasets.join(', '))],
      [t.t('catalogEntries'), `${esc(t.int(dep.catalog.published))}/${esc(t.int(dep.catalog.entries))}`],
      [t.t('rowsLoaded'), esc(t.int(dep.collected.rowsLoaded))],
      [t.t('quarantined'), esc(t.int(dep.collected.rowsQuarantined))],
      [t.t('score'), esc(t.score(dep.quality.score))],
      [t.t('trend'), dep.quality.trend === null ? '—' : esc(String(dep.quality.trend))],
      [t.t('freshness'), percent(ctx, dep.quality.freshness)],
      [t.t('rowsPushed'), esc(t.int(dep.provided.rowsPushed))],
      [t.t('rowsShared'), esc(t.int(dep.provided.rowsShared))],
      [t.t('rowsOpened'), dep.provided.rowsOpened === undefined ? '—' : esc(t.int(dep.provided.rowsOpened))],
      [t.t('requestsReceived'), esc(t.int(dep.provided.requestsReceived))],
      [
        t.t('requestsAnswered'),
        `${esc(t.int(dep.provided.requestsAnswered))} (${esc(t.int(dep.provided.answeredOnTime))})`,
      ],
      [t.t('requestsMade'), esc(t.int(dep.used.requestsMade))],
      [t.t('grants'), esc(t.int(dep.used.grants))],
      [t.t('rowsReceived'), esc(t.int(dep.used.rowsReceived))],
      [
        t.t('objectionCounts'),
        o ? `${num(ctx, o.raised)}/${num(ctx, o.resolved)}/${num(ctx, o.unresolved)}` : num(ctx, null),
      ],
      [t.t('repeatedCollection'), esc(dep.duplicates.elements.join(', ') || '—')],
    ])}</section>
${security(ctx, dep)}`;
    files.set(departmentHref(i + 1), framed(ctx, departmentHref(i + 1), title, page));
  });
  return files;
}
