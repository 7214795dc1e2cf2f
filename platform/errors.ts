import { GongshuError } from '../schemas/index.ts';

/**
 * A request a node refused: the HTTP status, a stable code and a message saying what, why and how to fix it.
 * Final (not retryable): sending the same request again gets the same answer.
 */
export class PlatformRejection extends GongshuError {
  readonly status: number;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(`platform-${code}`, message, { details: { ...details, status } });
    this.status = status;
  }

  /** The JSON body the node answers with. */
  toJSON(): { error: { code: string; message: string; status: number } } {
    return {
      error: { code: this.code.replace(/^platform-/, ''), message: this.message, status: this.status },
    };
  }
}

/**
 * A transfer to or from another node failed: the connection broke, timed out, or the node answered 5xx/429
 * (retryable), or it answered another 4xx (final; the message carries the node's error).
 */
export class TransportError extends GongshuError {
  readonly status: number | undefined;
  constructor(
    message: string,
    options: { status?: number; retryable: boolean; code?: string; cause?: unknown; url?: string },
  ) {
    super('transport', message, {
      details: { status: options.status, remoteCode: options.code, url: options.url },
      retryable: options.retryable,
      cause: options.cause,
    });
    this.status = options.status;
  }
}

/** The platform configuration or the node's keys are missing or wrong. */
export class PlatformConfigError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('definition', message, { details });
  }
}
