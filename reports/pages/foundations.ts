import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

import { notConfigured } from './not-configured.ts';

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
