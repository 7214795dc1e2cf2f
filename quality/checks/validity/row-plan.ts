/** The row plan of a validity check: rows with a value are evaluated, the value is shown in samples. */
import { columnSql, maskOf, presentSql } from '../../column-sql.ts';
import type { CompileContext, RowPlan } from '../../plan.ts';

/** The column as text. */
export const textSql = (ctx: CompileContext, name: string): string =>
  `CAST(${columnSql(ctx, name)} AS VARCHAR)`;

/** A row plan over the non-empty values of `name` failing where `fail` holds. */
export const rowPlan = (ctx: CompileContext, name: string, fail: string): RowPlan => ({
  type: 'row' as const,
  applies: presentSql(ctx, name),
  fail,
  observed: textSql(ctx, name),
  mask: maskOf(ctx, name),
});
