/** 一致性 consistency: fields agree with the key, uniqueness, referential integrity, same value across datasets. */
import { z } from 'zod';
import { maskSqlExpression, quoteIdent } from '../schemas/index.ts';
import { RuleError } from './errors.ts';
import {
  type CompileContext,
  type CompileFn,
  columnSql,
  isText,
  maskOf,
  num,
  type Plan,
  presentSql,
} from './plan.ts';
import { columnArg, makeRule, parseArgs, type Rule, type RuleOptions } from './rule.ts';

/** SQL mapping department sex spellings (男, 男性, M, 1 / 女, 女性, F, 2) to the GB/T 2261.1 code, else NULL. */
export function sexCodeSql(v: string): string {
  const s = `CAST(${v} AS VARCHAR)`;
  const t = `upper(trim(${s}))`;
  const male = `'1', '男', '男性', 'M'`;
  const female = `'2', '女', '女性', 'F'`;
  // The spellings as stored are looked up first, so that only unusual values pay for trim and upper.
  return `(CASE WHEN ${s} IN (${male}) THEN '1' WHEN ${s} IN (${female}) THEN '2' WHEN ${t} IN (${male}, 'MALE') THEN '1' WHEN ${t} IN (${female}, 'FEMALE') THEN '2' END)`;
}

