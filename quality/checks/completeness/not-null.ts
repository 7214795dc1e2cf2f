/** 完整性 not-null: the column has a value — not NULL, not blank, not one of the dataset's blank values. */
import { z } from 'zod';
import { columnSql, isBlankValueSql, isText, maskOf, presentSql } from '../../column-sql.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

const blankValuesArg = z
  .array(z.string())
  .default([])
  .meta({ description: 'texts that mean "no value" besides empty/whitespace, e.g. 无, -, NULL' });

const notNullArgs = z.strictObject({ column: columnArg, blankValues: blankValuesArg });

/** A not-null rule. */
export type NotNullRule = CheckRule<'not-null', z.output<typeof notNullArgs>>;

/**
 * The column has a value: not NULL, not blank, not one of `blankValues` (compared after trim).
 * @example notNull('name', { blankValues: ['无', '-', 'NULL'] })
 */
export function notNull(column: string, options: RuleOptions & { blankValues?: string[] } = {}): NotNullRule {
  const { blankValues, ...rest } = options;
  const args = parseArgs('notNull', notNullArgs, { column, blankValues });
  const blanks = args.blankValues.length ? ` (blank values: ${args.blankValues.join(', ')})` : '';
  return makeRule({
    factory: 'notNull',
    check: 'not-null',
    dimension: 'completeness',
    column: args.column,
    args,
    description: `${args.column} is filled in${blanks}`,
    options: rest,
  });
}

/** The not-null check. */
export const NOT_NULL: CheckDefinition<NotNullRule> = {
  check: 'not-null',
  dimension: 'completeness',
  description: {
    zh: '字段有值：非空、非空白，且不是约定表示“无”的文本',
    en: 'the column has a value: not NULL, not blank, not one of the texts meaning "no value"',
  },
  compile(rule, ctx) {
    const name = rule.column;
    const c = columnSql(ctx, name);
    const blanks = rule.args.blankValues;
    const blankSql = blanks.length && isText(ctx, name) ? ` OR ${isBlankValueSql(blanks, c)}` : '';
    return {
      type: 'row',
      applies: 'TRUE',
      fail: `(NOT ${presentSql(ctx, name)}${blankSql})`,
      observed: `CAST(${c} AS VARCHAR)`,
      mask: maskOf(ctx, name),
    };
  },
};
