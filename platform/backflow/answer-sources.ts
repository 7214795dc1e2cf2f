import { quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { type JurisdictionRule, localTable, receivedTable } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';

/**
 * The SELECTs a backflow answer unions: this node's own table and what it received from other children (not the
 * rows that came from the requester), limited to `prefix` by the jurisdiction column; 404 when no table has it or
 * a column is missing.
 */
export async function backflowSources(
  wh: Warehouse,
  options: {
    readonly node: NodeContext;
    readonly requester: string;
    readonly dataset: string;
    readonly rule: JurisdictionRule;
    readonly prefix: string;
    readonly columns: readonly string[];
  },
): Promise<string[]> {
  const { node, requester, dataset, rule, prefix, columns } = options;
  const sources: string[] = [];
  const have = new Set<string>();
  for (const [table, own] of [
    [localTable(dataset), true],
    [receivedTable(dataset), false],
  ] as const) {
    const cols = new Set(
      (
        await wh.all<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2',
          [table.schema, table.table],
        )
      ).map((c) => c.column_name),
    );
    if (cols.size === 0 || !cols.has(rule.column)) continue;
    const select = columns.filter((c) => cols.has(c));
    for (const c of select) have.add(c);
    sources.push(
      `SELECT ${select.map((c) => q(c)).join(', ')}, ${own ? `'${node.id}'` : '_origin_node'} AS _origin_node
       FROM ${table.sql} WHERE starts_with(${rule.sql}, ${quoteLiteral(prefix)})${own ? '' : ` AND _origin_node <> '${requester}'`}`,
    );
  }
  const missing = columns.filter((c) => !have.has(c));
  if (sources.length === 0 || missing.length > 0) {
    throw new PlatformRejection(
      404,
      'no-data',
      sources.length === 0
        ? `dataset ${dataset}: node ${node.id} holds no table for it with its jurisdiction column ${rule.column}`
        : `dataset ${dataset}: node ${node.id} has no column ${missing.join(', ')}`,
      { dataset },
    );
  }
  return sources;
}
