// The DuckDB library's version straight from the bindings (what @duckdb/node-api's version() returns), so
// `gongshu --version` answers without loading the rest of the warehouse (cli/version.ts imports this file).
import duckdb from '@duckdb/node-bindings';

/** The version of the DuckDB library the warehouse runs on, e.g. `v1.5.6` (no database is opened). */
export function duckdbVersion(): string {
  return duckdb.library_version();
}
