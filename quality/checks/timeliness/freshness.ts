/** 及时性 freshness: each row's date is recent (calendar interval, days or Chinese working days). */
import { z } from 'zod';
import { quoteLiteral } from '../../../schemas/index.ts';
import { columnSql, maskOf, presentSql } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import { workingDayCutoff } from '../../working-days.ts';
import type { CheckDefinition } from '../check.ts';
import { dateOf } from './date-sql.ts';

const INTERVAL = /^(\d{1,4}) (day|days|week|weeks|month|months|year|years)$/;

const ageArgs = z
  .strictObject({
    maxAge: z
      .string()
      .regex(INTERVAL, { error: 'an interval like "3 years", "6 months", "10 days"' })
      .optional(),
    maxAgeDays: z.number().int().nonnegative().optional(),
    workingDays: z.number().int().nonnegative().optional(),
  })
  .refine((a) => [a.maxAge, a.maxAgeDays, a.workingDays].filter((x) => x !== undefined).length === 1, {
    error: 'exactly one of maxAge ("3 years"), maxAgeDays (number) or workingDays (number)',
  });
type AgeArgs = z.output<typeof ageArgs>;

/** A freshness rule. */
export type FreshnessRule = CheckRule<'freshness', AgeArgs>;

const ageText = (a: AgeArgs) =>
  a.maxAge ?? (a.workingDays !== undefined ? `${a.workingDays} working days` : `${a.maxAgeDays} days`);

/** The SQL DATE before which a value is too old on `asOf` (exactly one of the three limits is set). */
function cutoffSql(a: AgeArgs, asOf: string): string {
  const day = `DATE ${quoteLiteral(asOf)}`;
  if (a.workingDays !== undefined) return `DATE ${quoteLiteral(workingDayCutoff(asOf, a.workingDays))}`;
  if (a.maxAge !== undefined) return `(${day} - INTERVAL ${quoteLiteral(a.maxAge)})::DATE`;
  return `(${day} - INTERVAL ${a.maxAgeDays} DAY)::DATE`;
}

/**
 * Each row's date in `column` is recent: not older than `maxAge` ("3 years"), `maxAgeDays`, or `workingDays`
 * (Chinese working days) before the run's reference date. Empty values are left to completeness.
 * @example freshness('registered_on', { maxAge: '3 years' })
 */
export function freshness(
  column: string,
  age: z.input<typeof ageArgs>,
  options: RuleOptions = {},
): FreshnessRule {
  const col = parseArgs('freshness', columnArg, column);
  const args = parseArgs('freshness', ageArgs, age);
  return makeRule({
    factory: 'freshness',
    check: 'freshness',
    dimension: 'timeliness',
    column: col,
    args: { ...args },
    description: `${col} is at most ${ageText(args)} old`,
    options,
    defaultSeverity: 'warn',
  });
}

/** The freshness check. */
export const FRESHNESS: CheckDefinition<FreshnessRule> = {
  check: 'freshness',
  dimension: 'timeliness',
  description: {
    zh: '每条记录的日期足够新：不早于基准日期前的指定时长（自然日或工作日）',
    en: 'each row’s date is recent: not older than the given age (calendar or working days) before the reference date',
  },
  compile(rule, ctx) {
    const name = rule.column;
    return {
      type: 'row',
      applies: presentSql(ctx, name),
      fail: `coalesce(${dateOf(ctx, name)} < ${cutoffSql(rule.args, ctx.asOf)}, TRUE)`,
      observed: `CAST(${columnSql(ctx, name)} AS VARCHAR)`,
      mask: maskOf(ctx, name),
    };
  },
};
