import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  type LoadedProject,
  projectAndWarehouse,
  projectFileOf,
  runQualityTask,
} from '../../project/index.ts';
import { type QualityReport, reportFilePath, runQuality, writeReportFile } from '../../quality/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { progressReporter, progressWanted, qualityProgress } from '../progress.ts';
import { printQualitySummary } from '../quality-summary.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface QualityCliOptions {
  project?: string;
  dataset?: string[];
  warehouse?: string;
  json?: boolean;
  failOn?: 'error' | 'warn';
  mask: boolean;
  asOf?: string;
}

/** Today in Asia/Shanghai, YYYY-MM-DD: the example of a good `--as-of`. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** Every problem of the quality command line: `--as-of` must be a calendar date, `--dataset` names valid. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as QualityCliOptions;
  problems.date('--as-of', o.asOf, today());
  // A built table is named with its layer: --dataset topic.elderly_subsidy_2026.
  problems.name(
    '--dataset',
    o.dataset?.map((d) => d.replace(/^(foundation|theme|topic)\./, '')),
  );
  problems.project(o.project);
  problems.path(
    '--warehouse',
    o.warehouse,
    'file',
    'pass the DuckDB file of a project (.gongshu/warehouse.duckdb)',
  );
}

/**
 * `gongshu quality`: scores the project's datasets (or `--dataset` ones) in five dimensions, writes the report to
 * `<project>/.gongshu/reports/quality-<runId>.json`, records a `quality` run, alerts on failing error rules,
 * overdue freshness and anomalies, prints a summary (or, with --json, the report as the last line). Exit 1 when
 * `--fail-on` is given and a rule at or above that severity failed; 0 otherwise.
 */
export default async function quality(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<QualityCliOptions>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const hasProject = projectFileOf(opts.project) !== undefined;
  let loaded: LoadedProject | undefined;
  let warehousePath = opts.warehouse;
  if (hasProject || !opts.warehouse) {
    const pw = await projectAndWarehouse(opts);
    loaded = pw.loaded;
    warehousePath = pw.warehousePath;
  }
  const wh = await openCommandWarehouse({
    path: warehousePath!,
    ...(loaded?.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  const wanted = progressWanted(command);
  const progress = progressReporter(wanted);
  const options = {
    ...(await qualityProgress(progress, wh, wanted)),
    ...(opts.dataset?.length ? { datasets: opts.dataset } : {}),
    failOn: opts.failOn ?? null,
    mask: opts.mask,
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
  };
  let report: QualityReport;
  let file: string;
  const ctx = loaded ? commandTaskContext(loaded, wh, logger) : undefined;
  try {
    if (ctx) {
      // The task passes the project's built tables (foundations, themes and topics with declared rules).
      ({ report, file } = await runQualityTask(ctx, options));
    } else {
      // A bare warehouse without a project: no definitions, no run record, no alerts.
      report = await runQuality(wh, options);
      file = writeReportFile(
        reportFilePath(join(dirname(resolve(warehousePath!)), 'reports'), report.runId),
        report,
      );
    }
  } finally {
    progress.stop();
    await ctx?.done();
    wh.close();
  }
  if (opts.json) {
    out.note(`quality report written to ${file}`);
    out.json(report);
  } else {
    printQualitySummary(out, report);
    out.note(`report: ${file}`);
  }
  if (report.calendarWarning) out.note(`note: ${report.calendarWarning}`);
  return opts.failOn && report.status === 'fail' ? EXIT.failures : EXIT.ok;
}
