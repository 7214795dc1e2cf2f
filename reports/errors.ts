import { GongshuError } from '../schemas/index.ts';

/** The dashboard could not be built: no report, an unreadable report, an output folder that is not ours. */
export class ReportError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('report', message, { details, cause });
  }
}
