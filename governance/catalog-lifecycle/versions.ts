/**
 * `gongshu.catalog_versions`: every version of every catalog entry (第十条 compiled → reviewed → published),
 * with what changed, what triggered it and by when it had to be published. Its reads and writes (the table: warehouse/system/catalog-lifecycle.ts).
 */
import { type CatalogEntry, defineCatalogEntry } from '../../schemas/index.ts';
import { CATALOG_VERSIONS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow } from '../row-writes.ts';

const TABLE = CATALOG_VERSIONS_TABLE;

/** Status of a catalog version. */
export type CatalogVersionStatus = 'submitted' | 'approved' | 'published' | 'superseded' | 'rejected';

/** What started a catalog change: a law or duty change (15 working days), routine upkeep, a review. */
export type CatalogTriggerKind = 'law' | 'duty' | 'routine' | 'review' | 'initial';

/** A stored version of a catalog entry. */
export interface CatalogVersion {
  readonly code: string;
  readonly version: number;
  readonly dataset: string | null;
  readonly entry: CatalogEntry;
  readonly hash: string;
  readonly changedFields: readonly string[];
  readonly status: CatalogVersionStatus;
  readonly triggerKind: CatalogTriggerKind;
  readonly triggerDate: string | null;
  readonly triggerReference: string | null;
  /** The date (Asia/Shanghai) by which a law/duty change had to be published; null for other triggers. */
  readonly dueDate: string | null;
  readonly registrar: string;
  readonly reviewer: string | null;
  readonly submittedAt: string;
  readonly approvedAt: string | null;
  readonly publishedAt: string | null;
  readonly supersededAt: string | null;
  readonly note: string | null;
}

interface Row {
  code: string;
  version: number;
  dataset: string | null;
  entry: string;
  hash: string;
  changed_fields: string;
  status: CatalogVersionStatus;
  trigger_kind: CatalogTriggerKind;
  trigger_date: string | null;
  trigger_reference: string | null;
  due_date: string | null;
  registrar: string;
  reviewer: string | null;
  submitted_at: string;
  approved_at: string | null;
  published_at: string | null;
  superseded_at: string | null;
  note: string | null;
  [k: string]: unknown;
}

function fromRow(r: Row): CatalogVersion {
  return {
    code: r.code,
    version: Number(r.version),
    dataset: r.dataset,
    entry: defineCatalogEntry(JSON.parse(r.entry)),
    hash: r.hash,
    changedFields: JSON.parse(r.changed_fields) as string[],
    status: r.status,
    triggerKind: r.trigger_kind,
    triggerDate: r.trigger_date,
    triggerReference: r.trigger_reference,
    dueDate: r.due_date,
    registrar: r.registrar,
    reviewer: r.reviewer,
    submittedAt: r.submitted_at,
    approvedAt: r.approved_at,
    publishedAt: r.published_at,
    supersededAt: r.superseded_at,
    note: r.note,
  };
}

/** Versions, oldest first; of one code, or of all. */
export async function listCatalogVersions(wh: Warehouse, code?: string): Promise<CatalogVersion[]> {
  const rows = await wh.all<Row>(
    `SELECT * FROM ${TABLE} ${code === undefined ? '' : 'WHERE code = $1'} ORDER BY code, version`,
    code === undefined ? [] : [code],
  );
  return rows.map(fromRow);
}

/** The newest version of a code, or undefined. */
export async function latestCatalogVersion(wh: Warehouse, code: string): Promise<CatalogVersion | undefined> {
  return (await listCatalogVersions(wh, code)).at(-1);
}

/** The published version of a dataset (by dataset name or resource code), or undefined. */
export async function publishedCatalogVersion(
  wh: Warehouse,
  datasetOrCode: string,
): Promise<CatalogVersion | undefined> {
  const [r] = await wh.all<Row>(
    `SELECT * FROM ${TABLE} WHERE status = 'published' AND (dataset = $1 OR code = $1) ORDER BY version DESC LIMIT 1`,
    [datasetOrCode],
  );
  return r ? fromRow(r) : undefined;
}

/** Stores a new version (the caller's transaction). */
export async function insertCatalogVersion(
  wh: Warehouse,
  v: Omit<CatalogVersion, 'approvedAt' | 'publishedAt' | 'supersededAt' | 'reviewer'>,
): Promise<void> {
  await insertRow(wh, TABLE, {
    code: v.code,
    version: v.version,
    dataset: v.dataset,
    entry: JSON.stringify(v.entry),
    hash: v.hash,
    changed_fields: v.changedFields,
    status: v.status,
    trigger_kind: v.triggerKind,
    trigger_date: v.triggerDate,
    trigger_reference: v.triggerReference,
    due_date: v.dueDate,
    registrar: v.registrar,
    submitted_at: v.submittedAt,
    note: v.note,
  });
}

/** Moves a version to a new status, stamping who and when. */
export async function setCatalogVersionStatus(
  wh: Warehouse,
  code: string,
  version: number,
  status: CatalogVersionStatus,
  stamp: { at: string; by?: string | null },
): Promise<void> {
  const column =
    status === 'approved' || status === 'rejected'
      ? 'approved_at'
      : status === 'published'
        ? 'published_at'
        : 'superseded_at';
  const params: unknown[] = [status, stamp.at, code, version];
  const reviewer = stamp.by && (status === 'approved' || status === 'rejected') ? ', reviewer = $5' : '';
  if (reviewer) params.push(stamp.by);
  await wh.run(
    `UPDATE ${TABLE} SET status = $1, ${column} = $2${reviewer} WHERE code = $3 AND version = $4`,
    params,
  );
}
