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
import type { Logger } from 'pino';
import { runPipelines, selectPipelines } from '../../pipelines/index.ts';
import { finishRun, openWarehouse, startRun, type Warehouse } from '../../warehouse/index.ts';
import { buildProject } from '../build.ts';
import { ScheduleError } from '../errors.ts';
import { selectNodes } from '../models/dag.ts';
import { type ProjectWithJobs, projectJobs } from '../project.ts';
import { type Schedule, scheduleSteps } from './define.ts';

type Log = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;

/** What one firing of a schedule is given. */
export interface ScheduleContext {
  readonly wh: Warehouse;
  readonly firedAt: Date;
  /** The firing's run id (kind `schedule`); the runs it starts name it as their parent. */
  readonly runId: string;
  /** Aborted when the node stops without waiting: the running load or build rolls back. */
  readonly signal: AbortSignal;
}

/** What one firing did. */
export interface ScheduleOutcome {
  /** One line per failed step; empty when the firing succeeded. */
  readonly errors: readonly string[];
  readonly rowsRead?: number;
  readonly rowsLoaded?: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Runs the steps of one firing. */
export type ScheduleExecutor = (schedule: Schedule, ctx: ScheduleContext) => Promise<ScheduleOutcome>;

/** Puts work on the node's one queue; `fn` gets the job's abort signal. */
export type Enqueue = <T>(label: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** Options of `startScheduler`. */
export interface SchedulerOptions {
  /** The warehouse file to open (and hold the writer lock of) while serving. */
  readonly warehousePath?: string;
  /** An already open warehouse (not closed by `stop`); takes precedence over `warehousePath`. */
  readonly warehouse?: Warehouse;
  readonly logger?: Log;
  /** Schedules to run; defaults to the project's `schedules`. */
  readonly schedules?: readonly Schedule[];
  /**
   * Runs a firing's steps; defaults to `runJobSteps` (pipelines, backfill-free builds). The node service passes
   * one that runs every step (quality, report, push, …).
   */
  readonly execute?: ScheduleExecutor;
  /** The queue firings wait in; defaults to one of the scheduler's own (concurrency 1). */
  readonly enqueue?: Enqueue;
  /** Called after each firing finished (not for skipped ones). */
  readonly onFinished?: (schedule: Schedule, runId: string, outcome: ScheduleOutcome) => void;
  /**
   * Actions of other layers a schedule can run (`run.backup`) with the default executor; the node service,
   * which passes its own executor, passes its backup action to that executor as well.
   */
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

/** The result of a firing. */
export interface FiringResult {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly errors: readonly string[];
}

/** A running scheduler. */
export interface RunningScheduler {
  /** The schedules being served. */
  readonly schedules: readonly Schedule[];
  /** Fires a schedule now (queued like any firing, whatever its overlap policy); resolves when it finished. */
  fire(name: string): Promise<FiringResult>;
  /**
   * Stops firing, drops runs still waiting (recorded as skipped), and waits for the running job: it
   * finishes, or with `{ abort: true }` it is cancelled and its transaction rolls back. Closes the warehouse
   * it opened.
   */
  stop(options?: { abort?: boolean }): Promise<void>;
}

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

/**
 * Runs one firing of a schedule now, recorded as a `schedule` run (status, counts, errors); what the scheduler
 * does on each firing, and what `gongshu schedules run NAME` does without a node service.
 */
export async function runScheduleOnce(
  wh: Warehouse,
  s: Schedule,
  execute: ScheduleExecutor,
  options: { firedAt?: Date; signal?: AbortSignal; logger?: Log } = {},
): Promise<FiringResult & { outcome: ScheduleOutcome }> {
  const firedAt = options.firedAt ?? new Date();
  const signal = options.signal ?? new AbortController().signal;
  const log = options.logger;
  const runId = await startRun(wh, 'schedule', s.name, {
    details: { firedAt: firedAt.toISOString(), cron: s.cron, timezone: s.timezone },
  });
  log?.info(`schedule ${s.name} started (${runId})`);
  let outcome: ScheduleOutcome;
  try {
    outcome = await execute(s, { wh, firedAt, runId, signal });
  } catch (error) {
    outcome = { errors: [(error as Error).message] };
  }
  const errors = [...outcome.errors];
  if (signal.aborted) errors.push('aborted: the node stopped; the running load or build was rolled back');
  await finishRun(wh, runId, {
    status: errors.length ? 'failed' : 'succeeded',
    rowsRead: outcome.rowsRead ?? null,
    rowsLoaded: outcome.rowsLoaded ?? null,
    error: errors.length ? errors.join('\n') : null,
    details: { firedAt: firedAt.toISOString(), cron: s.cron, ...outcome.details },
  });
  log?.[errors.length ? 'error' : 'info'](
    `schedule ${s.name} ${errors.length ? 'failed' : 'succeeded'} (${runId})${errors.length ? `: ${errors.join('; ')}` : ''}`,
  );
  return { runId, status: errors.length ? 'failed' : 'succeeded', errors, outcome: { ...outcome, errors } };
}

/** A queue of the scheduler's own, with an abort signal per job. */
function ownQueue(controller: AbortController): { enqueue: Enqueue; idle(): Promise<void> } {
  const queue = new PQueue({ concurrency: 1 });
  return {
    enqueue: <T>(_label: string, fn: (signal: AbortSignal) => Promise<T>) =>
      queue.add(() => fn(controller.signal)) as Promise<T>,
    idle: () => queue.onIdle(),
  };
}

/** Starts serving a project's schedules; see the module comment. */
export async function startScheduler(
  project: ProjectWithJobs,
  options: SchedulerOptions = {},
): Promise<RunningScheduler> {
  const schedules = options.schedules ?? projectJobs(project).schedules;
  const { graph } = projectJobs(project);
  // Check targets now, not at 2 a.m. (defineProject checks them too, naming the schedule).
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
  const wh = options.warehouse ?? (await openWarehouse({ path: options.warehousePath ?? ':memory:' }));
  const owned = !options.warehouse;
  const log = options.logger;
  const controller = new AbortController();
  const own = options.enqueue ? undefined : ownQueue(controller);
  const enqueue: Enqueue = options.enqueue ?? own!.enqueue;
  const execute = options.execute ?? runJobSteps(project, log, options.actions);
  const active = new Map<string, number>(); // schedule → runs running or waiting
  const pending = new Set<Promise<unknown>>();
  let stopping = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };

  const run = async (s: Schedule, firedAt: Date, signal: AbortSignal): Promise<FiringResult> => {
    if (stopping) {
      const runId = await startRun(wh, 'schedule', s.name, {
        status: 'skipped',
        error: 'scheduler stopped before this run started',
        details: { firedAt: firedAt.toISOString(), cron: s.cron },
      });
      return { runId, status: 'skipped', errors: [] };
    }
    const { outcome, ...result } = await runScheduleOnce(wh, s, execute, {
      firedAt,
      signal,
      ...(log ? { logger: log } : {}),
    });
    options.onFinished?.(s, result.runId, outcome);
    return result;
  };

  const submit = (s: Schedule, firedAt: Date): Promise<FiringResult> => {
    active.set(s.name, (active.get(s.name) ?? 0) + 1);
    return track(
      enqueue(`schedule ${s.name}`, (signal) => run(s, firedAt, signal)).finally(() =>
        active.set(s.name, (active.get(s.name) ?? 1) - 1),
      ),
    );
  };

  const fire = (s: Schedule, firedAt: Date) => {
    if (stopping) return;
    if ((active.get(s.name) ?? 0) > 0 && s.overlap === 'skip') {
      log?.warn(`schedule ${s.name} skipped: its previous run is still going`);
      void track(
        enqueue(`schedule ${s.name} (skipped)`, () =>
          startRun(wh, 'schedule', s.name, {
            status: 'skipped',
            error: 'overlap: the previous run of this schedule was still going (overlap: skip)',
            details: { firedAt: firedAt.toISOString(), cron: s.cron },
          }),
        ),
      ).catch((error) => log?.warn(`schedule ${s.name}: ${(error as Error).message}`));
      return;
    }
    submit(s, firedAt).catch((error) => log?.error(`schedule ${s.name}: ${(error as Error).message}`));
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
      if (stopping) return Promise.reject(new ScheduleError('the scheduler is stopping', {}));
      return submit(s, new Date());
    },
    stop(opts = {}) {
      stopped ??= (async () => {
        stopping = true;
        for (const t of tasks) {
          await t.stop();
          await t.destroy();
        }
        if (opts.abort) controller.abort(new Error('scheduler stopped'));
        if (own) await own.idle();
        await Promise.allSettled([...pending]);
        if (owned) wh.close();
        log?.info('scheduler stopped');
      })();
      return stopped;
    },
  };
}
