/** The quality task: scores datasets, writes the report file, records a `quality` run, alerts on what it found. */
import { join } from 'node:path';
import { builtTablesOf } from '../../jobs/index.ts';
import {
  type QualityOptions,
  type QualityReport,
  reportFilePath,
  runQuality,
  writeReportFile,
} from '../../quality/index.ts';
import type { AlertEvent } from '../alerts/define.ts';
import type { TaskContext } from './context.ts';
import { recorded } from './recorded.ts';

/** Where a project's quality reports are written. */
export const reportsDirOf = (dir: string) => join(dir, '.gongshu', 'reports');

/** Checks whose failure means data arrived late. */
const FRESHNESS_CHECKS = new Set(['dataset-freshness', 'freshness']);

/** The alert events a quality report gives: failing error rules, overdue freshness, anomalies. */
export function qualityEvents(report: QualityReport, runId?: string): AlertEvent[] {
  const failing = report.datasets.flatMap((d) =>
    d.rules.filter((r) => r.status === 'fail').map((r) => ({ dataset: d.dataset, rule: r })),
  );
  const line = ({ dataset, rule: r }: (typeof failing)[number]) =>
    `${dataset} ${r.id}: ${r.failed} of ${r.total} failed${r.observed ? ` (${r.observed})` : ''}`;
  const events: AlertEvent[] = [];
  const errors = failing.filter((f) => f.rule.severity === 'error');
  const base = { ...(runId ? { runId } : {}), details: { qualityRun: report.runId, asOf: report.asOf } };
  if (errors.length) {
    events.push({
      kind: 'error-rule-failed',
      title: `${errors.length} error rule(s) failed in ${new Set(errors.map((e) => e.dataset)).size} dataset(s)`,
      lines: errors.slice(0, 20).map(line),
      ...base,
    });
  }
  const late = failing.filter((f) => FRESHNESS_CHECKS.has(f.rule.check));
  if (late.length) {
    events.push({
      kind: 'freshness-overdue',
      title: `${late.map((l) => l.dataset).join(', ')} overdue`,
      lines: late.slice(0, 20).map(line),
      ...base,
    });
  }
  const anomalies = report.findings.filter((f) => f.kind === 'anomaly');
  if (anomalies.length) {
    events.push({
      kind: 'anomaly',
      title: `${anomalies.length} metric(s) out of their usual range`,
      lines: anomalies.slice(0, 20).map((a) => a.message),
      ...base,
    });
  }
  return events;
}

/** What the quality task did. */
export interface QualityTaskResult {
  readonly runId: string;
  readonly report: QualityReport;
  readonly file: string;
}

/** Scores the project's datasets (or `datasets`), writes `.gongshu/reports/quality-<id>.json`; see the module comment. */
export async function runQualityTask(
  ctx: TaskContext,
  options: Omit<QualityOptions, 'definitions' | 'node' | 'reportFile'> & { reportsDir?: string } = {},
): Promise<QualityTaskResult> {
  const { reportsDir, ...rest } = options;
  const dir = reportsDir ?? reportsDirOf(ctx.loaded.dir);
  const target = options.datasets?.length ? options.datasets.join(',') : '*';
  const { runId, value } = await recorded(ctx, 'quality', target, async () => {
    const report = await runQuality(ctx.wh, {
      ...rest,
      definitions: ctx.loaded.project.quality ?? [],
      builtTables: rest.builtTables ?? builtTablesOf(ctx.loaded.project),
      node: { id: ctx.loaded.project.node.id, name: ctx.loaded.project.node.name },
    });
    const file = writeReportFile(reportFilePath(dir, report.runId), report);
    return {
      value: { report, file },
      details: {
        qualityRun: report.runId,
        status: report.status,
        score: report.node?.score ?? null,
        file,
        ...(report.calendarWarning ? { calendarWarning: report.calendarWarning } : {}),
      },
    };
  });
  for (const e of qualityEvents(value.report, runId)) ctx.alerts?.emit(e);
  return { runId, ...value };
}
