import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

import { notConfigured } from './not-configured.ts';

/** foundations.html: sources per field, conflicts by field and department, duplicate collection. */
export function renderFoundations(ctx: PageContext): string {
  const { t, model } = ctx;
  const f = model.foundations;
  let body: string;
  if (f.status === 'not-configured') body = notConfigured(ctx, t.t('foundationsNotConfigured'), f.note);
  else {
    const d = f.data;
    body = `<section id="sources"><h2>${esc(t.t('sourcesPerField'))}</h2>${table(
      d.sources,
      [
        { head: t.t('foundation'), cell: (r) => esc(r.foundation) },
        { head: t.t('field'), cell: (r) => `<code>${esc(r.field)}</code>` },
        { head: t.t('authoritative'), cell: (r) => esc(r.source) },
        { head: t.t('department'), cell: (r) => esc(r.department ?? '—') },
      ],
      t.t('none'),
    )}</section>
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
