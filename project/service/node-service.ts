/**
 * The node service behind `gongshu serve`: it opens and holds the project's warehouse (the single writer) and
 * composes, around one job queue, the platform's HTTP server (pushes from children, backflow under grants,
 * children's sharing requests, health), the scheduler, the control socket the CLI sends its commands to, the
 * upward forwarding of pushed batches and the alerts. Stopping: no new work is accepted, waiting jobs are dropped, the running job gets `shutdownSeconds`
 * to finish and is then rolled back (its statement interrupted), the warehouse is closed and its lock released.
 * @example
 * const service = await startNodeService({ loaded, warehousePath, logger });
 * process.once('SIGTERM', () => void service.stop());
 * await service.stopped;
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import {
  backupSettings,
  backupStoreRoutes,
  drainUsageSpool,
  governanceConfig,
  usageSpoolPath,
} from '../../governance/index.ts';
import {
  type FiringResult,
  type RunningScheduler,
  type SchedulerActions,
  startScheduler,
} from '../../jobs/index.ts';
import {
  createForwarder,
  createNodeServer,
  listen,
  loadKeys,
  type NodeContext,
  nodeContext,
  PlatformRejection,
  pushUpward,
  type Serial,
} from '../../platform/index.ts';
import { isGongshuError } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { type Alerter, createAlerter } from '../alerts/alerter.ts';
import type { LoadedProject } from '../load.ts';
import { pushSummaries } from '../tasks/push-summaries.ts';
import type { ControlRequest } from './control-protocol.ts';
import { type ControlServer, type RequestChannel, startControlServer } from './control-server.ts';
import { JobQueue } from './job-queue.ts';
import { scheduleActions, scheduleExecutor } from './schedule-steps.ts';
import { sharingHttp } from './sharing-http.ts';
import { controlSocketPath } from './socket-path.ts';

/** What a CLI command forwarded to the service is given. */
export interface CommandAccess {
  /** Aborted when the node stops without waiting (or, before the command started, its client left). */
  readonly signal: AbortSignal;
  /**
   * The warehouse for the command: for a `write` request a handle on the service's open warehouse (closing it
   * does nothing); for a `read` request, or `{ readOnly: true }`, a read-only snapshot connection.
   */
  warehouse(options: { readOnly: boolean }): Promise<Warehouse>;
  /** The running service (for `gongshu schedules run`). */
  readonly service: ServiceControl;
}

/** Runs a CLI command inside the service (the CLI supplies it: the service cannot import the CLI). */
export type CommandRunner = (
  request: ControlRequest,
  io: { out(line: string): void; err(line: string): void },
  access: CommandAccess,
) => Promise<number>;

/** What the CLI may ask of a running service. */
export interface ServiceControl {
  /** Fires a schedule now, through the queue; resolves when it finished. */
  fireSchedule(name: string): Promise<FiringResult>;
}

/** Options of `startNodeService`. */
export interface NodeServiceOptions {
  readonly loaded: LoadedProject;
  readonly warehousePath: string;
  readonly logger: Logger;
  /** Overrides platform.listen.host / port (0: any free port). */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** Run the project's schedules; defaults to true. */
  readonly schedules?: boolean;
  /** How long the running job may take to finish when stopping; defaults to the project's service.shutdownSeconds (30). */
  readonly shutdownSeconds?: number | undefined;
  /** Runs CLI commands sent over the control socket; without it they are refused. */
  readonly runCommand?: CommandRunner;
  /** For tests: the alerts' fetch. */
  readonly fetch?: typeof fetch;
}

/** A running node service. */
export interface NodeService {
  readonly url: string;
  readonly node: NodeContext;
  readonly socketPath: string;
  readonly scheduler: RunningScheduler | undefined;
  readonly queue: JobQueue;
  /**
   * Stops the service (see the module comment); `{ abort: true }` rolls the running job back at once (a second
   * SIGTERM). Calling it again while stopping can only make it more urgent.
   */
  stop(options?: { abort?: boolean }): Promise<void>;
  /** Resolves once the service stopped and released the warehouse. */
  readonly stopped: Promise<void>;
}

