/** Driver and server errors of the SQL-database connectors as SourceErrors naming the source, the last row and a fix. */
import { SourceError } from '../errors.ts';
import type { SqlTarget } from './target.ts';

/** A driver or server error as the connectors read it. */
export interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
  readonly fatal?: unknown;
}

/** Makes the SourceError `target.where: what. Fix: fix`. */
export type MakeSourceError = (what: string, fix: string, retryable: boolean) => SourceError;

/** What an engine knows about its own errors. */
export interface SqlErrorDialect {
  /** The SourceError of a code the engine recognises (login refused, no such table, …), else undefined. */
  readonly known: (
    code: string | undefined,
    facts: { readonly reason: string; readonly at: string; readonly target: SqlTarget },
    make: MakeSourceError,
  ) => SourceError | undefined;
  /** Whether the error means the connection was lost (the server went away, was killed, restarted). */
  readonly lost: (error: DriverError, code: string | undefined, reason: string) => boolean;
  /** Whether an error that is not a lost connection may still pass on a retry (e.g. a timeout). */
  readonly transient?: (reason: string) => boolean;
  /** The fix of an error nothing else explains: where to run the query to see the cause. */
  readonly unexplainedFix: string;
}

/**
 * Turns a driver or server error into a SourceError naming the source, the last row read and a fix.
 * `streaming` = the SELECT was sent (the cursor was open), so a lost connection means the server went away
 * mid-stream.
 */
export function sqlSourceError(
  dialect: SqlErrorDialect,
  error: unknown,
  target: SqlTarget,
  last: string | undefined,
  streaming: boolean,
  cause: unknown = error,
): SourceError {
  const e = (error ?? {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reason = target.redact(typeof e.message === 'string' ? e.message : String(error));
  const at = last === undefined ? '' : ` after ${last}`;
  const details = {
    source: target.address,
    relation: target.relation,
    ...(last === undefined ? {} : { location: last }),
    ...(code === undefined ? {} : { code }),
  };
  const make: MakeSourceError = (what, fix, retryable) =>
    new SourceError(`${target.where}: ${what}. Fix: ${fix}`, details, { retryable, cause });

  const known = dialect.known(code, { reason, at, target }, make);
  if (known) return known;
  const lost = dialect.lost(e, code, reason);
  if (lost && streaming) {
    return make(
      `connection lost mid-stream${at || ' before the first row'} (${reason})`,
      'check the server, then re-run the load: nothing was committed, and an incremental load resumes after its stored cursor',
      true,
    );
  }
  if (lost || dialect.transient?.(reason)) {
    return make(
      `cannot read${at} (${reason})`,
      'check that the server is up and accepting connections, then re-run',
      true,
    );
  }
  return make(`cannot read${at} (${reason})`, dialect.unexplainedFix, false);
}
