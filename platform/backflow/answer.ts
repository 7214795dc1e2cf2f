import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  divisionPrefix,
  levelOfCode,
  type NodeLevel,
  quoteIdent as q,
  quoteLiteral,
} from '../../schemas/index.ts';
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

/**
 * What a backflow may return, as the node's grants decide (the governance layer supplies it through
 * `NodeServerOptions.authorizeBackflow`; the platform does not know grants). To refuse, the authorizer throws a
 * `PlatformRejection`.
 */
export interface BackflowAuthorization {
  /** Columns the requester may receive; every requested column must be one of them (the key is not added). */
  readonly columns: readonly string[];
  /** Granted columns left out of the answer (output policy `drop`). */
  readonly drop?: readonly string[];
  /** A division prefix inside the requester's own that the rows are limited to. */
  readonly divisionPrefix?: string | null;
  /** SQL replacing a column (masking, generalising), given the quoted column. */
  readonly columnSql?: Readonly<Record<string, (column: string) => string>>;
  /** JS replacing a column's values (pseudonymising). */
  readonly columnJs?: Readonly<Record<string, (value: string | null) => string | null>>;
  /** Recorded in the audit entry (grant, policy hash, key id). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Called after the answer is built and audited, in the same serial slot (e.g. to log the use). */
  readonly served?: (result: {
    rows: number;
    columns: readonly string[];
    contentHash: string;
  }) => Promise<void>;
}

/** What an authorizer is asked (after the catalog checks, before any row is read). */
export interface BackflowAsk {
  readonly requester: string;
  /** The requester's level (from `platform.children`, else its code). */
  readonly level: NodeLevel;
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly purpose: string;
  /** The grant the requester names (`?grant=`), if any. */
  readonly grant: string | null;
  readonly policy: DatasetPolicy;
}

/** Decides what a backflow may return (see `BackflowAuthorization`). */
export type BackflowAuthorizer = (ask: BackflowAsk) => Promise<BackflowAuthorization>;

/** A served backflow: the Parquet file and what it holds. */
export interface ServedBackflow {
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly contentHash: string;
}

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
    /** The grant the requester names, passed to `authorize`. */
    grant?: string | null;
    /** Grants decide what is served (columns, scope, masking); without it, `platform.entitlements` do. */
    authorize?: BackflowAuthorizer | undefined;
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
  if (policy.catalog.shareType === 'none' && !options.authorize) {
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
  const auth = options.authorize
    ? await options.authorize({
        requester,
        level,
        dataset,
        columns: options.columns,
        purpose: options.purpose,
        grant: options.grant ?? null,
        policy,
      })
    : undefined;
  const entitled = new Set(auth?.columns ?? entitlement?.levels[level] ?? shareableColumns(policy.catalog));
  if (policy.keyColumn && !auth) entitled.add(policy.keyColumn);
  const requested = options.columns.length > 0 ? [...new Set(options.columns)] : [...entitled];
  const refused = requested.filter((c) => !entitled.has(c));
  if (refused.length > 0) {
    throw new PlatformRejection(
      403,
      auth ? 'columns-not-granted' : 'not-entitled',
      `dataset ${dataset}: ${auth ? 'the grant does not cover' : `a ${level} node may not receive`} columns ${refused
        .slice(0, 10)
        .map((c) => JSON.stringify(c.slice(0, 40)))
        .join(', ')} (${auth ? 'granted' : 'entitled'}: ${[...entitled].join(', ')}). Fix: ${
        auth
          ? 'request only granted columns, or submit a request for the others'
          : `request only entitled columns, or have node ${node.id} extend platform.entitlements.${dataset}.levels.${level}`
      }`,
      { dataset },
    );
  }
  const dropped = new Set(auth?.drop ?? []);
  const columns = (
    policy.keyColumn && !auth && !requested.includes(policy.keyColumn)
      ? [policy.keyColumn, ...requested]
      : requested
  ).filter((c) => !dropped.has(c));
  const rule = jurisdictionOf(policy, entitlement?.divisionColumn);
  if (!rule) {
    throw new PlatformRejection(
      409,
      'no-jurisdiction',
      `dataset ${dataset}: node ${node.id}'s catalog declares no jurisdiction, so its rows cannot be limited to node ${requester}'s division. Fix: declare jurisdiction: { column: "<division code item>" } in the catalog entry (or { fromKey: true } where the key's digits are what the data means)`,
      { dataset },
    );
  }
  const ownPrefix = divisionPrefix(requester);
  // A grant may narrow the rows to a division inside the requester's own (never widen them).
  const prefix = auth?.divisionPrefix?.startsWith(ownPrefix) ? auth.divisionPrefix : ownPrefix;
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
  // The output policy of the grant: masking and generalising in SQL; pseudonymising in JS (DuckDB has no SM3)
  // over the distinct values of a column in a temporary table, joined back in SQL, before DuckDB writes the file.
  const expression = (c: string) => {
    const sql = auth?.columnSql?.[c];
    return sql ? `CAST((${sql(q(c))}) AS VARCHAR) AS ${q(c)}` : q(c);
  };
  const out = [...columns, '_origin_node'];
  const select = `SELECT ${out.map(expression).join(', ')} FROM (${sources.join(' UNION ALL BY NAME ')})`;
  const tokens = Object.entries(auth?.columnJs ?? {}).filter(([c]) => columns.includes(c));
  let rows: number;
  if (tokens.length === 0) {
    rows = await writeChunkFile(wh, `${select} ORDER BY ALL`, file, header);
  } else {
    const temp = `backflow_${process.pid}_${serial}`;
    const table = `temp.${q(temp)}`;
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE ${q(temp)} AS SELECT ${out
        .map((c) => (tokens.some(([t]) => t === c) ? `CAST(${q(c)} AS VARCHAR) AS ${q(c)}` : q(c)))
        .join(', ')} FROM (${select})`,
    );
    try {
      for (const [column, token] of tokens) {
        const col = q(column);
        const values = await wh.all<{ v: string }>(
          `SELECT DISTINCT ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL`,
        );
        const map = `${temp}_map`;
        await wh.run(`CREATE OR REPLACE TEMP TABLE ${q(map)} (v VARCHAR, t VARCHAR)`);
        if (values.length > 0)
          await wh.append(
            map,
            values.map((r) => [r.v, token(r.v)]),
            { catalog: 'temp' },
          );
        await wh.run(`UPDATE ${table} SET ${col} = m.t FROM temp.${q(map)} m WHERE ${table}.${col} = m.v`);
        await wh.run(`DROP TABLE temp.${q(map)}`);
      }
      rows = await writeChunkFile(wh, `SELECT * FROM ${table} ORDER BY ALL`, file, header);
    } finally {
      await wh.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }
  const contentHash = await fileSm3(file);
  await appendAudit(wh, node.id, {
    action: 'backflow-served',
    peer: requester,
    dataset,
    columns,
    rows,
    contentHash,
    purpose: options.purpose,
    details: { prefix, level, jurisdiction: rule.declared, ...auth?.details },
  });
  await auth?.served?.({ rows, columns, contentHash });
  return { file, rows, columns, contentHash };
}
