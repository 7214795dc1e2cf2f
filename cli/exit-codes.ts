// The exit codes, apart from errors.ts so `gongshu --version` reads them without loading the schemas.

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

/** What each exit code means, as help and the README say it. */
export const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  [EXIT.ok]: 'ok',
  [EXIT.failures]: 'the command ran and found failures',
  [EXIT.usage]: 'bad usage or a bad definition (nothing was done)',
  [EXIT.warehouse]: 'the warehouse is locked by another writer or cannot be opened, or a disk is full',
  [EXIT.source]: 'a source cannot be read',
  [EXIT.internal]: 'an internal error (a bug: rerun with --debug and report it)',
};
