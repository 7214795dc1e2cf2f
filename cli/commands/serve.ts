import type { Command } from 'commander';
import { projectAndWarehouse, startNodeService } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';
import { runInService } from '../service-runner.ts';

interface ServeOptions {
  project?: string;
  warehouse?: string;
  port?: string;
  host?: string;
  json?: boolean;
  schedules?: boolean;
  shutdownTimeout?: string;
}

/** Every problem of the serve command line: --port, the project folder, the warehouse file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as ServeOptions;
  problems.integer('--port', o.port, 0, 65535, '--port 7460');
  if (o.shutdownTimeout !== undefined && !(Number(o.shutdownTimeout) > 0))
    problems.add('--shutdown-timeout', 'seconds > 0', o.shutdownTimeout, '--shutdown-timeout 30');
  problems.project(o.project);
}

/**
 * `gongshu serve`: runs the node service (project/service/node-service.ts) until SIGTERM or SIGINT: the first
 * stops accepting work and lets the running job finish within the shutdown time (then rolls it back); a second
 * rolls it back at once. Exits 0 once the warehouse is closed and its lock released.
 */
export default async function serve(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<ServeOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const port = o.port === undefined ? undefined : Number(o.port);
  const shutdownSeconds = o.shutdownTimeout === undefined ? undefined : Number(o.shutdownTimeout);
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const service = await startNodeService({
    loaded,
    warehousePath,
    logger,
    host: o.host,
    port,
    schedules: o.schedules !== false,
    shutdownSeconds,
    runCommand: runInService,
  });
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    logger.info(`serve: ${signal}${count > 1 ? ' again: rolling back the running job now' : ''}`);
    void service.stop({ abort: count > 1 });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const info = {
    node: service.node.id,
    level: service.node.level,
    url: service.url,
    parent: service.node.platform.parent?.id ?? null,
    pid: process.pid,
    socket: service.socketPath,
    schedules: service.scheduler?.schedules.map((s) => s.name) ?? [],
  };
  if (o.json) out.json({ listening: info });
  else
    out.note(
      `serve: node ${service.node.id} (${service.node.name}) listening on ${service.url}; control socket ${service.socketPath}` +
        `${info.schedules.length ? `; schedules ${info.schedules.join(', ')}` : ''}`,
    );
  try {
    await service.stopped;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  if (o.json) out.json({ stopped: { node: service.node.id, pid: process.pid } });
  // Timers of libraries (keep-alive sockets, cron) must not keep a stopped node alive.
  setTimeout(() => process.exit(process.exitCode ?? EXIT.ok), 1000).unref();
  return EXIT.ok;
}
