import type { Command } from 'commander';
import {
  type AnchoredVerification,
  type AuditVerification,
  listAudit,
  loadKeys,
  nodeContext,
  verifyAgainstParent,
  verifyAudit,
} from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

interface AuditOptions {
  project?: string;
  warehouse?: string;
  dataset?: string;
  action?: string;
  limit: string;
  againstParent?: boolean;
  json?: boolean;
}

/** Every problem of the audit command line: --limit, the project folder, the warehouse file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as AuditOptions;
  problems.positiveInteger('--limit', o.limit, '--limit 20');
  problems.name('--dataset', o.dataset);
  problems.project(o.warehouse ? undefined : o.project);
  problems.path(
    '--warehouse',
    o.warehouse,
    'file',
    "pass an existing DuckDB file, or omit --warehouse to use the project's",
  );
}

/** `gongshu audit list|verify`: the hash-chained transfer audit. */
export default async function audit(args: unknown[], command: Command): Promise<number> {
  const [action] = args as ['list' | 'verify'];
  const o = command.opts<AuditOptions>();
  const out = processOutput();
  const project = o.againstParent ? await projectAndWarehouse(o) : undefined;
  const path = o.warehouse ?? (project ?? (await projectAndWarehouse(o))).warehousePath;
  const wh = await openCommandWarehouse({ path, readOnly: true });
  try {
    if (action === 'verify') {
      const node = project ? nodeContext(project.loaded.project, project.loaded.dir) : undefined;
      const v: AuditVerification & Partial<AnchoredVerification> = node
        ? await verifyAgainstParent({ wh, node, keys: loadKeys(node.keysDir) })
        : await verifyAudit(wh);
      if (o.json) out.json(v);
      else {
        const anchored =
          v.parent !== undefined
            ? `; ${v.anchors} heads recorded by parent ${v.parent}${v.anchoredTo ? `, anchored up to entry ${v.anchoredTo}` : ''}`
            : '';
        out.data(
          v.ok
            ? `audit verify: ${v.entries} entries, chain intact (head ${v.head ?? 'none'})${anchored}`
            : `audit verify: ${v.problems.length} problems in ${v.entries} entries${anchored}`,
        );
        for (const p of v.problems) out.data(`  ${p.problem}: ${p.message}`);
      }
      return v.ok ? EXIT.ok : EXIT.failures;
    }
    if (action !== 'list') throw new CliError(`audit: expected list or verify; got ${String(action)}`);
    const limit = Number(o.limit);
    const rows = await listAudit(wh, {
      ...(o.dataset ? { dataset: o.dataset } : {}),
      ...(o.action ? { action: o.action } : {}),
      limit,
    });
    if (o.json) for (const r of rows) out.json(r);
    else
      for (const line of formatTable(
        rows.map((r) => ({
          seq: r.seq,
          at: r.recorded_at,
          action: r.action,
          peer: r.peer,
          dataset: r.dataset,
          rows: r.rows,
          batch: r.batch,
          chunk: r.chunk,
          hash: r.hash.slice(0, 12),
        })),
      ))
        out.data(line);
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
