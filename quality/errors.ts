import { GongshuError } from '../schemas/index.ts';

/** A quality run could not proceed (unknown dataset, no warehouse table, uncovered calendar year). */
export class QualityError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('quality', message, { details, cause });
  }
}

/** A rule could not be compiled or computed; reported on the rule (status `error`), never thrown out of a run. */
export class RuleError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('quality-rule', message, { details, cause });
  }
}
