/** The key and source columns of sample queries over a dataset table. */
import { maskSqlExpression, quoteIdent } from '../schemas/index.ts';
import { maskOf } from './column-sql.ts';
import type { CompileContext } from './plan.ts';

/** The SQL of the key shown in samples (masked) for a dataset, or NULL. */
export function sampleKeySql(ctx: CompileContext, masked: boolean, prefix = ''): string {
  const { keyColumn } = ctx.dataset;
  if (!keyColumn || !ctx.columns.has(keyColumn)) return 'NULL';
  const k = `${prefix}${quoteIdent(keyColumn)}`;
  const kind = maskOf(ctx, keyColumn);
  return masked && kind ? maskSqlExpression(kind, k) : `CAST(${k} AS VARCHAR)`;
}

/** `_source` if the table has it (loaded by gongshu), else NULL. */
export const sourceSql = (ctx: CompileContext, prefix = ''): string =>
  ctx.columns.has('_source') ? `${prefix}_source` : 'NULL';
