import type { Logger } from 'pino';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Schedule } from './define.ts';

/** A logger: info, warn and error lines, debug if it has it. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;

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
