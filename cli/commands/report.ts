import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { backupSettings, backupStatus, journalPath } from '../../governance/index.ts';
import { type LoadedProject, PROJECT_FILE, projectAndWarehouse } from '../../project/index.ts';
import {
  type BackupsSection,
  DEFAULT_DASHBOARD_DIR,
  latestReportFile,
  REPORTS_DIR,
  type ReportLang,
  readReportFile,
  sharingReader,
  writeDashboard,
} from '../../reports/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';

interface ReportCliOptions {
  project: string;
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
 * into `<project>/out/report/` (or `--out DIR`). Reads the warehouse read-only; without it (locked by a running
 * writer, or absent) the dashboard shows the report alone and says so.
 */
export default async function report(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<ReportCliOptions>();
  const out = processOutput();
  const dir = resolve(opts.project ?? '.');
  const hasProject = existsSync(
    statSync(dir, { throwIfNoEntry: false })?.isFile() ? dir : join(dir, PROJECT_FILE),
  );
  let warehousePath = opts.warehouse;
  let projectDir = statSync(dir, { throwIfNoEntry: false })?.isFile() ? join(dir, '..') : dir;
  let loaded: LoadedProject | undefined;
  if (hasProject) {
    const pw = await projectAndWarehouse(opts);
    warehousePath = pw.warehousePath;
    projectDir = pw.loaded.dir;
    loaded = pw.loaded;
  }
  const reportFile = opts.report ? resolve(opts.report) : latestReportFile(join(projectDir, REPORTS_DIR));
  if (!reportFile) {
    throw new CliError(
      `${join(projectDir, REPORTS_DIR)}: no quality report (quality-<runId>.json). Fix: run gongshu quality --project ${opts.project ?? '.'} first, or pass --report FILE`,
      EXIT.usage,
    );
  }
  const qualityReport = readReportFile(reportFile);
  const outDir = opts.out
    ? resolve(opts.out)
    : isAbsolute(DEFAULT_DASHBOARD_DIR)
      ? DEFAULT_DASHBOARD_DIR
      : join(projectDir, DEFAULT_DASHBOARD_DIR);

  const notes: string[] = [];
  let wh: Warehouse | null = null;
  if (warehousePath && existsSync(warehousePath)) {
    try {
      wh = await openWarehouse({ path: warehousePath, readOnly: true });
    } catch (error) {
      notes.push(
        `warehouse ${warehousePath} could not be opened read-only: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  } else {
    notes.push(
      `no warehouse at ${warehousePath ?? '(none given)'}: history, loads and the catalog are not shown`,
    );
  }
  try {
    const result = await writeDashboard({
      report: qualityReport,
      warehouse: wh,
      outDir,
      lang: opts.lang,
      notes,
      // Sharing: requests, catalog problems (with the catalog in code) and usage as of the report's run.
      sharing: sharingReader({
        at: new Date(qualityReport.generatedAt),
        ...(loaded ? { project: loaded.project } : {}),
      }),
      ...(loaded?.project.backup !== undefined && warehousePath
        ? { backups: backupsReader(loaded, warehousePath) }
        : {}),
    });
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
        `report ${qualityReport.runId} → ${result.pages.toLocaleString('en')} pages, ${(result.bytes / 1024).toFixed(0)} KiB in ${(
          result.seconds.gather + result.seconds.render + result.seconds.write
        ).toFixed(1)} s`,
      );
      out.data(result.index);
    }
    return EXIT.ok;
  } finally {
    wh?.close();
  }
}

/** The dashboard's backup section from the node's backup journal (no destination is read). */
function backupsReader(loaded: LoadedProject, warehousePath: string): () => Promise<BackupsSection> {
  return async () => {
    const settings = backupSettings(loaded.project, loaded.dir);
    const status = backupStatus(settings, journalPath(warehousePath));
    return {
      status: 'ok',
      data: {
        destinations: status.map((d) => ({
          name: d.name,
          offsite: d.offsite,
          lastBackupAt: d.lastBackup?.createdAt ?? null,
          lastVerifiedId: d.lastVerified?.id ?? null,
          lastVerifiedAt: d.lastVerified?.createdAt ?? null,
          verifiedAt: d.lastVerified?.verifiedAt ?? null,
          maxAgeHours: d.maxAgeHours,
          overdue: d.overdue,
        })),
      },
    };
  };
}
