import type { QualityReport } from '../../schemas/index.ts';
import { inList } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { METRICS_TABLE, QUALITY_RUNS_TABLE } from '../../warehouse/index.ts';
import type { DatasetExtras, RunPoint } from '../model.ts';
import { iso } from './iso.ts';
import { TREND_RUNS } from './limits.ts';

/** The node's latest runs up to this one (the trend), oldest first. */
export async function readRuns(wh: Warehouse, until: string, thisRun: RunPoint): Promise<RunPoint[]> {
  const rows = await wh.all<{
    run_id: string;
    ms: number;
    as_of: string;
    score: number | null;
    status: string;
    rules: number;
  }>(
    `SELECT run_id, epoch_ms(finished_at) AS ms, strftime(as_of, '%Y-%m-%d') AS as_of, score, status, rules
     FROM ${QUALITY_RUNS_TABLE} WHERE finished_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     ORDER BY finished_at DESC LIMIT ${TREND_RUNS}`,
    [until],
  );
  const runs: RunPoint[] = rows.reverse().map((r) => ({
    runId: r.run_id,
    at: iso(r.ms),
    asOf: r.as_of,
    score: r.score === null ? null : Number(r.score),
    status: r.status,
    rules: Number(r.rules),
  }));
  const i = runs.findIndex((r) => r.runId === thisRun.runId);
  if (i >= 0) runs[i] = thisRun;
  else runs.push(thisRun);
  return runs.slice(-TREND_RUNS);
}

/** Each dataset's score in the latest runs, into `datasets[name].scoreTrend`. */
export async function readScoreTrends(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
  report: QualityReport,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{ dataset: string; run_id: string; ms: number; value: number | null }>(
    `SELECT dataset, run_id, epoch_ms(measured_at) AS ms, value FROM ${METRICS_TABLE}
     WHERE metric = 'score' AND dataset IN ${inList(names)}
       AND measured_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND AND run_id <> $2
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY measured_at DESC) < ${TREND_RUNS}
     ORDER BY dataset, measured_at`,
    [until, report.runId],
  );
  for (const r of rows) {
    const extras = datasets[r.dataset];
    if (!extras) continue;
    // Keep the current run last.
    extras.scoreTrend.splice(extras.scoreTrend.length - 1, 0, {
      runId: r.run_id,
      at: iso(r.ms),
      score: r.value === null ? null : Number(r.value),
    });
  }
}
