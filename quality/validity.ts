/** 有效性 validity: identifiers, code tables, patterns, lengths, ranges, dates, custom SQL, valid keys. */
import { z } from 'zod';
import { maskSqlExpression, quoteLiteral } from '../schemas/index.ts';
import { RuleError } from './errors.ts';
import { type CompileFn, columnSql, isText, maskOf, notInListSql, presentSql } from './plan.ts';
import { columnArg, makeRule, parseArgs, type Rule, type RuleOptions } from './rule.ts';

const text = (ctx: Parameters<CompileFn>[1], name: string) => `CAST(${columnSql(ctx, name)} AS VARCHAR)`;

const rowPlan = (ctx: Parameters<CompileFn>[1], name: string, fail: string) => ({
  type: 'row' as const,
  applies: presentSql(ctx, name),
  fail,
  observed: text(ctx, name),
  mask: maskOf(ctx, name),
});

/**
 * The value matches a regular expression (whole value; RE2 syntax in DuckDB — no look-around or back-references).
 * Empty values are left to completeness.
 * @example matches('mobile', /^1[3-9]\d{9}$/)
 */
export function matches(column: string, pattern: RegExp | string, options: RuleOptions = {}): Rule {
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const args = parseArgs(
    'matches',
    z.strictObject({
      column: columnArg,
      pattern: z
        .string()
        .min(1)
        .refine((p) => !/\(\?[=!<]|\\[1-9]/.test(p), {
          error: 'a pattern without look-around or back-references (DuckDB uses RE2)',
        })
        .refine(
          (p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          },
          { error: 'a valid regular expression' },
        ),
    }),
    { column, pattern: source.replace(/^\^/, '').replace(/\$$/, '') },
  );
  return makeRule({
    factory: 'matches',
    check: 'matches',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} matches /${args.pattern}/`,
    options,
  });
}

/**
 * The value's length in characters is within [min, max].
 * @example length('household_no', { min: 9, max: 9 })
 */
export function length(
  column: string,
  bounds: { min?: number; max?: number },
  options: RuleOptions = {},
): Rule {
  const args = parseArgs(
    'length',
    z
      .strictObject({
        column: columnArg,
        min: z.number().int().nonnegative().optional(),
        max: z.number().int().positive().optional(),
      })
      .refine((a) => a.min !== undefined || a.max !== undefined, { error: 'min or max' })
      .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, { error: 'min ≤ max' }),
    { column, ...bounds },
  );
  return makeRule({
    factory: 'length',
    check: 'length',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} has ${args.min ?? 0}–${args.max ?? '∞'} characters`,
    options,
  });
}

const bound = z.union([z.number(), z.iso.date()]);

/**
 * The value lies in [min, max] (numbers, or dates written YYYY-MM-DD); text values are cast, and a value
 * that does not cast fails.
 * @example between('contribution_base', 0, 100000)
 */
export function between(
  column: string,
  min: number | string | null,
  max: number | string | null,
  options: RuleOptions = {},
): Rule {
  const args = parseArgs(
    'between',
    z
      .strictObject({ column: columnArg, min: bound.nullable(), max: bound.nullable() })
      .refine((a) => a.min !== null || a.max !== null, { error: 'min or max (not both null)' })
      .refine((a) => a.min === null || a.max === null || typeof a.min === typeof a.max, {
        error: 'min and max of the same kind (both numbers or both dates)',
      }),
    { column, min, max },
  );
  return makeRule({
    factory: 'between',
    check: 'between',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is between ${args.min ?? '−∞'} and ${args.max ?? '∞'}`,
    options,
  });
}

const compileBetween: CompileFn = (rule, ctx) => {
  const name = rule.column!;
  const { min, max } = rule.args as { min: number | string | null; max: number | string | null };
  const isDate = typeof (min ?? max) === 'string';
  const c = columnSql(ctx, name);
  const v = isDate
    ? isText(ctx, name)
      ? `gs_parse_date(${c})`
      : `TRY_CAST(${c} AS DATE)`
    : `TRY_CAST(${c} AS DOUBLE)`;
  const lit = (x: number | string) => (isDate ? `DATE ${quoteLiteral(String(x))}` : String(x));
  const out = [`${v} IS NULL`];
  if (min !== null) out.push(`${v} < ${lit(min)}`);
  if (max !== null) out.push(`${v} > ${lit(max)}`);
  return rowPlan(ctx, name, `(${out.join(' OR ')})`);
};

/**
 * The value is one of a fixed list.
 * @example inSet('status', ['参保缴费', '暂停缴费', '终止参保'])
 */
export function inSet(column: string, values: readonly (string | number)[], options: RuleOptions = {}): Rule {
  const args = parseArgs(
    'inSet',
    z.strictObject({ column: columnArg, values: z.array(z.union([z.string(), z.number()])).min(1) }),
    { column, values: [...values] },
  );
  const shown = args.values.slice(0, 8).join('、') + (args.values.length > 8 ? '…' : '');
  return makeRule({
    factory: 'inSet',
    check: 'in-set',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is one of ${shown}`,
    options,
  });
}

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

