/** The catalog page (catalog.html). */
import {
  CATALOG_KIND_LABELS,
  GENERAL_SUB_LEVEL_LABELS,
  OPEN_TYPE_LABELS,
  PERSONAL_INFO_LABELS,
  SECURITY_GRADE_LABELS,
  SHARE_TYPE_LABELS,
  UPDATE_CYCLE_LABELS,
} from '../../schemas/index.ts';
import { datasetHref } from '../derive.ts';
import { card, esc, table } from '../html.ts';
import type { CatalogItem } from '../model.ts';
import { framed, type PageContext } from './context.ts';
import { notConfigured } from './not-configured.ts';

/** catalog.html: entries with share/open types, update cycle and grade; overdue entries and missing bases. */
export function renderCatalog(ctx: PageContext): string {
  const { t, model } = ctx;
  const c = model.catalog;
  if (c.status === 'not-configured') {
    return framed(
      ctx,
      'catalog.html',
      t.t('catalog'),
      notConfigured(ctx, t.t('catalogNotConfigured'), c.note),
    );
  }
  const items = c.data;
  const assessed = new Set(model.quality.datasets.map((d) => d.dataset));
  const nameCell = (e: CatalogItem) =>
    e.dataset && assessed.has(e.dataset)
      ? `<a href="${esc(datasetHref(e.dataset))}">${esc(e.name)}</a>`
      : esc(e.name);
  const grade = (e: CatalogItem) =>
    `${t.label(SECURITY_GRADE_LABELS, e.securityGrade)}${
      e.generalSubLevel
        ? ` ${e.generalSubLevel} (${t.label(GENERAL_SUB_LEVEL_LABELS, e.generalSubLevel)})`
        : ''
    }`;
  const tally = (pick: (e: CatalogItem) => string) => {
    const m = new Map<string, number>();
    for (const e of items) m.set(pick(e), (m.get(pick(e)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const tallyTable = (head: string, rows: [string, number][]) =>
    table(rows, [
      { head, cell: ([k]) => esc(k) },
      { head: t.t('count'), num: true, cell: ([, n]) => esc(t.int(n)) },
    ]);
  const problems = items.filter((e) => e.problems.length > 0);
  const body = `<div class="cards">
${card(t.int(items.length), t.t('entries'))}
${card(t.int(problems.length), t.t('problems'), problems.length ? 'fail' : 'pass')}
</div>
<section id="problems"><h2>${esc(t.t('catalogProblems'))}</h2>${table(
    problems,
    [
      { head: t.t('resourceCode'), cell: (e) => `<code>${esc(e.code)}</code>` },
      { head: t.t('resourceName'), cell: nameCell },
      { head: t.t('provider'), cell: (e) => esc(e.provider) },
      { head: t.t('updateCycle'), cell: (e) => esc(t.label(UPDATE_CYCLE_LABELS, e.updateCycle)) },
      { head: t.t('lastLoad'), cell: (e) => esc(t.dateTime(e.lastLoadAt)) },
      { head: t.t('ageDays'), num: true, cell: (e) => esc(t.int(e.ageDays)) },
      {
        head: t.t('problems'),
        wrap: true,
        cell: (e) => e.problems.map((p) => `<span class="badge fail">${esc(t.problem(p))}</span>`).join(' '),
      },
    ],
    t.t('noCatalogProblems'),
  )}</section>
<div class="grid">
<section id="share"><h2>${esc(t.t('shareType'))}</h2>${tallyTable(
    t.t('shareType'),
    tally((e) => t.label(SHARE_TYPE_LABELS, e.shareType)),
  )}</section>
<section id="open"><h2>${esc(t.t('openType'))}</h2>${tallyTable(
    t.t('openType'),
    tally((e) => t.label(OPEN_TYPE_LABELS, e.openType)),
  )}</section>
<section id="grades"><h2>${esc(t.t('securityGrade'))}</h2>${tallyTable(t.t('securityGrade'), tally(grade))}</section>
</div>
<section id="entries"><h2>${esc(t.t('entries'))}</h2>${table(
    items,
    [
      { head: t.t('resourceCode'), cell: (e) => `<code>${esc(e.code)}</code>` },
      { head: t.t('resourceName'), cell: nameCell },
      { head: t.t('provider'), cell: (e) => esc(e.provider) },
      { head: t.t('kind'), cell: (e) => esc(e.kind ? t.label(CATALOG_KIND_LABELS, e.kind) : '—') },
      { head: t.t('shareType'), cell: (e) => esc(t.label(SHARE_TYPE_LABELS, e.shareType)) },
      { head: t.t('openType'), cell: (e) => esc(t.label(OPEN_TYPE_LABELS, e.openType)) },
      { head: t.t('updateCycle'), cell: (e) => esc(t.label(UPDATE_CYCLE_LABELS, e.updateCycle)) },
      { head: t.t('securityGrade'), cell: (e) => esc(grade(e)) },
      {
        head: t.t('personalInfo'),
        cell: (e) => esc(e.personalInfo ? t.label(PERSONAL_INFO_LABELS, e.personalInfo) : '—'),
      },
      { head: t.t('publishedAt'), cell: (e) => esc(t.date(e.publishedAt)) },
      { head: t.t('lastLoad'), cell: (e) => esc(t.dateTime(e.lastLoadAt)) },
    ],
    t.t('none'),
  )}</section>`;
  return framed(ctx, 'catalog.html', t.t('catalog'), body);
}
