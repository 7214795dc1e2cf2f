/** Metric history in `gongshu.metrics` / `gongshu.quality_runs`: written after every run, read for trends and anomalies. */

import type { QualityFinding, QualityReport } from '../schemas/index.ts';
import { inList, quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { METRICS_TABLE, QUALITY_RUNS_TABLE } from '../warehouse/index.ts';
import { type AnomalyOptions, detectAnomaly, type Observation } from './anomaly.ts';

/** Earlier values of one metric, oldest first. */
export type History = ReadonlyMap<string, readonly (Observation & { runId: string })[]>;

/** The history key of a metric: `<dataset>\u0000rows` or `<dataset>\u0000rule\u0000<id>`. */
export const historyKey = (dataset: string, metric: 'rows' | 'rule', name = '') =>
  `${dataset}\u0000${metric}\u0000${name}`;

/** Reads the row-count and rule pass-rate history of some datasets (one query). */
export async function readHistory(wh: Warehouse, datasets: readonly string[]): Promise<History> {
  if (datasets.length === 0) return new Map();
  const rows = await wh.all<{
    run_id: string;
    at: string;
    dataset: string;
    metric: 'rows' | 'rule';
    name: string;
    value: number | null;
  }>(
    `SELECT run_id, strftime(as_of, '%Y-%m-%d') AS at, dataset, metric, name, value FROM ${METRICS_TABLE}
     WHERE metric IN ('rows', 'rule') AND dataset IN ${inList(datasets)}
     ORDER BY measured_at, run_id`,
  );
  const out = new Map<string, (Observation & { runId: string })[]>();
  for (const r of rows) {
    if (r.value === null) continue;
    const k = historyKey(r.dataset, r.metric, r.name);
    const list = out.get(k) ?? [];
    list.push({ at: r.at, value: Number(r.value), runId: r.run_id });
    out.set(k, list);
  }
  return out;
}

/** Anomaly findings (`warn`) on row counts and pass rates of a report's datasets. */
export function anomalyFindings(
  report: Pick<QualityReport, 'asOf' | 'datasets'>,
  history: History,
  options: AnomalyOptions = {},
): QualityFinding[] {
  const out: QualityFinding[] = [];
  const judge = (
    dataset: string,
    metric: string,
    key: string,
    value: number | null,
    kind: 'count' | 'rate',
  ) => {
    if (value === null) return;
    const v = detectAnomaly(history.get(key) ?? [], { at: report.asOf, value }, { ...options, kind });
    if (!v?.anomaly) return;
    const fmt = (x: number) => (kind === 'rate' ? `${(x * 100).toFixed(2)}%` : x.toFixed(0));
    out.push({
      level: 'warn',
      kind: 'anomaly',
      dataset,
      metric,
      value,
      expected: v.expected,
      sd: v.sd,
      z: Math.round(v.z * 100) / 100,
      history: v.history,
      message:
        `${dataset} ${metric}: ${fmt(value)} against an expected ${fmt(v.expected)} ± ${fmt(v.sd)} ` +
        `(z = ${v.z.toFixed(2)} over ${v.history} earlier runs, monthly seasonal offset ${fmt(v.seasonalOffset)})`,
    });
  };
  for (const d of report.datasets) {
    judge(d.dataset, 'rows', historyKey(d.dataset, 'rows'), d.rows, 'count');
    for (const r of d.rules) {
      judge(d.dataset, `passRate:${r.id}`, historyKey(d.dataset, 'rule', r.id), r.passRate, 'rate');
    }
  }
  return out;
}

/** Appends a run and its metrics (rows, score, dimension scores, rule pass rates) in one transaction. */
export async function writeHistory(
  wh: Warehouse,
  report: QualityReport,
  started: Date,
  reportFile: string | null,
): Promise<void> {
  const at = report.generatedAt;
  const rows: (string | number | null)[][] = [];
  for (const d of report.datasets) {
    rows.push([report.runId, at, report.asOf, d.dataset, 'rows', '', null, null, null, d.rows]);
    rows.push([report.runId, at, report.asOf, d.dataset, 'score', '', null, null, null, d.score]);
    for (const [dim, r] of Object.entries(d.dimensions)) {
      rows.push([
        report.runId,
        at,
        report.asOf,
        d.dataset,
        'dimension',
        dim,
        dim,
        null,
        null,
        r?.score ?? null,
      ]);
    }
    for (const r of d.rules) {
      rows.push([
        report.runId,
        at,
        report.asOf,
        d.dataset,
        'rule',
        r.id,
        r.dimension,
        r.total,
        r.failed,
        r.passRate,
      ]);
    }
  }
  await wh.transaction(async () => {
    await wh.run(
      `INSERT INTO ${QUALITY_RUNS_TABLE} VALUES ($1, $2::TIMESTAMPTZ, $3::TIMESTAMPTZ, $4::DATE, $5, $6, $7, $8, $9, $10)`,
      [
        report.runId,
        started.toISOString(),
        at,
        report.asOf,
        report.status,
        report.datasets.length,
        report.datasets.reduce((s, d) => s + d.rules.length, 0),
        report.node?.score ?? null,
        report.queries.total,
        reportFile,
      ],
    );
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows
        .slice(i, i + 500)
        .map(
          (r) =>
            `(${r.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : quoteLiteral(v))).join(', ')})`,
        )
        .join(',\n');
      await wh.run(
        `INSERT INTO ${METRICS_TABLE} SELECT col0, col1::TIMESTAMPTZ, col2::DATE, col3, col4, col5, col6, col7, col8, col9 FROM (VALUES ${values})`,
      );
    }
  });
}
