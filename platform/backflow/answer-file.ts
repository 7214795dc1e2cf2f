import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { writeChunkFile } from '../transport/parquet-chunk.ts';
import type { BackflowAuthorization, BackflowHeader } from './answer-types.ts';

let serial = 0;

/** A new file name for a backflow answer in `dir` (created if needed). */
export function backflowFile(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return join(dir, `backflow-${process.pid}-${++serial}.parquet`);
}

/**
 * Writes the union of `sources` to `file` as Parquet with `header`, applying the grant's output policy: masking
 * and generalising in SQL; pseudonymising in JS (DuckDB has no SM3) over the distinct values of a column in a
 * temporary table, joined back in SQL, before DuckDB writes the file. Returns the rows written.
 */
export async function writeBackflowFile(
  wh: Warehouse,
  options: {
    readonly sources: readonly string[];
    readonly columns: readonly string[];
    readonly auth: BackflowAuthorization | undefined;
    readonly file: string;
    readonly header: BackflowHeader;
  },
): Promise<number> {
  const { sources, columns, auth, file, header } = options;
  const expression = (c: string) => {
    const sql = auth?.columnSql?.[c];
    return sql ? `CAST((${sql(q(c))}) AS VARCHAR) AS ${q(c)}` : q(c);
  };
  const out = [...columns, '_origin_node'];
  const select = `SELECT ${out.map(expression).join(', ')} FROM (${sources.join(' UNION ALL BY NAME ')})`;
  const tokens = Object.entries(auth?.columnJs ?? {}).filter(([c]) => columns.includes(c));
  if (tokens.length === 0) return writeChunkFile(wh, `${select} ORDER BY ALL`, file, header);
  const temp = `backflow_${process.pid}_${serial}`;
  const table = `temp.${q(temp)}`;
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE ${q(temp)} AS SELECT ${out
      .map((c) => (tokens.some(([t]) => t === c) ? `CAST(${q(c)} AS VARCHAR) AS ${q(c)}` : q(c)))
      .join(', ')} FROM (${select})`,
  );
  try {
    for (const [column, token] of tokens) {
      const col = q(column);
      const values = await wh.all<{ v: string }>(
        `SELECT DISTINCT ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL`,
      );
      const map = `${temp}_map`;
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${q(map)} (v VARCHAR, t VARCHAR)`);
      if (values.length > 0)
        await wh.append(
          map,
          values.map((r) => [r.v, token(r.v)]),
          { catalog: 'temp' },
        );
      await wh.run(`UPDATE ${table} SET ${col} = m.t FROM temp.${q(map)} m WHERE ${table}.${col} = m.v`);
      await wh.run(`DROP TABLE temp.${q(map)}`);
    }
    return await writeChunkFile(wh, `SELECT * FROM ${table} ORDER BY ALL`, file, header);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS ${table}`);
  }
}
