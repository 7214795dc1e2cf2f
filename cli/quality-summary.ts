import { QUALITY_DIMENSION_LABELS, QUALITY_DIMENSIONS, type QualityReport } from '../quality/index.ts';
import { formatTable, type Output } from './output.ts';

/**
 * Prints a quality report for people: one row per dataset with its score, its raw pass rate and the five
 * dimension scores, then the failing rules with the points each costs.
 */
export function printQualitySummary(out: Output, report: QualityReport): void {
  const rows = report.datasets.map((d) => ({
    dataset: d.dataset,
    rows: d.rows,
    score: d.score,
    'pass rate %': d.passRate === null ? null : Math.round(d.passRate * 10000) / 100,
    ...Object.fromEntries(
      QUALITY_DIMENSIONS.map((dim) => [QUALITY_DIMENSION_LABELS[dim].zh, d.dimensions[dim]?.score ?? null]),
    ),
    failed: d.rules.filter((r) => r.status === 'fail' || r.status === 'error').length,
  }));
  for (const line of formatTable(rows)) out.data(line);
  for (const d of report.datasets) {
    for (const r of d.rules) {
      if (r.status !== 'fail' && r.status !== 'error') continue;
      const what =
        r.status === 'error'
          ? `error: ${r.error}`
          : `${r.failed} of ${r.total} failed${r.observed ? ` (${r.observed})` : ''}${
              r.deduction > 0 ? `, −${Math.round(r.deduction * 100) / 100} points` : ''
            }`;
      out.data(`  ${r.severity.padEnd(5)} ${d.dataset} ${r.id}: ${what}`);
    }
  }
  for (const f of report.findings) out.data(`  ${f.level.padEnd(5)} ${f.message}`);
  const q = report.queries;
  out.note(
    `quality ${report.datasets.length} datasets → score ${report.node?.score ?? '—'} (${report.status}) ` +
      `in ${report.seconds.toFixed(1)} s, ${q.total} queries (${q.scans} scans, ${q.joins} joins, ${q.metadata} metadata)`,
  );
}
