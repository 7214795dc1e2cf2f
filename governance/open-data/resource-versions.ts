/**
 * The versions of open resources (第二十四条): reads and writes of the resource-versions table (the table:
 * warehouse/system/open-data.ts). A version is recorded once its files are complete and `latest` points to it;
 * the version it replaced becomes `superseded` in the same transaction and its files stay where they are.
 */
import { RESOURCE_VERSIONS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow } from '../row-writes.ts';

const TABLE = RESOURCE_VERSIONS_TABLE;

/**
 * The state of a resource version: `live` (where `latest` points), `superseded` (replaced by a newer live one,
 * its files kept), `suspended` (taken out after an objection, 第三十条), `offline` (taken offline by `gongshu open
 * offline`: its files removed), `retired` (the newest version of a resource taken offline as a whole).
 */
export type ResourceVersionStatus = 'live' | 'superseded' | 'suspended' | 'offline' | 'retired';

/** Statuses whose files are gone. */
export const OFFLINE_STATUSES: readonly ResourceVersionStatus[] = ['offline', 'retired'];

/** One file of a version. */
export interface ResourceFile {
  readonly name: string;
  readonly sm3: string;
  readonly bytes: number;
}

/** A consumer told of a new version. */
export interface ResourceConsumer {
  readonly node: string;
  readonly department: string;
}

/** One version of an open resource. */
export interface ResourceVersion {
  readonly code: string;
  readonly version: number;
  readonly dataset: string;
  readonly catalogVersion: number;
  readonly format: string;
  readonly dir: string;
  readonly rows: number;
  readonly files: readonly ResourceFile[];
  readonly status: ResourceVersionStatus;
  readonly liveFrom: string;
  readonly offlineAt: string | null;
  readonly consumers: readonly ResourceConsumer[];
  readonly notifiedAt: string | null;
  /** When `gongshu open offline` removed its files (null while they are kept). */
  readonly removedAt: string | null;
}

function fromRow(r: Record<string, unknown>): ResourceVersion {
  return {
    code: String(r.code),
    version: Number(r.version),
    dataset: String(r.dataset),
    catalogVersion: Number(r.catalog_version),
    format: String(r.format),
    dir: String(r.dir),
    rows: Number(r.rows),
    files: JSON.parse(String(r.files)) as ResourceFile[],
    status: String(r.status) as ResourceVersionStatus,
    liveFrom: String(r.live_from),
    offlineAt: r.offline_at === null ? null : String(r.offline_at),
    consumers: JSON.parse(String(r.consumers)) as ResourceConsumer[],
    notifiedAt: r.notified_at === null ? null : String(r.notified_at),
    removedAt: r.removed_at === null || r.removed_at === undefined ? null : String(r.removed_at),
  };
}

/** Versions, newest first, optionally of one code. */
export async function listResourceVersions(wh: Warehouse, code?: string): Promise<ResourceVersion[]> {
  const rows = await wh.all(
    `SELECT * FROM ${TABLE} ${code ? 'WHERE code = $1' : ''} ORDER BY code, version DESC`,
    code ? [code] : [],
  );
  return rows.map(fromRow);
}

/** The highest version number recorded for a code (0 when none). */
export async function lastVersionNumber(wh: Warehouse, code: string): Promise<number> {
  return Number((await wh.value<number>(`SELECT max(version) FROM ${TABLE} WHERE code = $1`, [code])) ?? 0);
}

/** Records a new live version; the live one before it becomes superseded (call inside a transaction). */
export async function recordLiveVersion(wh: Warehouse, v: Omit<ResourceVersion, 'removedAt'>): Promise<void> {
  await wh.run(
    `UPDATE ${TABLE} SET status = 'superseded', offline_at = $1 WHERE code = $2 AND status = 'live'`,
    [v.liveFrom, v.code],
  );
  await insertRow(wh, TABLE, {
    code: v.code,
    version: v.version,
    dataset: v.dataset,
    catalog_version: v.catalogVersion,
    format: v.format,
    dir: v.dir,
    rows: v.rows,
    files: v.files,
    status: v.status,
    live_from: v.liveFrom,
    offline_at: v.offlineAt,
    consumers: v.consumers,
    notified_at: v.notifiedAt,
  });
}

/** Marks the live versions of a dataset suspended (第三十条 中止开放); returns them. */
export async function suspendLiveVersions(
  wh: Warehouse,
  dataset: string,
  at: string,
): Promise<ResourceVersion[]> {
  const live = (await wh.all(`SELECT * FROM ${TABLE} WHERE dataset = $1 AND status = 'live'`, [dataset])).map(
    fromRow,
  );
  await wh.run(
    `UPDATE ${TABLE} SET status = 'suspended', offline_at = $1 WHERE dataset = $2 AND status = 'live'`,
    [at, dataset],
  );
  return live;
}

/**
 * Marks versions of a code offline (or the newest `retired`): their files are to be removed by the caller. A
 * version that was live stops being live now (`offline_at`); the others keep the time they stopped being live.
 */
export async function markVersionsOffline(
  wh: Warehouse,
  code: string,
  changes: readonly { version: number; status: 'offline' | 'retired' }[],
  at: string,
): Promise<void> {
  for (const c of changes) {
    await wh.run(
      `UPDATE ${TABLE} SET status = $1, removed_at = $2, offline_at = coalesce(offline_at, $2)
       WHERE code = $3 AND version = $4`,
      [c.status, at, code, c.version],
    );
  }
}
