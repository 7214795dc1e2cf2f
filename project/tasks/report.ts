/** The report task: renders the quality dashboard from the newest (or a given) quality report; a `report` run. */
import { isAbsolute, join } from 'node:path';
import {
  backupSettings,
  backupStatus,
  type DestinationStatus,
  type EvaluationProject,
  journalPath,
  nodeBackupStatus,
  shanghaiDate,
} from '../../governance/index.ts';
import type { Foundation } from '../../jobs/index.ts';
import {
  assessedDatasets,
  type BackupsSection,
  type DashboardResult,
  DEFAULT_DASHBOARD_DIR,
  evaluationReader,
  type LatestResults,
  latestReportFile,
  latestResults,
  openDataReader,
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
  /**
   * The quality report file, rendered alone; by default each dataset shows its latest result from the reports in
   * `<project>/.gongshu/reports` (a run may have covered one dataset).
   */
  readonly reportFile?: string | undefined;
  /** Defaults to `<project>/out/report`. */
  readonly outDir?: string | undefined;
  readonly lang?: ReportLang | undefined;
  /** Notes for the overview page (e.g. why the warehouse could not be read). */
  readonly notes?: readonly string[];
  /** The overview's backup section; the report task reads it from the node's backup journal when configured. */
  readonly backups?: (() => Promise<BackupsSection>) | undefined;
  /** The node's backup status for the evaluation's security figures (defaults to the loaded project's). */
  readonly evaluationBackups?:
    | ((warehousePath: string, at: Date) => readonly DestinationStatus[] | null)
    | undefined;
  /** The project's foundation definitions, for the foundations page; defaults to the loaded project's. */
  readonly foundationDefinitions?: readonly Foundation[] | undefined;
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
  /** How many report files the dashboard's results come from (1 with `reportFile`). */
  readonly reports: number;
  /** The notes shown on the overview: the given ones and the earlier reports skipped. */
  readonly notes: readonly string[];
  readonly result: DashboardResult;
}

/** The newest quality report of a project folder, or a definition error saying how to make one. */
export function reportFileOf(projectDir: string, given?: string): string {
  if (given) return given;
  const file = latestReportFile(join(projectDir, REPORTS_DIR));
  if (!file) throw noReport(projectDir);
  return file;
}

/** The error when a project folder holds no quality report. */
function noReport(projectDir: string): ProjectError {
  return new ProjectError(
    'no-report',
    `${join(projectDir, REPORTS_DIR)}: no quality report (quality-<runId>.json). Fix: run gongshu quality first, or pass --report FILE`,
    { dir: projectDir },
  );
}

/**
 * Renders the dashboard without recording a run (the warehouse is read-only, locked or absent). With
 * `reportFile` that run is rendered alone; otherwise each dataset shows its latest result, whichever run had it.
 */
export async function renderReport(
  projectDir: string,
  warehouse: Warehouse | null,
  options: ReportTaskOptions,
): Promise<Omit<ReportTaskResult, 'runId'>> {
  const notes = [...(options.notes ?? [])];
  const latest: LatestResults | undefined = options.reportFile
    ? undefined
    : latestResults(
        join(projectDir, REPORTS_DIR),
        warehouse ? { datasets: await assessedDatasets(warehouse) } : {},
      );
  const reportFile = options.reportFile ?? latest?.files[0];
  if (!reportFile) throw noReport(projectDir);
  const report = latest?.report ?? readReportFile(reportFile);
  for (const f of latest?.skipped ?? [])
    notes.push(`${f}: an earlier quality report of another gongshu version was skipped`);
  const outDir =
    options.outDir ??
    (isAbsolute(DEFAULT_DASHBOARD_DIR) ? DEFAULT_DASHBOARD_DIR : join(projectDir, DEFAULT_DASHBOARD_DIR));
  const result = await writeDashboard({
    report,
    warehouse,
    outDir,
    lang: options.lang ?? 'zh-CN',
    notes,
    foundationDefinitions: options.foundationDefinitions ?? [],
    ...(latest ? { assessed: latest.assessed } : {}),
    sharing: sharingReader({
      at: new Date(report.generatedAt),
      ...(options.project ? { project: options.project } : {}),
    }),
    openData: openDataReader({
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
            ...(options.evaluationBackups ? { backups: options.evaluationBackups } : {}),
          }),
        }
      : {}),
  });
  return { reportFile, reports: latest?.files.length ?? 1, notes, result };
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
      evaluationBackups:
        options.evaluationBackups ??
        ((path, at) => nodeBackupStatus(ctx.loaded.project, ctx.loaded.dir, path, at)),
      foundationDefinitions: options.foundationDefinitions ?? ctx.loaded.project.foundations ?? [],
      project: options.project ?? ctx.loaded.project,
    });
    return {
      value: r,
      details: {
        report: r.reportFile,
        reports: r.reports,
        index: r.result.index,
        pages: r.result.pages,
        bytes: r.result.bytes,
      },
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
