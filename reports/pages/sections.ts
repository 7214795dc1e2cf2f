/** Foundations, hierarchy and catalog pages; the first two show "not configured" until their layer lands. */
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

function notConfigured(ctx: PageContext, message: string, note: string | null): string {
  return `<section id="not-configured"><h2>${esc(ctx.t.t('notConfigured'))}</h2><p>${esc(message)}</p>${
    note ? `<p class="muted"><code>${esc(note)}</code></p>` : ''
  }</section>`;
}

/**
 * foundations.html: every foundation (build, rows, history size, conflicts), then per foundation every field
 * with its authoritative source, the sources compared with it and its conflicts; conflicts by field and
 * department; duplicate collection.
 */
export function renderFoundations(ctx: PageContext): string {
  const { t, model } = ctx;
  const f = model.foundations;
  let body: string;
  if (f.status === 'not-configured') body = notConfigured(ctx, t.t('foundationsNotConfigured'), f.note);
  else {
    const d = f.data;
    const name = (x: { name: string; title: string | null }) =>
      x.title
        ? `${esc(x.title)} <span class="muted">foundation.${esc(x.name)}</span>`
        : `foundation.${esc(x.name)}`;
    const summary = `<section id="foundation-list"><h2>${esc(t.t('foundationsSummary'))}</h2>${table(
      d.foundations,
      [
        { head: t.t('foundation'), cell: (x) => `<a href="#foundation-${esc(x.name)}">${name(x)}</a>` },
        { head: t.t('keyKind'), cell: (x) => esc(x.key ? t.word(x.key) : '—') },
        { head: t.t('fields'), num: true, cell: (x) => esc(t.int(x.fields)) },
        { head: t.t('currentRows'), num: true, cell: (x) => esc(t.int(x.rows)) },
        { head: t.t('closedRows'), num: true, cell: (x) => esc(t.int(x.closed)) },
        { head: t.t('historyRows'), num: true, cell: (x) => esc(t.int(x.history)) },
        { head: t.t('conflictsCount'), num: true, cell: (x) => esc(t.int(x.conflicts)) },
        {
          head: t.t('builtAtLabel'),
          cell: (x) =>
            x.builtAt ? esc(t.dateTime(x.builtAt)) : `<span class="na">${esc(t.t('notBuilt'))}</span>`,
        },
        { head: t.t('buildMode'), cell: (x) => esc(x.mode ? t.word(x.mode) : '—') },
      ],
      t.t('none'),
    )}</section>`;
    const perFoundation = d.foundations
      .map((x) => {
        const rows = d.sources.filter((r) => r.foundation === x.name);
        return `<section id="foundation-${esc(x.name)}"><h2>${esc(
          t.t('fieldsOf', { foundation: x.title ?? `foundation.${x.name}` }),
        )}</h2>${table(
          rows,
          [
            { head: t.t('field'), cell: (r) => `<code>${esc(r.field)}</code>` },
            {
              head: t.t('authoritative'),
              cell: (r) =>
                r.source
                  ? `${esc(r.source)}${r.keyPrefix.length ? ` <span class="muted">(${esc(t.t('keyClass', { prefix: r.keyPrefix.map((p) => `${p}…`).join(', ') }))})</span>` : ''}`
                  : '—',
            },
            { head: t.t('department'), cell: (r) => esc(r.department ?? '—') },
            {
              head: t.t('sourceColumn'),
              wrap: true,
              cell: (r) => (r.column ? `<code>${esc(r.column)}</code>` : '—'),
            },
            {
              head: t.t('compared'),
              wrap: true,
              cell: (r) =>
                r.compared.length ? r.compared.map((c) => `<code>${esc(c)}</code>`).join('<br>') : '—',
            },
            { head: t.t('conflictsCount'), num: true, cell: (r) => esc(t.int(r.conflicts)) },
          ],
          t.t('none'),
        )}</section>`;
      })
      .join('\n');
    body = `${summary}
${perFoundation}
<section id="conflicts"><h2>${esc(t.t('conflicts'))}</h2>${table(
      d.conflicts,
      [
        { head: t.t('foundation'), cell: (r) => esc(r.foundation) },
        { head: t.t('field'), cell: (r) => `<code>${esc(r.field)}</code>` },
        { head: t.t('department'), cell: (r) => esc(r.department) },
        { head: t.t('count'), num: true, cell: (r) => esc(t.int(r.count)) },
      ],
      t.t('noConflicts'),
    )}</section>
<section id="duplicates"><h2>${esc(t.t('duplicates'))}</h2>${table(
      d.duplicates,
      [
        { head: t.t('field'), cell: (r) => `<code>${esc(r.field)}</code>` },
        { head: t.t('department'), cell: (r) => esc(r.department) },
        { head: t.t('authoritative'), cell: (r) => esc(r.authoritative) },
        { head: t.t('count'), num: true, cell: (r) => esc(t.int(r.count)) },
      ],
      t.t('noDuplicates'),
    )}</section>`;
  }
  return framed(ctx, 'foundations.html', t.t('foundations'), body);
}

/** hierarchy.html: pushes per child node and their status, backflow served. */
export function renderHierarchy(ctx: PageContext): string {
  const { t, model } = ctx;
  const h = model.hierarchy;
  let body: string;
  if (h.status === 'not-configured') body = notConfigured(ctx, t.t('hierarchyNotConfigured'), h.note);
  else {
    body = `<section id="pushes"><h2>${esc(t.t('pushes'))}</h2>${table(
      h.data.pushes,
      [
        { head: t.t('node'), cell: (r) => `<code>${esc(r.node)}</code>` },
        { head: t.t('dataset'), cell: (r) => esc(r.dataset) },
        { head: t.t('batches'), num: true, cell: (r) => esc(t.int(r.batches)) },
        { head: t.t('rows'), num: true, cell: (r) => esc(t.int(r.rows)) },
        { head: t.t('lastAt'), cell: (r) => esc(t.dateTime(r.lastAt)) },
        { head: t.t('status'), cell: (r) => esc(t.word(r.status)) },
      ],
      t.t('noPushes'),
    )}</section>
<section id="backflow"><h2>${esc(t.t('backflow'))}</h2>${table(
      h.data.backflow,
      [
        { head: t.t('node'), cell: (r) => `<code>${esc(r.node)}</code>` },
        { head: t.t('dataset'), cell: (r) => esc(r.dataset) },
        { head: t.t('requests'), num: true, cell: (r) => esc(t.int(r.requests)) },
        { head: t.t('rows'), num: true, cell: (r) => esc(t.int(r.rows)) },
        { head: t.t('lastAt'), cell: (r) => esc(t.dateTime(r.lastAt)) },
      ],
      t.t('noBackflow'),
    )}</section>`;
  }
  return framed(ctx, 'hierarchy.html', t.t('hierarchy'), body);
}

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
