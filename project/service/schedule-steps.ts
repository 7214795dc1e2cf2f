/**
 * The steps of a scheduled firing, run by the node service: each step is a task (project/tasks), so it is
 * recorded in the runs table and alerts like the same command run by hand. A failing step is recorded and the
 * next steps still run (a failed load leaves yesterday's table, which the build may still use).
 */

import { backupSettings, journalPath, parentLinkOf, scheduledBackup } from '../../governance/index.ts';
import {
  type Schedule,
  type ScheduleExecutor,
  type SchedulerActions,
  type ScheduleStep,
  scheduleSteps,
} from '../../jobs/index.ts';
import { createSerial, type NodeKeys } from '../../platform/index.ts';
import type { Alerter } from '../alerts/alerter.ts';
import type { LoadedProject } from '../load.ts';
import { backfillRange, runBackfillTask } from '../tasks/backfill.ts';
import { runBuildTask } from '../tasks/build.ts';
import type { TaskContext } from '../tasks/context.ts';
import { runPipelinesTask } from '../tasks/pipelines.ts';
import { runPushTask } from '../tasks/push.ts';
import { runQualityTask } from '../tasks/quality.ts';
import { runReportTask } from '../tasks/report.ts';

/** What a step adds to its firing's record. */
interface StepResult {
  readonly errors: string[];
  readonly rowsRead?: number;
  readonly rowsLoaded?: number;
  readonly details?: Record<string, unknown>;
}

/** Runs one step of a schedule. */
export type StepHandler = (
  s: Schedule,
  ctx: TaskContext,
  firedAt: Date,
  actions: SchedulerActions,
) => Promise<StepResult>;

/**
 * One handler per step of `SCHEDULE_STEPS`. A new step adds its handler here; the type makes a missing one a
 * compile error.
 */
export const STEP_HANDLERS: Readonly<Record<ScheduleStep, StepHandler>> = {
  async pipelines(s, ctx) {
    const r = await runPipelinesTask(ctx, { only: s.run.pipelines ?? [] });
    return {
      errors: r.pipelines.flatMap((p) => (p.status === 'failed' ? [`${p.pipeline}: ${p.error}`] : [])),
      rowsRead: r.rowsRead,
      rowsLoaded: r.rowsLoaded,
      details: { pipelineRun: r.runId },
    };
  },
  async backfill(s, ctx, firedAt) {
    const errors: string[] = [];
    const loads: string[] = [];
    let rowsLoaded = 0;
    for (const b of s.run.backfill ?? []) {
      const range = backfillRange(b, firedAt);
      try {
        const r = await runBackfillTask(ctx, b.pipeline, range);
        loads.push(r.loadId);
        rowsLoaded += r.rowsLoaded;
      } catch (error) {
        errors.push(`backfill ${b.pipeline} ${range.from}..${range.to}: ${(error as Error).message}`);
      }
    }
    return { errors, rowsLoaded, details: { backfillLoads: loads } };
  },
  async quality(s, ctx) {
    const datasets = s.run.quality === true ? undefined : s.run.quality;
    const r = await runQualityTask(ctx, datasets ? { datasets } : {});
    return {
      errors: [],
      details: { qualityRun: r.runId, qualityStatus: r.report.status, score: r.report.node?.score ?? null },
    };
  },
  async build(s, ctx) {
    const select = s.run.build ?? [];
    const r = await runBuildTask(ctx, { select: select.includes('*') ? [] : select });
    return {
      errors: r.nodes.flatMap((n) =>
        n.status === 'failed' || n.status === 'blocked' ? [`${n.node} ${n.status}: ${n.reason}`] : [],
      ),
      details: {
        build: r.buildId,
        nodes: r.nodes.map((n) => ({ node: n.node, status: n.status, runId: n.runId })),
      },
    };
  },
  async report(_s, ctx) {
    const r = await runReportTask(ctx);
    return { errors: [], details: { reportRun: r.runId, dashboard: r.result.index } };
  },
  async push(s, ctx) {
    const datasets = s.run.push === true ? undefined : s.run.push;
    // A fresh serial: this runs inside a job of the node's queue already.
    const r = await runPushTask(ctx, { serial: createSerial(), ...(datasets ? { datasets } : {}) });
    return { errors: [], details: { pushRun: r.runId, rowsPushed: r.rows } };
  },
  async backup(s, ctx, _firedAt, actions) {
    // The backup action (governance/backups) is passed in by the node service; jobs/ cannot import it.
    if (!s.run.backup) return { errors: [] };
    if (!actions.backup) return { errors: ['backup: this node service has no backup action'] };
    const r = await actions.backup(s.run.backup, {
      wh: ctx.wh,
      signal: ctx.signal ?? new AbortController().signal,
    });
    if (r.errors.length) {
      ctx.alerts?.emit({
        kind: 'run-failed',
        title: `scheduled backup of ${s.name} failed`,
        lines: [...r.errors],
      });
    }
    return { errors: [...r.errors], details: { backup: r.details } };
  },
};

/**
 * The actions of other layers a firing runs (`run.backup`: an encrypted backup of the warehouse, verified, then
 * pruned). The caller runs firings one at a time on the warehouse (the node service's queue, or one command),
 * so the snapshot needs no further exclusion.
 */
export function scheduleActions(
  loaded: LoadedProject,
  warehousePath: string,
  options: { logger?: TaskContext['logger']; keys?: NodeKeys } = {},
): SchedulerActions {
  const settings = backupSettings(loaded.project, loaded.dir);
  return {
    backup: scheduledBackup({
      settings,
      journal: journalPath(warehousePath),
      parent: parentLinkOf(loaded.project, loaded.dir, settings, options.logger, options.keys),
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  };
}

/** The executor the node service gives its scheduler: every step of a firing, in order. */
export function scheduleExecutor(
  loaded: LoadedProject,
  options: { logger?: TaskContext['logger']; alerts?: Alerter; actions?: SchedulerActions } = {},
): ScheduleExecutor {
  return async (s, { wh, signal, runId, firedAt }) => {
    const ctx: TaskContext = {
      wh,
      loaded,
      signal,
      parentRunId: runId,
      logger: options.logger,
      alerts: options.alerts,
    };
    const errors: string[] = [];
    const details: Record<string, unknown> = { steps: scheduleSteps(s) };
    let rowsRead = 0;
    let rowsLoaded = 0;
    for (const step of scheduleSteps(s)) {
      if (signal.aborted) break;
      try {
        const r = await STEP_HANDLERS[step](s, ctx, firedAt, options.actions ?? {});
        errors.push(...r.errors);
        rowsRead += r.rowsRead ?? 0;
        rowsLoaded += r.rowsLoaded ?? 0;
        Object.assign(details, r.details);
      } catch (error) {
        errors.push(`${step}: ${(error as Error).message}`);
      }
    }
    return { errors, rowsRead, rowsLoaded, details };
  };
}
