/**
 * The scheduler behind `gongshu serve`: node-cron fires each schedule in its time zone; runs go through one
 * queue (the warehouse is one DuckDB connection, so one job at a time: the node service passes its own queue
 * as `enqueue`, which its HTTP handlers and CLI requests share); a schedule that fires while its own previous
 * run is still running or waiting is skipped (`overlap: 'skip'`, recorded as a skipped run) or queued behind it
 * (`overlap: 'queue'`). Every firing is recorded in `gongshu.runs` (kind `schedule`) with its status, timings,
 * counts and errors; the loads, builds and other runs it starts have their own run records.
 * @example
 * const scheduler = await startScheduler(project, { warehousePath, logger });
 * process.once('SIGTERM', () => scheduler.stop());
 */
import cron, { type ScheduledTask } from 'node-cron';
import PQueue from 'p-queue';
import { selectPipelines } from '../../pipelines/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { ScheduleError } from '../errors.ts';
import { selectNodes } from '../models/dag.ts';
import { type ProjectWithJobs, projectJobs } from '../project.ts';
import type { Schedule } from './define.ts';
import { createFirings, type Firings } from './firings.ts';
import { runJobSteps } from './job-steps.ts';
import type { Enqueue, Log, RunningScheduler, SchedulerOptions } from './scheduler-types.ts';

export { runJobSteps } from './job-steps.ts';
export { runScheduleOnce } from './run-once.ts';
export type {
  ActionOutcome,
  Enqueue,
  FiringResult,
  RunningScheduler,
  ScheduleContext,
  ScheduleExecutor,
  ScheduleOutcome,
  SchedulerActions,
  SchedulerOptions,
} from './scheduler-types.ts';

/** A queue of the scheduler's own, with an abort signal per job. */
function ownQueue(controller: AbortController): { enqueue: Enqueue; idle(): Promise<void> } {
  const queue = new PQueue({ concurrency: 1 });
  return {
    enqueue: <T>(_label: string, fn: (signal: AbortSignal) => Promise<T>) =>
      queue.add(() => fn(controller.signal)) as Promise<T>,
    idle: () => queue.onIdle(),
  };
}

/** Checks the schedules' targets now, not at 2 a.m. (defineProject checks them too, naming the schedule). */
function checkTargets(
  project: ProjectWithJobs,
  schedules: readonly Schedule[],
  options: SchedulerOptions,
): void {
  const { graph } = projectJobs(project);
  for (const s of schedules) {
    selectPipelines(project, s.run.pipelines ?? []);
    if (s.run.build?.length && !s.run.build.includes('*')) selectNodes(graph, s.run.build);
    if (s.run.backup && !options.execute && !options.actions?.backup) {
      throw new ScheduleError(
        `schedule ${s.name}: run.backup needs the node service's backup action. Fix: run the schedules with gongshu serve (it provides it)`,
        { schedule: s.name },
      );
    }
  }
}

/** One node-cron task per schedule, firing in the schedule's time zone; node-cron's lines go to `log`. */
function cronTasks(schedules: readonly Schedule[], firings: Firings, log: Log | undefined): ScheduledTask[] {
  const cronLogger = {
    info: (m: string) => log?.debug?.(`node-cron: ${m}`),
    warn: (m: string) => log?.warn(`node-cron: ${m}`),
    error: (m: string | Error) => log?.error(`node-cron: ${m instanceof Error ? m.message : m}`),
    debug: (m: string | Error) => log?.debug?.(`node-cron: ${m instanceof Error ? m.message : m}`),
  };
  return schedules.map((s) =>
    cron.schedule(s.cron, (ctx) => firings.fire(s, ctx.date ?? new Date()), {
      name: `gongshu:${s.name}`,
      timezone: s.timezone,
      logger: cronLogger,
    }),
  );
}

/** Starts serving a project's schedules; see the module comment. */
export async function startScheduler(
  project: ProjectWithJobs,
  options: SchedulerOptions = {},
): Promise<RunningScheduler> {
  const schedules = options.schedules ?? projectJobs(project).schedules;
  checkTargets(project, schedules, options);
  const wh = options.warehouse ?? (await openWarehouse({ path: options.warehousePath ?? ':memory:' }));
  const owned = !options.warehouse;
  const log = options.logger;
  const controller = new AbortController();
  const own = options.enqueue ? undefined : ownQueue(controller);
  const enqueue: Enqueue = options.enqueue ?? own!.enqueue;
  const execute = options.execute ?? runJobSteps(project, log, options.actions);
  const firings = createFirings({ wh, enqueue, execute, log, onFinished: options.onFinished });
  const tasks = cronTasks(schedules, firings, log);
  log?.info(
    `scheduler: ${schedules.length} schedule(s): ${schedules.map((s) => `${s.name} (${s.cron} ${s.timezone})`).join(', ')}`,
  );

  let stopped: Promise<void> | undefined;
  return {
    schedules,
    fire(name) {
      const s = schedules.find((x) => x.name === name);
      if (!s) {
        return Promise.reject(
          new ScheduleError(
            `schedules run: no schedule named ${JSON.stringify(name)} (known: ${schedules.map((x) => x.name).join(', ') || 'none'}). Fix: use one of those names (gongshu schedules lists them)`,
            { schedule: name, known: schedules.map((x) => x.name) },
          ),
        );
      }
      if (firings.stopping) return Promise.reject(new ScheduleError('the scheduler is stopping', {}));
      return firings.submit(s, new Date());
    },
    stop(opts = {}) {
      stopped ??= (async () => {
        firings.stopFiring();
        for (const t of tasks) {
          await t.stop();
          await t.destroy();
        }
        if (opts.abort) controller.abort(new Error('scheduler stopped'));
        if (own) await own.idle();
        await firings.settled();
        if (owned) wh.close();
        log?.info('scheduler stopped');
      })();
      return stopped;
    },
  };
}
