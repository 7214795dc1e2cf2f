/**
 * The scheduler behind `gongshu serve`: node-cron fires each schedule in its time zone; runs go through one
 * queue (the warehouse is one DuckDB connection, so one job at a time); a schedule that fires while its own
 * previous run is still running or waiting is skipped (`overlap: 'skip'`, recorded as a skipped run) or
 * queued behind it (`overlap: 'queue'`). Every firing is recorded in `gongshu.runs` (kind `schedule`) with
 * its status, timings, counts and errors; the loads and builds it starts have their own run records.
 * @example
 * const scheduler = await startScheduler(project, { warehousePath, logger });
 * process.once('SIGTERM', () => scheduler.stop());
 */
import cron, { type ScheduledTask } from 'node-cron';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { runPipelines, selectPipelines } from '../../pipelines/index.ts';
import { finishRun, openWarehouse, startRun, type Warehouse } from '../../warehouse/index.ts';
import { buildProject } from '../build.ts';
import { ScheduleError } from '../errors.ts';
import { selectNodes } from '../models/dag.ts';
import { type ProjectWithJobs, projectJobs } from '../project.ts';
import type { Schedule } from './define.ts';

type Log = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;

/** Options of `startScheduler`. */
export interface SchedulerOptions {
  /** The warehouse file to open (and hold the writer lock of) while serving. */
  readonly warehousePath?: string;
  /** An already open warehouse (not closed by `stop`); takes precedence over `warehousePath`. */
  readonly warehouse?: Warehouse;
  readonly logger?: Log;
  /** Schedules to run; defaults to the project's `schedules`. */
  readonly schedules?: readonly Schedule[];
  /** Actions of other layers a schedule can run (the node service passes the backup). */
  readonly actions?: SchedulerActions;
}

/** What a scheduled action reports: details for the run record, and errors (none = succeeded). */
export interface ActionOutcome {
  readonly details: unknown;
  readonly errors: readonly string[];
}

/** Actions the scheduler runs through hooks, so `jobs/` needs no import of the layers that own them. */
export interface SchedulerActions {
  /** `run.backup`: take (and verify) an encrypted backup of the warehouse. */
  readonly backup?: (
    spec: NonNullable<Schedule['run']['backup']>,
    context: { readonly wh: Warehouse; readonly signal: AbortSignal },
  ) => Promise<ActionOutcome>;
}

/** A running scheduler. */
export interface RunningScheduler {
  /** The schedules being served. */
  readonly schedules: readonly Schedule[];
  /**
   * Stops firing, drops runs still waiting (recorded as skipped), and waits for the running job: it
   * finishes, or with `{ abort: true }` it is cancelled and its transaction rolls back. Closes the warehouse
   * it opened.
   */
  stop(options?: { abort?: boolean }): Promise<void>;
}

