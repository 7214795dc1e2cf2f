import { divisionPrefix, levelOfCode, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { type DatasetPolicy, divisionSql, shareableColumns } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';
import { RECEIVED_SCHEMA } from '../push/receive.ts';
import { sm3 } from '../transport/signing.ts';
import { encodeChunk, type WireColumn } from '../transport/wire.ts';

/** The header of a backflow answer. */
export interface BackflowHeader {
  readonly v: 1;
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

/** What an authorizer is asked. */
export interface BackflowAsk {
  readonly requester: string;
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly purpose: string;
  /** The grant the requester names (`?grant=`), if any. */
  readonly grant: string | null;
  readonly policy: DatasetPolicy;
}

/** Decides what a backflow may return (see `BackflowAuthorization`). */
export type BackflowAuthorizer = (ask: BackflowAsk) => Promise<BackflowAuthorization>;

/** A served backflow: the Arrow body and what it holds. */
export interface ServedBackflow {
  readonly body: Buffer;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly contentHash: string;
}

/**
 * Serves 回流 (第二十一条): rows of `dataset` under the requesting child's division prefix (from this node's own
 * table and what it received from other children, excluding rows that came from the requester itself), with
 * only the requested columns the child's level is entitled to (configured per dataset, default: the key plus
 * the shareable catalog fields). Columns not entitled are refused with 403, not silently dropped.
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
      auth
        ? `dataset ${dataset}: the grant does not cover columns ${refused.join(', ')} (granted: ${[...entitled].join(', ')}). Fix: request only granted columns, or submit a request for the others`
        : `dataset ${dataset}: a ${level} node may not receive columns ${refused.join(', ')} (entitled: ${[...entitled].join(', ')}). Fix: request only entitled columns, or have node ${node.id} extend platform.entitlements.${dataset}.levels.${level}`,
      { dataset, columns: refused },
    );
  }
  const dropped = new Set(auth?.drop ?? []);
  const columns = (
    policy.keyColumn && !auth && !requested.includes(policy.keyColumn)
      ? [policy.keyColumn, ...requested]
      : requested
  ).filter((c) => !dropped.has(c));
  const division = divisionSql(policy, entitlement?.divisionColumn, q);
  if (!division) {
    throw new PlatformRejection(
      409,
      'no-division',
      `dataset ${dataset}: unkeyed and no platform.entitlements.${dataset}.divisionColumn, so rows cannot be limited to a division`,
    );
  }
  const sources: string[] = [];
  const types = new Map<string, string>();
  for (const [schema, table, extra] of [
    ['main', dataset, `, ${'$self'} AS _origin_node`],
    [RECEIVED_SCHEMA, dataset, ''],
  ] as const) {
    const cols = await wh.all<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2',
      [schema, table],
    );
    if (cols.length === 0) continue;
    const have = new Map(cols.map((c) => [c.column_name, c.data_type]));
    const divisionCol = entitlement?.divisionColumn ?? policy.keyColumn!;
    if (!have.has(divisionCol)) continue;
    const select = columns.filter((c) => have.has(c));
    for (const c of select) if (!types.has(c)) types.set(c, have.get(c)!);
    const own = schema === 'main' ? '' : ' AND _origin_node <> $requester';
    sources.push(
      `SELECT ${select.map(q).join(', ')}${schema === 'main' ? extra : ', _origin_node'} FROM ${schema}.${q(table)}
       WHERE starts_with(${division}, $prefix)${own}`,
    );
  }
  const missing = columns.filter((c) => !types.has(c));
  if (sources.length === 0 || missing.length > 0) {
    throw new PlatformRejection(
      404,
      'no-data',
      sources.length === 0
        ? `dataset ${dataset}: node ${node.id} holds no table for it`
        : `dataset ${dataset}: node ${node.id} has no column ${missing.join(', ')}`,
      { dataset },
    );
  }
  const out = [...columns, '_origin_node'];
  const ownPrefix = divisionPrefix(requester);
  const prefix = auth?.divisionPrefix?.startsWith(ownPrefix) ? auth.divisionPrefix : ownPrefix;
  const expression = (c: string) => auth?.columnSql?.[c]?.(q(c)) ?? q(c);
  const rows = await wh.all<Record<string, string | null>>(
    `SELECT ${out.map((c) => `CAST(${expression(c)} AS VARCHAR) AS ${q(c)}`).join(', ')}
     FROM (${sources.join(' UNION ALL BY NAME ')}) ORDER BY ALL`,
    {
      prefix,
      ...(sources.some((s) => s.includes('$self')) ? { self: node.id } : {}),
      ...(sources.some((s) => s.includes('$requester')) ? { requester } : {}),
    },
  );
  for (const [c, fn] of Object.entries(auth?.columnJs ?? {})) {
    if (!columns.includes(c)) continue;
    for (const r of rows) r[c] = fn(r[c] ?? null);
  }
  const changed = (c: string) => auth?.columnSql?.[c] !== undefined || auth?.columnJs?.[c] !== undefined;
  const wire: WireColumn[] = out.map((c) => ({
    name: c,
    type: c === '_origin_node' || changed(c) ? 'VARCHAR' : types.get(c)!,
  }));
  const header: BackflowHeader = {
    v: 1,
    dataset,
    from: node.id,
    to: requester,
    prefix,
    columns,
    purpose: options.purpose,
  };
  const body = encodeChunk(
    header,
    wire,
    out.map((c) => rows.map((r) => r[c] ?? null)),
  );
  const contentHash = sm3(body);
  await appendAudit(wh, node.id, {
    action: 'backflow-served',
    peer: requester,
    dataset,
    columns,
    rows: rows.length,
    contentHash,
    purpose: options.purpose,
    details: { prefix, level, ...auth?.details },
  });
  await auth?.served?.({ rows: rows.length, columns, contentHash });
  return { body, rows: rows.length, columns, contentHash };
}
