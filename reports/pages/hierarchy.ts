import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

import { notConfigured } from './not-configured.ts';

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
