/**
 * open-data.html: the open catalog (each resource's state and live version), the versions written (superseded
 * ones kept until taken offline, offline and retired ones listed) and the objections with due dates and overdue flags — from the
 * governance layer (GOVERNANCE.md B, C). Keys are masked before they reach the model.
 */
import type { Labels } from '../../schemas/index.ts';
import { esc, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';

const STATES: Labels<string> = {
  open: { zh: '可开放', en: 'open' },
  suspended: { zh: '中止开放', en: 'suspended' },
  refused: { zh: '不予开放（分级）', en: 'refused (grade)' },
  unpublished: { zh: '目录未发布', en: 'catalog not published' },
  'no-columns': { zh: '无无条件开放数据项', en: 'no item open unconditionally' },
  live: { zh: '在线', en: 'live' },
  superseded: { zh: '已被替代（保留）', en: 'superseded (kept)' },
  offline: { zh: '已下线（文件已删除）', en: 'offline (files removed)' },
  retired: { zh: '整体下线（撤回开放）', en: 'retired (taken offline)' },
};

const OBJECTION_STATUS: Labels<string> = {
  open: { zh: '待核实', en: 'open' },
  corrected: { zh: '已更正', en: 'corrected' },
  confirmed: { zh: '确认有误', en: 'error confirmed' },
  continued: { zh: '核实无误，继续开放', en: 'verified, stays open' },
  withdrawn: { zh: '数据撤回', en: 'data withdrawn' },
  suspended: { zh: '中止开放', en: 'opening suspended' },
};

const OBJECTION_TYPES: Labels<string> = {
  error: { zh: '数据错误', en: 'error' },
  objection: { zh: '异议', en: 'objection' },
  infringement: { zh: '侵害权益', en: 'infringement' },
  leak: { zh: '数据泄露', en: 'leak' },
};

const OPEN_TYPES: Labels<string> = {
  unconditional: { zh: '无条件开放', en: 'open unconditionally' },
  conditional: { zh: '有条件开放', en: 'open on conditions' },
  none: { zh: '非开放', en: 'not open' },
};

const label = (ctx: PageContext, labels: Labels<string>, v: string) => ctx.t.label(labels, v);

/** open-data.html. */
export function renderOpenData(ctx: PageContext): string {
  const { t, model } = ctx;
  const s = model.openData;
  let body: string;
  if (s.status === 'not-configured') {
    body = `<section id="not-configured"><h2>${esc(t.t('notConfigured'))}</h2><p>${esc(t.t('openDataNotConfigured'))}</p>${
      s.note ? `<p class="muted"><code>${esc(s.note)}</code></p>` : ''
    }</section>`;
  } else {
    const d = s.data;
    const flag = (overdue: boolean) =>
      overdue ? `<span class="badge fail">${esc(t.t('overdueFlag'))}</span>` : '';
    body = `<p class="muted">${esc(t.t('openDataIntro'))} ${esc(t.t('computedAt'))}: ${esc(t.dateTime(d.asOf))}</p>
<section id="open-resources"><h2>${esc(t.t('openResources'))}</h2>${table(
      d.resources,
      [
        { head: t.t('resourceCode'), cell: (r) => `<code>${esc(r.code)}</code>` },
        { head: t.t('resourceName'), cell: (r) => esc(r.name) },
        { head: t.t('provider'), cell: (r) => esc(r.provider) },
        { head: t.t('openType'), cell: (r) => esc(label(ctx, OPEN_TYPES, r.openType)) },
        { head: t.t('updateCycle'), cell: (r) => esc(r.updateCycle) },
        { head: t.t('openColumns'), wrap: true, cell: (r) => esc(r.columns.join(', ')) },
        {
          head: t.t('status'),
          cell: (r) =>
            r.state === 'open'
              ? esc(label(ctx, STATES, r.state))
              : `<span class="badge warn">${esc(label(ctx, STATES, r.state))}</span>`,
        },
        { head: t.t('liveVersion'), cell: (r) => (r.liveVersion === null ? '—' : `v${r.liveVersion}`) },
      ],
      t.t('noOpenResources'),
    )}</section>
<section id="open-versions"><h2>${esc(t.t('openVersions'))}</h2>${table(
      d.versions,
      [
        { head: t.t('resourceCode'), cell: (r) => `<code>${esc(r.code)}</code>` },
        { head: t.t('version'), cell: (r) => `v${r.version}` },
        { head: t.t('status'), cell: (r) => esc(label(ctx, STATES, r.status)) },
        { head: t.t('format'), cell: (r) => esc(r.format) },
        { head: t.t('rows'), num: true, cell: (r) => esc(t.int(r.rows)) },
        { head: t.t('liveFrom'), cell: (r) => esc(t.dateTime(r.liveFrom)) },
        { head: t.t('offlineAt'), cell: (r) => (r.offlineAt ? esc(t.dateTime(r.offlineAt)) : '—') },
        { head: t.t('consumersNotified'), num: true, cell: (r) => esc(t.int(r.consumers)) },
      ],
      t.t('noOpenVersions'),
    )}</section>
<section id="objections"><h2>${esc(t.t('objections'))}</h2>${table(
      d.objections,
      [
        { head: t.t('objectionId'), cell: (r) => `<code>${esc(r.id)}</code>` },
        { head: t.t('dataset'), cell: (r) => esc(r.dataset) },
        { head: t.t('provider'), cell: (r) => esc(r.provider ?? '—') },
        { head: t.t('kind'), cell: (r) => esc(label(ctx, OBJECTION_TYPES, r.type)) },
        { head: t.t('recordKey'), cell: (r) => `<code>${esc(r.key)}</code>` },
        { head: t.t('columns'), cell: (r) => esc(r.columns.join(', ')) },
        { head: t.t('status'), cell: (r) => esc(label(ctx, OBJECTION_STATUS, r.status)) },
        { head: t.t('dueAt'), cell: (r) => esc(t.dateTime(r.dueAt)) },
        { head: t.t('overdueFlag'), cell: (r) => flag(r.overdue) },
      ],
      t.t('noObjections'),
    )}</section>`;
  }
  return framed(ctx, 'open-data.html', t.t('openData'), body);
}
