/**
 * sharing.html: sharing requests (waiting emergency requests first, due times, overdue flags), the catalog's
 * changes and reviews due, and usage per department — from the governance layer (GOVERNANCE.md A, E, G).
 */
import { SHARE_TYPE_LABELS } from '../../schemas/index.ts';
import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

const flag = (ctx: PageContext, overdue: boolean) =>
  overdue ? `<span class="badge fail">${esc(ctx.t.t('overdueFlag'))}</span>` : '';

/** sharing.html. */
export function renderSharing(ctx: PageContext): string {
  const { t, model } = ctx;
  const s = model.sharing;
  let body: string;
  if (s.status === 'not-configured') {
    body = `<section id="not-configured"><h2>${esc(t.t('notConfigured'))}</h2><p>${esc(t.t('sharingNotConfigured'))}</p>${
      s.note ? `<p class="muted"><code>${esc(s.note)}</code></p>` : ''
    }</section>`;
  } else {
    const d = s.data;
    const due = (iso: string | null, emergency: boolean) =>
      iso === null ? '—' : emergency ? t.dateTime(iso) : t.date(iso.slice(0, 10));
    body = `<p class="muted">${esc(t.t('sharingIntro'))} ${esc(t.t('computedAt'))}: ${esc(t.dateTime(d.asOf))}</p>
<section id="requests"><h2>${esc(t.t('shareRequests'))}</h2>${table(
      d.requests,
      [
        { head: t.t('requestId'), cell: (r) => `<code>${esc(r.id)}</code>` },
        { head: t.t('dataset'), cell: (r) => esc(r.dataset) },
        {
          head: t.t('requester'),
          cell: (r) => `<code>${esc(r.requesterNode)}</code> ${esc(r.requesterDepartment)}`,
        },
        { head: t.t('provider'), cell: (r) => esc(r.provider) },
        { head: t.t('shareType'), cell: (r) => esc(t.label(SHARE_TYPE_LABELS, r.shareType)) },
        { head: t.t('status'), cell: (r) => esc(t.word(r.status)) },
        {
          head: t.t('emergency'),
          cell: (r) => (r.emergency ? `<strong>${esc(t.word(r.emergency))}</strong>` : ''),
        },
        { head: t.t('dueAt'), cell: (r) => esc(due(r.dueAt, r.emergency !== null)) },
        { head: t.t('overdueFlag'), cell: (r) => flag(ctx, r.overdue) },
        { head: t.t('grant'), cell: (r) => (r.grantId ? `<code>${esc(r.grantId)}</code>` : '') },
      ],
      t.t('noRequests'),
    )}</section>
<section id="catalog-changes"><h2>${esc(t.t('catalogChanges'))}</h2>${table(
      d.catalog,
      [
        { head: t.t('problems'), cell: (r) => esc(t.problem(r.problem)) },
        { head: t.t('resourceCode'), cell: (r) => (r.code ? `<code>${esc(r.code)}</code>` : '—') },
        { head: t.t('dataset'), cell: (r) => esc(r.dataset ?? '—') },
        { head: t.t('resourceName'), cell: (r) => esc(r.name ?? '—') },
        { head: t.t('dueDate'), cell: (r) => esc(r.dueDate ? t.date(r.dueDate) : '—') },
        { head: t.t('overdueFlag'), cell: (r) => flag(ctx, r.overdue) },
        { head: t.t('description'), wrap: true, cell: (r) => esc(r.detail) },
      ],
      t.t('noCatalogChanges'),
    )}</section>
<section id="usage"><h2>${esc(t.t('usage'))}</h2>${table(
      d.usage,
      [
        { head: t.t('department'), cell: (r) => esc(r.department) },
        { head: t.t('kind'), cell: (r) => esc(t.word(r.kind)) },
        { head: t.t('usageEntries'), num: true, cell: (r) => esc(t.int(r.entries)) },
        { head: t.t('rows'), num: true, cell: (r) => esc(t.int(r.rows)) },
        { head: t.t('lastAt'), cell: (r) => esc(t.dateTime(r.lastAt)) },
      ],
      t.t('noUsage'),
    )}</section>`;
  }
  return framed(ctx, 'sharing.html', t.t('sharing'), body);
}
