/**
 * The base error of gongshu. Every error carries a stable string `code`, structured `details`,
 * whether retrying can help, and the underlying `cause`. Messages say what went wrong, where,
 * what is allowed and how to fix it.
 */
export class GongshuError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    this.retryable = options.retryable ?? false;
  }
}

/** A definition (config, catalog, pipeline) is wrong; fixing the code or config is the remedy. */
export class DefinitionError extends GongshuError {
  constructor(
    message: string,
    details: {
      file?: string | undefined;
      field?: string | undefined;
      allowed?: string | undefined;
      fix?: string | undefined;
      [k: string]: unknown;
    } = {},
  ) {
    super('definition', message, { details });
  }
}

/**
 * Whether a value is a gongshu error. Duck-typed rather than `instanceof`, because a project file loaded
 * through another module loader (CommonJS, a second copy of gongshu) has its own copy of the classes.
 */
export function isGongshuError(error: unknown): error is GongshuError {
  return (
    error instanceof GongshuError ||
    (error instanceof Error &&
      typeof (error as Partial<GongshuError>).code === 'string' &&
      typeof (error as Partial<GongshuError>).details === 'object')
  );
}
