import { hostname } from 'node:os';
import { GongshuError } from '../schemas/index.ts';

/** A warehouse operation failed (open, migrate, query). */
export class WarehouseError extends GongshuError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('warehouse', message, { details, cause });
  }
}

/** A SQL statement failed (a bad query, a constraint, a conversion): not a problem of the warehouse file. */
export class WarehouseQueryError extends WarehouseError {
  override readonly code = 'query';
}

/** A write failed because the disk is full; nothing of the operation was committed. */
export class WarehouseDiskFullError extends WarehouseError {
  override readonly code = 'warehouse-disk-full';
}

/** Another process holds the single-writer lock of the warehouse file. */
export class WarehouseLockedError extends GongshuError {
  constructor(path: string, holder: LockHolder | undefined, cause?: unknown) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`
      : 'another process (DuckDB refused the file lock)';
    const elsewhere = holder !== undefined && holder.host !== hostname();
    const unlock = holder
      ? ` If that process is gone (killed, or its machine down), free the lock with \`gongshu unlock --warehouse ${path}${elsewhere ? ' --force' : ''}\`` +
        `${elsewhere ? ' (another host: gongshu cannot see whether it still runs, so make sure first)' : ''}; the lock file is ${path}.lock.`
      : '';
    super(
      'warehouse-locked',
      `${path}: the warehouse is open for writing by ${who}. Only one writer at a time. ` +
        'Fix: wait for that process to finish, or stop it. When it is `gongshu serve`, commands on its project go through its control socket ' +
        `(.gongshu/control.sock): run them with --project pointing at the project (or inside its folder), without --warehouse.${unlock}`,
      { details: { path, holder, lockFile: `${path}.lock` }, cause },
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
