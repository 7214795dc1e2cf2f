import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longest Unix socket path we use (the kernel's limit is 107 bytes on Linux, 103 on macOS). */
const MAX_SOCKET_PATH = 100;

/**
 * The control socket of a project's node service: `<project>/.gongshu/control.sock`; when that path is too long
 * for a Unix socket, `<tmpdir>/gongshu-<hash of the project folder>.sock` (the CLI computes the same).
 */
export function controlSocketPath(projectDir: string): string {
  const inProject = join(projectDir, '.gongshu', 'control.sock');
  if (Buffer.byteLength(inProject) <= MAX_SOCKET_PATH) return inProject;
  const hash = createHash('sha256').update(projectDir).digest('hex').slice(0, 16);
  return join(tmpdir(), `gongshu-${hash}.sock`);
}
