/**
 * Applying an output policy: masking and generalising in DuckDB SQL (`maskSqlExpression`, `generalizeSql`),
 * dropping columns, and pseudonymising in JS with HMAC-SM3 (DuckDB has no SM3) over the distinct values of a
 * column, joined back in SQL — so a table of a million rows computes each distinct token once and never leaves
 * DuckDB as rows.
 */
import {
  maskSqlExpression,
  pseudonymizer,
  quoteIdent,
  type Sql,
  sql,
  trustedSql,
} from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { generalizeSql } from './generalize.ts';
import type { ColumnPolicy, OutputPolicy } from './policy.ts';
import type { PseudonymKey } from './pseudonym-keys.ts';

/** Length of a pseudonym token in hex characters (128 bits). */
export const PSEUDONYM_TOKEN_LENGTH = 32;

/** The SQL expression of a kept column (not `drop`; `pseudonymize` selects the clear value, replaced later). */
export function columnExpression(p: ColumnPolicy, columnSql: string): string {
  switch (p.action) {
    case 'mask':
      return maskSqlExpression(p.mask!, columnSql);
    case 'generalize':
      return generalizeSql(p.generalize!, columnSql);
    case 'pseudonymize':
      return `CAST((${columnSql}) AS VARCHAR)`;
    default:
      return columnSql;
  }
}

/** The columns an output keeps, in order. */
export function keptColumns(policy: OutputPolicy): ColumnPolicy[] {
  return policy.columns.filter((c) => c.action !== 'drop');
}

/** A JS pseudonymiser per pseudonymised column, for outputs built in JS (backflow). */
export function pseudonymizers(
  policy: OutputPolicy,
  key: PseudonymKey | undefined,
): Record<string, (v: string | null | undefined) => string | null> {
  const out: Record<string, (v: string | null | undefined) => string | null> = {};
  for (const c of policy.columns) {
    if (c.action !== 'pseudonymize') continue;
    if (!key) throw new Error(`pseudonymize ${c.column}: no key`);
    out[c.column] = pseudonymizer(key.key, { length: PSEUDONYM_TOKEN_LENGTH });
  }
  return out;
}

/**
 * Materialises an output into the temporary table `temp.<name>`: `SELECT <policy expressions> FROM <from>
 * [WHERE <where>]`, then replaces pseudonymised columns by their tokens. Returns the kept columns and the
 * row count. The caller drops the table.
 */
export async function materializeOutput(
  wh: Warehouse,
  options: {
    name: string;
    from: Sql;
    where?: Sql | undefined;
    params?: Readonly<Record<string, unknown>>;
    policy: OutputPolicy;
    key: PseudonymKey | undefined;
  },
): Promise<{ table: Sql; columns: string[]; rows: number }> {
  const kept = keptColumns(options.policy);
  const table = sql`temp.${quoteIdent(options.name)}`;
  const select = kept
    .map((c) => `${columnExpression(c, quoteIdent(c.column))} AS ${quoteIdent(c.column)}`)
    .join(', ');
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(options.name)} AS SELECT ${select} FROM ${options.from}${options.where ? ` WHERE ${options.where}` : ''}`,
    options.params ?? {},
  );
  const tokens = pseudonymizers(options.policy, options.key);
  for (const [column, token] of Object.entries(tokens)) {
    const col = quoteIdent(column);
    const values = await wh.all<{ v: string }>(
      `SELECT DISTINCT ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL`,
    );
    const map = `${options.name}_map`;
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(map)} (v VARCHAR, t VARCHAR)`);
    if (values.length)
      await wh.append(
        map,
        values.map((r) => [r.v, token(r.v)]),
        { catalog: 'temp' },
      );
    await wh.run(
      `UPDATE ${table} SET ${col} = m.t FROM temp.${quoteIdent(map)} m WHERE ${table}.${col} = m.v`,
    );
    await wh.run(`DROP TABLE temp.${quoteIdent(map)}`);
  }
  const rows = (await wh.value<number>(`SELECT count(*) FROM ${table}`)) ?? 0;
  return { table: trustedSql(table), columns: kept.map((c) => c.column), rows: Number(rows) };
}
