import { GongshuError } from '../schemas/index.ts';

/** A warehouse operation failed (open, migrate, query). */
export class WarehouseError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('warehouse', message, { details, cause });
  }
}

/** Another process holds the single-writer lock of the warehouse file. */
export class WarehouseLockedError extends GongshuError {
  constructor(path: string, holder: LockHolder | undefined, cause?: unknown) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`
      : 'another process (DuckDB refused the file lock)';
    super(
      'warehouse-locked',
      `${path}: the warehouse is open for writing by ${who}. Only one writer at a time. ` +
        'Fix: wait for that process to finish, or stop it. When it is `gongshu serve`, commands on its project go through its control socket ' +
        '(.gongshu/control.sock): run them with --project pointing at the project (or inside its folder), without --warehouse.',
      { details: { path, holder }, cause },
    );
  }
}

/** Who holds a warehouse lock, as written into the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}
