/** The task context of a CLI command: its warehouse, project, logger, alerts and (inside the node service) abort signal. */
import type { Logger } from 'pino';
import { createAlerter, type LoadedProject, type TaskContext } from '../project/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { commandSignal } from './session.ts';

/** A task context for a command; call `done()` before returning (it waits for alerts in flight). */
export function commandTaskContext(
  loaded: LoadedProject,
  wh: Warehouse,
  logger: Logger,
): TaskContext & { done(): Promise<void> } {
  const alerts = createAlerter(
    loaded.project.alerts ?? [],
    { project: loaded.project.name, node: { id: loaded.project.node.id, name: loaded.project.node.name } },
    { logger },
  );
  return {
    wh,
    loaded,
    logger,
    alerts,
    signal: commandSignal(),
    async done() {
      await alerts.flush();
    },
  };
}
