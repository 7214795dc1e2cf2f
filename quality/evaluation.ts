/** One dataset's evaluation in progress: its compiled rules, the results so far, and how a result is written. */
import { maskSqlExpression } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { Rule } from './checks/registry.ts';
import type { QueryCounter } from './context.ts';
import type { CompileContext, Outcome, Plan } from './plan.ts';
import { sampleKeySql, sourceSql } from './sample-sql.ts';

/** Options of a dataset evaluation. */
export interface EvaluateOptions {
  /** Mask samples and reproducing SQL with the catalog's masking; defaults to true. */
  readonly masked: boolean;
  /** Samples kept per failing rule; defaults to 5. */
  readonly samples: number;
}

/** What came out of one rule. */
export interface Evaluated {
  readonly rule: Rule;
  readonly scope: string | null;
  readonly outcome: Outcome | null;
  readonly error: string | null;
  readonly sql: string | null;
}

/** A rule with its scope and plan; `index` names its columns in the shared queries (`t3`, `f3`, `__v3`). */
export interface Compiled {
  readonly rule: Rule;
  readonly scope: string | null;
  readonly plan: Plan;
  readonly index: number;
}

/** The first line of an error's message (DuckDB appends the failing query after `in:`). */
export const errorText = (e: unknown): string => String((e as Error)?.message ?? e).split('\n  in: ')[0]!;

/** One dataset's evaluation: where it reads, what it counts, the results by rule id. */
export interface EvaluationRun {
  readonly wh: Warehouse;
  readonly ctx: CompileContext;
  readonly counter: QueryCounter;
  readonly opts: EvaluateOptions;
  /** Samples kept per failing rule, 0–100. */
  readonly n: number;
  readonly results: Map<string, Evaluated>;
  /** Records the outcome of a rule, with its reproducing SQL. */
  readonly done: (c: Compiled, outcome: Outcome) => void;
  /** Records a rule that could not be computed. */
  readonly failed: (c: Compiled, error: unknown, sql?: string | null) => void;
}

/** A new evaluation of `ctx`'s dataset. */
export function evaluationRun(
  wh: Warehouse,
  ctx: CompileContext,
  counter: QueryCounter,
  opts: EvaluateOptions,
): EvaluationRun {
  const results = new Map<string, Evaluated>();
  return {
    wh,
    ctx,
    counter,
    opts,
    n: Math.max(0, Math.min(opts.samples, 100)),
    results,
    done: (c, outcome) =>
      results.set(c.rule.id, {
        rule: c.rule,
        scope: c.scope,
        outcome,
        error: null,
        sql: reproducingSql(c, ctx, opts.masked),
      }),
    failed: (c, error, sql = null) =>
      results.set(c.rule.id, { rule: c.rule, scope: c.scope, outcome: null, error: errorText(error), sql }),
  };
}

/** The query listing a rule's failing rows (masked when `masked`), or null. */
function reproducingSql(c: Compiled, ctx: CompileContext, masked: boolean): string | null {
  if (c.plan.type !== 'row') return c.plan.sampleSql ?? null;
  const p = c.plan;
  const value = masked && p.mask ? maskSqlExpression(p.mask, p.observed) : p.observed;
  return (
    `SELECT ${sampleKeySql(ctx, masked)} AS key, ${sourceSql(ctx)} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
    `WHERE ${c.scope ?? 'TRUE'} AND ${p.applies} AND ${p.fail} ORDER BY rowid LIMIT 100`
  );
}
