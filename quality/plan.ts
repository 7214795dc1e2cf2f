/** What the compiler makes of a rule: a row predicate for the shared scan, scan aggregates, a query, or metadata. */

import type { CatalogEntry, MaskKind, QualitySample } from '../schemas/index.ts';
import type { Row } from '../warehouse/index.ts';

/** A committed load of a dataset (from `gongshu.loads`). */
export interface LoadInfo {
  readonly loadId: string;
  readonly writeMode: string;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsQuarantined: number;
  readonly finishedAt: string;
}

/** A dataset registered in `gongshu.datasets`. */
export interface DatasetInfo {
  readonly dataset: string;
  readonly table: string;
  readonly keyKind: 'citizen-id' | 'uscc' | null;
  readonly keyColumn: string | null;
  readonly catalog: CatalogEntry | null;
}

/** Everything a check needs to compile for one dataset. */
export interface CompileContext {
  readonly dataset: DatasetInfo;
  /** The quoted table name. */
  readonly tableSql: string;
  /** Column name → DuckDB type. */
  readonly columns: ReadonlyMap<string, string>;
  /** The reference date of timeliness rules, YYYY-MM-DD. */
  readonly asOf: string;
  /** The loads whose rows are in the table now (latest replace load and the appends after it). */
  readonly loads: readonly LoadInfo[];
  /** Quarantined rows of those loads by reason. */
  readonly quarantine: ReadonlyMap<string, number>;
  /** All registered datasets, for cross-table rules. */
  readonly datasets: ReadonlyMap<string, DatasetInfo>;
  /** Accepted values of each code table (codes and labels). */
  readonly codeTables: ReadonlyMap<string, readonly string[]>;
}

/** The numbers a rule yields. */
export interface Outcome {
  readonly total: number;
  readonly failed: number;
  readonly observed?: string | null;
  readonly samples?: readonly QualitySample[];
  /** Rowids of the first failing rows; the compiler fetches them as samples in one query. */
  readonly rowids?: readonly string[];
}

/** A row-level rule: evaluated in the shared aggregate scan with `count_if`. */
export interface RowPlan {
  readonly type: 'row';
  /** Rows the rule evaluates (e.g. non-null values). */
  readonly applies: string;
  /** TRUE for a failing row (NULL counts as not failing; write predicates null-safe). */
  readonly fail: string;
  /** The value shown in samples. */
  readonly observed: string;
  /** Masking of the observed value. */
  readonly mask: MaskKind | null;
}

/** Aggregates computed in the shared scan, finished in JS (uniqueness, dataset freshness, record counts). */
export interface ScanPlan {
  readonly type: 'scan';
  readonly exprs: Readonly<Record<string, string>>;
  readonly finish: (values: Row) => Outcome;
  /** A query listing the failing rows (run for samples when the rule failed). */
  readonly sampleSql?: string;
}

/** Its own query (a join with another dataset, a gap search); must return one row. */
export interface QueryPlan {
  readonly type: 'query';
  readonly kind: 'join' | 'aggregate';
  readonly sql: string;
  readonly finish: (row: Row) => Outcome;
  readonly sampleSql?: string;
  /** For outcomes with rowids: the value shown in samples (over the dataset table) and its masking. */
  readonly observed?: string;
  readonly mask?: MaskKind | null;
}

/** Computed from system tables already read (loads, quarantine). */
export interface MetaPlan {
  readonly type: 'meta';
  readonly finish: () => Outcome;
  readonly sampleSql?: string;
}

/** A compiled rule. */
export type Plan = RowPlan | ScanPlan | QueryPlan | MetaPlan;
