/**
 * Failed-row samples: the rows whose rowids the scan and the joins reported, fetched in one query; for the
 * other failing rules, the first rows of their reproducing query. Masked by default; best effort (the counts
 * stand when a sample query fails).
 */
import { type MaskKind, mask, type QualitySample, quoteIdent } from '../schemas/index.ts';
import type { Row } from '../warehouse/index.ts';
import { maskOf } from './column-sql.ts';
import type { Compiled, EvaluationRun } from './evaluation.ts';
import { sourceSql } from './sample-sql.ts';

const SAFETY_NET = /\d{17}[\dXx]/;

/** Masks a sample value in JS exactly as `maskSqlExpression` does in SQL; unmasked 18-digit IDs never pass. */
function maskValue(value: unknown, kind: MaskKind | null, masked: boolean): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (!masked) return text;
  if (kind) return mask(kind, text);
  return SAFETY_NET.test(text) ? text.replace(/\d{17}[\dXx]/g, (m) => mask('citizen-id', m)!) : text;
}

/** The value a rule shows in samples and its masking. */
function shown(c: Compiled): { observed: string; mask: MaskKind | null } {
  if (c.plan.type === 'row') return { observed: c.plan.observed, mask: c.plan.mask };
  if (c.plan.type === 'query') return { observed: c.plan.observed ?? 'NULL', mask: c.plan.mask ?? null };
  return { observed: 'NULL', mask: null };
}

/** The sample rows of failing rules that reported rowids (row rules, joins), fetched in one query. */
export async function fetchRowSamples(run: EvaluationRun, compiled: readonly Compiled[]): Promise<void> {
  const { ctx, n } = run;
  const sampled = compiled.flatMap((c) => {
    const r = run.results.get(c.rule.id);
    const rowids = r?.outcome?.rowids ?? [];
    return rowids.length > 0 && n > 0 && r?.outcome ? [{ c, r, outcome: r.outcome, rowids }] : [];
  });
  if (!sampled.length) return;
  const keySample =
    ctx.dataset.keyColumn && ctx.columns.has(ctx.dataset.keyColumn)
      ? quoteIdent(ctx.dataset.keyColumn)
      : 'NULL';
  const keyMask = ctx.dataset.keyColumn ? maskOf(ctx, ctx.dataset.keyColumn) : null;
  const ids = [...new Set(sampled.flatMap(({ rowids }) => rowids.slice(0, n)))];
  const observed = sampled.map(({ c }) => `CAST(${shown(c).observed} AS VARCHAR) AS __v${c.index}`);
  let byId = new Map<string, Row>();
  try {
    run.counter.samples++;
    const got = await run.wh.json(
      `SELECT CAST(rowid AS VARCHAR) AS __r, CAST(${keySample} AS VARCHAR) AS __k, CAST(${sourceSql(ctx)} AS VARCHAR) AS __s, ${observed.join(', ')} FROM ${ctx.tableSql} WHERE rowid IN (${ids.join(', ')})`,
    );
    byId = new Map(got.rows.map((r) => [String(r.__r), r]));
  } catch {
    // samples are best effort; the counts stand
  }
  for (const { c, r, outcome, rowids } of sampled) {
    const samples: QualitySample[] = rowids.slice(0, n).flatMap((id) => {
      const hit = byId.get(id);
      if (!hit) return [];
      return [
        {
          key: maskValue(hit.__k, keyMask, run.opts.masked),
          source: hit.__s === null || hit.__s === undefined ? null : String(hit.__s),
          value: maskValue(hit[`__v${c.index}`], shown(c).mask, run.opts.masked),
        },
      ];
    });
    run.results.set(c.rule.id, { ...r, outcome: { ...outcome, samples } });
  }
}

/** Samples of failing rules whose samples the scan could not collect: the first rows of their reproducing SQL. */
export async function fetchQuerySamples(run: EvaluationRun, compiled: readonly Compiled[]): Promise<void> {
  const { n } = run;
  for (const c of compiled) {
    const r = run.results.get(c.rule.id);
    if (!r?.outcome || r.outcome.failed === 0 || r.outcome.samples || r.outcome.rowids || !r.sql || n === 0)
      continue;
    try {
      run.counter.samples++;
      const got = await run.wh.json(`SELECT * FROM (${r.sql.replace(/ LIMIT 100$/, '')}) LIMIT ${n}`);
      const samples = got.rows.map((x) => ({
        key: maskValue(x.key, null, run.opts.masked),
        source: x._source === null || x._source === undefined ? null : String(x._source),
        value: maskValue(x.value, null, run.opts.masked),
      }));
      run.results.set(c.rule.id, { ...r, outcome: { ...r.outcome, samples } });
    } catch {
      // samples are best effort; the counts stand
    }
  }
}
