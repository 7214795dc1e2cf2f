/** 有效性 parses: the value parses as a date, timestamp, integer, decimal or boolean. */
import { z } from 'zod';
import { columnSql, isText } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { quarantineSampleSql } from '../quarantine-sample.ts';
import { rowPlan } from './row-plan.ts';

/** Types a value can be required to parse as. */
export const PARSE_TYPES = ['date', 'timestamp', 'integer', 'decimal', 'boolean'] as const;

const parsesArgs = z.strictObject({ column: columnArg, type: z.enum(PARSE_TYPES) });

/** A parses rule. */
export type ParsesRule = CheckRule<'parses', z.output<typeof parsesArgs>>;

/**
 * The value parses as `type`. On a column the loader already typed (a catalog type), rows whose text did not
 * parse were quarantined as `type:<column>`: they count as failed, over the loaded non-empty values plus them.
 * @example parses('contribution_base', 'decimal')
 */
export function parses(
  column: string,
  type: (typeof PARSE_TYPES)[number],
  options: RuleOptions = {},
): ParsesRule {
  const args = parseArgs('parses', parsesArgs, { column, type });
  return makeRule({
    factory: 'parses',
    check: 'parses',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is a valid ${args.type}${args.type === 'date' ? ' (YYYY-MM-DD, YYYYMMDD, YYYY年M月D日, …)' : ''}`,
    options,
  });
}

/** The value is a date in a spelling departments use (see `gs_parse_date`). */
export function dateParses(column: string, options: RuleOptions = {}): ParsesRule {
  return parses(column, 'date', options);
}

const PARSE_SQL: Readonly<Record<(typeof PARSE_TYPES)[number], (c: string) => string>> = {
  date: (c) => `gs_parse_date(${c})`,
  timestamp: (c) => `TRY_CAST(trim(${c}) AS TIMESTAMP)`,
  integer: (c) => `TRY_CAST(trim(${c}) AS BIGINT)`,
  decimal: (c) => `TRY_CAST(trim(${c}) AS DECIMAL(38, 6))`,
  boolean: (c) => `TRY_CAST(trim(${c}) AS BOOLEAN)`,
};

/** The parses check. */
export const PARSES: CheckDefinition<ParsesRule> = {
  check: 'parses',
  dimension: 'validity',
  description: {
    zh: '值可解析为指定类型（日期、日期时间、整数、数值、布尔）；加载时未能解析而被隔离的记录计为不合格',
    en: 'the value parses as its type (date, timestamp, integer, decimal, boolean); rows quarantined for not parsing count as failed',
  },
  compile(rule, ctx, scope) {
    const name = rule.column;
    const c = columnSql(ctx, name);
    if (isText(ctx, name)) {
      return rowPlan(ctx, name, `${PARSE_SQL[rule.args.type](c)} IS NULL`);
    }
    const reason = `type:${name}`;
    const quarantined = ctx.quarantine.get(reason) ?? 0;
    return {
      type: 'scan',
      exprs: { n: `count_if(${scope} AND ${c} IS NOT NULL)` },
      finish: (v) => ({ total: Number(v.n ?? 0) + quarantined, failed: quarantined }),
      sampleSql: quarantineSampleSql(ctx, [reason], null),
    };
  },
};
