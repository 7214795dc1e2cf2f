/** 及时性 periods: every expected period (day, week, month, quarter, year) has data. */
import { z } from 'zod';
import { quoteLiteral } from '../../../schemas/index.ts';
import { num } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { dateOf } from './date-sql.ts';

const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;

const periodsArgs = z.strictObject({
  column: columnArg,
  every: z.enum(PERIODS),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

/** A periods rule. */
export type PeriodsRule = CheckRule<'periods', z.output<typeof periodsArgs>>;

/**
 * Every expected period has data: the distinct periods of `column` between `from` (default: the first) and `to`
 * (default: the last) have no gap. total = expected periods, failed = missing ones (listed in observed).
 * @example periods('event_date', 'month', { from: '2024-01-01' })
 */
export function periods(
  column: string,
  every: (typeof PERIODS)[number],
  range: { from?: string; to?: string } = {},
  options: RuleOptions = {},
): PeriodsRule {
  const args = parseArgs('periods', periodsArgs, { column, every, ...range });
  return makeRule({
    factory: 'periods',
    check: 'periods',
    dimension: 'timeliness',
    column: args.column,
    args,
    description: `${args.column} has data for every ${args.every}${args.from ? ` from ${args.from}` : ''}${args.to ? ` to ${args.to}` : ''}`,
    options,
    defaultSeverity: 'warn',
  });
}

/** The periods check. */
export const PERIODS_CHECK: CheckDefinition<PeriodsRule> = {
  check: 'periods',
  dimension: 'timeliness',
  description: {
    zh: '每个应有的周期（日、周、月、季、年）都有数据，没有断档',
    en: 'every expected period (day, week, month, quarter, year) has data, without gaps',
  },
  compile(rule, ctx, scope) {
    const a = rule.args;
    const unit = quoteLiteral(a.every);
    const d = dateOf(ctx, a.column);
    const lo = a.from ? `DATE ${quoteLiteral(a.from)}` : 'min(p)';
    const hi = a.to ? `DATE ${quoteLiteral(a.to)}` : 'max(p)';
    return {
      type: 'query',
      kind: 'aggregate',
      sql: `WITH have AS (SELECT DISTINCT date_trunc(${unit}, ${d})::DATE AS p FROM ${ctx.tableSql} WHERE ${scope} AND ${d} IS NOT NULL),
  bounds AS (SELECT date_trunc(${unit}, ${lo})::DATE AS lo, date_trunc(${unit}, ${hi})::DATE AS hi FROM have),
  want AS (SELECT unnest(generate_series(lo::TIMESTAMP, hi::TIMESTAMP, INTERVAL 1 ${a.every.toUpperCase()}))::DATE AS p FROM bounds WHERE lo IS NOT NULL)
SELECT count(*) AS total, count(*) FILTER (WHERE p NOT IN (SELECT p FROM have)) AS failed,
  list(strftime(p, '%Y-%m-%d') ORDER BY p) FILTER (WHERE p NOT IN (SELECT p FROM have)) AS missing FROM want`,
      finish: (r) => {
        const missing = (r.missing as string[] | null) ?? [];
        return {
          total: num(r.total),
          failed: num(r.failed),
          observed: missing.length
            ? `missing ${a.every}s: ${missing.slice(0, 12).join(', ')}${missing.length > 12 ? ', …' : ''}`
            : null,
        };
      },
    };
  },
};
