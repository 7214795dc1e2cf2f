import type { Command } from 'commander';
import { recordUsage } from '../../governance/index.ts';
import { loadKeys, nodeContext, requestBackflow } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { actorOf } from '../governance-context.ts';
import { createLogger } from '../logger.ts';
import { processOutput } from '../output.ts';

interface BackflowOptions {
  project: string;
  warehouse?: string;
  columns?: string;
  purpose?: string;
  grant?: string;
  operator?: string;
  department?: string;
  json?: boolean;
}

/** `gongshu backflow DATASET`: ask the parent for this node's rows of a dataset (回流). */
export default async function backflow(args: unknown[], command: Command): Promise<number> {
  const [dataset] = args as [string];
  const o = command.opts<BackflowOptions>();
  if (!o.purpose?.trim()) {
    throw new CliError(
      'backflow: state the purpose of the request with --purpose (第十七条 requires a use scenario), e.g. --purpose "低保资格复核"',
    );
  }
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  const keys = loadKeys(node.keysDir);
  const wh = await openWarehouse({ path: warehousePath });
  try {
    const columns = (o.columns ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const r = await requestBackflow({
      wh,
      node,
      keys,
      dataset,
      columns,
      purpose: o.purpose.trim(),
      ...(o.grant ? { grant: o.grant } : {}),
      logger: createLogger(globals.logLevel),
    });
    // 第十五条: data obtained is logged with its grant, scenario and where it is stored.
    await recordUsage(
      { wh, node },
      {
        kind: 'backflow-received',
        dataset,
        actor: actorOf(o),
        grantId: o.grant ?? null,
        scenario: o.purpose.trim(),
        storage: r.table,
        encryption: 'none (local warehouse)',
        rows: r.rows,
        contentHash: r.contentHash,
        peer: node.platform.parent?.id ?? null,
        details: { columns: r.columns },
        at: new Date(),
      },
    );
    if (o.json) out.json(r);
    else
      out.data(
        `backflow ${dataset}: ${r.rows.toLocaleString('en')} rows (${r.columns.join(', ')}) into ${r.table}`,
      );
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
