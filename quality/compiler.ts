/**
 * The compiler: a dataset's row-level rules (and scan aggregates such as dataset freshness) become ONE aggregate
 * scan — `count_if` per rule plus the first failing rows (`arg_min(…, rowid, n)`) as samples; cross-table rules
 * become one join query each, uniqueness one GROUP BY query each; rules computed from the load ledger and
 * quarantine need no query. When the combined scan fails,
 * each rule runs alone so that one broken rule (a bad SQL predicate) cannot hide the others; the broken one is
 * reported with its error.
 */

import { quoteIdent, quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { checkOf, type Rule } from './checks/registry.ts';
import type { QueryCounter } from './context.ts';
import { RuleError } from './errors.ts';
import {
  type Compiled,
  type Evaluated,
  type EvaluateOptions,
  type EvaluationRun,
  errorText,
  evaluationRun,
} from './evaluation.ts';
import type { CompileContext } from './plan.ts';
import { fetchQuerySamples, fetchRowSamples } from './samples.ts';
import { runScan } from './scan.ts';

export type { Evaluated, EvaluateOptions } from './evaluation.ts';

/** What came out of a dataset. */
export interface DatasetEvaluation {
  readonly rows: number;
  readonly results: readonly Evaluated[];
  readonly fallback: { readonly error: string } | null;
}

/** The SQL condition of a rule's scope, or null when it has none. */
export function scopeOf(rule: Rule, ctx: CompileContext): string | null {
  const parts: string[] = [];
  if (rule.where) parts.push(`(${rule.where})`);
  if (rule.partition) {
    const v = rule.partition.value;
    parts.push(
      `${quoteIdent(rule.partition.column)} = ${typeof v === 'number' ? String(v) : quoteLiteral(v)}`,
    );
  }
  if (rule.scope === 'latest-load') {
    const latest = ctx.loads.at(-1);
    if (!ctx.columns.has('_load_id') || !latest) {
      throw new RuleError(
        `scope "latest-load" needs a dataset loaded by gongshu (no _load_id or no load recorded)`,
      );
    }
    parts.push(`_load_id = ${quoteLiteral(latest.loadId)}`);
  }
  return parts.length ? parts.join(' AND ') : null;
}

/** Compiles each rule with its check; a rule that does not compile is recorded with its error. */
function compileRules(run: EvaluationRun, rules: readonly Rule[]): Compiled[] {
  const compiled: Compiled[] = [];
  for (const rule of rules) {
    try {
      const check = checkOf(rule);
      const scope = scopeOf(rule, run.ctx);
      const plan = check.compile(rule, run.ctx, scope ?? 'TRUE', run.opts.masked);
      compiled.push({ rule, scope, plan, index: compiled.length });
    } catch (e) {
      run.results.set(rule.id, { rule, scope: null, outcome: null, error: errorText(e), sql: null });
    }
  }
  return compiled;
}

/** Runs the rules with a query of their own (joins, gap searches, uniqueness) and those computed from metadata. */
async function runQueries(run: EvaluationRun, compiled: readonly Compiled[]): Promise<void> {
  for (const c of compiled) {
    if (c.plan.type === 'query') {
      try {
        if (c.plan.kind === 'join') run.counter.joins++;
        else run.counter.aggregates++;
        const {
          rows: [row],
        } = await run.wh.json(c.plan.sql);
        run.done(c, c.plan.finish(row ?? {}));
      } catch (e) {
        run.failed(c, e, c.plan.sampleSql ?? null);
      }
    } else if (c.plan.type === 'meta') {
      try {
        run.done(c, c.plan.finish());
      } catch (e) {
        run.failed(c, e);
      }
    }
  }
}

/** Evaluates a dataset's rules: one scan, joins, fallback on failure, samples. */
export async function evaluateDataset(
  wh: Warehouse,
  ctx: CompileContext,
  rules: readonly Rule[],
  counter: QueryCounter,
  opts: EvaluateOptions,
): Promise<DatasetEvaluation> {
  const run = evaluationRun(wh, ctx, counter, opts);
  const compiled = compileRules(run, rules);
  const { rows, fallback } = await runScan(run, compiled);
  await runQueries(run, compiled);
  await fetchRowSamples(run, compiled);
  await fetchQuerySamples(run, compiled);
  return { rows, results: rules.map((r) => run.results.get(r.id)!), fallback };
}
