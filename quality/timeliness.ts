/** 及时性 timeliness: row freshness, dataset freshness against the update cycle, event-to-load lag, period gaps. */
import { z } from 'zod';
import {
  quoteLiteral,
  UPDATE_CYCLE_LABELS,
  UPDATE_CYCLE_MAX_AGE_DAYS,
  type UpdateCycle,
} from '../schemas/index.ts';
import { type CompileContext, type CompileFn, columnSql, isText, maskOf, num, presentSql } from './plan.ts';
import { columnArg, makeRule, parseArgs, type Rule, type RuleOptions } from './rule.ts';
import { workingDayCutoff, workingDaysBetween } from './working-days.ts';

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

const ageText = (a: AgeArgs) =>
  a.maxAge ?? (a.workingDays !== undefined ? `${a.workingDays} working days` : `${a.maxAgeDays} days`);

/** The SQL DATE before which a value is too old on `asOf`. */
function cutoffSql(a: AgeArgs, asOf: string): string {
  const day = `DATE ${quoteLiteral(asOf)}`;
  if (a.workingDays !== undefined) return `DATE ${quoteLiteral(workingDayCutoff(asOf, a.workingDays))}`;
  if (a.maxAgeDays !== undefined) return `(${day} - INTERVAL ${a.maxAgeDays} DAY)::DATE`;
  return `(${day} - INTERVAL ${quoteLiteral(a.maxAge!)})::DATE`;
}

const dateOf = (ctx: CompileContext, name: string) => {
  const c = columnSql(ctx, name);
  return isText(ctx, name) ? `gs_parse_date(${c})` : `TRY_CAST(${c} AS DATE)`;
};

/**
 * Each row's date in `column` is recent: not older than `maxAge` ("3 years"), `maxAgeDays`, or `workingDays`
 * (Chinese working days) before the run's reference date. Empty values are left to completeness.
 * @example freshness('registered_on', { maxAge: '3 years' })
 */
