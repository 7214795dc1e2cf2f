import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type LoadedProject, PROJECT_FILE, projectAndWarehouse } from '../../project/index.ts';
import { type DatasetQuality, reportFilePath, runQuality, writeReportFile } from '../../quality/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';
import { printQualitySummary } from '../quality-summary.ts';

interface QualityCliOptions {
  project: string;
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
  problems.name('--dataset', o.dataset);
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
 * `<project>/.gongshu/reports/quality-<runId>.json`, prints a summary (or, with --json, the report as the last
 * line). Exit 1 when `--fail-on` is given and a rule at or above that severity failed; 0 otherwise.
 */
export default async function quality(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<QualityCliOptions>();
  const out = processOutput();
  const dir = resolve(opts.project ?? '.');
  const hasProject = existsSync(
    statSync(dir, { throwIfNoEntry: false })?.isFile() ? dir : join(dir, PROJECT_FILE),
  );
  let loaded: LoadedProject | undefined;
  let warehousePath = opts.warehouse;
  if (hasProject || !opts.warehouse) {
    const pw = await projectAndWarehouse(opts);
    loaded = pw.loaded;
    warehousePath = pw.warehousePath;
  }
  const definitions: readonly DatasetQuality[] = loaded?.project.quality ?? [];
  const reportsDir = loaded
    ? join(loaded.dir, '.gongshu', 'reports')
    : join(dirname(resolve(warehousePath!)), 'reports');
  const wh = await openWarehouse({
    path: warehousePath!,
    ...(loaded?.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  try {
    const runIdFile = (id: string) => reportFilePath(reportsDir, id);
    // The run id is made by runQuality; the file name is recorded after the run.
    const report = await runQuality(wh, {
      ...(opts.dataset?.length ? { datasets: opts.dataset } : {}),
      definitions,
      failOn: opts.failOn ?? null,
      mask: opts.mask,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(loaded ? { node: { id: loaded.project.node.id, name: loaded.project.node.name } } : {}),
    });
    const file = writeReportFile(runIdFile(report.runId), report);
    if (opts.json) {
      out.note(`quality report written to ${file}`);
      out.json(report);
    } else {
      printQualitySummary(out, report);
      out.note(`report: ${file}`);
    }
    return opts.failOn && report.status === 'fail' ? EXIT.failures : EXIT.ok;
  } finally {
    wh.close();
  }
}
