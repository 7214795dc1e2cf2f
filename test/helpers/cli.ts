import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real `gongshu` CLI (through tsx) and returns its exit code and output. */
export function gongshu(args: string[], options: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}cli/main.ts`, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GONGSHU_LOG_JSON: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

/** The repository root (absolute, with a trailing slash). */
export const REPO_ROOT = ROOT;
