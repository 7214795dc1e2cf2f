/** The report task: renders the quality dashboard from the newest (or a given) quality report; a `report` run. */
import { isAbsolute, join } from 'node:path';
import {
  backupSettings,
  backupStatus,
  type EvaluationProject,
  journalPath,
  shanghaiDate,
} from '../../governance/index.ts';
import {
  type BackupsSection,
  type DashboardResult,
  DEFAULT_DASHBOARD_DIR,
  evaluationReader,
  latestReportFile,
  REPORTS_DIR,
  type ReportLang,
  readReportFile,
  sharingReader,
  writeDashboard,
} from '../../reports/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { ProjectError } from '../errors.ts';
import type { LoadedProject } from '../load.ts';
import type { TaskContext } from './context.ts';
import { recorded } from './recorded.ts';

/** Options of the report task. */
export interface ReportTaskOptions {
  /** The quality report file; defaults to the newest in `<project>/.gongshu/reports`. */
  readonly reportFile?: string | undefined;
  /** Defaults to `<project>/out/report`. */
  readonly outDir?: string | undefined;
  readonly lang?: ReportLang | undefined;
  /** Notes for the overview page (e.g. why the warehouse could not be read). */
  readonly notes?: readonly string[];
  /** The overview's backup section; the report task reads it from the node's backup journal when configured. */
  readonly backups?: (() => Promise<BackupsSection>) | undefined;
  /**
   * The project whose catalog in code the sharing page checks (catalog changes and reviews due); the report
   * task passes its own. Requests and usage come from the warehouse, as of the quality report's time. With its
   * node, the evaluation page shows the yearly evaluation of the report's year (GOVERNANCE.md I).
   */
  readonly project?:
    | (EvaluationProject & { readonly node?: { id: string; name?: string; level?: string } })
    | undefined;
}

/** What the report task did. */
export interface ReportTaskResult {
  /** Null when the warehouse could not be written (the run is then not recorded). */
  readonly runId: string | null;
  readonly reportFile: string;
  readonly result: DashboardResult;
}

/** The newest quality report of a project folder, or a definition error saying how to make one. */
export function reportFileOf(projectDir: string, given?: string): string {
  if (given) return given;
  const file = latestReportFile(join(projectDir, REPORTS_DIR));
  if (!file) {
    throw new ProjectError(
      'no-report',
      `${join(projectDir, REPORTS_DIR)}: no quality report (quality-<runId>.json). Fix: run gongshu quality first, or pass --report FILE`,
      { dir: projectDir },
    );
  }
  return file;
}

/** Renders the dashboard without recording a run (the warehouse is read-only, locked or absent). */
export async function renderReport(
  projectDir: string,
  warehouse: Warehouse | null,
  options: ReportTaskOptions,
): Promise<{ reportFile: string; result: DashboardResult }> {
  const reportFile = reportFileOf(projectDir, options.reportFile);
  const report = readReportFile(reportFile);
  const outDir =
    options.outDir ??
    (isAbsolute(DEFAULT_DASHBOARD_DIR) ? DEFAULT_DASHBOARD_DIR : join(projectDir, DEFAULT_DASHBOARD_DIR));
  const result = await writeDashboard({
    report,
    warehouse,
    outDir,
    lang: options.lang ?? 'zh-CN',
    notes: options.notes ?? [],
    sharing: sharingReader({
      at: new Date(report.generatedAt),
      ...(options.project ? { project: options.project } : {}),
    }),
    ...(options.backups ? { backups: options.backups } : {}),
    ...(options.project?.node
      ? {
          evaluation: evaluationReader({
            year: Number(shanghaiDate(new Date(report.generatedAt)).slice(0, 4)),
            at: new Date(report.generatedAt),
            project: options.project,
            node: options.project.node,
          }),
        }
      : {}),
  });
  return { reportFile, result };
}

/** Renders the dashboard as a recorded `report` run on a writable warehouse. */
export async function runReportTask(
  ctx: TaskContext,
  options: ReportTaskOptions = {},
): Promise<ReportTaskResult> {
  const { runId, value } = await recorded(ctx, 'report', 'dashboard', async () => {
    const backups =
      options.backups ??
      (ctx.loaded.project.backup !== undefined && ctx.wh.path !== ':memory:'
        ? backupsReader(ctx.loaded, ctx.wh.path)
        : undefined);
    const r = await renderReport(ctx.loaded.dir, ctx.wh, {
      ...options,
      backups,
      project: options.project ?? ctx.loaded.project,
    });
    return {
      value: r,
      details: { report: r.reportFile, index: r.result.index, pages: r.result.pages, bytes: r.result.bytes },
    };
  });
  return { runId, ...value };
}

/** The dashboard's backup section from the node's backup journal (no destination is read). */
export function backupsReader(loaded: LoadedProject, warehousePath: string): () => Promise<BackupsSection> {
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
