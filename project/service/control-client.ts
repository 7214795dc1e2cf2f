/**
 * The CLI side of the control socket: when a node service runs for the project, a command is sent to it and
 * its output relayed, instead of the command opening the warehouse the service holds.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { type ControlMessage, type ControlRequest, jsonLines } from './control-protocol.ts';
import { controlSocketPath } from './socket-path.ts';

/** Where the relayed output goes. */
export interface RelayIO {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Sends `request` to the node service of its project and relays the answer; resolves to the command's exit
 * code, or `undefined` when no service listens (no socket, or a socket left by a service that died).
 */
export async function sendToService(
  request: Omit<ControlRequest, 'type'>,
  io: RelayIO,
): Promise<number | undefined> {
  const path = controlSocketPath(request.project);
  if (!existsSync(path)) return undefined;
  return new Promise<number | undefined>((resolve) => {
    const socket = connect(path);
    let connected = false;
    let code: number | undefined;
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ type: 'request', ...request })}\n`);
    });
    socket.on(
      'data',
      jsonLines((value) => {
        const m = value as ControlMessage;
        if (m.type === 'out') io.out(m.line);
        else if (m.type === 'err') io.err(m.line);
        else if (m.type === 'queued') {
          io.err(
            `gongshu: queued by the node service (${m.ahead} job(s) ahead${m.running ? `; running: ${m.running}` : ''})`,
          );
        } else if (m.type === 'exit') code = m.code;
      }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) resolve(undefined);
      else io.err(`gongshu: the node service's control socket failed: ${error.message}`);
    });
    socket.on('close', () => {
      if (!connected) return resolve(undefined);
      if (code === undefined) {
        io.err(
          'gongshu: the node service closed the control socket before the command finished (it stopped?)',
        );
        resolve(3);
      } else resolve(code);
    });
  });
}
