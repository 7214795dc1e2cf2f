/** Reads what a run needs from the system tables: datasets, loads, quarantine, columns, code tables. */

import type { CatalogEntry } from '../schemas/index.ts';
import { inList, locationOrder } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import {
  CODE_TABLES_TABLE,
  DATASETS_TABLE,
  LOADS_TABLE,
  QUARANTINE_CURRENT_VIEW,
} from '../warehouse/index.ts';
import { BUILT_LAYERS, type BuiltTable, type DatasetInfo, type LoadInfo } from './plan.ts';

/** Counts of the queries a run issued, by kind. */
export interface QueryCounter {
  scans: number;
  joins: number;
  aggregates: number;
  fallback: number;
  samples: number;
  metadata: number;
}

/** A fresh counter. */
export const newCounter = (): QueryCounter => ({
  scans: 0,
  joins: 0,
  aggregates: 0,
  fallback: 0,
  samples: 0,
  metadata: 0,
});

/** Quarantine counts of one reason in the loads assessed, with the first source locations. */
export interface QuarantineReason {
  readonly count: number;
  readonly locations: readonly string[];
}

/** The system-table facts of a run. */
export interface RunFacts {
  readonly datasets: ReadonlyMap<string, DatasetInfo>;
  readonly codeTables: ReadonlyMap<string, readonly string[]>;
  /** All committed loads per dataset, oldest first. */
  readonly loads: ReadonlyMap<string, readonly LoadInfo[]>;
  /** Per dataset → load → reason. */
  readonly quarantine: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, QuarantineReason>>>;
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Reads the facts of a run (5 metadata queries); built tables that exist join the datasets. */
export async function readFacts(
  wh: Warehouse,
  counter: QueryCounter,
  only?: readonly string[],
  built: readonly BuiltTable[] = [],
): Promise<RunFacts> {
  const datasets = await readDatasets(wh, counter);
  const names = only ?? [...datasets.keys()];
  const tables = names.map((n) => datasets.get(n)?.table ?? n);
  const codeTables = await readCodeTables(wh, counter);
  const loads = await readLoads(wh, counter, names);
  const quarantine = await readQuarantine(wh, counter, names);
  const columns = await readColumns(wh, counter, tables, built);
  addBuiltTables(datasets, columns, built);
  return {
    datasets,
    codeTables: new Map([...codeTables].map(([k, v]) => [k, [...v].sort()])),
    loads,
    quarantine,
    columns,
  };
}

/** The registered datasets (`gongshu.datasets`), by name. */
async function readDatasets(wh: Warehouse, counter: QueryCounter): Promise<Map<string, DatasetInfo>> {
  const ds = await wh.all<{
    dataset: string;
    table_name: string;
    key_kind: string | null;
    key_column: string | null;
    catalog: string | null;
  }>(
    `SELECT dataset, table_name, key_kind, key_column, CAST(catalog AS VARCHAR) AS catalog FROM ${DATASETS_TABLE} ORDER BY dataset`,
  );
  counter.metadata++;
  const datasets = new Map<string, DatasetInfo>();
  for (const d of ds) {
    datasets.set(d.dataset, {
      dataset: d.dataset,
      table: d.table_name,
      keyKind: d.key_kind === 'citizen-id' || d.key_kind === 'uscc' ? d.key_kind : null,
      keyColumn: d.key_column,
      catalog: d.catalog ? (JSON.parse(d.catalog) as CatalogEntry) : null,
    });
  }
  return datasets;
}

/** The values each code table accepts: codes and names (zh-CN and en), by code table. */
async function readCodeTables(wh: Warehouse, counter: QueryCounter): Promise<Map<string, Set<string>>> {
  const codes = await wh.all<{ code_table: string; code: string; name_zh: string; name_en: string }>(
    `SELECT code_table, code, name_zh, name_en FROM ${CODE_TABLES_TABLE}`,
  );
  counter.metadata++;
  const codeTables = new Map<string, Set<string>>();
  for (const c of codes) {
    const set = codeTables.get(c.code_table) ?? new Set<string>();
    set.add(c.code).add(c.name_zh).add(c.name_en);
    // Departments write 男/女 for 男性/女性 (GB/T 2261.1 names); accept the short forms and M/F.
    if (c.code_table === 'sex' && (c.code === '1' || c.code === '2')) {
      set.add(c.name_zh.replace(/性$/, '')).add(c.code === '1' ? 'M' : 'F');
    }
    codeTables.set(c.code_table, set);
  }
  return codeTables;
}

/** The committed loads of the datasets, oldest first, by dataset. */
async function readLoads(
  wh: Warehouse,
  counter: QueryCounter,
  names: readonly string[],
): Promise<Map<string, LoadInfo[]>> {
  const loadRows = await wh.all<{
    dataset: string;
    load_id: string;
    write_mode: string;
    rows_read: number;
    rows_loaded: number;
    rows_quarantined: number;
    finished_at: string;
  }>(
    `SELECT dataset, load_id, write_mode, rows_read, rows_loaded, rows_quarantined, strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at
     FROM ${LOADS_TABLE} WHERE status = 'committed' AND dataset IN ${inList(names)} ORDER BY started_at, finished_at, load_id`,
  );
  counter.metadata++;
  const loads = new Map<string, LoadInfo[]>();
  for (const l of loadRows) {
    const list = loads.get(l.dataset) ?? [];
    list.push({
      loadId: l.load_id,
      writeMode: l.write_mode,
      rowsRead: Number(l.rows_read),
      rowsLoaded: Number(l.rows_loaded),
      rowsQuarantined: Number(l.rows_quarantined),
      finishedAt: l.finished_at,
    });
    loads.set(l.dataset, list);
  }
  return loads;
}

/** The current quarantine of the datasets (rows not loaded since): counts and first locations. */
async function readQuarantine(
  wh: Warehouse,
  counter: QueryCounter,
  names: readonly string[],
): Promise<Map<string, Map<string, Map<string, QuarantineReason>>>> {
  const q = await wh.all<{
    dataset: string;
    load_id: string;
    reason: string;
    n: number;
    locations: string[];
  }>(
    `SELECT dataset, load_id, reason, count(*) AS n, list(source_location ORDER BY quarantined_at, ${locationOrder('source_location')})[1:5] AS locations
     FROM ${QUARANTINE_CURRENT_VIEW} WHERE dataset IN ${inList(names)} AND NOT coalesce(row_loaded, false) GROUP BY ALL`,
  );
  counter.metadata++;
  const quarantine = new Map<string, Map<string, Map<string, QuarantineReason>>>();
  for (const r of q) {
    const byLoad = quarantine.get(r.dataset) ?? new Map<string, Map<string, QuarantineReason>>();
    const byReason = byLoad.get(r.load_id) ?? new Map<string, QuarantineReason>();
    byReason.set(r.reason, { count: Number(r.n), locations: r.locations ?? [] });
    byLoad.set(r.load_id, byReason);
    quarantine.set(r.dataset, byLoad);
  }
  return quarantine;
}

/** The columns and types of the dataset tables and of the built tables that exist, by table. */
async function readColumns(
  wh: Warehouse,
  counter: QueryCounter,
  tables: readonly string[],
  built: readonly BuiltTable[],
): Promise<Map<string, Map<string, string>>> {
  const builtNames = built.map((b) => b.name);
  const cols = await wh.all<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT CASE WHEN schema_name = 'main' THEN table_name ELSE schema_name || '.' || table_name END AS table_name,
            column_name, data_type FROM duckdb_columns()
     WHERE (schema_name = 'main' AND table_name IN ${inList(tables)})
        OR (schema_name IN ${inList(BUILT_LAYERS)} AND schema_name || '.' || table_name IN ${inList(builtNames)})
     ORDER BY table_name, column_index`,
  );
  counter.metadata++;
  const columns = new Map<string, Map<string, string>>();
  for (const c of cols) {
    const m = columns.get(c.table_name) ?? new Map<string, string>();
    m.set(c.column_name, c.data_type);
    columns.set(c.table_name, m);
  }
  return columns;
}

/** A built table joins the datasets once it exists (a registered dataset of the same name keeps its place). */
function addBuiltTables(
  datasets: Map<string, DatasetInfo>,
  columns: ReadonlyMap<string, unknown>,
  built: readonly BuiltTable[],
): void {
  for (const b of built) {
    if (!columns.has(b.name) || datasets.has(b.name)) continue;
    const layer = BUILT_LAYERS.find((l) => b.name.startsWith(`${l}.`));
    if (!layer) continue;
    datasets.set(b.name, {
      dataset: b.name,
      table: b.name,
      keyKind: b.keyKind,
      keyColumn: b.keyColumn,
      catalog: null,
      layer,
      conflictFields: [...(b.conflictFields ?? [])],
    });
  }
}

/** The loads whose rows are in the table now: the latest replace load and the appends after it. */
export function currentLoads(all: readonly LoadInfo[]): LoadInfo[] {
  let start = 0;
  all.forEach((l, i) => {
    if (l.writeMode === 'replace') start = i;
  });
  return all.slice(start);
}
