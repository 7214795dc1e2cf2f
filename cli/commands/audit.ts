import type { Command } from 'commander';
import { archiveAudit, verifyAuditAndArchives } from '../../governance/index.ts';
import {
  type AnchoredVerification,
  type AuditVerification,
  listAudit,
  loadKeys,
  verifyAgainstParent,
  verifyAudit,
} from '../../platform/index.ts';
import { projectFileOf } from '../../project/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

interface AuditOptions extends GovernanceOptions {
  dataset?: string;
  action?: string;
  limit: string;
  before?: string;
  againstParent?: boolean;
}

/** Every problem of the audit command line: --limit, --before, the project folder, the warehouse file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as AuditOptions;
  problems.positiveInteger('--limit', o.limit, '--limit 20');
  problems.name('--dataset', o.dataset);
  problems.date('--before', o.before, '2023-01-01');
  checkGovernanceArguments(options, problems);
}

/**
 * `audit list|verify --warehouse FILE` outside any project: the warehouse's own chain only (no archive segments,
 * usage log or parent, which belong to a project's node).
 */
async function withWarehouseOnly<T>(
  o: AuditOptions,
  fn: (wh: Warehouse) => Promise<T>,
): Promise<T | undefined> {
  if (o.warehouse === undefined || o.againstParent || projectFileOf(o.project) !== undefined)
    return undefined;
  const wh = await openCommandWarehouse({ path: o.warehouse, readOnly: true });
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

/**
 * `gongshu audit list|verify|archive`: the hash-chained audit of transfers and governance events. `verify` spans
 * the archive segments and checks the usage log against the chain; `archive --before DATE` writes a signed
 * segment and deletes only archived entries older than `audit.retentionYears`.
 */
export default async function audit(args: unknown[], command: Command): Promise<number> {
  const [action] = args as ['list' | 'verify' | 'archive'];
  const o = command.opts<AuditOptions>();
  const out = processOutput();
  if (action === 'verify') {
    const alone = await withWarehouseOnly(o, async (wh) => {
      const v = await verifyAudit(wh);
      if (o.json) out.json(v);
      else {
        out.data(
          v.ok
            ? `audit verify: ${v.entries} entries, chain intact (head ${v.head ?? 'none'})`
            : `audit verify: ${v.problems.length} problems in ${v.entries} entries`,
        );
        for (const p of v.problems) out.data(`  ${p.problem}: ${p.message}`);
      }
      return v.ok ? EXIT.ok : EXIT.failures;
    });
    if (alone !== undefined) return alone;
    return withGovernance(
      o,
      async (ctx) => {
        // --against-parent: the live chain is also checked against the heads the parent recorded (signed answer),
        // archived entries against their archive copies.
        const v = await verifyAuditAndArchives<AuditVerification & Partial<AnchoredVerification>>(
          ctx,
          o.againstParent
            ? {
                live: ({ start, archived }) =>
                  verifyAgainstParent({
                    wh: ctx.wh,
                    node: ctx.node,
                    keys: loadKeys(ctx.node.keysDir),
                    start,
                    archived,
                  }),
              }
            : {},
        );
        if (o.json) out.json({ ...v.live, ok: v.ok, archive: v.archive, usage: v.usage });
        else {
          const l = v.live;
          const anchored =
            l.parent !== undefined
              ? `; ${l.anchors} heads recorded by parent ${l.parent}${l.anchoredTo ? `, anchored up to entry ${l.anchoredTo}` : ''}`
              : '';
          out.data(
            v.ok
              ? `audit verify: ${l.entries} live entries, chain intact (head ${l.head ?? 'none'})${anchored}; ${v.archive.segments} archive segments (${v.archive.entries} entries) continue into it; usage log matches`
              : `audit verify: ${l.problems.length + v.archive.problems.length + v.usage.length} problems${anchored}`,
          );
          for (const p of l.problems) out.data(`  ${p.problem}: ${p.message}`);
          for (const p of v.archive.problems) out.data(`  archive: ${p}`);
          for (const p of v.usage) out.data(`  usage ${p.problem}: ${p.message}`);
        }
        return v.ok ? EXIT.ok : EXIT.failures;
      },
      { readOnly: true },
    );
  }
  if (action === 'archive') {
    if (!o.before)
      throw new CliError(
        'audit archive: name the date with --before YYYY-MM-DD (entries recorded before it are archived)',
      );
    return withGovernance(o, async (ctx) => {
      let keys: ReturnType<typeof loadKeys> | undefined;
      try {
        keys = loadKeys(ctx.node.keysDir);
      } catch {
        out.note(
          `audit archive: no node key in ${ctx.node.keysDir}: the segment is not signed (gongshu keys init signs the next ones)`,
        );
      }
      const r = await archiveAudit(ctx, { before: o.before!, keys });
      if (o.json) out.json(r);
      else
        out.data(
          `audit archive: ${r.archived} entries → ${r.segment ? `${r.dir}/${r.segment.file}` : 'nothing new to archive'}; ${r.deleted} entries older than the retention (before ${r.retentionCutoff.slice(0, 10)}) deleted from the warehouse`,
        );
      return EXIT.ok;
    });
  }
  if (action !== 'list') throw new CliError(`audit: expected list, verify or archive; got ${String(action)}`);
  const limit = Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError(`--limit: expected a positive integer; got ${o.limit}`);
  const list = async (wh: Warehouse) => {
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
  };
  return (await withWarehouseOnly(o, list)) ?? withGovernance(o, (ctx) => list(ctx.wh), { readOnly: true });
}
