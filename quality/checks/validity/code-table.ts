/** 有效性 code-table: the value is a code or label of a national code table (GB/T 2261, GB 3304, GB/T 2260). */
import { z } from 'zod';
import { CODE_TABLES_TABLE } from '../../../warehouse/index.ts';
import { notInListSql } from '../../column-sql.ts';
import { RuleError } from '../../errors.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { rowPlan, textSql } from './row-plan.ts';

/** The code tables a column can be checked against. */
export const CODE_TABLE_NAMES = ['sex', 'marital', 'ethnicity', 'division'] as const;
/** A code table name. */
export type CodeTableName = (typeof CODE_TABLE_NAMES)[number];
const CODE_TABLE_TITLES: Readonly<Record<CodeTableName, string>> = {
  sex: 'GB/T 2261.1 性别',
  marital: 'GB/T 2261.2 婚姻状况',
  ethnicity: 'GB 3304 民族',
  division: 'GB/T 2260 行政区划',
};

const codeTableArgs = z.strictObject({ column: columnArg, table: z.enum(CODE_TABLE_NAMES) });

/** A code-table rule. */
export type CodeTableRule = CheckRule<'code-table', z.output<typeof codeTableArgs>>;

/**
 * The value is in a national code table, as a code or a label (男 / 1 / 男性, 维吾尔族 / 05); division codes
 * must be known GB/T 2260 codes. Labels and codes come from `gongshu.code_tables` and `gongshu.divisions`.
 * @example inCodeTable('ethnicity', 'ethnicity')
 */
export function inCodeTable(column: string, table: CodeTableName, options: RuleOptions = {}): CodeTableRule {
  const args = parseArgs('inCodeTable', codeTableArgs, { column, table });
  return makeRule({
    factory: 'inCodeTable',
    check: 'code-table',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is a ${CODE_TABLE_TITLES[args.table]} code or name`,
    options,
  });
}

/** The code-table check. */
export const CODE_TABLE: CheckDefinition<CodeTableRule> = {
  check: 'code-table',
  dimension: 'validity',
  description: {
    zh: '值是国家标准代码表（性别、婚姻状况、民族、行政区划）中的代码或名称',
    en: 'the value is a code or name of a national code table (sex, marital status, ethnicity, division)',
  },
  compile(rule, ctx) {
    const name = rule.column;
    const table = rule.args.table;
    if (table === 'division') return rowPlan(ctx, name, `NOT gs_division_known(trim(${textSql(ctx, name)}))`);
    const accepted = ctx.codeTables.get(table);
    if (!accepted?.length) throw new RuleError(`code table "${table}" is empty in ${CODE_TABLES_TABLE}`);
    // list_contains on a constant list is a hash lookup; a long `NOT IN (…)` is evaluated as an OR chain (~100× slower).
    return rowPlan(ctx, name, notInListSql(accepted, textSql(ctx, name)));
  },
};
