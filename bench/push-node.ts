/**
 * One node of the push benchmark, in its own process (so each node's peak RSS is its own):
 * - `serve DIR`: the node service of the project in DIR (forwarding upward when it has a parent and
 *   platform.push.forward), printing `{"listening": url}`; on SIGTERM it prints `{"maxRssMiB": n}` and exits;
 * - `push DIR`: pushes the project's datasets to its parent, printing `{"start": epochMs}` just before and
 *   `{"seconds", "rows", "batches", "maxRssMiB"}` after.
 * Run by bench/push.ts.
 */
import { pino } from 'pino';
import {
  createForwarder,
  createNodeServer,
  createSerial,
  listen,
  loadKeys,
  nodeContext,
  pushUpward,
} from '../platform/index.ts';
import { projectAndWarehouse } from '../project/index.ts';
import { openWarehouse } from '../warehouse/index.ts';

const [mode, dir] = process.argv.slice(2);
const logger = pino({ level: process.env.BENCH_LOG ?? 'silent' });
const maxRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const { loaded, warehousePath } = await projectAndWarehouse({ project: dir! });
const node = nodeContext(loaded.project, loaded.dir);
const keys = loadKeys(node.keysDir);
const wh = await openWarehouse({ path: warehousePath });
const serial = createSerial();

if (mode === 'push') {
  const baseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const start = Date.now();
  say({ start, rssBeforeMiB: baseline });
  const summary = await pushUpward({ wh, node, project: loaded.project, keys, logger, serial });
  say({
    seconds: (Date.now() - start) / 1000,
    rows: summary.rows,
    batches: summary.batches.length,
    chunks: summary.batches.reduce((n, b) => n + b.chunks, 0),
    failed: summary.failed.length,
    rssBeforeMiB: baseline,
    maxRssMiB: maxRssMiB(),
  });
  wh.close();
} else if (mode === 'serve') {
  const parent = node.platform.parent;
  const forwarder =
    parent && node.platform.push.forward
      ? createForwarder({
          parent: parent.id,
          logger,
          maxRetryMs: node.platform.push.forwardRetryMaxMs,
          push: (signal) => pushUpward({ wh, node, project: loaded.project, keys, logger, serial, signal }),
        })
      : undefined;
  const app = createNodeServer({
    node,
    project: loaded.project,
    wh,
    logger,
    keys,
    serial,
    onBatchComplete: () => forwarder?.request(),
    health: () => ({ forwarding: forwarder?.busy() ?? false }),
  });
  say({ listening: await listen(app, node, 0) });
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await forwarder?.stop();
  await app.close();
  await serial(async () => wh.close());
  say({ maxRssMiB: maxRssMiB() });
} else {
  throw new Error(`push-node: expected serve or push; got ${mode}`);
}
