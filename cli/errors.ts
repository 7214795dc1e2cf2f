import { CommanderError } from 'commander';
import { GongshuError, isGongshuError, maskIdentifiersIn } from '../schemas/index.ts';
import { EXIT } from './exit-codes.ts';
import type { ErrorReport } from './json-shapes.ts';

export { EXIT, EXIT_MEANINGS } from './exit-codes.ts';

/** An error the CLI reports with a given exit code (2, bad usage, unless said otherwise). */
export class CliError extends GongshuError {
  readonly exitCode: number;
  constructor(
    message: string,
    exitCode: number = EXIT.usage,
    options: { code?: string; fix?: string; problems?: readonly string[] } = {},
  ) {
    super(options.code ?? (exitCode === EXIT.usage ? 'usage' : 'cli'), message, {
      details: {
        ...(options.fix === undefined ? {} : { fix: options.fix }),
        ...(options.problems === undefined ? {} : { problems: [...options.problems] }),
      },
    });
    this.exitCode = exitCode;
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (isGongshuError(error)) {
    // An error may name its exit code (governance: bad input 2, a refused action 1).
    const named = (error.details as { exitCode?: unknown } | undefined)?.exitCode;
    if (named === EXIT.usage || named === EXIT.failures) return named;
    return exitCodeOfCode(error.code);
  }
  return EXIT.internal;
}

/**
 * The exit code for a gongshu error code, the same in every command (`run` maps its failed pipelines' codes
 * with it): a definition or bad usage → 2, the warehouse locked, unopenable or its disk full → 3, a source → 4,
 * else 1.
 */
export function exitCodeOfCode(code: string): number {
  if (
    code === 'definition' ||
    code === 'unknown-pipeline' ||
    code === 'unknown-dataset' ||
    code === 'usage' ||
    code === 'no-report'
  )
    return EXIT.usage;
  // A command the node service dropped from its queue because it is stopping: like a locked warehouse, retry later.
  if (
    code === 'warehouse' ||
    code.startsWith('warehouse-') ||
    code === 'disk-full' ||
    code === 'service-stopping'
  )
    return EXIT.warehouse;
  if (code === 'source') return EXIT.source;
  return EXIT.failures;
}

const INTERNAL_FIX = 'this is a bug in gongshu: rerun with --debug and report the output';

/** The remedy of a message: the text after its last `Fix: ` on the first line that has one. */
function fixInMessage(message: string): string | null {
  for (const line of message.split('\n')) {
    const i = line.lastIndexOf('Fix: ');
    if (i >= 0) return line.slice(i + 5).trim() || null;
  }
  return null;
}

/** The stack of an error for `--debug` and internal errors, identity numbers masked like every message. */
export function errorStack(error: unknown): string {
  return maskIdentifiersIn(String((error as Error)?.stack ?? ''));
}

/**
 * The report of an error: its code, message, fix and exit code. `rewrite` turns `gongshu <command>` in the
 * texts into the way the user ran it (see `rewriteHints`).
 */
export function errorReport(error: unknown, rewrite: (text: string) => string = (t) => t): ErrorReport {
  const exitCode = exitCodeOf(error);
  if (error instanceof CommanderError) {
    return {
      code: 'usage',
      message: error.message.replace(/^error: /, ''),
      fix: rewrite('see gongshu --help'),
      exitCode,
    };
  }
  if (!isGongshuError(error)) {
    // Not a gongshu error, so not masked when made: a DuckDB or Node message may echo a value of a row.
    const message = `internal error: ${maskIdentifiersIn(error instanceof Error ? error.message : String(error))}`;
    return { code: 'internal', message, fix: INTERNAL_FIX, exitCode };
  }
  const details = error.details as { fix?: unknown; problems?: unknown };
  const problems =
    Array.isArray(details.problems) && details.problems.length > 1
      ? details.problems.map((p) => rewrite(String(p)))
      : undefined;
  // Several problems: the fix of each, in order; one: the error's own fix, else the one in its message.
  const fix = problems
    ? problems
        .map(fixInMessage)
        .filter((f) => f !== null)
        .join('; ') || null
    : typeof details.fix === 'string'
      ? details.fix
      : fixInMessage(error.message);
  return {
    code: error.code,
    message: rewrite(error.message),
    fix: fix === null ? null : rewrite(fix),
    exitCode,
    ...(problems ? { problems } : {}),
  };
}
