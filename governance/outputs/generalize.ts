/**
 * Generalisation (泛化, GB/T 37964) in DuckDB SQL: a date to its year-month (`1980-01-02` → `1980-01`), a division
 * code to its prefecture (`650102` → `650100`), an age to a 5-year band (`37` → `35-39`). NULL stays NULL; a
 * value that does not parse becomes NULL rather than leaking in clear.
 */
import type { Generalization } from '../../schemas/index.ts';

/** The SQL expression generalising `columnSql` (already quoted). */
export function generalizeSql(kind: Generalization, columnSql: string): string {
  const v = `CAST((${columnSql}) AS VARCHAR)`;
  switch (kind) {
    case 'month':
      return `strftime(TRY_CAST(${v} AS DATE), '%Y-%m')`;
    case 'prefecture':
      return `CASE WHEN regexp_full_match(${v}, '\\d{6}') THEN substr(${v}, 1, 4) || '00' END`;
    case 'age-band': {
      const n = `TRY_CAST(${v} AS INTEGER)`;
      return `CASE WHEN ${n} >= 0 THEN CAST(${n} // 5 * 5 AS VARCHAR) || '-' || CAST(${n} // 5 * 5 + 4 AS VARCHAR) END`;
    }
  }
}
