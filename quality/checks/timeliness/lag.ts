/** 及时性 lag: an event reaches the warehouse within a number of days. */
import { z } from 'zod';
import { columnSql, maskOf, presentSql } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { dateOf } from './date-sql.ts';

const lagArgs = z.strictObject({ column: columnArg, maxDays: z.number().int().nonnegative() });

/** A lag rule. */
export type LagRule = CheckRule<'lag', z.output<typeof lagArgs>>;

/**
 * The lag between an event date and the load (`_ingested_at`) is at most `maxDays` calendar days.
 * @example lag('event_date', { maxDays: 30 })
 */
export function lag(column: string, limit: { maxDays: number }, options: RuleOptions = {}): LagRule {
  const args = parseArgs('lag', lagArgs, { column, ...limit });
  return makeRule({
    factory: 'lag',
    check: 'lag',
    dimension: 'timeliness',
    column: args.column,
    args,
    description: `${args.column} reaches the warehouse within ${args.maxDays} days of the event`,
    options,
    defaultSeverity: 'warn',
  });
}

/** The lag check. */
export const LAG: CheckDefinition<LagRule> = {
  check: 'lag',
  dimension: 'timeliness',
  description: {
    zh: '业务发生日期到入库的间隔不超过指定天数',
    en: 'the days between the event date and the load are at most the given number',
  },
  compile(rule, ctx) {
    const name = rule.column;
    columnSql(ctx, '_ingested_at');
    const d = dateOf(ctx, name);
    return {
      type: 'row',
      applies: `${presentSql(ctx, name)} AND ${d} IS NOT NULL`,
      fail: `date_diff('day', ${d}, timezone('Asia/Shanghai', _ingested_at)::DATE) > ${rule.args.maxDays}`,
      observed: `CAST(${columnSql(ctx, name)} AS VARCHAR)`,
      mask: maskOf(ctx, name),
    };
  },
};