/** Starts serving a project's schedules; see the module comment. */
export async function startScheduler(
  project: ProjectWithJobs,
  options: SchedulerOptions = {},
): Promise<RunningScheduler> {
  const schedules = options.schedules ?? projectJobs(project).schedules;
  const { graph } = projectJobs(project);
  // Check targets now, not at 2 a.m.
  for (const s of schedules) {
    selectPipelines(project, s.run.pipelines ?? []);
    if (s.run.build?.length && !s.run.build.includes('*')) selectNodes(graph, s.run.build);
    if (s.run.backup && !options.actions?.backup) {
      throw new ScheduleError(
        `schedule ${s.name}: run.backup needs the node service's backup action. Fix: run the schedules with gongshu serve (it provides it)`,
        { schedule: s.name },
      );
    }
  }
  const wh = options.warehouse ?? (await openWarehouse({ path: options.warehousePath ?? ':memory:' }));
  const owned = !options.warehouse;
  const log = options.logger;
  const queue = new PQueue({ concurrency: 1 });
  const active = new Map<string, number>(); // schedule → runs running or waiting
  const controller = new AbortController();
  let stopping = false;

  const execute = async (s: Schedule, firedAt: Date): Promise<void> => {
    if (stopping) {
      await startRun(wh, 'schedule', s.name, {
        status: 'skipped',
        error: 'scheduler stopped before this run started',
        details: { firedAt: firedAt.toISOString(), cron: s.cron },
      });
      return;
    }
    const runId = await startRun(wh, 'schedule', s.name, {
      details: { firedAt: firedAt.toISOString(), cron: s.cron, timezone: s.timezone },
    });
    log?.info(`schedule ${s.name} started (${runId})`);
    const details: Record<string, unknown> = { firedAt: firedAt.toISOString(), cron: s.cron };
    const errors: string[] = [];
    let rowsRead = 0;
    let rowsLoaded = 0;
    try {
      if (s.run.pipelines?.length) {
        const summary = await runPipelines(wh, project, {
          only: s.run.pipelines,
          signal: controller.signal,
          ...(log ? { logger: log as Logger } : {}),
        });
        details.pipelineRun = summary.runId;
        rowsRead += summary.rowsRead;
        rowsLoaded += summary.rowsLoaded;
        for (const p of summary.pipelines)
          if (p.status === 'failed') errors.push(`${p.pipeline}: ${p.error}`);
      }
      if (s.run.build?.length && !controller.signal.aborted) {
        const build = await buildProject(wh, project, {
          select: s.run.build.includes('*') ? [] : s.run.build,
          signal: controller.signal,
          parentRunId: runId,
          ...(log ? { logger: log } : {}),
        });
        details.build = build.buildId;
        details.nodes = build.nodes.map((n) => ({ node: n.node, status: n.status, runId: n.runId }));
        for (const n of build.nodes) if (n.status === 'failed') errors.push(`${n.node}: ${n.reason}`);
      }
      const backup = options.actions?.backup;
      if (s.run.backup && backup && !controller.signal.aborted) {
        const outcome = await backup(s.run.backup, { wh, signal: controller.signal });
        details.backup = outcome.details;
        errors.push(...outcome.errors);
      }
      if (controller.signal.aborted) errors.push('aborted by stop(): the running load was rolled back');
    } catch (error) {
      errors.push((error as Error).message);
    }
    await finishRun(wh, runId, {
      status: errors.length ? 'failed' : 'succeeded',
      rowsRead,
      rowsLoaded,
      error: errors.length ? errors.join('\n') : null,
      details,
    });
    log?.[errors.length ? 'error' : 'info'](
      `schedule ${s.name} ${errors.length ? 'failed' : 'succeeded'} (${runId})${errors.length ? `: ${errors.join('; ')}` : ''}`,
    );
  };

  const fire = (s: Schedule, firedAt: Date) => {
    if (stopping) return;
    const n = active.get(s.name) ?? 0;
    if (n > 0 && s.overlap === 'skip') {
      log?.warn(`schedule ${s.name} skipped: its previous run is still going`);
      void queue.add(() =>
        startRun(wh, 'schedule', s.name, {
          status: 'skipped',
          error: 'overlap: the previous run of this schedule was still going (overlap: skip)',
          details: { firedAt: firedAt.toISOString(), cron: s.cron },
        }),
      );
      return;
    }
    active.set(s.name, n + 1);
    void queue
      .add(() => execute(s, firedAt))
      .catch((error) => log?.error(`schedule ${s.name}: ${(error as Error).message}`))
      .finally(() => active.set(s.name, (active.get(s.name) ?? 1) - 1));
  };

  const cronLogger = {
    info: (m: string) => log?.debug?.(`node-cron: ${m}`),
    warn: (m: string) => log?.warn(`node-cron: ${m}`),
    error: (m: string | Error) => log?.error(`node-cron: ${m instanceof Error ? m.message : m}`),
    debug: (m: string | Error) => log?.debug?.(`node-cron: ${m instanceof Error ? m.message : m}`),
  };
  const tasks: ScheduledTask[] = schedules.map((s) =>
    cron.schedule(s.cron, (ctx) => fire(s, ctx.date ?? new Date()), {
      name: `gongshu:${s.name}`,
      timezone: s.timezone,
      logger: cronLogger,
    }),
  );
  log?.info(
    `scheduler: ${schedules.length} schedule(s): ${schedules.map((s) => `${s.name} (${s.cron} ${s.timezone})`).join(', ')}`,
  );

  let stopped: Promise<void> | undefined;
  return {
    schedules,
    stop(opts = {}) {
      stopped ??= (async () => {
        stopping = true;
        for (const t of tasks) {
          await t.stop();
          await t.destroy();
        }
        if (opts.abort) controller.abort(new Error('scheduler stopped'));
        await queue.onIdle();
        if (owned) wh.close();
        log?.info('scheduler stopped');
      })();
      return stopped;
    },
  };
}
