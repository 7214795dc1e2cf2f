import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Foundation } from './define.ts';
import { freshSql, type Pick, pickSql, type SourceTable } from './sql.ts';

/**
 * Writes the picks of a full build to temporary tables (`__gs_<foundation>_<pick id>`), one statement each;
 * returns pick id → table, for `freshSql`. Computed in one statement with the joins, the picks' aggregates and
 * the joins' hash tables all held memory at once, and such a statement failed under a 500 MB memory limit at 1M
 * people; one pick at a time, each aggregate can spill and the tables themselves are spilled as needed.
 */
export async function pickTables(
  wh: Warehouse,
  f: Foundation,
  picks: readonly Pick[],
  sources: ReadonlyMap<string, SourceTable>,
): Promise<Map<string, string>> {
  const tables = new Map<string, string>();
  const statements = picks.map((p) => {
    const name = q(`__gs_${f.name}_${p.id}`);
    tables.set(p.id, `temp.${name}`);
    return `CREATE OR REPLACE TEMP TABLE ${name} AS ${pickSql(f, p, sources.get(p.ref.source)!)}`;
  });
  await wh.run(statements.join(';\n'));
  return tables;
}

/** Drops the tables `pickTables` wrote. */
export async function dropPickTables(wh: Warehouse, tables: ReadonlyMap<string, string>): Promise<void> {
  await wh.run([...tables.values()].map((t) => `DROP TABLE IF EXISTS ${t}`).join(';\n'));
}

/**
 * Runs a full build (`build`) with its picks and fresh rows written to temporary tables before it, and drops them
 * after. Written before the build's transaction, DuckDB reads them as committed data, in parallel; written inside
 * it, they are read as the transaction's own (slower: the full rebuild of the 1M-person bench took 1.9 s instead
 * of 1.6 s). They read only the sources, which the warehouse's one writer cannot change meanwhile.
 */
export async function withFreshRows<T>(
  wh: Warehouse,
  f: Foundation,
  picks: readonly Pick[],
  sources: ReadonlyMap<string, SourceTable>,
  build: (freshTable: string) => Promise<T>,
): Promise<T> {
  const tables = await pickTables(wh, f, picks, sources);
  const name = q(`__gs_${f.name}_fresh_rows`);
  try {
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${freshSql(f, picks, sources, undefined, tables)}`);
    return await build(`temp.${name}`);
  } finally {
    await dropPickTables(wh, tables).catch(() => undefined);
    await wh.run(`DROP TABLE IF EXISTS temp.${name}`).catch(() => undefined);
  }
}