export function freshness(column: string, age: z.input<typeof ageArgs>, options: RuleOptions = {}): Rule {
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

const compileFreshness: CompileFn = (rule, ctx) => {
  const name = rule.column!;
  return {
    type: 'row',
    applies: presentSql(ctx, name),
    fail: `coalesce(${dateOf(ctx, name)} < ${cutoffSql(rule.args as AgeArgs, ctx.asOf)}, TRUE)`,
    observed: `CAST(${columnSql(ctx, name)} AS VARCHAR)`,
    mask: maskOf(ctx, name),
  };
};

/**
 * The dataset was updated recently: its newest load is at most `maxAgeDays` (or `workingDays`) old, or within its
 * catalog update cycle (`cycle`). total = 1, failed = 1 when stale; the observed value is the age.
 * @example datasetFreshness({ cycle: 'daily' })
 */
export function datasetFreshness(
  age: { cycle: UpdateCycle } | { maxAgeDays: number } | { workingDays: number },
  options: RuleOptions = {},
): Rule {
  const args = parseArgs(
    'datasetFreshness',
    z.union([
      z.strictObject({
        cycle: z
          .enum(Object.keys(UPDATE_CYCLE_MAX_AGE_DAYS) as [UpdateCycle, ...UpdateCycle[]])
          .refine((c) => UPDATE_CYCLE_MAX_AGE_DAYS[c] !== null, {
            error: 'a cycle with a maximum age (irregular has none)',
          }),
      }),
      z.strictObject({ maxAgeDays: z.number().int().nonnegative() }),
      z.strictObject({ workingDays: z.number().int().nonnegative() }),
    ]),
    age,
  );
  const limit =
    'cycle' in args
      ? `${UPDATE_CYCLE_MAX_AGE_DAYS[args.cycle]} days (update cycle ${UPDATE_CYCLE_LABELS[args.cycle].zh} ${args.cycle})`
      : 'maxAgeDays' in args
        ? `${args.maxAgeDays} days`
        : `${args.workingDays} working days`;
  return makeRule({
    factory: 'datasetFreshness',
    check: 'dataset-freshness',
    dimension: 'timeliness',
    column: null,
    args,
    description: `the newest load is at most ${limit} old`,
    options: { id: 'dataset-freshness', severity: 'warn', ...options },
  });
}

const compileDatasetFreshness: CompileFn = (rule, ctx) => ({
  type: 'meta',
  finish: () => {
    const a = rule.args as { cycle?: UpdateCycle; maxAgeDays?: number; workingDays?: number };
    const last = ctx.loads.at(-1);
    if (!last) return { total: 1, failed: 1, observed: 'never loaded' };
    const day = shanghaiDate(new Date(last.finishedAt));
    const days = Math.round((Date.parse(ctx.asOf) - Date.parse(day)) / 86_400_000);
    if (a.workingDays !== undefined) {
      const w = workingDaysBetween(day, ctx.asOf);
      return {
        total: 1,
        failed: w > a.workingDays ? 1 : 0,
        observed: `last load ${day}: ${w} working days old (allowed ${a.workingDays})`,
      };
    }
    const max = a.maxAgeDays ?? UPDATE_CYCLE_MAX_AGE_DAYS[a.cycle!]!;
    return {
      total: 1,
      failed: days > max ? 1 : 0,
      observed: `last load ${day}: ${days} days old (allowed ${max})`,
    };
  },
});

/** The calendar date of an instant in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/**
 * The lag between an event date and the load (`_ingested_at`) is at most `maxDays` calendar days.
 * @example lag('event_date', { maxDays: 30 })
 */
export function lag(column: string, limit: { maxDays: number }, options: RuleOptions = {}): Rule {
  const args = parseArgs(
    'lag',
    z.strictObject({ column: columnArg, maxDays: z.number().int().nonnegative() }),
    { column, ...limit },
  );
  return makeRule({
    factory: 'lag',
    check: 'lag',
    dimension: 'timeliness',
    column: args.column,
    args,
    description: `${args.column} reaches the warehouse within ${args.maxDays} days of the event`,
    options,
    defaultSeverity: 'warn',
  });
}

const compileLag: CompileFn = (rule, ctx) => {
  const name = rule.column!;
  columnSql(ctx, '_ingested_at');
  const d = dateOf(ctx, name);
  return {
    type: 'row',
    applies: `${presentSql(ctx, name)} AND ${d} IS NOT NULL`,
    fail: `date_diff('day', ${d}, timezone('Asia/Shanghai', _ingested_at)::DATE) > ${rule.args.maxDays as number}`,
    observed: `CAST(${columnSql(ctx, name)} AS VARCHAR)`,
    mask: maskOf(ctx, name),
  };
};

const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;

/**
 * Every expected period has data: the distinct periods of `column` between `from` (default: the first) and `to`
 * (default: the last) have no gap. total = expected periods, failed = missing ones (listed in observed).
 * @example periods('event_date', 'month', { from: '2024-01-01' })
 */
export function periods(
  column: string,
  every: (typeof PERIODS)[number],
  range: { from?: string; to?: string } = {},
  options: RuleOptions = {},
): Rule {
  const args = parseArgs(
    'periods',
    z.strictObject({
      column: columnArg,
      every: z.enum(PERIODS),
      from: z.iso.date().optional(),
      to: z.iso.date().optional(),
    }),
    { column, every, ...range },
  );
  return makeRule({
    factory: 'periods',
    check: 'periods',
    dimension: 'timeliness',
    column: args.column,
    args,
    description: `${args.column} has data for every ${args.every}${args.from ? ` from ${args.from}` : ''}${args.to ? ` to ${args.to}` : ''}`,
    options,
    defaultSeverity: 'warn',
  });
}

const compilePeriods: CompileFn = (rule, ctx, scope) => {
  const a = rule.args as { column: string; every: string; from?: string; to?: string };
  const unit = quoteLiteral(a.every);
  const d = dateOf(ctx, a.column);
  const lo = a.from ? `DATE ${quoteLiteral(a.from)}` : 'min(p)';
  const hi = a.to ? `DATE ${quoteLiteral(a.to)}` : 'max(p)';
  return {
    type: 'query',
    kind: 'aggregate',
    sql: `WITH have AS (SELECT DISTINCT date_trunc(${unit}, ${d})::DATE AS p FROM ${ctx.tableSql} WHERE ${scope} AND ${d} IS NOT NULL),
  bounds AS (SELECT date_trunc(${unit}, ${lo})::DATE AS lo, date_trunc(${unit}, ${hi})::DATE AS hi FROM have),
  want AS (SELECT unnest(generate_series(lo::TIMESTAMP, hi::TIMESTAMP, INTERVAL 1 ${a.every.toUpperCase()}))::DATE AS p FROM bounds WHERE lo IS NOT NULL)
SELECT count(*) AS total, count(*) FILTER (WHERE p NOT IN (SELECT p FROM have)) AS failed,
  list(strftime(p, '%Y-%m-%d') ORDER BY p) FILTER (WHERE p NOT IN (SELECT p FROM have)) AS missing FROM want`,
    finish: (r) => {
      const missing = (r.missing as string[] | null) ?? [];
      return {
        total: num(r.total),
        failed: num(r.failed),
        observed: missing.length
          ? `missing ${a.every}s: ${missing.slice(0, 12).join(', ')}${missing.length > 12 ? ', …' : ''}`
          : null,
      };
    },
  };
};

/** Compilers of the timeliness checks. */
export const TIMELINESS_COMPILERS: Readonly<Record<string, CompileFn>> = {
  freshness: compileFreshness,
  'dataset-freshness': compileDatasetFreshness,
  lag: compileLag,
  periods: compilePeriods,
};
