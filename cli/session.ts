/**
 * A command run inside the node service (sent over its control socket) runs in a session: its output goes back
 * to the CLI that sent it, and its warehouse is the one the service holds. Commands need not know: they print
 * through `processOutput()` and open the warehouse with `openCommandWarehouse()`, which both look here first.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CommandAccess, ControlRequest } from '../project/index.ts';
import type { Warehouse, WarehouseOptions } from '../warehouse/index.ts';
import { type Output, routeSessionOutput } from './output.ts';

/** A command running inside the node service. */
export interface CommandSession {
  readonly out: Output;
  readonly request: ControlRequest;
  readonly access: CommandAccess;
  exitCode: number | undefined;
}

const sessions = new AsyncLocalStorage<CommandSession>();
routeSessionOutput(() => sessions.getStore()?.out);

/** The session of the running command, when it runs inside the node service. */
export function currentSession(): CommandSession | undefined {
  return sessions.getStore();
}

/** Runs `fn` as the command of a session. */
export function inSession<T>(session: CommandSession, fn: () => Promise<T>): Promise<T> {
  return sessions.run(session, fn);
}

/**
 * Opens a command's warehouse: the file, in a CLI process; inside the node service, the service's warehouse
 * (a handle whose close() does nothing) or, for a read-only open, a read-only snapshot of it.
 */
export async function openCommandWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const session = currentSession();
  if (session) return session.access.warehouse({ readOnly: Boolean(options.readOnly) });
  // Imported here: the program (--help, validate) does not load DuckDB until a command opens a warehouse.
  const { openWarehouse } = await import('../warehouse/index.ts');
  return openWarehouse(options);
}

/** The abort signal of a command running inside the node service (undefined in a CLI process). */
export function commandSignal(): AbortSignal | undefined {
  return currentSession()?.access.signal;
}
