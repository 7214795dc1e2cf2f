import { version } from '@duckdb/node-api';

/** The version of the DuckDB library the warehouse runs on, e.g. `v1.5.6` (no database is opened). */
export function duckdbVersion(): string {
  return version();
}
