import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Foundation } from './define.ts';

/** A foundation's row count and its conflicts per field. */
export interface FoundationCounts {
  rows: number;
  byField: Record<string, number>;
}

/**
 * The query of the foundation's row count (`rowsSql`) and its conflicts per field, as one row; and `counts`,
 * which runs `sql` (ending with that query) and reads them.
 */
export function foundationCounts(wh: Warehouse, f: Foundation) {
  const conflictsTable = `foundation.${q(`${f.name}_conflicts`)}`;
  const countsSql = (rowsSql: string) =>
    `SELECT ${rowsSql} AS rows, (SELECT list({'field': field, 'n': n} ORDER BY field) FROM
       (SELECT field, count(*) AS n FROM ${conflictsTable} GROUP BY field)) AS by_field`;
  const counts = async (sql: string): Promise<FoundationCounts> => {
    const [r] = await wh.all<{ rows: number | bigint; by_field: { field: string; n: bigint }[] | null }>(sql);
    return {
      rows: Number(r?.rows ?? 0),
      byField: Object.fromEntries((r?.by_field ?? []).map((x) => [x.field, Number(x.n)])),
    };
  };
  return { countsSql, counts };
}
