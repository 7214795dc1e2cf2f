import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { type LockHolder, WarehouseLockedError } from './errors.ts';

/** A held single-writer lock; `release()` removes the lock file. */
export interface WarehouseLock {
  readonly file: string;
  release(): void;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell: assume alive
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the single-writer lock of a warehouse file: `<path>.lock` holding the holder's pid, host and command.
 * A lock left by a dead process on this host is taken over; a live holder gives `WarehouseLockedError`.
 */
export function acquireLock(path: string): WarehouseLock {
  const file = `${path}.lock`;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 200),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        file,
        release: () => {
          const holder = readHolder(file);
          if (holder?.pid === me.pid && holder.host === me.host) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder)) {
        throw new WarehouseLockedError(path, holder);
      }
      rmSync(file, { force: true }); // stale: the holder died or the file is unreadable
    }
  }
  throw new WarehouseLockedError(path, readHolder(file));
}