/** Starts the node service; see the module comment. */
export async function startNodeService(options: NodeServiceOptions): Promise<NodeService> {
  const { loaded, logger } = options;
  const project = loaded.project;
  const base = nodeContext(project, loaded.dir);
  const node: NodeContext = options.host
    ? { ...base, platform: { ...base.platform, listen: { ...base.platform.listen, host: options.host } } }
    : base;
  // A node in the hierarchy signs its requests and answers; a standalone node may run without a key pair.
  const keys = node.platform.parent || node.platform.children.length > 0 ? loadKeys(node.keysDir) : undefined;
  const backups = backupSettings(project, loaded.dir);
  const shutdownMs = 1000 * (options.shutdownSeconds ?? project.service?.shutdownSeconds ?? 30);
  const wh = await openWarehouse({
    path: options.warehousePath,
    ...(project.memoryLimit ? { memoryLimit: project.memoryLimit } : {}),
  });
  const queue = new JobQueue();
  const alerts: Alerter = createAlerter(
    project.alerts ?? [],
    { project: project.name, node: { id: node.id, name: node.name } },
    { logger, ...(options.fetch ? { fetch: options.fetch } : {}) },
  );
  // HTTP handlers' warehouse work waits in the queue; dropped when stopping: 503, retry later.
  const serial: Serial = <T>(fn: () => Promise<T>) =>
    queue
      .add('http request', () => fn())
      .catch((error) => {
        if (isGongshuError(error) && error.code === 'service-stopping') {
          throw new PlatformRejection(503, 'stopping', `node ${node.id} is stopping; retry later`);
        }
        throw error;
      });

  // Actions of other layers the schedules run: `run.backup`. A firing already runs as a job of the queue, so
  // the snapshot needs no further exclusion (queueing it again would wait for the firing itself).
  const actions: SchedulerActions = scheduleActions(loaded, options.warehousePath, {
    logger,
    ...(keys ? { keys } : {}),
  });

  let scheduler: RunningScheduler | undefined;
  let app: FastifyInstance | undefined;
  let control: ControlServer | undefined;
  /** Aborted when the service stops: read-only commands outside the queue stop with it. */
  const stopping$ = new AbortController();
  const parent = node.platform.parent;
  // Upward forwarding: its warehouse work goes through `serial`, i.e. the queue; capped, doubling retries; a
  // batch the parent refuses for good becomes a dead letter (alerted) instead of holding the others back.
  const forwarder =
    parent && keys && node.platform.push.forward
      ? createForwarder({
          parent: parent.id,
          logger,
          maxRetryMs: node.platform.push.forwardRetryMaxMs,
          push: async (signal) => {
            // The evaluation is computed only when its inputs changed, and sent alone when it changed.
            const own = await pushSummaries({ wh, project, dir: loaded.dir, node, logger, serial });
            const pushed = await pushUpward({
              summaries: own.summaries,
              sendSummaries: own.changed,
              wh,
              node,
              project,
              keys,
              logger,
              serial,
              signal,
              onDeadLetter: (d) => {
                const line = `ALERT push ${d.dataset} → ${d.parent}: batch ${d.batch} is a dead letter (${d.code ?? d.status}): fix the cause, then gongshu push retry ${d.batch}`;
                logger.error(
                  { alert: 'push-dead-letter', batch: d.batch, dataset: d.dataset, code: d.code },
                  line,
                );
                alerts.emit({
                  kind: 'run-failed',
                  title: `push ${d.dataset} → ${d.parent}: batch ${d.batch} is a dead letter`,
                  lines: [line],
                  details: { batch: d.batch, dataset: d.dataset, code: d.code ?? null },
                });
              },
            });
            if (pushed.summariesSent) await own.markSent();
            return pushed;
          },
        })
      : undefined;
  const forward = () => forwarder?.request();

  const service: ServiceControl = {
    fireSchedule(name) {
      if (!scheduler) {
        return Promise.reject(
          new PlatformRejection(
            409,
            'no-schedules',
            'this node service runs without schedules (--no-schedules)',
          ),
        );
      }
      return scheduler.fire(name);
    },
  };

  // A read answered from a snapshot spools its usage entry (第十五条); the queue writes it into the log next.
  const drainSpoolSoon = () => {
    if (!existsSync(usageSpoolPath(loaded.dir))) return;
    queue
      .add('usage spool', () =>
        drainUsageSpool({ wh, node, project, config: governanceConfig(project, loaded.dir) }),
      )
      .catch((error) => {
        if (!(isGongshuError(error) && error.code === 'service-stopping'))
          logger.warn(`serve: the usage spool stays for the next writer: ${(error as Error).message}`);
      });
  };
  let requests = 0;
  const handle = async (request: ControlRequest, channel: RequestChannel): Promise<number> => {
    const io = {
      out: (line: string) => channel.send({ type: 'out', line }),
      err: (line: string) => channel.send({ type: 'err', line }),
    };
    if (!options.runCommand) {
      io.err('gongshu serve: this node service does not run CLI commands');
      return 2;
    }
    const run = options.runCommand;
    const command = `gongshu ${request.argv.join(' ')}`.slice(0, 120);
    const label = `${command} #${++requests}`;
    if (request.mode !== 'write') {
      const signal = AbortSignal.any([channel.gone, stopping$.signal]);
      try {
        return await run(request, io, { signal, service, warehouse: () => wh.reader() });
      } finally {
        drainSpoolSoon();
      }
    }
    const running = queue.running();
    const waiting = queue.waiting().length;
    if (running || waiting)
      channel.send({ type: 'queued', ahead: waiting + (running ? 1 : 0), running: running?.label ?? null });
    const onGone = () => queue.cancel((l) => l === label);
    channel.gone.addEventListener('abort', onGone, { once: true });
    try {
      return await queue.add(label, (signal) => {
        channel.send({ type: 'started' });
        logger.info(`serve: ${label}`);
        return run(request, io, {
          signal,
          service,
          warehouse: ({ readOnly }) => (readOnly ? wh.reader() : Promise.resolve(wh.lend())),
        });
      });
    } catch (error) {
      if (isGongshuError(error) && error.code === 'service-stopping') {
        io.err(`gongshu: ${error.message}`);
        return 3;
      }
      throw error;
    } finally {
      channel.gone.removeEventListener('abort', onGone);
    }
  };

  let stopping: Promise<void> | undefined;
  let urgent: (() => void) | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  const rollBack = (why: string) => {
    queue.abortRunning(why);
    try {
      wh.interrupt();
    } catch {
      // nothing running
    }
  };
  const stop = (opts: { abort?: boolean } = {}): Promise<void> => {
    if (stopping) {
      if (opts.abort) urgent?.();
      return stopping;
    }
    stopping = (async () => {
      const running = queue.running();
      logger.info(
        `serve: stopping${running ? ` (running: ${running.label}; ${opts.abort ? 'rolling it back' : `up to ${shutdownMs / 1000} s to finish`})` : ''}`,
      );
      queue.close();
      stopping$.abort(new Error('serve stopped'));
      const forwarding = forwarder?.stop();
      const closing = Promise.allSettled([control?.close(), scheduler?.stop(), app?.close()]);
      const settle = queue.idle();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        settle,
        new Promise<void>((resolve) => {
          const go = (why: string) => {
            logger.warn(`serve: ${why}: rolling back ${queue.running()?.label ?? 'the running job'}`);
            rollBack(why);
            resolve();
          };
          urgent = () => go('stopped again');
          if (opts.abort) go('stopped without waiting');
          else
            timer = setTimeout(
              () => go(`the running job did not finish in ${shutdownMs / 1000} s`),
              shutdownMs,
            );
        }),
      ]);
      clearTimeout(timer);
      // After a rollback the job settles quickly (its statement was interrupted); never wait forever.
      await Promise.race([settle, sleep(10_000)]);
      await Promise.race([closing, sleep(5_000)]);
      await forwarding?.catch(() => undefined);
      await Promise.race([alerts.flush(), sleep(5_000)]);
      wh.close();
      logger.info('serve: stopped; warehouse closed and its lock released');
      resolveStopped();
    })();
    return stopping;
  };

  try {
    if (options.schedules !== false && (project.schedules?.length ?? 0) > 0) {
      scheduler = await startScheduler(project, {
        warehouse: wh,
        logger,
        enqueue: (label, fn) => queue.add(label, fn),
        execute: scheduleExecutor(loaded, { logger, alerts, actions }),
        actions,
      });
    }
    // Sharing (governance): backflow under grants, and the routes children submit their requests to.
    const sharing = sharingHttp({ loaded, node, wh, keys, logger });
    const backupStore = backupStoreRoutes({ store: backups.store, wh, node: node.id, logger });
    app = createNodeServer({
      node,
      project,
      wh,
      logger,
      ...(keys ? { keys } : {}),
      serial,
      onBatchComplete: forward,
      ...(sharing.authorizeBackflow ? { authorizeBackflow: sharing.authorizeBackflow } : {}),
      // Open data is public: its reads answer unsigned requests.
      publicReads: sharing.publicReads,
      extend: (server, tools) => {
        // Children may keep their encrypted backups here (backup.store); this node cannot read them.
        backupStore(server, tools);
        // Sharing requests from children (POST /v1/requests, GET /v1/requests/:id), answered signed.
        sharing.routes(server, tools);
      },
      health: () => ({
        forwarding: forwarder?.busy() ?? false,
        running: queue.running()?.label ?? null,
        waiting: queue.waiting().length,
      }),
    });
    const url = await listen(app, node, options.port);
    const socketPath = controlSocketPath(loaded.dir);
    control = await startControlServer(socketPath, handle, logger);
    forward();
    return { url, node, socketPath, scheduler, queue, stop, stopped };
  } catch (error) {
    await Promise.allSettled([control?.close(), scheduler?.stop(), app?.close(), forwarder?.stop()]);
    wh.close();
    throw error;
  }
}
