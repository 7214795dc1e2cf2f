/**
 * Which source tables hold each key at most once, as the load ledger shows it: a full build reads such a source's
 * rows as its pick directly, without choosing one row per key (an aggregate that was most of a full build's work).
 * The ledger is trusted only as a hint: the build checks that its fresh rows have each key once, and otherwise
 * builds them again choosing a row per key everywhere (`fresh-rows.ts`), so a table changed by hand
 * (`gongshu sql --write`) gives the same foundation, only slower.
 */

import { inList } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { LOADS_TABLE } from '../../warehouse/index.ts';
import type { SourceTable } from './sql.ts';

/** A committed load, as `uniqueSources` reads it. */
type LedgerRow = {
  dataset: string;
  write_mode: string;
  merge_key: string | null;
  rows_loaded: number;
  duplicate_key_rows: number | null;
};

/**
 * The source datasets (by name) whose table holds each value of its key column at most once: its rows come from
 * the last replace load (or the first load) and the loads after it; that first one wrote no key twice
 * (`duplicate_key_rows` = 0) or was a merge on the key column, and every later load that wrote rows was a merge
 * on the key column alone (which deletes the rows of the keys it writes and keeps its last row of each).
 */
export async function uniqueSources(
  wh: Warehouse,
  sources: ReadonlyMap<string, SourceTable>,
): Promise<Set<string>> {
  if (!sources.size) return new Set();
  const rows = await wh.all<LedgerRow>(
    `SELECT dataset, write_mode, CAST(merge_key AS VARCHAR) AS merge_key, rows_loaded, duplicate_key_rows
     FROM ${LOADS_TABLE} WHERE dataset IN ${inList([...sources.keys()])} AND status = 'committed'
     ORDER BY started_at, load_id`,
  );
  const unique = new Set<string>();
  for (const [name, src] of sources) {
    const loads = rows.filter((r) => r.dataset === name);
    const start = loads.findLastIndex((r) => r.write_mode === 'replace');
    const live = loads.slice(Math.max(0, start)).filter((r, i) => i === 0 || r.rows_loaded > 0);
    const onKey = (r: LedgerRow) => r.write_mode === 'merge' && sameColumns(r.merge_key, [src.keyColumn]);
    const first = live[0];
    if (first && (first.duplicate_key_rows === 0 || onKey(first)) && live.slice(1).every(onKey))
      unique.add(name);
  }
  return unique;
}

/** Whether a recorded merge key (a JSON array of columns) is exactly `columns`. */
function sameColumns(json: string | null, columns: readonly string[]): boolean {
  const parsed = json ? (JSON.parse(json) as unknown) : undefined;
  return (
    Array.isArray(parsed) && parsed.length === columns.length && parsed.every((c, i) => c === columns[i])
  );
}
