import { GongshuError } from '../schemas/index.ts';

export { DefinitionError } from '../schemas/index.ts';

/** A build (foundation or model) could not run: a source is not loaded, a query failed, the swap failed. */
export class BuildError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('build', message, { details, cause });
  }
}

/** A schedule or backfill could not run (unknown pipeline or build target, bad range, replace-mode backfill). */
export class ScheduleError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('schedule', message, { details, cause });
  }
}
