import type { Logger } from 'pino';
import { runPipelines } from '../../pipelines/index.ts';
import { buildProject } from '../build.ts';
import type { ProjectWithJobs } from '../project.ts';
import { scheduleSteps } from './define.ts';
import type { Log, ScheduleExecutor, SchedulerActions } from './scheduler-types.ts';

/**
 * The steps the jobs layer can run itself: pipelines, builds and (through `actions.backup`) the backup.
 * Quality, report, push and backfill steps need the node service (`gongshu serve`), which passes its own
 * executor.
 */
export function runJobSteps(
  project: ProjectWithJobs,
  log?: Log,
  actions: SchedulerActions = {},
): ScheduleExecutor {
  return async (s, { wh, signal, runId }) => {
    const details: Record<string, unknown> = {};
    const errors: string[] = [];
    let rowsRead = 0;
    let rowsLoaded = 0;
    const other = scheduleSteps(s).filter(
      (x) => x !== 'pipelines' && x !== 'build' && !(x === 'backup' && actions.backup),
    );
    if (other.length) {
      errors.push(`steps ${other.join(', ')} need the node service: run gongshu serve`);
    }
    if (s.run.pipelines?.length) {
      const summary = await runPipelines(wh, project, {
        only: s.run.pipelines,
        signal,
        ...(log ? { logger: log as Logger } : {}),
      });
      details.pipelineRun = summary.runId;
      rowsRead += summary.rowsRead;
      rowsLoaded += summary.rowsLoaded;
      for (const p of summary.pipelines) if (p.status === 'failed') errors.push(`${p.pipeline}: ${p.error}`);
    }
    if (s.run.build?.length && !signal.aborted) {
      const build = await buildProject(wh, project, {
        select: s.run.build.includes('*') ? [] : s.run.build,
        signal,
        parentRunId: runId,
        ...(log ? { logger: log } : {}),
      });
      details.build = build.buildId;
      details.nodes = build.nodes.map((n) => ({ node: n.node, status: n.status, runId: n.runId }));
      for (const n of build.nodes)
        if (n.status === 'failed' || n.status === 'blocked')
          errors.push(`${n.node} ${n.status}: ${n.reason}`);
    }
    if (s.run.backup && actions.backup && !signal.aborted) {
      const outcome = await actions.backup(s.run.backup, { wh, signal });
      details.backup = outcome.details;
      errors.push(...outcome.errors);
    }
    return { errors, rowsRead, rowsLoaded, details };
  };
}
