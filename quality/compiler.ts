/**
 * The compiler: a dataset's row-level rules (and scan aggregates such as dataset freshness) become ONE aggregate
 * scan — `count_if` per rule plus the first failing rows (`arg_min(…, rowid, n)`) as samples; cross-table rules
 * become one join query each, uniqueness one GROUP BY query each; rules computed from the load ledger and
 * quarantine need no query. When the combined scan fails,
 * each rule runs alone so that one broken rule (a bad SQL predicate) cannot hide the others; the broken one is
 * reported with its error.
 */

import type { QualitySample } from '../schemas/index.ts';
import { type MaskKind, mask, maskSqlExpression, quoteIdent, quoteLiteral } from '../schemas/index.ts';
import type { Row, Warehouse } from '../warehouse/index.ts';
import { COMPLETENESS_COMPILERS } from './completeness.ts';
import { compileCrossField, consistencyCompilers, sampleKeySql, sourceSql } from './consistency.ts';
import type { QueryCounter } from './context.ts';
import { RuleError } from './errors.ts';
import {
  type CompileContext,
  type CompileFn,
  maskOf,
  num,
  type Outcome,
  type Plan,
  type RowPlan,
} from './plan.ts';
import type { Rule } from './rule.ts';
import { TIMELINESS_COMPILERS } from './timeliness.ts';
import { VALIDITY_COMPILERS } from './validity.ts';

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

/** What came out of a dataset. */
export interface DatasetEvaluation {
  readonly rows: number;
  readonly results: readonly Evaluated[];
  readonly fallback: { readonly error: string } | null;
}

function compilers(masked: boolean): Readonly<Record<string, CompileFn>> {
  return {
    ...COMPLETENESS_COMPILERS,
    ...VALIDITY_COMPILERS,
    ...TIMELINESS_COMPILERS,
    ...consistencyCompilers(masked),
    'matches-source': (rule, ctx, scope) => compileCrossField(rule, ctx, scope, masked),
  };
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

const SAFETY_NET = /\d{17}[\dXx]/;

/** Masks a sample value in JS exactly as `maskSqlExpression` does in SQL; unmasked 18-digit IDs never pass. */
function maskValue(value: unknown, kind: MaskKind | null, masked: boolean): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (!masked) return text;
  if (kind) return mask(kind, text);
  return SAFETY_NET.test(text) ? text.replace(/\d{17}[\dXx]/g, (m) => mask('citizen-id', m)!) : text;
}

interface Compiled {
  readonly rule: Rule;
  readonly scope: string | null;
  readonly plan: Plan;
}

const errorText = (e: unknown) => String((e as Error)?.message ?? e).split('\n  in: ')[0]!;

