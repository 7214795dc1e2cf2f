import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { divisionPrefix, levelOfCode, type NodeLevel, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import {
  type DatasetPolicy,
  jurisdictionOf,
  localTable,
  receivedTable,
  shareableColumns,
} from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';
import { fileSm3 } from '../transport/client.ts';
import { writeChunkFile } from '../transport/parquet-chunk.ts';

/** The header of a backflow answer (in the Parquet footer). */
export interface BackflowHeader {
  readonly v: 2;
  readonly dataset: string;
  readonly from: string;
  readonly to: string;
  readonly prefix: string;
  readonly columns: readonly string[];
  readonly purpose: string;
}

/** A served backflow: the Parquet file and what it holds. */
export interface ServedBackflow {
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly contentHash: string;
}

/** A backflow request, as a grant check (e.g. the governance layer's sharing grants) sees it. */
export interface BackflowRequest {
  readonly requester: string;
  readonly level: NodeLevel;
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly purpose: string;
}

/**
 * A check run after the entitlement checks and before any row is read; it refuses by throwing (e.g. a
 * `PlatformRejection(403, 'no-grant', …)`). The hook for sharing grants (申请-授权).
 */
export type AuthorizeBackflow = (request: BackflowRequest) => void | Promise<void>;

let serial = 0;

/**
 * Serves 回流 (第二十一条): rows of `dataset` under the requesting child's division by the dataset's declared
 * jurisdiction (from this node's own table and what it received from other children, excluding rows that came
 * from the requester itself), with only the requested columns the child's level is entitled to (configured per
 * dataset, default: the key plus the shareable catalog fields), written by DuckDB as a Parquet file in `dir`.
 * Columns not entitled are refused with 403, not silently dropped; a dataset without a declared jurisdiction
 * is refused with 409 (the key's digits say where an ID was issued, not where a person lives).
 */
export async function serveBackflow(
  wh: Warehouse,
  options: {
    node: NodeContext;
    requester: string;
    policy: DatasetPolicy | undefined;
    dataset: string;
    columns: readonly string[];
    purpose: string;
    dir: string;
    authorize?: AuthorizeBackflow | undefined;
  },
): Promise<ServedBackflow> {
  const { node, requester, policy, dataset } = options;
  if (!policy?.catalog) {
    throw new PlatformRejection(
      404,
      'unknown-dataset',
      `dataset ${dataset}: not in the catalog of node ${node.id}`,
      { dataset },
    );
  }
  if (policy.catalog.shareType === 'none') {
    throw new PlatformRejection(
      403,
      'not-shared',
      `dataset ${dataset}: catalogued as not shared (不予共享); nothing is returned`,
      { dataset },
    );
  }
  const child = node.platform.children.find((c) => c.id === requester);
  const level = child?.level ?? levelOfCode(requester);
  const entitlement = node.platform.entitlements[dataset];
  const entitled = new Set(entitlement?.levels[level] ?? shareableColumns(policy.catalog));
  if (policy.keyColumn) entitled.add(policy.keyColumn);
  const requested = options.columns.length > 0 ? [...new Set(options.columns)] : [...entitled];
  const refused = requested.filter((c) => !entitled.has(c));
  if (refused.length > 0) {
    throw new PlatformRejection(
      403,
      'not-entitled',
      `dataset ${dataset}: a ${level} node may not receive columns ${refused
        .slice(0, 10)
        .map((c) => JSON.stringify(c.slice(0, 40)))
        .join(
          ', ',
        )} (entitled: ${[...entitled].join(', ')}). Fix: request only entitled columns, or have node ${node.id} extend platform.entitlements.${dataset}.levels.${level}`,
      { dataset },
    );
  }
  const columns =
    policy.keyColumn && !requested.includes(policy.keyColumn) ? [policy.keyColumn, ...requested] : requested;
  const rule = jurisdictionOf(policy, entitlement?.divisionColumn);
  if (!rule) {
    throw new PlatformRejection(
      409,
      'no-jurisdiction',
      `dataset ${dataset}: node ${node.id}'s catalog declares no jurisdiction, so its rows cannot be limited to node ${requester}'s division. Fix: declare jurisdiction: { column: "<division code item>" } in the catalog entry (or { fromKey: true } where the key's digits are what the data means)`,
      { dataset },
    );
  }
  await options.authorize?.({ requester, level, dataset, columns, purpose: options.purpose });
  const prefix = divisionPrefix(requester);
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
       FROM ${table.sql} WHERE starts_with(${rule.sql}, '${prefix}')${own ? '' : ` AND _origin_node <> '${requester}'`}`,
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
  const header: BackflowHeader = {
    v: 2,
    dataset,
    from: node.id,
    to: requester,
    prefix,
    columns,
    purpose: options.purpose,
  };
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, `backflow-${process.pid}-${++serial}.parquet`);
  const out = [...columns, '_origin_node'].map((c) => q(c)).join(', ');
  const rows = await writeChunkFile(
    wh,
    `SELECT ${out} FROM (${sources.join(' UNION ALL BY NAME ')}) ORDER BY ALL`,
    file,
    header,
  );
  const contentHash = await fileSm3(file);
  await appendAudit(wh, node.id, {
    action: 'backflow-served',
    peer: requester,
    dataset,
    columns,
    rows,
    contentHash,
    purpose: options.purpose,
    details: { prefix, level, jurisdiction: rule.declared },
  });
  return { file, rows, columns, contentHash };
}
