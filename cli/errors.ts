import { GongshuError, isGongshuError } from '../schemas/index.ts';

/** Exit codes of the `gongshu` command. */
export const EXIT = {
  ok: 0,
  /** The command ran but found failures: invalid values, failed pipelines. */
  failures: 1,
  /** Bad usage or a bad definition (config, catalog, pipeline). */
  usage: 2,
  /** The warehouse is locked by another writer or cannot be opened. */
  warehouse: 3,
  /** A source could not be read. */
  source: 4,
  /** An unexpected internal error (a bug: please report it with --debug output). */
  internal: 70,
} as const;

/** An error the CLI reports with a given exit code. */
export class CliError extends GongshuError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super('cli', message);
    this.exitCode = exitCode;
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (isGongshuError(error)) {
    // An error may name its exit code (governance: bad input 2, a refused action 1).
    const named = (error.details as { exitCode?: unknown }).exitCode;
    if (named === EXIT.usage || named === EXIT.failures) return named;
    if (error.code === 'definition' || error.code === 'unknown-pipeline') return EXIT.usage;
    if (error.code.startsWith('warehouse')) return EXIT.warehouse;
    if (error.code === 'source') return EXIT.source;
    return EXIT.failures;
  }
  return EXIT.internal;
}