/** Evaluates a dataset's rules: one scan, joins, fallback on failure, samples. */
export async function evaluateDataset(
  wh: Warehouse,
  ctx: CompileContext,
  rules: readonly Rule[],
  counter: QueryCounter,
  opts: EvaluateOptions,
): Promise<DatasetEvaluation> {
  const registry = compilers(opts.masked);
  const results = new Map<string, Evaluated>();
  const compiled: Compiled[] = [];
  for (const rule of rules) {
    try {
      const fn = registry[rule.check];
      if (!fn) throw new RuleError(`unknown check kind "${rule.check}"`);
      const scope = scopeOf(rule, ctx);
      compiled.push({ rule, scope, plan: fn(rule, ctx, scope ?? 'TRUE') });
    } catch (e) {
      results.set(rule.id, { rule, scope: null, outcome: null, error: errorText(e), sql: null });
    }
  }

  const keySample =
    ctx.dataset.keyColumn && ctx.columns.has(ctx.dataset.keyColumn)
      ? quoteIdent(ctx.dataset.keyColumn)
      : 'NULL';
  const src = sourceSql(ctx);
  const keyMask = ctx.dataset.keyColumn ? maskOf(ctx, ctx.dataset.keyColumn) : null;
  const n = Math.max(0, Math.min(opts.samples, 100));

  // The scan: an inner projection computes each row rule's two booleans once (in scope ∧ applies, and failing),
  // the aggregate counts them and keeps the rowids of the first failing rows; scan plans add their aggregates.
  const inner = (c: Compiled, i: number): string[] => {
    if (c.plan.type !== 'row') return [];
    const a = `(${c.scope ?? 'TRUE'}) AND (${c.plan.applies})`;
    return [`(${a}) AS __a${i}`, `(${a}) AND (${c.plan.fail}) AS __f${i}`];
  };
  const outer = (c: Compiled, i: number): string[] => {
    if (c.plan.type === 'row') {
      return [
        `count_if(__a${i}) AS t${i}`,
        `count_if(__f${i}) AS f${i}`,
        ...(n > 0 ? [`arg_min(__rowid, __rowid, ${n}) FILTER (WHERE __f${i}) AS s${i}`] : []),
      ];
    }
    if (c.plan.type === 'scan') return Object.entries(c.plan.exprs).map(([k, e]) => `${e} AS x${i}_${k}`);
    return [];
  };
  const finishScan = (c: Compiled, i: number, row: Row): Outcome => {
    if (c.plan.type === 'row') {
      const rowids = ((row[`s${i}`] as unknown[] | null) ?? []).map((x) => String(x));
      return { total: num(row[`t${i}`]), failed: num(row[`f${i}`]), rowids };
    }
    const plan = c.plan as Extract<Plan, { type: 'scan' }>;
    const values: Row = {};
    for (const k of Object.keys(plan.exprs)) values[k] = row[`x${i}_${k}`];
    return plan.finish(values);
  };

  const inScan = compiled
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.plan.type === 'row' || c.plan.type === 'scan');
  const select = (items: { c: Compiled; i: number }[], withRows: boolean) => {
    const inn = items.flatMap(({ c, i }) => inner(c, i));
    const out = [...(withRows ? ['count(*) AS __rows'] : []), ...items.flatMap(({ c, i }) => outer(c, i))];
    return `SELECT ${out.join(',\n  ')}\nFROM (SELECT *, rowid AS __rowid${inn.length ? `, ${inn.join(',\n    ')}` : ''} FROM ${ctx.tableSql})`;
  };
  let rows = 0;
  let fallback: { error: string } | null = null;
  try {
    counter.scans++;
    const {
      rows: [row],
    } = await wh.json(select(inScan, true));
    rows = num(row!.__rows);
    for (const { c, i } of inScan) results.set(c.rule.id, done(c, finishScan(c, i, row!)));
  } catch (e) {
    fallback = { error: errorText(e) };
    for (const item of inScan) {
      try {
        counter.fallback++;
        const {
          rows: [row],
        } = await wh.json(select([item], false));
        results.set(item.c.rule.id, done(item.c, finishScan(item.c, item.i, row!)));
      } catch (err) {
        results.set(item.c.rule.id, {
          rule: item.c.rule,
          scope: item.c.scope,
          outcome: null,
          error: errorText(err),
          sql: null,
        });
      }
    }
    try {
      counter.fallback++;
      rows = num(await wh.value(`SELECT count(*) FROM ${ctx.tableSql}`));
    } catch {
      rows = 0;
    }
  }

  for (const c of compiled) {
    if (c.plan.type === 'query') {
      try {
        if (c.plan.kind === 'join') counter.joins++;
        else counter.aggregates++;
        const {
          rows: [row],
        } = await wh.json(c.plan.sql);
        results.set(c.rule.id, done(c, c.plan.finish(row ?? {})));
      } catch (e) {
        results.set(c.rule.id, {
          rule: c.rule,
          scope: c.scope,
          outcome: null,
          error: errorText(e),
          sql: c.plan.sampleSql ?? null,
        });
      }
    } else if (c.plan.type === 'meta') {
      try {
        results.set(c.rule.id, done(c, c.plan.finish()));
      } catch (e) {
        results.set(c.rule.id, {
          rule: c.rule,
          scope: c.scope,
          outcome: null,
          error: errorText(e),
          sql: null,
        });
      }
    }
  }

  // The sample rows of failing rules that reported rowids (row rules, joins), fetched in one query.
  const sampled = compiled
    .map((c, i) => ({ c, i, r: results.get(c.rule.id) }))
    .filter(({ r }) => (r?.outcome?.rowids?.length ?? 0) > 0 && n > 0);
  if (sampled.length) {
    const shown = (c: Compiled) =>
      c.plan.type === 'row'
        ? { observed: c.plan.observed, mask: c.plan.mask }
        : c.plan.type === 'query'
          ? { observed: c.plan.observed ?? 'NULL', mask: c.plan.mask ?? null }
          : { observed: 'NULL', mask: null };
    const ids = [...new Set(sampled.flatMap(({ r }) => r!.outcome!.rowids!.slice(0, n)))];
    const observed = sampled.map(({ c, i }) => `CAST(${shown(c).observed} AS VARCHAR) AS __v${i}`);
    let byId = new Map<string, Row>();
    try {
      counter.samples++;
      const got = await wh.json(
        `SELECT CAST(rowid AS VARCHAR) AS __r, CAST(${keySample} AS VARCHAR) AS __k, CAST(${src} AS VARCHAR) AS __s, ${observed.join(', ')} FROM ${ctx.tableSql} WHERE rowid IN (${ids.join(', ')})`,
      );
      byId = new Map(got.rows.map((r) => [String(r.__r), r]));
    } catch {
      // samples are best effort; the counts stand
    }
    for (const { c, i, r } of sampled) {
      const samples: QualitySample[] = r!.outcome!.rowids!.slice(0, n).flatMap((id) => {
        const hit = byId.get(id);
        if (!hit) return [];
        return [
          {
            key: maskValue(hit.__k, keyMask, opts.masked),
            source: hit.__s === null || hit.__s === undefined ? null : String(hit.__s),
            value: maskValue(hit[`__v${i}`], shown(c).mask, opts.masked),
          },
        ];
      });
      results.set(c.rule.id, { ...r!, outcome: { ...r!.outcome!, samples } });
    }
  }

  // Samples of failing rules whose samples the scan could not collect.
  for (const c of compiled) {
    const r = results.get(c.rule.id);
    if (!r?.outcome || r.outcome.failed === 0 || r.outcome.samples || r.outcome.rowids || !r.sql || n === 0)
      continue;
    try {
      counter.samples++;
      const got = await wh.json(`SELECT * FROM (${r.sql.replace(/ LIMIT 100$/, '')}) LIMIT ${n}`);
      const samples = got.rows.map((x) => ({
        key: maskValue(x.key, null, opts.masked),
        source: x._source === null || x._source === undefined ? null : String(x._source),
        value: maskValue(x.value, null, opts.masked),
      }));
      results.set(c.rule.id, { ...r, outcome: { ...r.outcome, samples } });
    } catch {
      // samples are best effort; the counts stand
    }
  }

  function done(c: Compiled, outcome: Outcome): Evaluated {
    return { rule: c.rule, scope: c.scope, outcome, error: null, sql: reproducingSql(c) };
  }
  function reproducingSql(c: Compiled): string | null {
    if (c.plan.type !== 'row') return c.plan.sampleSql ?? null;
    const p: RowPlan = c.plan;
    const value = opts.masked && p.mask ? maskSqlExpression(p.mask, p.observed) : p.observed;
    return (
      `SELECT ${sampleKeySql(ctx, opts.masked)} AS key, ${src} AS _source, ${value} AS value FROM ${ctx.tableSql} ` +
      `WHERE ${c.scope ?? 'TRUE'} AND ${p.applies} AND ${p.fail} ORDER BY rowid LIMIT 100`
    );
  }

  return { rows, results: rules.map((r) => results.get(r.id)!), fallback };
}
