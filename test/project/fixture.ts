/** Projects outside the repository, run through the installed entry (bin/gongshu.js) from their own folder. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The installed command's entry: what `npx gongshu` runs in a project that installed gongshu. */
export const BIN = join(REPO_ROOT, 'bin', 'gongshu.js');

/** Installs this checkout into `dir/node_modules/gongshu` the way `npm install file:<checkout>` does (a symlink). */
export function installGongshu(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT.replace(/\/$/, ''), join(dir, 'node_modules', 'gongshu'), 'dir');
}

/** A temporary project folder with gongshu installed, a package.json and the given files. */
export function projectFolder(files: Record<string, string | Buffer>): string {
  const dir = tempDir('gongshu-project-');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'test-node', private: true, type: 'module' }),
  );
  installGongshu(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The environment of the spawned command; npm's variables cleared, so hints read `gongshu …` also under `npx vitest`. */
const ENV: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', GONGSHU_LOG_JSON: '1' };
for (const k of ['npm_command', 'npm_lifecycle_event', 'npm_package_name']) delete ENV[k];

/** Runs `gongshu ARGS` in `cwd` and waits for it. */
export function gongshuIn(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...ENV, ...env },
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

/** A running `gongshu` process with its output collected. */
export interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

/** Starts `gongshu ARGS` in `cwd` in the background. */
export function startIn(cwd: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  const p: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => {
    p.stdout += d;
  });
  child.stderr!.on('data', (d) => {
    p.stderr += d;
  });
  return p;
}

/**
 * Processes startIn started that are still running. A test that fails before it stops its `gongshu serve` would
 * leave it running after the suite (holding a port, a lock and a core): they are killed when the file ends.
 */
const started = new Set<ChildProcess>();
const killStarted = () => {
  for (const child of started) child.kill('SIGKILL');
};
afterAll(killStarted);
process.once('exit', killStarted);

/** The JSON log lines (pino) a process wrote to stderr. */
export function logLines(p: Running): { msg: string }[] {
  return p.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string });
}
