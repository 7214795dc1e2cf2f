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
  type Forwarder,
  listen,
  loadKeys,
  type NodeContext,
  type NodeKeys,
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

/** The parts of a running service that start one after the other (and stop together). */
interface ServiceParts {
  scheduler?: RunningScheduler | undefined;
  app?: FastifyInstance | undefined;
  control?: ControlServer | undefined;
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
  const serial = queueSerial(queue, node.id);
  // Actions of other layers the schedules run: `run.backup`. A firing already runs as a job of the queue, so
  // the snapshot needs no further exclusion (queueing it again would wait for the firing itself).
  const actions: SchedulerActions = scheduleActions(loaded, options.warehousePath, {
    logger,
    ...(keys ? { keys } : {}),
  });
  const parts: ServiceParts = {};
  /** Aborted when the service stops: read-only commands outside the queue stop with it. */
  const stopping$ = new AbortController();
  const forwarder = keys
    ? upwardForwarder({ wh, node, project, dir: loaded.dir, keys, logger, serial, alerts })
    : undefined;
  const forward = () => forwarder?.request();
  const service: ServiceControl = {
    fireSchedule(name) {
      if (!parts.scheduler) {
        return Promise.reject(
          new PlatformRejection(
            409,
            'no-schedules',
            'this node service runs without schedules (--no-schedules)',
          ),
        );
      }
      return parts.scheduler.fire(name);
    },
  };
  const handle = commandHandler({ options, node, wh, queue, service, stopping: stopping$.signal });
  const shutdownMs = 1000 * (options.shutdownSeconds ?? project.service?.shutdownSeconds ?? 30);
  const { stop, stopped } = serviceStopper({
    wh,
    queue,
    logger,
    alerts,
    forwarder,
    parts,
    shutdownMs,
    stopping$,
  });
  try {
    if (options.schedules !== false && (project.schedules?.length ?? 0) > 0) {
      parts.scheduler = await startScheduler(project, {
        warehouse: wh,
        logger,
        enqueue: (label, fn) => queue.add(label, fn),
        execute: scheduleExecutor(loaded, { logger, alerts, actions }),
        actions,
      });
    }
    parts.app = nodeServer({
      loaded,
      node,
      wh,
      keys,
      logger,
      serial,
      queue,
      forwarder,
      backupStore: backups.store,
      onBatchComplete: forward,
    });
    const url = await listen(parts.app, node, options.port);
    const socketPath = controlSocketPath(loaded.dir);
    parts.control = await startControlServer(socketPath, handle, logger);
    forward();
    return { url, node, socketPath, scheduler: parts.scheduler, queue, stop, stopped };
  } catch (error) {
    await Promise.allSettled([
      parts.control?.close(),
      parts.scheduler?.stop(),
      parts.app?.close(),
      forwarder?.stop(),
    ]);
    wh.close();
    throw error;
  }
}

/** HTTP handlers' warehouse work waits in the queue; dropped when stopping: 503, retry later. */
function queueSerial(queue: JobQueue, nodeId: string): Serial {
  return <T>(fn: () => Promise<T>) =>
    queue
      .add('http request', () => fn())
      .catch((error) => {
        if (isGongshuError(error) && error.code === 'service-stopping') {
          throw new PlatformRejection(503, 'stopping', `node ${nodeId} is stopping; retry later`);
        }
        throw error;
      });
}

/**
 * Upward forwarding (a node with a parent and platform.push.forward): its warehouse work goes through `serial`,
 * i.e. the queue; capped, doubling retries; a batch the parent refuses for good becomes a dead letter (alerted)
 * instead of holding the others back.
 */
