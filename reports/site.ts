/** The whole static site as files (name → text): a pure function of the model and the language. */

import { renderRulesCsv } from './csv.ts';
import { datasetHref } from './derive.ts';
import { type ReportLang, texts } from './i18n/texts.ts';
import { renderMarkdown } from './markdown.ts';
import type { DashboardModel } from './model.ts';
import { renderCatalog } from './pages/catalog.ts';
import { siteName } from './pages/context.ts';
import { renderDatasetPages } from './pages/dataset.ts';
import { renderDatasetList } from './pages/dataset-list.ts';
import { renderEvaluation } from './pages/evaluation.ts';
import { renderFoundations } from './pages/foundations.ts';
import { renderHierarchy } from './pages/hierarchy.ts';
import { renderOpenData } from './pages/open-data.ts';
import { renderOverview } from './pages/overview.ts';
import { renderSharing } from './pages/sharing.ts';
import { scrubDeep } from './scrub.ts';

/**
 * Renders every file of the dashboard: `index.html`, `datasets*.html`, one or more pages per dataset,
 * `foundations.html`, `hierarchy.html`, `catalog.html`, `sharing.html`, `open-data.html`, `evaluation.html` and one `evaluation-<n>.html` per department, `report.json` (the model), `report.md`, `rules.csv`.
 *
 * @example
 * const files = renderSite(model, { lang: 'en' });
 * files.get('index.html'); // '<!DOCTYPE html>…'
 */
export function renderSite(input: DashboardModel, options: { lang?: ReportLang } = {}): Map<string, string> {
  // Identity numbers are masked again here, so a model built elsewhere cannot leak one either.
  const model = scrubDeep(input);
  const t = texts(options.lang ?? 'zh-CN');
  const ctx = { model, t, site: siteName(model, t) };
  const files = new Map<string, string>();
  files.set('index.html', renderOverview(ctx));
  for (const [name, html] of renderDatasetList(ctx)) files.set(name, html);
  const seen = new Set<string>();
  for (const d of model.quality.datasets) {
    if (seen.has(datasetHref(d.dataset))) continue; // a dataset assessed twice keeps its first result
    seen.add(datasetHref(d.dataset));
    for (const [name, html] of renderDatasetPages(ctx, d)) files.set(name, html);
  }
  files.set('foundations.html', renderFoundations(ctx));
  files.set('hierarchy.html', renderHierarchy(ctx));
  files.set('catalog.html', renderCatalog(ctx));
  files.set('sharing.html', renderSharing(ctx));
  files.set('open-data.html', renderOpenData(ctx));
  for (const [name, html] of renderEvaluation(ctx)) files.set(name, html);
  files.set('report.json', `${JSON.stringify(model)}\n`);
  files.set('report.md', renderMarkdown(model, t));
  files.set('rules.csv', renderRulesCsv(model));
  return files;
}
