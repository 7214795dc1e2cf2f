import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  backupsReader,
  projectAndWarehouse,
  projectFileOf,
  renderReport,
  runReportTask,
} from '../../project/index.ts';
import type { ReportLang } from '../../reports/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';
import { commandTaskContext } from '../task-context.ts';

interface ReportCliOptions {
  project?: string;
  out?: string;
  lang: ReportLang;
  report?: string;
  warehouse?: string;
  json?: boolean;
}

/** Every problem of the report command line: the report file, the output folder, the project folder. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as ReportCliOptions;
  problems.path(
    '--report',
    o.report,
    'file',
    'pass a quality-<run>.json written by gongshu quality, or omit --report for the newest',
  );
  if (o.out !== undefined && statSync(o.out, { throwIfNoEntry: false })?.isFile())
    problems.add('--out', 'a folder (created when missing)', o.out, '--out out/report');
  problems.project(o.project);
}

/**
 * `gongshu report`: renders the static quality dashboard (index.html, a page per dataset, foundations, hierarchy,
 * catalog, report.json, report.md, rules.csv) of the newest quality report of the project (or `--report FILE`)
 * into `<project>/out/report/` (or `--out DIR`), recorded as a `report` run. When the warehouse cannot be
 * written (another process holds it) it is read read-only and the run is not recorded; without it (absent)
 * the dashboard shows the report alone and says so.
 */
export default async function report(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<ReportCliOptions>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const projectFile = projectFileOf(opts.project);
  const pw = projectFile ? await projectAndWarehouse(opts) : undefined;
  const given = opts.project ? resolve(opts.project) : process.cwd();
  const projectDir =
    pw?.loaded.dir ?? (statSync(given, { throwIfNoEntry: false })?.isFile() ? resolve(given, '..') : given);
  const warehousePath = pw?.warehousePath ?? opts.warehouse;
  const options = {
    ...(opts.report ? { reportFile: resolve(opts.report) } : {}),
    ...(opts.out ? { outDir: resolve(opts.out) } : {}),
    lang: opts.lang,
    // The sharing page reads the catalog in code (its entries' lifecycle) with the warehouse's requests and usage.
    ...(pw ? { project: pw.loaded.project } : {}),
    ...(pw?.loaded.project.backup !== undefined && warehousePath
      ? { backups: backupsReader(pw.loaded, warehousePath) }
      : {}),
  };
  const notes: string[] = [];
  let wh: Warehouse | null = null;
  let writable = false;
  if (warehousePath && existsSync(warehousePath)) {
    try {
      wh = await openCommandWarehouse({ path: warehousePath });
      writable = !wh.readOnly;
    } catch {
      try {
        wh = await openCommandWarehouse({ path: warehousePath, readOnly: true });
        notes.push(
          `warehouse ${warehousePath} is held by another process: read read-only; this report run is not recorded`,
        );
      } catch (error) {
        notes.push(
          `warehouse ${warehousePath} could not be opened read-only: ${(error as Error).message.split('\n')[0]}`,
        );
      }
    }
  } else {
    notes.push(
      `no warehouse at ${warehousePath ?? '(none given)'}: history, loads and the catalog are not shown`,
    );
  }
  const ctx = pw && wh && writable ? commandTaskContext(pw.loaded, wh, logger) : undefined;
  try {
    const { reportFile, result } = ctx
      ? await runReportTask(ctx, { ...options, notes })
      : await renderReport(projectDir, wh, { ...options, notes });
    for (const n of notes) out.note(`note: ${n}`);
    const summary = {
      index: result.index,
      dir: result.dir,
      report: reportFile,
      pages: result.pages,
      files: result.files.length,
      bytes: result.bytes,
      seconds: result.seconds,
    };
    if (opts.json) out.json(summary);
    else {
      out.note(
        `report → ${result.pages.toLocaleString('en')} pages, ${(result.bytes / 1024).toFixed(0)} KiB in ${(
          result.seconds.gather + result.seconds.render + result.seconds.write
        ).toFixed(1)} s`,
      );
      out.data(result.index);
    }
    return EXIT.ok;
  } finally {
    await ctx?.done();
    wh?.close();
  }
}
