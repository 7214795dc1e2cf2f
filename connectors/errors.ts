import { GongshuError } from '../schemas/index.ts';

/** A source could not be read (missing file, unreadable encoding, malformed structure). */
export class SourceError extends GongshuError {
  constructor(
    message: string,
    details: Record<string, unknown> = {},
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super('source', message, { details, ...options });
  }
}
