import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunning } from '../schemas/index.ts';

/** The (temporary directory, pattern) pairs swept in this process (TMPDIR may change between reads). */
const swept = new Set<string>();

/**
 * Deletes the files in the OS temporary directory whose name matches `name` (its first group: the pid of the
 * process that wrote it) when that process is gone: files a read killed before it could clean up left behind
 * (a GB18030 CSV's UTF-8 copy, a sheet exceljs parked). Once per process, directory and pattern.
 */
export async function sweepStaleTemp(name: RegExp): Promise<void> {
  const dir = tmpdir();
  const key = `${dir}\u0000${name.source}`;
  if (swept.has(key)) return;
  swept.add(key);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const file of names) {
    const pid = Number(name.exec(file)?.[1]);
    if (!pid || pid === process.pid || processRunning(pid)) continue;
    await rm(join(dir, file), { force: true }).catch(() => undefined);
  }
}