function upwardForwarder(o: {
  wh: Warehouse;
  node: NodeContext;
  project: LoadedProject['project'];
  /** The project folder (the evaluation reads its backup journal). */
  dir: string;
  keys: NodeKeys;
  logger: Logger;
  serial: Serial;
  alerts: Alerter;
}): Forwarder | undefined {
  const { wh, node, project, dir, keys, logger, serial, alerts } = o;
  const parent = node.platform.parent;
  if (!parent || !node.platform.push.forward) return undefined;
  return createForwarder({
    parent: parent.id,
    logger,
    maxRetryMs: node.platform.push.forwardRetryMaxMs,
    push: async (signal) => {
      // The evaluation is computed only when its inputs changed, and sent alone when it changed.
      const own = await pushSummaries({ wh, project, dir, node, logger, serial });
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
          logger.error({ alert: 'push-dead-letter', batch: d.batch, dataset: d.dataset, code: d.code }, line);
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
  });
}

/**
 * The platform's HTTP server of the service: pushes from children, backflow (under grants when sharing says
 * so), children's encrypted backups and sharing requests, health.
 */
function nodeServer(o: {
  loaded: LoadedProject;
  node: NodeContext;
  wh: Warehouse;
  keys: NodeKeys | undefined;
  logger: Logger;
  serial: Serial;
  queue: JobQueue;
  forwarder: Forwarder | undefined;
  backupStore: ReturnType<typeof backupSettings>['store'];
  onBatchComplete: () => void;
}): FastifyInstance {
  const { loaded, node, wh, keys, logger, queue, forwarder } = o;
  const project = loaded.project;
  const sharing = sharingHttp({ loaded, node, wh, keys, logger });
  const backupStore = backupStoreRoutes({ store: o.backupStore, wh, node: node.id, logger });
  return createNodeServer({
    node,
    project,
    wh,
    logger,
    ...(keys ? { keys } : {}),
    serial: o.serial,
    onBatchComplete: o.onBatchComplete,
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
}

/**
 * Runs the CLI commands sent over the control socket: reads at once on a snapshot, writes in the queue on the
 * service's connection (DuckDB's progress tracking a command turned on is turned off after it).
 */
function commandHandler(o: {
  options: NodeServiceOptions;
  node: NodeContext;
  wh: Warehouse;
  queue: JobQueue;
  service: ServiceControl;
  stopping: AbortSignal;
}): (request: ControlRequest, channel: RequestChannel) => Promise<number> {
  const { options, wh, queue, service } = o;
  const { loaded, logger } = options;
  // A read answered from a snapshot spools its usage entry (第十五条); the queue writes it into the log next.
  const drainSpoolSoon = () => {
    if (!existsSync(usageSpoolPath(loaded.dir))) return;
    queue
      .add('usage spool', () =>
        drainUsageSpool({
          wh,
          node: o.node,
          project: loaded.project,
          config: governanceConfig(loaded.project, loaded.dir),
        }),
      )
      .catch((error) => {
        if (!(isGongshuError(error) && error.code === 'service-stopping'))
          logger.warn(`serve: the usage spool stays for the next writer: ${(error as Error).message}`);
      });
  };
  let requests = 0;
  return async (request, channel) => {
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
      const signal = AbortSignal.any([channel.gone, o.stopping]);
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
      return await queue.add(label, async (signal) => {
        channel.send({ type: 'started' });
        logger.info(`serve: ${label}`);
        try {
          return await run(request, io, {
            signal,
            service,
            warehouse: ({ readOnly }) => (readOnly ? wh.reader() : Promise.resolve(wh.lend())),
          });
        } finally {
          // `--progress` turned DuckDB's progress tracking on for the shared connection: not for the next job.
          await wh.untrackProgress().catch(() => undefined);
        }
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
}

/** Stopping the service (see the module comment): `stop`, and `stopped`, resolved once it stopped. */
function serviceStopper(o: {
  wh: Warehouse;
  queue: JobQueue;
  logger: Logger;
  alerts: Alerter;
  forwarder: Forwarder | undefined;
  parts: ServiceParts;
  shutdownMs: number;
  stopping$: AbortController;
}): Pick<NodeService, 'stop' | 'stopped'> {
  const { wh, queue, logger, shutdownMs, parts } = o;
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
      o.stopping$.abort(new Error('serve stopped'));
      const forwarding = o.forwarder?.stop();
      const closing = Promise.allSettled([
        parts.control?.close(),
        parts.scheduler?.stop(),
        parts.app?.close(),
      ]);
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
      await Promise.race([o.alerts.flush(), sleep(5_000)]);
      wh.close();
      logger.info('serve: stopped; warehouse closed and its lock released');
      resolveStopped();
    })();
    return stopping;
  };
  return { stop, stopped };
}
