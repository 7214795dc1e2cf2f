/**
 * The objections store (第二十三条、第三十条): reads and writes of the objections table (the table:
 * warehouse/system/open-data.ts). A record key is stored as given, to trace the record; every view of it is
 * masked.
 */
import { maskCitizenId, maskUscc } from '../../schemas/index.ts';
import { OBJECTIONS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow, updateRow } from '../row-writes.ts';

const TABLE = OBJECTIONS_TABLE;

/** Where an objection came from. */
export const OBJECTION_CHANNELS = ['share', 'open'] as const;
/** What an objection claims. */
export const OBJECTION_TYPES = ['error', 'objection', 'infringement', 'leak'] as const;
/**
 * The provider's answer after verifying (第三十条): `corrected` the error was confirmed and the record corrected;
 * `confirmed` the error was confirmed (correction pending); `continued` the record was verified as right and stays
 * open (继续开放); `withdrawn` the data was withdrawn (数据撤回); `suspended` its opening was suspended (中止开放).
 * Corrected and confirmed count against the provider's accuracy; withdrawn and suspended take the resource out
 * of the open export and API until a later `corrected` (依法处理后开放).
 */
export const OBJECTION_OUTCOMES = ['corrected', 'confirmed', 'continued', 'withdrawn', 'suspended'] as const;
/** An outcome. */
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number];
/** The status of an objection: open until resolved, then its outcome. */
export type ObjectionStatus = 'open' | ObjectionOutcome;
/** Outcomes that count as a confirmed error of the provider. */
export const CONFIRMED_ERROR_OUTCOMES: readonly ObjectionOutcome[] = ['corrected', 'confirmed'];
/** Outcomes that take the resource out of the open export and API. */
export const SUSPENDING_OUTCOMES: readonly ObjectionOutcome[] = ['withdrawn', 'suspended'];

/** One objection. */
export interface Objection {
  readonly id: string;
  readonly raisedAt: string;
  readonly channel: (typeof OBJECTION_CHANNELS)[number];
  readonly type: (typeof OBJECTION_TYPES)[number];
  readonly submitter: string;
  readonly submitterDepartment: string | null;
  readonly dataset: string;
  readonly catalogCode: string | null;
  readonly resourceVersion: number | null;
  readonly providerDepartment: string | null;
  /** The record's key as given; show it with `maskedKey`. */
  readonly recordKey: string;
  readonly columns: readonly string[];
  readonly claim: string;
  readonly evidence: string | null;
  readonly status: ObjectionStatus;
  readonly dueAt: string;
  readonly dueDate: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly note: string | null;
  readonly correctionLoadId: string | null;
  readonly feedbackAt: string | null;
  readonly updatedAt: string;
}

/** A record key as shown anywhere: an 18-character identity number or USCC masked, other keys partly hidden. */
export function maskedKey(key: string): string {
  if (/^\d{17}[\dX]$/i.test(key)) return maskCitizenId(key);
  if (key.length === 18) return maskUscc(key);
  return key.length <= 2 ? '*'.repeat(key.length) : `${key[0]}${'*'.repeat(key.length - 2)}${key.at(-1)}`;
}

/** Free text as shown: any 18-character identity-number-like run masked. */
export function redactIds(text: string): string {
  return text.replace(/\d{17}[\dXx]|\d{15}/g, (m) =>
    m.length === 18 ? maskCitizenId(m) : '*'.repeat(m.length),
  );
}

function fromRow(r: Record<string, unknown>): Objection {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: String(r.id),
    raisedAt: String(r.raised_at),
    channel: String(r.channel) as Objection['channel'],
    type: String(r.type) as Objection['type'],
    submitter: String(r.submitter),
    submitterDepartment: s('submitter_department'),
    dataset: String(r.dataset),
    catalogCode: s('catalog_code'),
    resourceVersion: r.resource_version === null ? null : Number(r.resource_version),
    providerDepartment: s('provider_department'),
    recordKey: String(r.record_key),
    columns: JSON.parse(String(r.columns)) as string[],
    claim: String(r.claim),
    evidence: s('evidence'),
    status: String(r.status) as ObjectionStatus,
    dueAt: String(r.due_at),
    dueDate: String(r.due_date),
    resolvedAt: s('resolved_at'),
    resolvedBy: s('resolved_by'),
    note: s('note'),
    correctionLoadId: s('correction_load_id'),
    feedbackAt: s('feedback_at'),
    updatedAt: String(r.updated_at),
  };
}

/** One objection, or undefined. */
export async function getObjection(wh: Warehouse, id: string): Promise<Objection | undefined> {
  const [r] = await wh.all(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  return r ? fromRow(r) : undefined;
}

/** Objections, newest first, optionally of one dataset or status. */
export async function listObjections(
  wh: Warehouse,
  filter: { dataset?: string; status?: ObjectionStatus } = {},
): Promise<Objection[]> {
  const where = [
    ...(filter.dataset ? ['dataset = $dataset'] : []),
    ...(filter.status ? ['status = $status'] : []),
  ];
  const rows = await wh.all(
    `SELECT * FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC`,
    {
      ...(filter.dataset ? { dataset: filter.dataset } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    },
  );
  return rows.map(fromRow);
}

/** Stores a new objection. */
export async function insertObjection(wh: Warehouse, o: Objection): Promise<void> {
  await insertRow(wh, TABLE, {
    id: o.id,
    raised_at: o.raisedAt,
    channel: o.channel,
    type: o.type,
    submitter: o.submitter,
    submitter_department: o.submitterDepartment,
    dataset: o.dataset,
    catalog_code: o.catalogCode,
    resource_version: o.resourceVersion,
    provider_department: o.providerDepartment,
    record_key: o.recordKey,
    columns: o.columns,
    claim: o.claim,
    evidence: o.evidence,
    status: o.status,
    due_at: o.dueAt,
    due_date: o.dueDate,
    resolved_at: o.resolvedAt,
    resolved_by: o.resolvedBy,
    note: o.note,
    correction_load_id: o.correctionLoadId,
    feedback_at: o.feedbackAt,
    updated_at: o.updatedAt,
  });
}

/** Records the outcome of an objection. */
export async function resolveObjectionRow(
  wh: Warehouse,
  id: string,
  set: { status: ObjectionOutcome; resolvedAt: string; resolvedBy: string; note: string },
): Promise<void> {
  await updateRow(wh, TABLE, 'id', id, {
    status: set.status,
    resolved_at: set.resolvedAt,
    resolved_by: set.resolvedBy,
    note: set.note,
    feedback_at: set.resolvedAt,
    updated_at: set.resolvedAt,
  });
}

/** The datasets whose open resource is suspended: their latest resolved objection withdrew or suspended it. */
export async function suspendedDatasets(wh: Warehouse): Promise<Set<string>> {
  const rows = await wh.all<{ dataset: string; status: string }>(
    `SELECT dataset, arg_max(status, resolved_at) AS status FROM ${TABLE}
      WHERE resolved_at IS NOT NULL AND status IN ('withdrawn', 'suspended', 'corrected')
      GROUP BY dataset`,
  );
  return new Set(
    rows.filter((r) => r.status === 'withdrawn' || r.status === 'suspended').map((r) => r.dataset),
  );
}
