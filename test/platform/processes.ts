import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { REPO_ROOT } from '../helpers/cli.ts';

/** A free loopback port (bound and released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A running `gongshu` process with its output collected. */
export interface Proc {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `gongshu ARGS` in the background: the installed entry bin/gongshu.js (the compiled dist/, rebuilt before
 * the run by test/setup/build.ts), which starts in about a third of the CPU time of the sources through tsx.
 */
export function start(args: string[]): Proc {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/gongshu.js`, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', GONGSHU_LOG_JSON: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => {
    proc.stdout += d;
  });
  child.stderr!.on('data', (d) => {
    proc.stderr += d;
  });
  return proc;
}

/** Waits (bounded) until `check` is true, polling every 50 ms. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Starts `gongshu serve` for a project and waits until it listens. */
export async function serve(project: string, port: number): Promise<Proc> {
  const p = start(['serve', '--project', project, '--port', String(port), '--json', '--no-schedules']);
  await until(
    `serve ${project}`,
    () => p.stdout.includes('"listening"') || p.child.exitCode !== null,
    60_000,
  );
  if (!p.stdout.includes('"listening"')) throw new Error(`serve ${project} exited: ${p.stderr}`);
  return p;
}

/** Stops a process gracefully (SIGTERM), then waits (bounded) for it. */
export async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timer);
}

/**
 * A TCP proxy between a child and its parent that can break connections: `drop-response` forwards the request
 * and destroys the connection when the answer starts (the parent committed, the child never hears), `refuse`
 * closes new connections at once. `every` picks which connections (1 = all).
 */
export class FaultProxy {
  mode: 'pass' | 'drop-response' | 'refuse' = 'pass';
  /** Break every n-th request (counted over all connections: keep-alive reuses them). */
  every = 3;
  dropped = 0;
  private requests = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  constructor(private readonly target: () => number) {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      const upstream = connect(this.target(), '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      let dropNextResponse = false;
      client.on('data', (d) => {
        if (/^(POST|GET) /.test(d.subarray(0, 5).toString('latin1'))) {
          const faulty = this.mode !== 'pass' && ++this.requests % this.every === 0;
          if (faulty && this.mode === 'refuse') {
            this.dropped++;
            client.destroy();
            upstream.destroy();
            return;
          }
          dropNextResponse = faulty && this.mode === 'drop-response';
        }
        upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (dropNextResponse) {
          this.dropped++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(d);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as { port: number }).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
