/** The list of all datasets (datasets.html, paged). */
import {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  type QualityDatasetResult,
} from '../../schemas/index.ts';
import { DATASETS_PER_PAGE, datasetsHref } from '../derive.ts';
import { esc, pager, table } from '../html.ts';
import { framed, type PageContext } from './context.ts';
import { datasetColumns } from './dataset-columns.ts';

/** The list of all datasets: file name → HTML (paged). */
export function renderDatasetList(ctx: PageContext): Map<string, string> {
  const { t, model } = ctx;
  const all = [...model.quality.datasets].sort((a, b) => a.dataset.localeCompare(b.dataset));
  const pages = Math.max(1, Math.ceil(all.length / DATASETS_PER_PAGE));
  const dims = QUALITY_DIMENSIONS.filter((x) => all.some((d) => d.dimensions[x] !== undefined));
  const c = datasetColumns(t);
  const out = new Map<string, string>();
  for (let n = 1; n <= pages; n++) {
    const rows = all.slice((n - 1) * DATASETS_PER_PAGE, n * DATASETS_PER_PAGE);
    const pg = pager(t, n, pages, datasetsHref);
    const body = `<section><h2>${esc(t.t('allDatasets'))} (${esc(t.int(all.length))})</h2>${pg}${table(
      rows,
      [
        c.dataset,
        c.department,
        { head: t.t('rows'), num: true, cell: (d) => esc(t.int(d.rows)) },
        c.score,
        ...dims.map((x) => ({
          head: t.label(QUALITY_DIMENSION_LABELS, x),
          num: true,
          cell: (d: QualityDatasetResult) => esc(d.dimensions[x] ? t.score(d.dimensions[x].score) : '—'),
        })),
        c.failedRules,
        c.quarantined,
        c.status,
      ],
      t.t('none'),
    )}${pg}</section>`;
    const suffix = pages > 1 ? ` · ${t.t('page')} ${n}/${pages}` : '';
    out.set(datasetsHref(n), framed(ctx, 'datasets.html', `${t.t('datasets')}${suffix}`, body));
  }
  return out;
}
