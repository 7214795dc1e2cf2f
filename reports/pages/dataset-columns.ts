/** Columns of the dataset tables (the overview's attention list, the list of all datasets). */
import type { QualityDatasetResult } from '../../schemas/index.ts';
import { datasetHref, ruleCounts } from '../derive.ts';
import { type Column, esc, statusBadge } from '../html.ts';
import type { Texts } from '../i18n/texts.ts';

type DatasetColumn = Column<QualityDatasetResult>;

/** The columns both tables show, by name. */
export function datasetColumns(t: Texts): {
  dataset: DatasetColumn;
  department: DatasetColumn;
  score: DatasetColumn;
  failedRules: DatasetColumn;
  quarantined: DatasetColumn;
  status: DatasetColumn;
} {
  return {
    dataset: {
      head: t.t('dataset'),
      cell: (d) =>
        `<a href="${esc(datasetHref(d.dataset))}">${esc(d.title ?? d.dataset)}</a> <span class="muted">${esc(d.dataset)}</span>`,
    },
    department: { head: t.t('department'), cell: (d) => esc(d.department?.name ?? '—') },
    score: { head: t.t('score'), num: true, cell: (d) => esc(t.score(d.score)) },
    failedRules: {
      head: t.t('failedRules'),
      num: true,
      cell: (d) => {
        const c = ruleCounts(d);
        return esc(`${t.int(c.failed)} / ${t.int(c.total)}`);
      },
    },
    quarantined: { head: t.t('quarantined'), num: true, cell: (d) => esc(t.int(d.quarantine.total)) },
    status: { head: t.t('status'), cell: (d) => statusBadge(t, d.status) },
  };
}
