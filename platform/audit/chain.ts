import type { Warehouse } from '../../warehouse/index.ts';
import { AUDIT_TABLE, META_TABLE } from '../../warehouse/index.ts';
import { sm3 } from '../transport/signing.ts';

/** What the audit records of one transfer (数据提供和获取日志, 第十五条; 全流程审计, 第三十六、三十八条). */
export interface AuditInput {
  /**
   * `push-sent` | `push-received` | `push-dead-letter` | `push-retried` | `push-abandoned` | `backflow-served` |
   * `backflow-received` | `rejected` (a refused request). Text values are cut to `AUDIT_TEXT_MAX` characters.
   */
  readonly action: string;
  /** The other node. */
  readonly peer?: string | null;
  readonly dataset?: string | null;
  readonly columns?: readonly string[] | null;
  readonly rows?: number | null;
  /** SM3 of the transferred bytes (the Parquet chunk or answer). */
  readonly contentHash?: string | null;
  readonly purpose?: string | null;
  readonly batch?: string | null;
  readonly chunk?: number | null;
  readonly details?: Readonly<Record<string, unknown>> | null;
}

/** A stored audit entry. */
export interface AuditEntry extends Record<string, unknown> {
  seq: number;
  recorded_at: string;
  node: string;
  action: string;
  peer: string | null;
  dataset: string | null;
  columns: string | null;
  rows: number | null;
  content_hash: string | null;
  purpose: string | null;
  batch: string | null;
  chunk: number | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** Longest text an audit field keeps (values from other nodes are cut to it, marked with "…"). */
export const AUDIT_TEXT_MAX = 500;

/** Text cut to `max` characters (the last one "…"). */
export function cutText(text: string, max = AUDIT_TEXT_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const cutOrNull = (text: string | null | undefined, max = AUDIT_TEXT_MAX): string | null =>
  text === undefined || text === null ? null : cutText(text, max);

/** Details cut for the audit: at most 20 keys, text values and keys cut, nested values as cut JSON text. */
function boundedDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details).slice(0, 20)) {
    const key = cutText(k, 64);
    if (typeof v === 'string') out[key] = cutText(v);
    else if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) out[key] = v;
    else out[key] = cutText(canonicalJson(v));
  }
  return out;
}

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

const HEAD_KEY = 'audit_head';

/** Canonical JSON: object keys sorted, no spaces. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The hash of an entry: SM3 over the previous hash and the canonical JSON of the entry (without hashes). */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const { prev_hash, ...body } = e;
  return sm3(prev_hash + canonicalJson(body));
}

/**
 * Appends an entry to the hash chain and moves the head anchor (`gongshu.meta.audit_head`), inside the
 * caller's transaction if there is one (so the entry commits with the transfer it records).
 */
export async function appendAudit(
  wh: Warehouse,
  node: string,
  input: AuditInput,
  at = new Date(),
): Promise<AuditEntry> {
  return wh.transaction(async () => {
    const [last] = await wh.all<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM ${AUDIT_TABLE} ORDER BY seq DESC LIMIT 1`,
    );
    const base = {
      seq: (last?.seq ?? 0) + 1,
      recorded_at: at.toISOString(),
      node,
      action: cutText(input.action, 64),
      peer: cutOrNull(input.peer, 32),
      dataset: cutOrNull(input.dataset, 128),
      columns: input.columns ? JSON.stringify(input.columns.slice(0, 500).map((c) => cutText(c, 128))) : null,
      rows: input.rows ?? null,
      content_hash: cutOrNull(input.contentHash, 64),
      purpose: cutOrNull(input.purpose),
      batch: cutOrNull(input.batch, 128),
      chunk: input.chunk ?? null,
      details: input.details ? canonicalJson(boundedDetails(input.details)) : null,
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const entry: AuditEntry = { ...base, hash: entryHash(base) };
    // NULLs are written as literals: the DuckDB binding cannot type a bare null parameter.
    const values: unknown[] = [
      entry.seq,
      entry.recorded_at,
      entry.node,
      entry.action,
      entry.peer,
      entry.dataset,
      entry.columns,
      entry.rows,
      entry.content_hash,
      entry.purpose,
      entry.batch,
      entry.chunk,
      entry.details,
      entry.prev_hash,
      entry.hash,
    ];
    const params: unknown[] = [];
    const sql = values.map((v) => (v === null ? 'NULL' : `$${params.push(v)}`)).join(', ');
    await wh.run(`INSERT INTO ${AUDIT_TABLE} VALUES (${sql})`, params);
    await wh.run(
      `INSERT INTO ${META_TABLE} VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [HEAD_KEY, `${entry.seq}:${entry.hash}`],
    );
    return entry;
  });
}

