import { GongshuError } from '../schemas/index.ts';

/** How a governance error is answered: over HTTP (status) and by the CLI (exit code). */
export type GovernanceErrorKind = 'invalid' | 'not-found' | 'state' | 'forbidden';

const STATUS: Readonly<Record<GovernanceErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  state: 409,
  forbidden: 403,
};

/**
 * A governance rule refused an action (a request, a decision, an export, a catalog transition): nothing was
 * changed. `code` is stable (`governance-no-basis`, `governance-wrong-state`, …); the message says what, where,
 * what is allowed and how to fix it. Bad input exits 2, a refused action in the wrong state or without a grant 1.
 */
export class GovernanceError extends GongshuError {
  readonly kind: GovernanceErrorKind;
  readonly status: number;
  constructor(
    kind: GovernanceErrorKind,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(`governance-${code}`, message, {
      details: { ...details, status: STATUS[kind], exitCode: kind === 'invalid' ? 2 : 1 },
      cause,
    });
    this.kind = kind;
    this.status = STATUS[kind];
  }

  /** The JSON body of an HTTP answer: `{ error: { code, message, status } }`. */
  toJSON(): { error: { code: string; message: string; status: number } } {
    return {
      error: { code: this.code.replace(/^governance-/, ''), message: this.message, status: this.status },
    };
  }
}

/** The governance configuration (`sharing`, `audit` blocks of the project) is wrong. */
export class GovernanceConfigError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('definition', message, { details });
  }
}
