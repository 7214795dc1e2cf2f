import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
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

/**
 * Whether the lock's holder may still be running: on another host we cannot tell (assumed running); on this
 * host its pid must be alive and still be the process that took the lock — a pid reused by another program
 * (one started after the lock was taken, or whose command line is not the recorded command) is not the holder.
 */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStart(holder.pid);
  const since = Date.parse(holder.since);
  // The holder took the lock after it started; /proc's boot time is whole seconds.
  if (started !== undefined && Number.isFinite(since) && started > since + 2000) return false;
  const command = processCommand(holder.pid);
  if (command !== undefined && holder.command !== '' && !command.includes(holder.command)) return false;
  return true;
}

/** When a process on this host started (ms since the epoch), from /proc; undefined where there is none. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, starttime field 22 (clock ticks since boot, USER_HZ = 100).
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? (boot + ticks / 100) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A process's arguments joined by spaces, from /proc; undefined where there is none. */
function processCommand(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** Who holds the lock of a warehouse file, or undefined when it is not locked (or the lock is unreadable). */
export function lockHolder(path: string): LockHolder | undefined {
  return readHolder(`${path}.lock`);
}

/**
 * Removes the lock of a warehouse whose holder is gone (`gongshu unlock`). A holder still running on this host
 * keeps it (`WarehouseLockedError`); one on another host is removed only with `force` (nobody here can tell
 * whether it runs). Returns the holder removed, or undefined when there was no lock.
 */
export function breakLock(path: string, options: { force?: boolean } = {}): LockHolder | undefined {
  const file = `${path}.lock`;
  if (!existsSync(file)) return undefined;
  const holder = readHolder(file);
  if (holder && isAlive(holder) && (holder.host === hostname() || !options.force)) {
    throw new WarehouseLockedError(path, holder);
  }
  rmSync(file, { force: true });
  return holder ?? { pid: 0, host: '?', command: '(unreadable lock file)', since: '?' };
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
