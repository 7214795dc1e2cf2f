/**
 * Whether a process of this host is running: `kill(pid, 0)` succeeds, or is refused (EPERM: it exists but belongs
 * to another user). Used to find temporary files whose writer is gone.
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
