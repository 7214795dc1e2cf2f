/**
 * The control socket's protocol: newline-delimited JSON. The CLI sends one request; the service answers with
 * `queued` (when the request must wait), then `out`/`err` lines as the command prints them, then `exit`.
 */

/** How a forwarded command uses the warehouse: `read` runs at once on a read-only snapshot; `write` waits its
 * turn in the node's queue; `direct` runs at once and queues its own work (firing a schedule). */
export type RequestMode = 'read' | 'write' | 'direct';

/** A CLI command sent to the node service. */
export interface ControlRequest {
  readonly type: 'request';
  /** The command line after `gongshu`, as typed. */
  readonly argv: readonly string[];
  /** The working directory of the CLI (relative paths in argv are relative to it). */
  readonly cwd: string;
  /** The project folder the CLI resolved. */
  readonly project: string;
  readonly mode: RequestMode;
}

/** A message from the service to the CLI. */
export type ControlMessage =
  | { readonly type: 'queued'; readonly ahead: number; readonly running: string | null }
  | { readonly type: 'started' }
  | { readonly type: 'out'; readonly line: string }
  | { readonly type: 'err'; readonly line: string }
  | { readonly type: 'exit'; readonly code: number };

/** Splits a stream of chunks into lines of JSON and calls `onMessage` with each value. */
export function jsonLines(onMessage: (value: unknown) => void): (chunk: Buffer | string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onMessage(JSON.parse(line));
      nl = buffer.indexOf('\n');
    }
  };
}
