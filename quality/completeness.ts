/** 完整性 completeness: required values present, expected record counts, keys present. */
import { z } from 'zod';
import { quoteIdent, quoteLiteral } from '../schemas/index.ts';
import { RuleError } from './errors.ts';
import { type CompileFn, columnSql, isBlankValueSql, isText, maskOf, num, presentSql } from './plan.ts';
import { columnArg, makeRule, parseArgs, type Rule, type RuleOptions } from './rule.ts';

const blankValuesArg = z
  .array(z.string())
  .default([])
  .meta({ description: 'texts that mean "no value" besides empty/whitespace, e.g. 无, -, NULL' });

/**
 * The column has a value: not NULL, not blank, not one of `blankValues` (compared after trim).
 * @example notNull('name', { blankValues: ['无', '-', 'NULL'] })
 */
export function notNull(column: string, options: RuleOptions & { blankValues?: string[] } = {}): Rule {
  const { blankValues, ...rest } = options;
  const args = parseArgs('notNull', z.strictObject({ column: columnArg, blankValues: blankValuesArg }), {
    column,
    blankValues,
  });
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

const compileNotNull: CompileFn = (rule, ctx) => {
  const name = rule.column!;
  const c = columnSql(ctx, name);
  const blanks = (rule.args.blankValues as string[]) ?? [];
  const blankSql = blanks.length && isText(ctx, name) ? ` OR ${isBlankValueSql(blanks, c)}` : '';
  return {
    type: 'row',
    applies: 'TRUE',
    fail: `(NOT ${presentSql(ctx, name)}${blankSql})`,
    observed: `CAST(${c} AS VARCHAR)`,
    mask: maskOf(ctx, name),
  };
};

const recordCountArgs = z.union([
  z.strictObject({ expected: z.number().int().nonnegative() }),
  z.strictObject({ dataset: z.string().min(1), where: z.string().min(1).optional() }),
  z.strictObject({ previousLoad: z.literal(true) }),
]);

/**
 * Record completeness: the table (in scope) has at least the expected number of rows — a fixed number, the row
 * count of a reference dataset (e.g. the population), or the previous load. total = expected, failed = shortfall;
 * `tolerance` (0–1) sets `mostly` to 1 − tolerance.
 * @example recordCount({ previousLoad: true }, { tolerance: 0.05 })
 */
export function recordCount(
  expected: z.input<typeof recordCountArgs>,
  options: RuleOptions & { tolerance?: number } = {},
): Rule {
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

const shortfall = (actual: number, expected: number) => ({
  total: expected,
  failed: Math.max(0, expected - actual),
  observed: `${actual} rows, expected ${expected}`,
});

const compileRecordCount: CompileFn = (rule, ctx, scope) => {
  const a = rule.args as { expected?: number; dataset?: string; where?: string; previousLoad?: true };
  if (a.dataset !== undefined) {
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
  let expected = a.expected;
  if (a.previousLoad) {
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
};

/** Built-in `key-complete`: total = rows read by the loads in the table, failed = rows with no key (quarantined). */
export function keyComplete(keyColumn: string, options: Omit<RuleOptions, 'id'> = {}): Rule {
  return makeRule({
    factory: 'keyComplete',
    check: 'key-complete',
    dimension: 'completeness',
    column: keyColumn,
    args: {},
    description: `every row read has a key in ${keyColumn} (rows quarantined as key:missing count as failed)`,
    options: { ...options, id: 'key-complete' },
  });
}

const compileKeyComplete: CompileFn = (_rule, ctx) => ({
  type: 'meta',
  finish: () => ({
    total: ctx.loads.reduce((s, l) => s + l.rowsRead, 0),
    failed: ctx.quarantine.get('key:missing') ?? 0,
  }),
  sampleSql: `SELECT NULL AS key, source_location AS _source, reason AS value FROM gongshu_quarantine WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND reason = 'key:missing' AND load_id IN (${ctx.loads.map((l) => quoteLiteral(l.loadId)).join(', ') || 'NULL'}) ORDER BY rowid LIMIT 100`,
});

/** Compilers of the completeness checks. */
export const COMPLETENESS_COMPILERS: Readonly<Record<string, CompileFn>> = {
  'not-null': compileNotNull,
  'record-count': compileRecordCount,
  'key-complete': compileKeyComplete,
};