const KEY_PARTS = ['birth-date', 'sex', 'division'] as const;
const LEVELS = { province: 2, prefecture: 4, county: 6 } as const;

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
): Rule {
  const { level, ...rest } = options;
  const args = parseArgs(
    'agreesWithKey',
    z.strictObject({
      column: columnArg,
      part: z.enum(KEY_PARTS),
      level: z.enum(['province', 'prefecture', 'county']).default('province'),
    }),
    { column, part, level },
  );
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

const compileAgreesWithKey: CompileFn = (rule, ctx) => {
  const { keyKind, keyColumn } = ctx.dataset;
  if (keyKind !== 'citizen-id' || !keyColumn) {
    throw new RuleError(
      `agreesWithKey needs a dataset keyed by citizen identity number; ${ctx.dataset.dataset} is ${keyKind ? `keyed by ${keyKind}` : 'unkeyed'}`,
    );
  }
  const name = rule.column!;
  const c = columnSql(ctx, name);
  const k = columnSql(ctx, keyColumn);
  const part = rule.args.part as (typeof KEY_PARTS)[number];
  let applies: string;
  let fail: string;
  if (part === 'birth-date') {
    const v = isText(ctx, name) ? `gs_parse_date(${c})` : `TRY_CAST(${c} AS DATE)`;
    applies = `${v} IS NOT NULL AND ${k} IS NOT NULL`;
    const exact = `${v} <> try_strptime(substr(${k}, 7, 8), '%Y%m%d')::DATE`;
    // On a date column, a fast path: equal as the integer YYYYMMDD needs no date parse; else the exact test decides.
    fail = isText(ctx, name)
      ? exact
      : `(CASE WHEN year(${v}) * 10000 + month(${v}) * 100 + day(${v}) = TRY_CAST(substr(${k}, 7, 8) AS INTEGER) THEN false ELSE ${exact} END)`;
  } else if (part === 'sex') {
    const v = sexCodeSql(c);
    applies = `${v} IS NOT NULL AND ${k} IS NOT NULL`;
    fail = `${v} <> (CASE WHEN TRY_CAST(substr(${k}, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END)`;
  } else {
    const n = LEVELS[rule.args.level as keyof typeof LEVELS];
    applies = `${presentSql(ctx, name)} AND ${k} IS NOT NULL`;
    fail = `left(trim(CAST(${c} AS VARCHAR)), ${n}) <> left(${k}, ${n})`;
  }
  return { type: 'row', applies, fail, observed: `CAST(${c} AS VARCHAR)`, mask: maskOf(ctx, name) };
};

/**
 * No two rows share the same value (or combination of values); rows with an empty value are not evaluated.
 * failed = rows that repeat an earlier row's value.
 * @example unique(['certificate_no'])
 */
export function unique(columns: string | readonly string[], options: RuleOptions = {}): Rule {
  const cols = parseArgs(
    'unique',
    z.array(columnArg).min(1),
    typeof columns === 'string' ? [columns] : [...columns],
  );
  return makeRule({
    factory: 'unique',
    check: 'unique',
    dimension: 'consistency',
    column: cols.length === 1 ? cols[0]! : null,
    args: { columns: cols },
    description: `${cols.join(' + ')} ${cols.length > 1 ? 'are unique together' : 'is unique'}`,
    options: { id: `unique:${cols.join('+')}`, ...options },
  });
}

/** The SQL of the key shown in samples (masked) for a dataset, or NULL. */
export function sampleKeySql(ctx: CompileContext, masked: boolean, prefix = ''): string {
  const { keyColumn } = ctx.dataset;
  if (!keyColumn || !ctx.columns.has(keyColumn)) return 'NULL';
  const k = `${prefix}${quoteIdent(keyColumn)}`;
  const kind = maskOf(ctx, keyColumn);
  return masked && kind ? maskSqlExpression(kind, k) : `CAST(${k} AS VARCHAR)`;
}

/** `_source` if the table has it (loaded by gongshu), else NULL. */
export const sourceSql = (ctx: CompileContext, prefix = '') =>
  ctx.columns.has('_source') ? `${prefix}_source` : 'NULL';

function compileUniqueOf(cols: readonly string[], ctx: CompileContext, scope: string, masked: boolean): Plan {
  const quoted = cols.map((c) => columnSql(ctx, c));
  const present = cols.map((c) => presentSql(ctx, c)).join(' AND ');
  const tuple = quoted.length === 1 ? quoted[0]! : `(${quoted.join(', ')})`;
  const valueCol = cols.length === 1 ? cols[0]! : null;
  const mask = valueCol ? maskOf(ctx, valueCol) : null;
  const observed = valueCol
    ? `CAST(${quoted[0]} AS VARCHAR)`
    : `concat_ws(' + ', ${quoted.map((q) => `CAST(${q} AS VARCHAR)`).join(', ')})`;
  const value = masked && mask ? maskSqlExpression(mask, quoted[0]!) : observed;
  // Its own query rather than an aggregate of the shared scan (DuckDB evaluates a DISTINCT aggregate next to
  // other aggregates far more slowly than alone): one GROUP BY gives the count, the repeats, and as samples the
  // last row of each of the first repeated values — so no second query has to look for the duplicates.
  return {
    type: 'query',
    kind: 'aggregate',
    sql: `SELECT coalesce(sum(n), 0) AS total, coalesce(sum(n) - count(*), 0) AS failed,
  arg_min(last, first, 100) FILTER (WHERE n > 1) AS s
FROM (SELECT count(*) AS n, min(rowid) AS first, max(rowid) AS last FROM ${ctx.tableSql}
  WHERE ${scope} AND ${present} GROUP BY ${quoted.join(', ')})`,
    finish: (v) => ({
      total: num(v.total),
      failed: num(v.failed),
      rowids: ((v.s as unknown[] | null) ?? []).map(String),
    }),
    observed,
    mask,
    sampleSql:
      `SELECT ${sampleKeySql(ctx, masked)} AS key, ${sourceSql(ctx)} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
      `WHERE ${scope} AND ${present} AND ${tuple} IN (SELECT ${tuple} FROM ${ctx.tableSql} WHERE ${scope} AND ${present} GROUP BY ALL HAVING count(*) > 1) ` +
      `QUALIFY row_number() OVER (PARTITION BY ${quoted.join(', ')} ORDER BY rowid) > 1 ` +
      'ORDER BY rowid LIMIT 100',
  };
}

/** Built-in `key-unique`: total = rows loaded, failed = rows whose key repeats an earlier row's. */
export function keyUnique(keyColumn: string, options: Omit<RuleOptions, 'id'> = {}): Rule {
  return makeRule({
    factory: 'keyUnique',
    check: 'key-unique',
    dimension: 'consistency',
    column: keyColumn,
    args: { columns: [keyColumn] },
    description: `no two loaded rows share a key in ${keyColumn} (later copies count as failed)`,
    options: { ...options, id: 'key-unique' },
  });
}

const refArgs = z.strictObject({ dataset: z.string().min(1), column: columnArg });

/**
 * Referential integrity: every non-empty value occurs in `column` of another dataset.
 * @example references('employer_uscc', { dataset: 'enterprises', column: 'uscc' })
 */
export function references(column: string, target: z.input<typeof refArgs>, options: RuleOptions = {}): Rule {
  const col = parseArgs('references', columnArg, column);
  const t = parseArgs('references', refArgs, target);
  return makeRule({
    factory: 'references',
    check: 'references',
    dimension: 'consistency',
    column: col,
    args: { target: t },
    description: `every ${col} occurs in ${t.dataset}.${t.column}`,
    options,
  });
}

/** The other dataset of a cross-table rule, with its table checked. */
export function otherDataset(ctx: CompileContext, name: string) {
  const other = ctx.datasets.get(name);
  if (!other) {
    throw new RuleError(
      `dataset "${name}" is not in the warehouse (known: ${[...ctx.datasets.keys()].join(', ')}). Fix: load it first, or name a loaded dataset`,
    );
  }
  return other;
}

function compileReferences(rule: Rule, ctx: CompileContext, scope: string, masked: boolean): Plan {
  const t = rule.args.target as { dataset: string; column: string };
  const other = otherDataset(ctx, t.dataset);
  const name = rule.column!;
  const c = columnSql(ctx, name);
  const oc = `CAST(${quoteIdent(t.column)} AS VARCHAR)`;
  const present = presentSql(ctx, name);
  const values = `SELECT DISTINCT trim(${oc}) AS v FROM ${quoteIdent(other.table)} WHERE ${oc} IS NOT NULL`;
  const kind = maskOf(ctx, name);
  const value = masked && kind ? maskSqlExpression(kind, c) : `CAST(${c} AS VARCHAR)`;
  return {
    type: 'query',
    kind: 'join',
    sql: `SELECT count(*) AS total, count_if(r.v IS NULL) AS failed
FROM (SELECT trim(CAST(${c} AS VARCHAR)) AS v FROM ${ctx.tableSql} WHERE ${scope} AND ${present}) AS l LEFT JOIN (${values}) AS r ON l.v = r.v`,
    finish: (r) => ({ total: num(r.total), failed: num(r.failed) }),
    sampleSql:
      `SELECT ${sampleKeySql(ctx, masked)} AS key, ${sourceSql(ctx)} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
      `WHERE ${scope} AND ${present} AND trim(CAST(${c} AS VARCHAR)) NOT IN (${values}) ORDER BY rowid LIMIT 100`,
  };
}

/** Value normalisations before comparing across datasets. */
export const COMPARE_AS = ['text', 'sex', 'date', 'number'] as const;

/** SQL normalising a value for comparison. */
export function normalizeSql(v: string, as: (typeof COMPARE_AS)[number]): string {
  switch (as) {
    case 'sex':
      return sexCodeSql(v);
    case 'date':
      return `gs_parse_date(CAST(${v} AS VARCHAR))`;
    case 'number':
      return `TRY_CAST(trim(CAST(${v} AS VARCHAR)) AS DOUBLE)`;
    default:
      return `nullif(trim(CAST(${v} AS VARCHAR)), '')`;
  }
}

export const crossArgs = z.strictObject({
  dataset: z.string().min(1).meta({ description: 'the other dataset' }),
  column: columnArg.optional().meta({ description: 'its column; defaults to the same name' }),
  key: columnArg.optional().meta({ description: 'its key column; defaults to its registered key' }),
  compareAs: z.enum(COMPARE_AS).default('text').meta({ description: 'normalisation before comparing' }),
});
export type CrossArgs = z.output<typeof crossArgs>;

/** A join of this dataset with another on the key, comparing one field; total = compared, failed = differing. */
export function compileCrossField(rule: Rule, ctx: CompileContext, scope: string, masked: boolean): Plan {
  const a = rule.args as CrossArgs;
  const other = otherDataset(ctx, a.dataset);
  const { keyColumn } = ctx.dataset;
  const otherKey = a.key ?? other.keyColumn;
  if (!keyColumn || !otherKey) {
    throw new RuleError(
      `comparing ${ctx.dataset.dataset} with ${a.dataset} needs a key on both (${ctx.dataset.dataset}: ${keyColumn ?? 'none'}, ${a.dataset}: ${otherKey ?? 'none'}). Fix: pass key: "<column of ${a.dataset}>"`,
    );
  }
  const name = rule.column!;
  const c = columnSql(ctx, name);
  const k = columnSql(ctx, keyColumn);
  const oc = quoteIdent(a.column ?? name);
  const ok = quoteIdent(otherKey);
  const mine = normalizeSql(`t.${c}`, a.compareAs);
  const theirs = normalizeSql('o.v', a.compareAs);
  const from = `FROM ${ctx.tableSql} AS t JOIN (SELECT ${ok} AS k, first(CAST(${oc} AS VARCHAR) ORDER BY rowid) AS v
  FROM ${quoteIdent(other.table)} WHERE ${ok} IS NOT NULL GROUP BY ${ok}) AS o ON t.${k} = o.k
WHERE ${scope} AND ${mine} IS NOT NULL AND ${theirs} IS NOT NULL`;
  const kind = maskOf(ctx, name);
  const value = masked && kind ? maskSqlExpression(kind, `t.${c}`) : `CAST(t.${c} AS VARCHAR)`;
  return {
    type: 'query',
    kind: 'join',
    sql: `SELECT count(*) AS total, count_if(${mine} IS DISTINCT FROM ${theirs}) AS failed,
  arg_min(t.rowid, t.rowid, 100) FILTER (WHERE ${mine} IS DISTINCT FROM ${theirs}) AS s ${from}`,
    finish: (r) => ({
      total: num(r.total),
      failed: num(r.failed),
      rowids: ((r.s as unknown[] | null) ?? []).map(String),
    }),
    observed: `CAST(${c} AS VARCHAR)`,
    mask: kind,
    sampleSql: `SELECT ${sampleKeySql(ctx, masked, 't.')} AS key, ${sourceSql(ctx, 't.')} AS _source, ${value} AS value ${from} AND ${mine} IS DISTINCT FROM ${theirs} ORDER BY t.rowid LIMIT 100`,
  };
}

/**
 * The same entity's same field agrees across departments: joined on the key, the values of `column` here and in
 * the other dataset are equal (after `compareAs` normalisation). total = pairs compared, failed = differing.
 * @example sameAs('name', { dataset: 'hukou' })
 */
export function sameAs(column: string, other: z.input<typeof crossArgs>, options: RuleOptions = {}): Rule {
  const col = parseArgs('sameAs', columnArg, column);
  const a = parseArgs('sameAs', crossArgs, other);
  return makeRule({
    factory: 'sameAs',
    check: 'same-as',
    dimension: 'consistency',
    column: col,
    args: a,
    description: `${col} equals ${a.dataset}.${a.column ?? col} for the same key${a.compareAs !== 'text' ? ` (compared as ${a.compareAs})` : ''}`,
    options,
  });
}

/** Compilers of the consistency checks; `masked` decides how join samples show values. */
export function consistencyCompilers(masked: boolean): Readonly<Record<string, CompileFn>> {
  return {
    'agrees-with-key': compileAgreesWithKey,
    unique: (rule, ctx, scope) => compileUniqueOf(rule.args.columns as string[], ctx, scope, masked),
    'key-unique': (rule, ctx, scope) => compileUniqueOf(rule.args.columns as string[], ctx, scope, masked),
    references: (rule, ctx, scope) => compileReferences(rule, ctx, scope, masked),
    'same-as': (rule, ctx, scope) => compileCrossField(rule, ctx, scope, masked),
  };
}
