/**
 * The one aggregate scan of a dataset: an inner projection computes each row rule's two booleans once (in scope ∧
 * applies, and failing), the aggregate counts them and keeps the rowids of the first failing rows; scan plans add
 * their aggregates. When it fails, each rule runs alone so that one broken rule cannot hide the others.
 */
import type { Row } from '../warehouse/index.ts';
import { num } from './column-sql.ts';
import { type Compiled, type EvaluationRun, errorText } from './evaluation.ts';
import type { Outcome } from './plan.ts';

function inner(c: Compiled): string[] {
  const i = c.index;
  if (c.plan.type !== 'row') return [];
  const a = `(${c.scope ?? 'TRUE'}) AND (${c.plan.applies})`;
  return [`(${a}) AS __a${i}`, `(${a}) AND (${c.plan.fail}) AS __f${i}`];
}

function outer(c: Compiled, n: number): string[] {
  const i = c.index;
  if (c.plan.type === 'row') {
    return [
      `count_if(__a${i}) AS t${i}`,
      `count_if(__f${i}) AS f${i}`,
      ...(n > 0 ? [`arg_min(__rowid, __rowid, ${n}) FILTER (WHERE __f${i}) AS s${i}`] : []),
    ];
  }
  if (c.plan.type === 'scan') return Object.entries(c.plan.exprs).map(([k, e]) => `${e} AS x${i}_${k}`);
  return [];
}

function finishScan(c: Compiled, row: Row): Outcome {
  const i = c.index;
  if (c.plan.type === 'row') {
    const rowids = ((row[`s${i}`] as unknown[] | null) ?? []).map((x) => String(x));
    return { total: num(row[`t${i}`]), failed: num(row[`f${i}`]), rowids };
  }
  if (c.plan.type !== 'scan') return { total: 0, failed: 0 };
  const values: Row = {};
  for (const k of Object.keys(c.plan.exprs)) values[k] = row[`x${i}_${k}`];
  return c.plan.finish(values);
}

function scanSql(items: readonly Compiled[], withRows: boolean, tableSql: string, n: number): string {
  const inn = items.flatMap((c) => inner(c));
  const out = [...(withRows ? ['count(*) AS __rows'] : []), ...items.flatMap((c) => outer(c, n))];
  return `SELECT ${out.join(',\n  ')}\nFROM (SELECT *, rowid AS __rowid${inn.length ? `, ${inn.join(',\n    ')}` : ''} FROM ${tableSql})`;
}

/** Runs the row and scan plans in one scan (or one by one when it fails); returns the rows assessed. */
export async function runScan(
  run: EvaluationRun,
  compiled: readonly Compiled[],
): Promise<{ rows: number; fallback: { error: string } | null }> {
  const { wh, ctx, counter, n } = run;
  const inScan = compiled.filter((c) => c.plan.type === 'row' || c.plan.type === 'scan');
  try {
    counter.scans++;
    const {
      rows: [row],
    } = await wh.json(scanSql(inScan, true, ctx.tableSql, n));
    const rows = num(row!.__rows);
    for (const c of inScan) run.done(c, finishScan(c, row!));
    return { rows, fallback: null };
  } catch (e) {
    for (const c of inScan) {
      try {
        counter.fallback++;
        const {
          rows: [row],
        } = await wh.json(scanSql([c], false, ctx.tableSql, n));
        run.done(c, finishScan(c, row!));
      } catch (err) {
        run.failed(c, err);
      }
    }
    let rows: number;
    try {
      counter.fallback++;
      rows = num(await wh.value(`SELECT count(*) FROM ${ctx.tableSql}`));
    } catch {
      rows = 0;
    }
    return { rows, fallback: { error: errorText(e) } };
  }
}
