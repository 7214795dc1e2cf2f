/**
 * The control socket of the node service: a Unix socket (mode 600, in the project's `.gongshu/`) where the
 * `gongshu` CLI sends the commands it would otherwise refuse while the service holds the warehouse. Each
 * connection carries one request; the answer streams back as JSON lines (control-protocol.ts).
 */
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ProjectError } from '../errors.ts';
import { type ControlMessage, type ControlRequest, jsonLines } from './control-protocol.ts';

/** Where a request's output goes, and whether its client is still there. */
export interface RequestChannel {
  send(message: ControlMessage): void;
  /** Aborted when the client disconnects. */
  readonly gone: AbortSignal;
}

/** A running control socket. */
export interface ControlServer {
  readonly path: string;
  /** Stops accepting connections (requests already received go on) and removes the socket file. */
  close(): Promise<void>;
}

/** Whether a live server answers at `path`. */
async function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts the control socket at `path`; `handle` runs each request and returns its exit code. */
export async function startControlServer(
  path: string,
  handle: (request: ControlRequest, channel: RequestChannel) => Promise<number>,
  log?: { warn(msg: string): void },
): Promise<ControlServer> {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    if (await answers(path)) {
      throw new ProjectError(
        'service',
        `${path}: another node service answers on this control socket. Fix: stop it first (kill -TERM its pid), or serve another project`,
        { path },
      );
    }
    rmSync(path, { force: true }); // left by a service that died
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const gone = new AbortController();
    let answered = false;
    socket.on('close', () => {
      sockets.delete(socket);
      if (!answered) gone.abort(new Error('the client disconnected'));
    });
    socket.on('error', () => undefined);
    const send = (m: ControlMessage) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(m)}\n`);
    };
    let started = false;
    socket.on(
      'data',
      jsonLines((value) => {
        if (started) return;
        started = true;
        const request = value as ControlRequest;
        if (request?.type !== 'request' || !Array.isArray(request.argv)) {
          send({ type: 'err', line: 'gongshu serve: expected a request on the control socket' });
          send({ type: 'exit', code: 2 });
          socket.end();
          return;
        }
        handle(request, { send, gone: gone.signal })
          .catch((error) => {
            send({ type: 'err', line: `gongshu serve: ${(error as Error).message}` });
            return 70;
          })
          .then((code) => {
            answered = true;
            send({ type: 'exit', code });
            socket.end();
          });
      }),
    );
  });
  const mask = process.umask(0o177); // the socket file is created 600
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(mask);
  }
  chmodSync(path, 0o600);
  server.on('error', (error) => log?.warn(`control socket: ${error.message}`));
  let closed: Promise<void> | undefined;
  return {
    path,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
        // Idle connections (a client that never sent its request) do not hold the service.
        for (const s of sockets) if (s.bytesRead === 0) s.destroy();
      });
      return closed;
    },
  };
}
