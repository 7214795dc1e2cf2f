/**
 * The latest quality result of every dataset: a run may cover one dataset (`gongshu quality --dataset hukou`),
 * so the dashboard merges the newest report with the latest result of each other dataset from earlier reports,
 * and says which run each result comes from.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { departmentRollups, nodeRollup } from '../quality/index.ts';
import type { QualityDatasetResult, QualityReport } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { DATASETS_TABLE, METRICS_TABLE } from '../warehouse/index.ts';
import { readReportFile } from './write.ts';

/** How many earlier reports are read at most when the datasets to look for are not known. */
export const EARLIER_REPORTS = 20;

/** The merged report and where each dataset's result comes from. */
export interface LatestResults {
  /** The newest report with the latest result of every other dataset added, roll-ups recomputed. */
  readonly report: QualityReport;
  /** Dataset → the run its result comes from. */
  readonly assessed: Readonly<Record<string, { runId: string; at: string }>>;
  /** The report files read, newest first. */
  readonly files: readonly string[];
  /** Earlier report files that could not be read (another schema version), newest first. */
  readonly skipped: readonly string[];
}

/** The quality report files of a folder, newest first (run ids start with a timestamp). */
function reportFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^quality-.+\.json$/.test(f))
    .sort()
    .reverse()
    .map((f) => join(dir, f));
}

/**
 * The datasets whose latest result the dashboard should show: those ever assessed (`gongshu.metrics`) that are
 * still registered, or built tables (`foundation.x`, `theme.x`, `topic.x`).
 */
export async function assessedDatasets(wh: Warehouse): Promise<string[]> {
  if (!(await wh.hasTable(`${METRICS_TABLE}`))) return [];
  const rows = await wh.all<{ dataset: string }>(
    `SELECT DISTINCT m.dataset FROM ${METRICS_TABLE} AS m
     WHERE m.metric = 'score' AND (contains(m.dataset, '.') OR m.dataset IN (SELECT dataset FROM ${DATASETS_TABLE}))
     ORDER BY 1`,
  );
  return rows.map((r) => r.dataset);
}

/** A report of the given results: the newest report's frame, roll-ups and status recomputed over them. */
function merged(
  newest: QualityReport,
  results: readonly QualityDatasetResult[],
  findings: QualityReport['findings'],
) {
  const report: QualityReport = {
    ...newest,
    status: newest.status === 'fail' || results.some((d) => d.status === 'fail') ? 'fail' : 'pass',
    datasets: [...results],
    departments: departmentRollups(results),
    node: newest.node ? nodeRollup({ id: newest.node.code, name: newest.node.name }, results) : null,
    findings: [...findings],
  };
  return report;
}

/**
 * The latest result of every dataset, from the report files of `dir` (newest first). With `datasets`, earlier
 * reports are read until each has a result (or none is left); without, the newest `EARLIER_REPORTS` are read.
 * Returns undefined when the folder holds no report; the newest report must be readable (its error is thrown).
 */
export function latestResults(
  dir: string,
  options: { readonly datasets?: readonly string[] } = {},
): LatestResults | undefined {
  const files = reportFiles(dir);
  const newestFile = files[0];
  if (newestFile === undefined) return undefined;
  const newest = readReportFile(newestFile);
  const results = [...newest.datasets];
  const findings = [...newest.findings];
  const assessed: Record<string, { runId: string; at: string }> = {};
  for (const d of newest.datasets) assessed[d.dataset] = { runId: newest.runId, at: newest.generatedAt };
  const wanted = options.datasets ? new Set(options.datasets) : null;
  const missing = () => (wanted ? [...wanted].some((n) => !(n in assessed)) : true);
  const read = [newestFile];
  const skipped: string[] = [];
  const limit = wanted ? files.length : Math.min(files.length, EARLIER_REPORTS + 1);
  for (let i = 1; i < limit && missing(); i++) {
    const file = files[i]!;
    let earlier: QualityReport;
    try {
      earlier = readReportFile(file);
    } catch {
      skipped.push(file);
      continue;
    }
    read.push(file);
    for (const d of earlier.datasets) {
      if (d.dataset in assessed || (wanted && !wanted.has(d.dataset))) continue;
      assessed[d.dataset] = { runId: earlier.runId, at: earlier.generatedAt };
      results.push(d);
      findings.push(...earlier.findings.filter((f) => f.dataset === d.dataset));
    }
  }
  const report = results.length === newest.datasets.length ? newest : merged(newest, results, findings);
  return { report, assessed, files: read, skipped };
}
