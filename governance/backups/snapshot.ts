/**
 * What a snapshot holds: the row count of every table (system tables too) and the audit head, read in the same
 * quiet moment as the files are copied, and the files themselves: the DuckDB file (checkpointed, so its
 * write-ahead log is empty), a leftover WAL if DuckDB kept one, and the push outbox files of pending batches.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditHead } from '../../platform/index.ts';
import { quoteIdent } from '../../schemas/index.ts';
import { SCHEMA_VERSION, type Warehouse } from '../../warehouse/index.ts';

/** A table and its row count. */
export interface TableCount {
  readonly schema: string;
  readonly name: string;
  readonly rows: number;
}

/** Facts of a warehouse recorded in the manifest. */
export interface SnapshotFacts {
  readonly schemaVersion: number;
  readonly tables: TableCount[];
  readonly auditHead: string | null;
}

/** Every table of the warehouse's own database (not temporary ones) with its row count, by schema and name. */
export async function tableCounts(wh: Warehouse): Promise<TableCount[]> {
  const tables = await wh.all<{ s: string; t: string }>(
    `SELECT schema_name AS s, table_name AS t FROM duckdb_tables()
     WHERE database_name = current_database() AND NOT temporary ORDER BY 1, 2`,
  );
  if (tables.length === 0) return [];
  const counts: TableCount[] = [];
  // One query per 200 tables: DuckDB answers count(*) from metadata.
  for (let i = 0; i < tables.length; i += 200) {
    const part = tables.slice(i, i + 200);
    const rows = await wh.all<{ i: number; n: number }>(
      part
        .map((t, j) => `SELECT ${i + j} AS i, count(*) AS n FROM ${quoteIdent(t.s)}.${quoteIdent(t.t)}`)
        .join(' UNION ALL '),
    );
    const byIndex = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
    part.forEach((t, j) => {
      counts.push({ schema: t.s, name: t.t, rows: byIndex.get(i + j) ?? 0 });
    });
  }
  return counts;
}

/** Checkpoints the warehouse and reads the facts of the snapshot (the caller holds the writer). */
export async function snapshotFacts(wh: Warehouse): Promise<SnapshotFacts> {
  await wh.run('CHECKPOINT');
  return { schemaVersion: SCHEMA_VERSION, tables: await tableCounts(wh), auditHead: await readAuditHead(wh) };
}

/** A file of the snapshot: its name in the archive and where it is now. */
export interface SnapshotFile {
  readonly name: string;
  readonly source: string;
}

/** Names in the archive: the DuckDB file, its WAL, and the outbox files. */
export const ARCHIVE_NAMES = {
  warehouse: 'warehouse.duckdb',
  wal: 'warehouse.duckdb.wal',
  outbox: 'outbox/',
} as const;

/** The files of a warehouse to back up. */
export function snapshotFiles(warehousePath: string): SnapshotFile[] {
  const files: SnapshotFile[] = [{ name: ARCHIVE_NAMES.warehouse, source: warehousePath }];
  const wal = `${warehousePath}.wal`;
  if (existsSync(wal) && statSync(wal).size > 0) files.push({ name: ARCHIVE_NAMES.wal, source: wal });
  const outbox = `${warehousePath}.outbox`;
  if (existsSync(outbox)) {
    for (const f of readdirSync(outbox).sort()) {
      if (statSync(join(outbox, f)).isFile())
        files.push({ name: `${ARCHIVE_NAMES.outbox}${f}`, source: join(outbox, f) });
    }
  }
  return files;
}

/** Where a file of the archive goes when restoring a warehouse to `target` (a .duckdb path); null when unknown. */
export function restoredPath(target: string, name: string): string | null {
  if (name === ARCHIVE_NAMES.warehouse) return target;
  if (name === ARCHIVE_NAMES.wal) return `${target}.wal`;
  if (name.startsWith(ARCHIVE_NAMES.outbox)) {
    const f = name.slice(ARCHIVE_NAMES.outbox.length);
    return f && !f.includes('/') ? join(`${target}.outbox`, f) : null;
  }
  return null;
}
