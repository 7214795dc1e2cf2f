/**
 * `gongshu.usage`: the log of data provided and obtained (第十五条: 应用场景、使用效果、用途、存储、销毁), kept at least
 * three years. Each entry's SM3 hash is carried by an audit-chain entry, so an edited entry is detected.
 * Its reads and writes (the table: warehouse/system/usage.ts).
 */
import { USAGE_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow, updateRow } from '../row-writes.ts';

const TABLE = USAGE_TABLE;

/** What a usage entry records. */
export type UsageKind =
  | 'ingest' // data obtained from a department (a load)
  | 'export' // a file written for a granted request (share export)
  | 'open-export' // an open resource version written (open export, 第二十四条)
  | 'sql-read' // a local SQL read of the warehouse
  | 'backflow-served' // rows returned to a lower node under a grant
  | 'backflow-received' // rows received from the parent under a grant
  | 'destruction'; // tables dropped (销毁)

/** A usage entry. The fields up to `contentHash` are hashed; `effect` is filled later and checked separately. */
export interface UsageEntry {
  readonly id: string;
  readonly at: string;
  readonly kind: UsageKind;
  readonly dataset: string | null;
  readonly department: string | null;
  readonly operator: string;
  readonly grantId: string | null;
  readonly requestId: string | null;
  /** 应用场景. */
  readonly scenario: string | null;
  /** 用途 / how the data is processed. */
  readonly intendedUse: string | null;
  /** Where the data is stored (table, file, folder). */
  readonly storage: string | null;
  /** How it is protected where stored. */
  readonly encryption: string | null;
  readonly rows: number | null;
  /** SM3 of the query text of a SQL read. */
  readonly queryHash: string | null;
  /** SM3 of the bytes delivered. */
  readonly contentHash: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
  /** The audit-chain entry carrying this entry's hash. */
  readonly auditSeq: number;
  readonly hash: string;
  /** 使用效果, filled later by `gongshu usage effect`. */
  readonly effect: string | null;
  readonly effectAt: string | null;
  readonly effectBy: string | null;
}

function fromRow(r: Record<string, unknown>): UsageEntry {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: String(r.id),
    at: String(r.used_at),
    kind: String(r.kind) as UsageKind,
    dataset: s('dataset'),
    department: s('department'),
    operator: String(r.operator),
    grantId: s('grant_id'),
    requestId: s('request_id'),
    scenario: s('scenario'),
    intendedUse: s('intended_use'),
    storage: s('storage'),
    encryption: s('encryption'),
    rows: r.rows === null || r.rows === undefined ? null : Number(r.rows),
    queryHash: s('query_hash'),
    contentHash: s('content_hash'),
    details: r.details ? (JSON.parse(String(r.details)) as Record<string, unknown>) : null,
    auditSeq: Number(r.audit_seq),
    hash: String(r.hash),
    effect: s('effect'),
    effectAt: s('effect_at'),
    effectBy: s('effect_by'),
  };
}

/** Usage entries, oldest first. */
export async function listUsageEntries(
  wh: Warehouse,
  filter: { dataset?: string | undefined; kind?: UsageKind | undefined } = {},
): Promise<UsageEntry[]> {
  const where = [...(filter.dataset ? ['dataset = $dataset'] : []), ...(filter.kind ? ['kind = $kind'] : [])];
  const rows = await wh.all(
    `SELECT * FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY used_at, id`,
    { ...(filter.dataset ? { dataset: filter.dataset } : {}), ...(filter.kind ? { kind: filter.kind } : {}) },
  );
  return rows.map(fromRow);
}

/** One entry, or undefined. */
export async function getUsageEntry(wh: Warehouse, id: string): Promise<UsageEntry | undefined> {
  const [r] = await wh.all(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  return r ? fromRow(r) : undefined;
}

/** Stores an entry. */
export async function insertUsageEntry(wh: Warehouse, e: UsageEntry): Promise<void> {
  await insertRow(wh, TABLE, {
    id: e.id,
    used_at: e.at,
    kind: e.kind,
    dataset: e.dataset,
    department: e.department,
    operator: e.operator,
    grant_id: e.grantId,
    request_id: e.requestId,
    scenario: e.scenario,
    intended_use: e.intendedUse,
    storage: e.storage,
    encryption: e.encryption,
    rows: e.rows,
    query_hash: e.queryHash,
    content_hash: e.contentHash,
    details: e.details,
    audit_seq: e.auditSeq,
    hash: e.hash,
    effect: e.effect,
    effect_at: e.effectAt,
    effect_by: e.effectBy,
  });
}

/** Records the effect (使用效果) of an entry. */
export async function setUsageEffect(
  wh: Warehouse,
  id: string,
  effect: { text: string; at: string; by: string },
): Promise<void> {
  await updateRow(wh, TABLE, 'id', id, { effect: effect.text, effect_at: effect.at, effect_by: effect.by });
}
