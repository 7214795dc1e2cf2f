/** 完整性 record-count: the table has at least the expected number of rows. */
import { z } from 'zod';
import { quoteIdent } from '../../../schemas/index.ts';
import { num } from '../../column-sql.ts';
import { RuleError } from '../../errors.ts';
import type { Outcome } from '../../plan.ts';
import { type CheckRule, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

const recordCountArgs = z.union([
  z.strictObject({ expected: z.number().int().nonnegative() }),
  z.strictObject({ dataset: z.string().min(1), where: z.string().min(1).optional() }),
  z.strictObject({ previousLoad: z.literal(true) }),
]);

/** A record-count rule. */
export type RecordCountRule = CheckRule<
  'record-count',
  z.output<typeof recordCountArgs> & { readonly tolerance: number },
  null
>;

/**
 * Record completeness: the table (in scope) has at least the expected number of rows — a fixed number, the row
 * count of a reference dataset (e.g. the population), or the previous load. total = expected, failed = shortfall;
 * `tolerance` (0–1) sets `mostly` to 1 − tolerance.
 * @example recordCount({ previousLoad: true }, { tolerance: 0.05 })
 */
export function recordCount(
  expected: z.input<typeof recordCountArgs>,
  options: RuleOptions & { tolerance?: number } = {},
): RecordCountRule {
  const { tolerance, ...rest } = options;
  const args = parseArgs('recordCount', recordCountArgs, expected);
  const tol = parseArgs('recordCount', z.number().min(0).max(1).default(0), tolerance);
  const what =
    'expected' in args
      ? `${args.expected} rows`
      : 'dataset' in args
        ? `the row count of ${args.dataset}${args.where ? ` where ${args.where}` : ''}`
        : 'the rows of the previous load';
  return makeRule({
    factory: 'recordCount',
    check: 'record-count',
    dimension: 'completeness',
    column: null,
    args: { ...args, tolerance: tol },
    description: `at least ${what} are present${tol ? ` (tolerance ${tol * 100}%)` : ''}`,
    options: { ...(tol ? { mostly: 1 - tol } : {}), ...rest },
  });
}

const shortfall = (actual: number, expected: number): Outcome => ({
  total: expected,
  failed: Math.max(0, expected - actual),
  observed: `${actual} rows, expected ${expected}`,
});

/** The record-count check. */
export const RECORD_COUNT: CheckDefinition<RecordCountRule> = {
  check: 'record-count',
  dimension: 'completeness',
  description: {
    zh: '记录数不少于预期：固定数量、参照数据集的记录数或上一次加载的记录数',
    en: 'the table has at least the expected rows: a fixed number, a reference dataset’s row count or the previous load',
  },
  compile(rule, ctx, scope) {
    const a = rule.args;
    if ('dataset' in a) {
      const other = ctx.datasets.get(a.dataset);
      if (!other) throw new RuleError(`reference dataset "${a.dataset}" is not in the warehouse`);
      return {
        type: 'query',
        kind: 'aggregate',
        sql: `SELECT (SELECT count(*) FROM ${ctx.tableSql} WHERE ${scope}) AS actual,
        (SELECT count(*) FROM ${quoteIdent(other.table)}${a.where ? ` WHERE ${a.where}` : ''}) AS expected`,
        finish: (r) => shortfall(num(r.actual), num(r.expected)),
      };
    }
    let expected = 'expected' in a ? a.expected : undefined;
    if ('previousLoad' in a) {
      const all = ctx.loads;
      const prev = all.length >= 2 ? all[all.length - 2] : undefined;
      expected = prev?.rowsLoaded;
    }
    return {
      type: 'scan',
      exprs: { n: `count_if(${scope})` },
      finish: (v) =>
        expected === undefined
          ? { total: 0, failed: 0, observed: 'no previous load to compare with' }
          : shortfall(num(v.n), expected),
    };
  },
};
