/** Dates in timeliness checks: a column as a DATE, the run's day in Asia/Shanghai. */
import { columnSql, isText } from '../../column-sql.ts';
import type { CompileContext } from '../../plan.ts';

/** The column as a DATE: text parsed with `gs_parse_date`, other types cast. */
export const dateOf = (ctx: CompileContext, name: string): string => {
  const c = columnSql(ctx, name);
  return isText(ctx, name) ? `gs_parse_date(${c})` : `TRY_CAST(${c} AS DATE)`;
};

/** The calendar date of an instant in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}
