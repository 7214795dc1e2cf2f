import { GongshuError, isGongshuError } from '../schemas/index.ts';

/** Exit codes of the `gongshu` command. */
export const EXIT = {
  ok: 0,
  /** The command ran but found failures: invalid values, failed pipelines. */
  failures: 1,
  /** Bad usage or a bad definition (config, catalog, pipeline). */
  usage: 2,
  /** The warehouse is locked by another writer or cannot be opened, or a disk is full. */
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
  if (isGongshuError(error)) return exitCodeOfCode(error.code);
  return EXIT.internal;
}

/**
 * The exit code for a gongshu error code, the same in every command (`run` maps its failed pipelines' codes
 * with it): a definition → 2, the warehouse locked, unopenable or its disk full → 3, a source → 4, else 1.
 */
export function exitCodeOfCode(code: string): number {
  if (code === 'definition' || code === 'unknown-pipeline' || code === 'unknown-dataset') return EXIT.usage;
  if (code === 'warehouse' || code.startsWith('warehouse-') || code === 'disk-full') return EXIT.warehouse;
  if (code === 'source') return EXIT.source;
  return EXIT.failures;
}
