import type { Command } from 'commander';
import {
  backflowAuthorizer,
  backupSettings,
  backupStoreRoutes,
  governanceConfig,
  journalPath,
  parentLinkOf,
  requestRoutes,
  scheduledBackup,
} from '../../governance/index.ts';
import {
  createForwarder,
  createNodeServer,
  createSerial,
  listen,
  loadKeys,
  nodeContext,
  pushUpward,
} from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';

interface ServeOptions {
  project: string;
  warehouse?: string;
  port?: string;
  host?: string;
  json?: boolean;
  schedules?: boolean;
}

/** The scheduler the jobs layer may export (imported dynamically: the serve command works without it). */
type StartScheduler = (
  project: unknown,
  options: { warehousePath: string; logger: unknown; [k: string]: unknown },
) => Promise<{ stop(): void | Promise<void> }> | { stop(): void | Promise<void> };

/** Every problem of the serve command line: --port, the project folder, the warehouse file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as ServeOptions;
  problems.integer('--port', o.port, 0, 65535, '--port 7460');
  problems.project(o.project);
}

/**
 * `gongshu serve`: the node's HTTP(S) service (push from children, backflow, audit anchors, health), holding
 * the warehouse (the single writer) for as long as it runs; forwards upward on start and after each child batch
 * completes (multi-hop), retrying a failed push with a capped backoff, and runs the project's schedules when
 * the jobs layer provides `startScheduler`.
 */
export default async function serve(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<ServeOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  const port = o.port === undefined ? undefined : Number(o.port);
  // The node key signs every answer (hierarchy), including the answers to sharing requests.
  const keys = loadKeys(node.keysDir);
  // Sharing requests and grants (governance).
  const governance = governanceConfig(loaded.project, loaded.dir);
  const backups = backupSettings(loaded.project, loaded.dir);
  const wh = await openWarehouse({ path: warehousePath });
  const serial = createSerial();
  const parent = node.platform.parent;
  const forwarder =
    parent && node.platform.push.forward
      ? createForwarder({
          parent: parent.id,
          logger,
          maxRetryMs: node.platform.push.forwardRetryMaxMs,
          push: (signal) =>
            pushUpward({
              wh,
              node,
              project: loaded.project,
              keys,
              logger,
              serial,
              signal,
              onDeadLetter: (d) =>
                logger.error(
                  { alert: 'push-dead-letter', batch: d.batch, dataset: d.dataset, code: d.code },
                  `ALERT push ${d.dataset} → ${d.parent}: batch ${d.batch} is a dead letter (${d.code ?? d.status}): fix the cause, then gongshu push retry ${d.batch}`,
                ),
            }),
        })
      : undefined;
  const served = o.host
    ? { ...node, platform: { ...node.platform, listen: { ...node.platform.listen, host: o.host } } }
    : node;
  const app = createNodeServer({
    node: served,
    project: loaded.project,
    wh,
    logger,
    keys,
    serial,
    onBatchComplete: () => forwarder?.request(),
    health: () => ({ forwarding: forwarder?.busy() ?? false }),
    ...(governance.sharing.backflow === 'grants'
      ? { authorizeBackflow: backflowAuthorizer({ wh, node, project: loaded.project, config: governance }) }
      : {}),
    extend: (app, tools) => {
      // Children may keep their encrypted backups here (backup.store); this node cannot read them.
      backupStoreRoutes({ store: backups.store, wh, node: node.id, logger })(app, tools);
      // Sharing requests from children (POST /v1/requests, GET /v1/requests/:id), answered signed.
      requestRoutes({ wh, node, project: loaded.project, config: governance }, keys, logger)(app, tools);
    },
  });
  if (governance.sharing.backflow === 'entitlements') {
    logger.warn(
      'serve: sharing.backflow is "entitlements": backflow is served without grants or masking (platform.entitlements only)',
    );
  }
  let scheduler: { stop(): void | Promise<void> } | undefined;
  try {
    const url = await listen(app, served, port);
    if (o.schedules !== false) {
      const jobs = (await import('../../jobs/index.ts' as string).catch(() => undefined)) as
        | { startScheduler?: StartScheduler }
        | undefined;
      if (typeof jobs?.startScheduler === 'function') {
        scheduler = await jobs.startScheduler(loaded.project, {
          warehousePath,
          logger,
          // The service holds the warehouse: a scheduler that can use an open one should run through these.
          warehouse: wh,
          withWarehouse: <T>(fn: (w: typeof wh) => Promise<T>) => serial(() => fn(wh)),
          actions: {
            // The snapshot runs in the serial, between HTTP handlers' transactions; copies and uploads after it.
            backup: scheduledBackup({
              settings: backups,
              journal: journalPath(warehousePath),
              parent: parentLinkOf(loaded.project, loaded.dir, backups, logger, keys),
              logger,
              exclusive: serial,
            }),
          },
        });
        logger.info('serve: schedules started');
      }
    }
    const info = {
      node: node.id,
      level: node.level,
      url,
      parent: parent?.id ?? null,
      pid: process.pid,
    };
    if (o.json) out.json({ listening: info });
    else out.note(`serve: node ${node.id} (${node.name}) listening on ${url}`);
    forwarder?.request();
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    logger.info('serve: stopping');
  } finally {
    await forwarder?.stop();
    await scheduler?.stop();
    await app.close();
    await serial(async () => wh.close());
  }
  return EXIT.ok;
}
