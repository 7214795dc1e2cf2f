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
 * (retryable), or it answered another 4xx (final; the message carries the node's error). `verified` says whether
 * the answer carried a valid signature of the node asked: only a verified answer may change what the caller
 * records (an unverifiable one is retryable and moves nothing forward).
 */
export class TransportError extends GongshuError {
  readonly status: number | undefined;
  /** The node's error code (`remoteCode`), e.g. `outside-jurisdiction`, or `unverified-answer`. */
  readonly remoteCode: string | undefined;
  readonly verified: boolean;
  constructor(
    message: string,
    options: {
      status?: number;
      retryable: boolean;
      code?: string;
      cause?: unknown;
      url?: string;
      verified?: boolean;
    },
  ) {
    super('transport', message, {
      details: { status: options.status, remoteCode: options.code, url: options.url },
      retryable: options.retryable,
      cause: options.cause,
    });
    this.status = options.status;
    this.remoteCode = options.code;
    this.verified = options.verified ?? false;
  }
}

/** The platform configuration or the node's keys are missing or wrong. */
export class PlatformConfigError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('definition', message, { details });
  }
}

/**
 * Text from a database error or another node, made safe for messages, logs and the audit: quoted literals become
 * '…' (DuckDB quotes the values it could not handle) and anything shaped like an identity number or a USCC
 * keeps only its first 6 characters. Messages never carry a clear citizen ID or name.
 */
export function redactText(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\b(\d{6})\d{8}\d{3}[\dXx]\b|\b(\d{6})\d{9}\b/g, (_m, a?: string, b?: string) => `${a ?? b}…`)
    .replace(/\b([0-9A-HJ-NPQRTUWXY]{2}\d{6})[0-9A-HJ-NPQRTUWXY]{10}\b/g, '$1…');
}
