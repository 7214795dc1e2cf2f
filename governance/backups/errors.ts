import { GongshuError } from '../../schemas/index.ts';

export { DefinitionError } from '../../schemas/index.ts';

/** A backup could not be made, listed, verified or restored (exit 1). */
export class BackupError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('backup', message, { details, cause });
  }
}

/** A master key is missing, unreadable, malformed or not the one a backup was made with (exit 1). */
export class BackupKeyError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('backup-key', message, { details, cause });
  }
}

/**
 * A backup's bytes do not check out: a chunk or the manifest does not authenticate, the archive is truncated,
 * a file's hash or the row counts differ from the manifest (exit 1).
 */
export class BackupIntegrityError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('backup-integrity', message, { details, cause });
  }
}

/**
 * A destination cannot be written or read: a full disk, a missing mount, the parent node unreachable or
 * refusing (exit 4; retryable when the cause is).
 */
export class BackupDestinationError extends GongshuError {
  constructor(
    message: string,
    details: Record<string, unknown> = {},
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super('backup-destination', message, {
      details,
      cause: options.cause,
      retryable: options.retryable ?? false,
    });
  }
}
