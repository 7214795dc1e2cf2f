import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh temporary directory: called inside a test, removed when that test finishes; called while a file's tests
 * are collected (a `describe` body), removed after them. (`afterEach` registered inside a running test never
 * ran: a suite left about 200 directories, 2 GB, in the system's temporary directory.)
 */
export function tempDir(prefix = 'gongshu-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return dir;
}
