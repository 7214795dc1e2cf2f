/** 有效性 citizen-id: the value is a valid citizen identity number (GB 11643), for columns other than the key. */
import { z } from 'zod';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

const citizenIdArgs = z.strictObject({ column: columnArg });

/** A citizen-id rule. */
export type CitizenIdRule = CheckRule<'citizen-id', z.output<typeof citizenIdArgs>>;

/** The value is a valid citizen identity number (GB 11643, after normalisation); for non-key columns. */
export function validCitizenId(column: string, options: RuleOptions = {}): CitizenIdRule {
  const args = parseArgs('validCitizenId', citizenIdArgs, { column });
  return makeRule({
    factory: 'validCitizenId',
    check: 'citizen-id',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is a valid citizen identity number (GB 11643: format, check character, birth date, division)`,
    options,
  });
}

/** The citizen-id check. */
export const CITIZEN_ID: CheckDefinition<CitizenIdRule> = {
  check: 'citizen-id',
  dimension: 'validity',
  description: {
    zh: '值是有效的公民身份号码（GB 11643：格式、校验码、出生日期、行政区划）',
    en: 'the value is a valid citizen identity number (GB 11643: format, check character, birth date, division)',
  },
  compile: (rule, ctx) =>
    rowPlan(ctx, rule.column, `gs_citizen_id_reason(${textSql(ctx, rule.column)}) IS NOT NULL`),
};
