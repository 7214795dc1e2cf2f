/** What a task (a run of the node: pipelines, build, quality, report, push, backfill) is given. */
import type { Logger } from 'pino';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Alerter } from '../alerts/alerter.ts';
import type { LoadedProject } from '../load.ts';

/** The context of a task; the CLI and the node service's schedules make one. */
export interface TaskContext {
  readonly wh: Warehouse;
  readonly loaded: LoadedProject;
  readonly logger?: Logger | undefined;
  /** Aborted when the node stops without waiting: the running load or build rolls back. */
  readonly signal?: AbortSignal | undefined;
  /** Where the task's events go (run failed, gate blocked, …); none when absent. */
  readonly alerts?: Alerter | undefined;
  /** The run (a schedule's) that started this task, recorded in its details. */
  readonly parentRunId?: string | undefined;
}

/** Options a task passes to the pino-free layers below (the logger, when there is one). */
export const loggerOf = (ctx: TaskContext) => (ctx.logger ? { logger: ctx.logger } : {});
