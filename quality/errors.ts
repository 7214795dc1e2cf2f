import { GongshuError } from '../schemas/index.ts';

/** A quality run could not proceed (no warehouse table, uncovered calendar year). */
export class QualityError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('quality', message, { details, cause });
  }
}

/** A quality run named a dataset the warehouse does not hold: an unknown name, as in every command (exit 2). */
export class UnknownDatasetError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('unknown-dataset', message, { details });
  }
}

/** A rule could not be compiled or computed; reported on the rule (status `error`), never thrown out of a run. */
export class RuleError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('quality-rule', message, { details, cause });
  }
}
