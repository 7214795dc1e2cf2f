import { inList, quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { FOUNDATION_LOADS_TABLE, FOUNDATIONS_TABLE, LOADS_TABLE } from '../../warehouse/index.ts';
import { type FoundationCounts, foundationCounts } from './build-counts.ts';
import type { Foundation } from './define.ts';
import { stampSql } from './versions.ts';

/** The committed loads of the sources a full build integrates: those the foundation has not consumed yet. */
export async function unconsumedLoads(
  wh: Warehouse,
  f: Foundation,
  names: readonly string[],
): Promise<string[]> {
  return (
    await wh.all<{ load_id: string }>(
      `SELECT load_id FROM ${LOADS_TABLE} WHERE dataset IN ${inList(names)} AND status = 'committed'
             AND load_id NOT IN (SELECT load_id FROM ${FOUNDATION_LOADS_TABLE} WHERE foundation = $1)`,
      [f.name],
    )
  ).map((r) => r.load_id);
}

/**
 * The bookkeeping and the counts in one round trip: the loads integrated (never recorded before: they were
 * selected as not consumed, and the primary key would refuse a second record), the build's state (its row count
 * `known` when derived from the previous one, else counted), the conflicts per field.
 */
export async function recordBuild(
  wh: Warehouse,
  f: Foundation,
  b: {
    readonly loads: readonly string[];
    readonly hash: string;
    readonly at: Date;
    readonly runId: string | undefined;
    readonly mode: string;
    readonly known: number | undefined;
  },
): Promise<FoundationCounts> {
  const table = `foundation.${q(f.name)}`;
  const conflictsTable = `foundation.${q(`${f.name}_conflicts`)}`;
  const { countsSql, counts } = foundationCounts(wh, f);
  const { at } = b;
  const chunks: string[] = [];
  for (let i = 0; i < b.loads.length; i += 1000) {
    chunks.push(
      b.loads
        .slice(i, i + 1000)
        .map(lit)
        .join(', '),
    );
  }
  const runId = b.runId === undefined ? 'NULL' : lit(b.runId);
  return counts(
    [
      ...chunks.map(
        (ids) =>
          `INSERT INTO ${FOUNDATION_LOADS_TABLE} SELECT ${lit(f.name)}, unnest([${ids}]), ${runId}, ${stampSql(at)};`,
      ),
      `INSERT INTO ${FOUNDATIONS_TABLE} SELECT ${lit(f.name)}, ${lit(b.hash)}, ${stampSql(at)}, ${runId}, ${lit(b.mode)},
             ${b.known ?? `(SELECT count(*) FROM ${table})`}, (SELECT count(*) FROM ${conflictsTable})
           ON CONFLICT (foundation) DO UPDATE SET definition_hash = excluded.definition_hash,
             built_at = excluded.built_at, run_id = excluded.run_id, mode = excluded.mode, rows = excluded.rows,
             conflicts = excluded.conflicts;`,
      countsSql(`(SELECT rows FROM ${FOUNDATIONS_TABLE} WHERE foundation = ${lit(f.name)})`),
    ].join('\n'),
  );
}
