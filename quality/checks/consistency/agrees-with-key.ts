/** 一致性 agrees-with-key: a field agrees with what the citizen identity number key says (birth date, sex, division). */
import { z } from 'zod';
import { columnSql, isText, maskOf, presentSql } from '../../column-sql.ts';
import { RuleError } from '../../errors.ts';
import type { CompileContext } from '../../plan.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';
import { sexCodeSql } from './sex-code.ts';

const KEY_PARTS = ['birth-date', 'sex', 'division'] as const;
const LEVELS = { province: 2, prefecture: 4, county: 6 } as const;

const agreesWithKeyArgs = z.strictObject({
  column: columnArg,
  part: z.enum(KEY_PARTS),
  level: z.enum(['province', 'prefecture', 'county']).default('province'),
});

/** An agrees-with-key rule. */
export type AgreesWithKeyRule = CheckRule<'agrees-with-key', z.output<typeof agreesWithKeyArgs>>;

/**
 * The field agrees with what the citizen identity number key says: `birth-date` (digits 7–14), `sex` (digit 17:
 * odd = male; labels and codes both understood), or `division` (the first 2/4/6 digits, by `level`, default
 * province — people move, so county-level disagreement is common and legal).
 * @example agreesWithKey('birth_date', 'birth-date')
 */
export function agreesWithKey(
  column: string,
  part: (typeof KEY_PARTS)[number],
  options: RuleOptions & { level?: keyof typeof LEVELS } = {},
): AgreesWithKeyRule {
  const { level, ...rest } = options;
  const args = parseArgs('agreesWithKey', agreesWithKeyArgs, { column, part, level });
  const what =
    args.part === 'division' ? `the ${args.level} of the division code` : args.part.replace('-', ' ');
  return makeRule({
    factory: 'agreesWithKey',
    check: 'agrees-with-key',
    dimension: 'consistency',
    column: args.column,
    args,
    description: `${args.column} agrees with ${what} in the citizen identity number key`,
    options: rest,
  });
}

/** `applies` and `fail` of the comparison of column `c` with key `k`. */
function comparison(
  ctx: CompileContext,
  rule: AgreesWithKeyRule,
  c: string,
  k: string,
): { applies: string; fail: string } {
  const name = rule.column;
  if (rule.args.part === 'birth-date') {
    const v = isText(ctx, name) ? `gs_parse_date(${c})` : `TRY_CAST(${c} AS DATE)`;
    const exact = `${v} <> try_strptime(substr(${k}, 7, 8), '%Y%m%d')::DATE`;
    return {
      applies: `${v} IS NOT NULL AND ${k} IS NOT NULL`,
      // On a date column, a fast path: equal as the integer YYYYMMDD needs no date parse; else the exact test decides.
      fail: isText(ctx, name)
        ? exact
        : `(CASE WHEN year(${v}) * 10000 + month(${v}) * 100 + day(${v}) = TRY_CAST(substr(${k}, 7, 8) AS INTEGER) THEN false ELSE ${exact} END)`,
    };
  }
  if (rule.args.part === 'sex') {
    const v = sexCodeSql(c);
    return {
      applies: `${v} IS NOT NULL AND ${k} IS NOT NULL`,
      fail: `${v} <> (CASE WHEN TRY_CAST(substr(${k}, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END)`,
    };
  }
  const n = LEVELS[rule.args.level];
  return {
    applies: `${presentSql(ctx, name)} AND ${k} IS NOT NULL`,
    fail: `left(trim(CAST(${c} AS VARCHAR)), ${n}) <> left(${k}, ${n})`,
  };
}

/** The agrees-with-key check. */
export const AGREES_WITH_KEY: CheckDefinition<AgreesWithKeyRule> = {
  check: 'agrees-with-key',
  dimension: 'consistency',
  description: {
    zh: '字段与公民身份号码主键所含信息一致（出生日期、性别或行政区划）',
    en: 'the field agrees with the citizen identity number key (birth date, sex or division)',
  },
  compile(rule, ctx) {
    const { keyKind, keyColumn } = ctx.dataset;
    if (keyKind !== 'citizen-id' || !keyColumn) {
      throw new RuleError(
        `agreesWithKey needs a dataset keyed by citizen identity number; ${ctx.dataset.dataset} is ${keyKind ? `keyed by ${keyKind}` : 'unkeyed'}`,
      );
    }
    const name = rule.column;
    const c = columnSql(ctx, name);
    const k = columnSql(ctx, keyColumn);
    const { applies, fail } = comparison(ctx, rule, c, k);
    return { type: 'row', applies, fail, observed: `CAST(${c} AS VARCHAR)`, mask: maskOf(ctx, name) };
  },
};