/** The newest entry of the chain as `seq:hash` (what a push carries to the parent), or undefined when empty. */
export async function auditHead(wh: Warehouse): Promise<string | undefined> {
  const [last] = await wh.all<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM ${AUDIT_TABLE} ORDER BY seq DESC LIMIT 1`,
  );
  return last ? `${last.seq}:${last.hash}` : undefined;
}

/** The recorded head of the chain (`<seq>:<hash>` of the newest entry), or null before the first entry. */
export async function readAuditHead(wh: Warehouse): Promise<string | null> {
  return (await wh.value<string>(`SELECT value FROM ${META_TABLE} WHERE key = $1`, [HEAD_KEY])) ?? null;
}

/** Audit entries, oldest first, optionally filtered. */
export async function listAudit(
  wh: Warehouse,
  filter: { dataset?: string; action?: string; peer?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const where = [
    ...(filter.dataset ? ['dataset = $dataset'] : []),
    ...(filter.action ? ['action = $action'] : []),
    ...(filter.peer ? ['peer = $peer'] : []),
  ];
  const params = {
    ...(filter.dataset ? { dataset: filter.dataset } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.peer ? { peer: filter.peer } : {}),
  };
  const rows = await wh.all<AuditEntry>(
    `SELECT * FROM (SELECT * FROM ${AUDIT_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC ${filter.limit ? `LIMIT ${Math.floor(filter.limit)}` : ''}) ORDER BY seq`,
    params,
  );
  return rows.map(normalizeEntry);
}

function normalizeEntry(r: AuditEntry): AuditEntry {
  return { ...r, seq: Number(r.seq), rows: r.rows === null ? null : Number(r.rows) };
}

/** A problem `verifyAudit` found. */
export interface AuditProblem {
  readonly seq: number | null;
  readonly problem: 'edited' | 'deleted' | 'broken-link' | 'truncated' | 'missing-head' | 'rewritten';
  readonly message: string;
}

/** The outcome of verifying the audit chain. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: string | null;
  readonly problems: readonly AuditProblem[];
}

/** Where the live chain starts when older entries were archived and deleted: its first seq and that entry's prev_hash. */
export interface AuditStart {
  readonly seq: number;
  readonly prevHash: string;
}

/**
 * Verifies the chain: every entry's hash recomputes, every `prev_hash` is the previous entry's hash, sequence
 * numbers have no gaps, and the last entry is the recorded head (so deleting the newest entries shows too).
 * `start` says where the live chain begins after archived entries were deleted (default: entry 1 after genesis);
 * the archive's verifier supplies it from the last archived entry.
 */
export async function verifyAudit(
  wh: Warehouse,
  options: { start?: AuditStart } = {},
): Promise<AuditVerification> {
  const rows = (await wh.all<AuditEntry>(`SELECT * FROM ${AUDIT_TABLE} ORDER BY seq`)).map(normalizeEntry);
  const problems: AuditProblem[] = [];
  let prev = options.start?.prevHash ?? GENESIS_HASH;
  let expected = options.start?.seq ?? 1;
  for (const r of rows) {
    if (r.seq !== expected) {
      problems.push({
        seq: r.seq,
        problem: 'deleted',
        message: `entries ${expected}…${r.seq - 1} are missing (deleted) before entry ${r.seq}`,
      });
    }
    const { hash, ...body } = r;
    if (entryHash(body) !== hash) {
      problems.push({
        seq: r.seq,
        problem: 'edited',
        message: `entry ${r.seq} (${r.action} ${r.dataset ?? ''}) does not match its hash: it was edited`,
      });
    }
    if (r.prev_hash !== prev) {
      problems.push({
        seq: r.seq,
        problem: 'broken-link',
        message: `entry ${r.seq} does not link to the entry before it (prev_hash differs)`,
      });
    }
    prev = hash;
    expected = r.seq + 1;
  }
  const head = await wh.value<string>(`SELECT value FROM ${META_TABLE} WHERE key = $1`, [HEAD_KEY]);
  const last = rows.at(-1);
  if (head && (!last || head !== `${last.seq}:${last.hash}`)) {
    const headSeq = Number(head.split(':')[0]);
    problems.push({
      seq: last?.seq ?? null,
      problem: last && headSeq === last.seq ? 'edited' : 'truncated',
      message: `the recorded head is entry ${head.split(':')[0]} but the chain ends at ${last ? `entry ${last.seq}` : 'nothing'}: newest entries were deleted or altered`,
    });
  }
  if (!head && rows.length > 0) {
    problems.push({ seq: null, problem: 'missing-head', message: 'the audit head anchor is missing' });
  }
  return { ok: problems.length === 0, entries: rows.length, head: head ?? null, problems };
}

/**
 * Deletes archived entries: those with `seq <= throughSeq` recorded before `recordedBefore` (ISO UTC). Only the
 * archive (governance) calls it, after the entries were written to a verified segment; the newest entry (the
 * head) is never deleted. Returns how many were deleted.
 */
export async function deleteArchivedAudit(
  wh: Warehouse,
  options: { throughSeq: number; recordedBefore: string },
): Promise<number> {
  return wh.transaction(async () => {
    const head = (await wh.value<number>(`SELECT max(seq) FROM ${AUDIT_TABLE}`)) ?? 0;
    const through = Math.min(options.throughSeq, Number(head) - 1);
    const n = await wh.value<number>(
      `SELECT count(*) FROM ${AUDIT_TABLE} WHERE seq <= $1 AND recorded_at < $2`,
      [through, options.recordedBefore],
    );
    await wh.run(`DELETE FROM ${AUDIT_TABLE} WHERE seq <= $1 AND recorded_at < $2`, [
      through,
      options.recordedBefore,
    ]);
    return Number(n ?? 0);
  });
}