/**
 * The value is in a national code table, as a code or a label (男 / 1 / 男性, 维吾尔族 / 05); division codes
 * must be known GB/T 2260 codes. Labels and codes come from `gongshu_code_tables` and `gongshu_divisions`.
 * @example inCodeTable('ethnicity', 'ethnicity')
 */
export function inCodeTable(column: string, table: CodeTableName, options: RuleOptions = {}): Rule {
  const args = parseArgs(
    'inCodeTable',
    z.strictObject({ column: columnArg, table: z.enum(CODE_TABLE_NAMES) }),
    { column, table },
  );
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

const compileCodeTable: CompileFn = (rule, ctx) => {
  const name = rule.column!;
  const table = rule.args.table as CodeTableName;
  if (table === 'division') return rowPlan(ctx, name, `NOT gs_division_known(trim(${text(ctx, name)}))`);
  const accepted = ctx.codeTables.get(table);
  if (!accepted?.length) throw new RuleError(`code table "${table}" is empty in gongshu_code_tables`);
  // list_contains on a constant list is a hash lookup; a long `NOT IN (…)` is evaluated as an OR chain (~100× slower).
  return rowPlan(ctx, name, notInListSql(accepted, text(ctx, name)));
};

/** Types a value can be required to parse as. */
export const PARSE_TYPES = ['date', 'timestamp', 'integer', 'decimal', 'boolean'] as const;

/**
 * The value parses as `type`. On a column the loader already typed (a catalog type), rows whose text did not
 * parse were quarantined as `type:<column>`: they count as failed, over the loaded non-empty values plus them.
 * @example parses('contribution_base', 'decimal')
 */
export function parses(column: string, type: (typeof PARSE_TYPES)[number], options: RuleOptions = {}): Rule {
  const args = parseArgs('parses', z.strictObject({ column: columnArg, type: z.enum(PARSE_TYPES) }), {
    column,
    type,
  });
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
export function dateParses(column: string, options: RuleOptions = {}): Rule {
  return parses(column, 'date', options);
}

const PARSE_SQL: Readonly<Record<string, (c: string) => string>> = {
  date: (c) => `gs_parse_date(${c})`,
  timestamp: (c) => `TRY_CAST(trim(${c}) AS TIMESTAMP)`,
  integer: (c) => `TRY_CAST(trim(${c}) AS BIGINT)`,
  decimal: (c) => `TRY_CAST(trim(${c}) AS DECIMAL(38, 6))`,
  boolean: (c) => `TRY_CAST(trim(${c}) AS BOOLEAN)`,
};

const compileParses: CompileFn = (rule, ctx, scope) => {
  const name = rule.column!;
  const c = columnSql(ctx, name);
  if (isText(ctx, name)) {
    return rowPlan(ctx, name, `${PARSE_SQL[rule.args.type as string]!(c)} IS NULL`);
  }
  const reason = `type:${name}`;
  const quarantined = ctx.quarantine.get(reason) ?? 0;
  return {
    type: 'scan',
    exprs: { n: `count_if(${scope} AND ${c} IS NOT NULL)` },
    finish: (v) => ({ total: Number(v.n ?? 0) + quarantined, failed: quarantined }),
    sampleSql: quarantineSampleSql(ctx, [reason], null),
  };
};

/** A sample query over the quarantine of the dataset's current loads (key masked). */
export function quarantineSampleSql(
  ctx: Parameters<CompileFn>[1],
  reasons: readonly string[] | 'key-invalid',
  keyMask: 'citizen-id' | 'uscc' | null,
): string {
  const loads = ctx.loads.map((l) => quoteLiteral(l.loadId)).join(', ') || 'NULL';
  const reasonSql =
    reasons === 'key-invalid'
      ? `reason LIKE 'key:%' AND reason <> 'key:missing'`
      : `reason IN (${reasons.map(quoteLiteral).join(', ')})`;
  const key = keyMask ? maskSqlExpression(keyMask, 'key_value') : 'NULL';
  return (
    `SELECT ${key} AS key, source_location AS _source, reason AS value FROM gongshu_quarantine ` +
    `WHERE dataset = ${quoteLiteral(ctx.dataset.dataset)} AND load_id IN (${loads}) AND ${reasonSql} ` +
    'ORDER BY rowid LIMIT 100'
  );
}

/** The value is a valid citizen identity number (GB 11643, after normalisation); for non-key columns. */
export function validCitizenId(column: string, options: RuleOptions = {}): Rule {
  const args = parseArgs('validCitizenId', z.strictObject({ column: columnArg }), { column });
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

/** The value is a valid unified social credit code (GB 32100); for non-key columns. */
export function validUscc(column: string, options: RuleOptions = {}): Rule {
  const args = parseArgs('validUscc', z.strictObject({ column: columnArg }), { column });
  return makeRule({
    factory: 'validUscc',
    check: 'uscc',
    dimension: 'validity',
    column: args.column,
    args,
    description: `${args.column} is a valid unified social credit code (GB 32100: format, check character)`,
    options,
  });
}

/**
 * A custom SQL predicate over a row: TRUE passes; FALSE or NULL fails. `column` (optional) names the value shown
 * in samples. The dimension defaults to validity.
 * @example sqlPredicate('adult-insured', 'date_diff(\'year\', enrolled_on, current_date) < 60', { column: 'enrolled_on' })
 */
export function sqlPredicate(
  id: string,
  sql: string,
  options: RuleOptions & {
    column?: string;
    dimension?: 'completeness' | 'validity' | 'timeliness' | 'consistency' | 'accuracy';
  } = {},
): Rule {
  const { column, dimension, ...rest } = options;
  const args = parseArgs(
    'sqlPredicate',
    z.strictObject({
      id: z.string().regex(/^[^\s]{1,100}$/),
      sql: z
        .string()
        .trim()
        .min(1)
        .refine((s) => !/;\s*\S/.test(s), { error: 'one SQL expression (no ";")' }),
      column: columnArg.optional(),
      dimension: z
        .enum(['completeness', 'validity', 'timeliness', 'consistency', 'accuracy'])
        .default('validity'),
    }),
    { id, sql, column, dimension },
  );
  return makeRule({
    factory: 'sqlPredicate',
    check: 'sql',
    dimension: args.dimension,
    column: args.column ?? null,
    args: { sql: args.sql },
    description: `SQL: ${args.sql}`,
    options: { id: `sql:${args.id}`, ...rest },
  });
}

const compileSql: CompileFn = (rule, ctx) => {
  if (rule.column) columnSql(ctx, rule.column);
  return {
    type: 'row',
    applies: 'TRUE',
    fail: `((${rule.args.sql as string}) IS NOT TRUE)`,
    observed: rule.column ? text(ctx, rule.column) : 'NULL',
    mask: maskOf(ctx, rule.column),
  };
};

/** Built-in `key-valid`: total = rows with a key, failed = rows whose key is invalid (quarantined as key:*). */
export function keyValid(
  keyColumn: string,
  kind: 'citizen-id' | 'uscc',
  options: Omit<RuleOptions, 'id'> = {},
): Rule {
  return makeRule({
    factory: 'keyValid',
    check: 'key-valid',
    dimension: 'validity',
    column: keyColumn,
    args: { kind },
    description: `every key in ${keyColumn} is a valid ${kind === 'uscc' ? 'USCC (GB 32100)' : 'citizen identity number (GB 11643)'} (quarantined invalid keys count as failed)`,
    options: { ...options, id: 'key-valid' },
  });
}

const compileKeyValid: CompileFn = (rule, ctx) => {
  let invalid = 0;
  for (const [reason, n] of ctx.quarantine)
    if (reason.startsWith('key:') && reason !== 'key:missing') invalid += n;
  return {
    type: 'meta',
    finish: () => ({
      total: ctx.loads.reduce((s, l) => s + l.rowsRead, 0) - (ctx.quarantine.get('key:missing') ?? 0),
      failed: invalid,
    }),
    sampleSql: quarantineSampleSql(ctx, 'key-invalid', rule.args.kind as 'citizen-id' | 'uscc'),
  };
};

/** Compilers of the validity checks. */
export const VALIDITY_COMPILERS: Readonly<Record<string, CompileFn>> = {
  matches: (rule, ctx) =>
    rowPlan(
      ctx,
      rule.column!,
      `NOT regexp_full_match(${text(ctx, rule.column!)}, ${quoteLiteral(rule.args.pattern as string)})`,
    ),
  length: (rule, ctx) => {
    const { min, max } = rule.args as { min?: number; max?: number };
    const n = `length(${text(ctx, rule.column!)})`;
    const out = [min !== undefined ? `${n} < ${min}` : null, max !== undefined ? `${n} > ${max}` : null];
    return rowPlan(ctx, rule.column!, `(${out.filter(Boolean).join(' OR ')})`);
  },
  between: compileBetween,
  'in-set': (rule, ctx) =>
    rowPlan(
      ctx,
      rule.column!,
      notInListSql(
        (rule.args.values as (string | number)[]).map((v) => String(v)),
        text(ctx, rule.column!),
      ),
    ),
  'code-table': compileCodeTable,
  parses: compileParses,
  'citizen-id': (rule, ctx) =>
    rowPlan(ctx, rule.column!, `gs_citizen_id_reason(${text(ctx, rule.column!)}) IS NOT NULL`),
  uscc: (rule, ctx) => rowPlan(ctx, rule.column!, `gs_uscc_reason(${text(ctx, rule.column!)}) IS NOT NULL`),
  sql: compileSql,
  'key-valid': compileKeyValid,
};
