/** What every page renderer receives: the model, the texts of the language, and the shared frame. */
import { esc } from '../html.ts';
import type { Texts } from '../i18n/texts.ts';
import type { DashboardModel } from '../model.ts';
import { page } from '../page-frame.ts';

/** The rendering context of one language. */
export interface PageContext {
  readonly model: DashboardModel;
  readonly t: Texts;
  /** The site name shown above every title: the node name and "数据质量报告". */
  readonly site: string;
}

/** The site name of a model. */
export function siteName(model: DashboardModel, t: Texts): string {
  const node = model.quality.node;
  return node ? `${node.name} (${node.code}) · ${t.t('title')}` : t.t('title');
}

/** The footer: build time, run, the offline note and the machine-readable files. */
export function footer(ctx: PageContext): string {
  const { t, model } = ctx;
  const q = model.quality;
  return [
    `${esc(t.t('builtAt'))}: ${esc(t.dateTime(model.builtAt))}`,
    `${esc(t.t('runId'))}: <code>${esc(q.runId)}</code>`,
    `${esc(t.t('generatedAt'))}: ${esc(t.dateTime(q.generatedAt))}`,
    `${esc(t.t('asOf'))}: ${esc(t.date(q.asOf))}`,
    esc(t.t('offline')),
    `${esc(t.t('reportFiles'))}: <a href="report.json">report.json</a> · <a href="report.md">report.md</a> · <a href="rules.csv">rules.csv</a>`,
  ].join(' · ');
}

/** A page of the site in the shared frame. */
export function framed(ctx: PageContext, file: string, title: string, body: string): string {
  return page({ t: ctx.t, title, site: ctx.site, current: file, body, footer: footer(ctx) });
}
