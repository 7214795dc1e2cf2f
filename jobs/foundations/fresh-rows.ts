/**
 * The fresh rows of a full build, written to a temporary table before its transaction.
 *
 * Bounded: a full build runs within FOUNDATION_MEMORY_LIMIT, and the statement computing its rows (each pick an
 * aggregate choosing one row per key, the picks full-outer-joined on the key) holds every key's values in
 * aggregate states and hash tables DuckDB cannot spill. So the keys are split in parts by their hash, each part's
 * rows computed by the one statement and appended: about `ROWS_PER_PART` source rows per part.
 *
 * Fast: a source whose table holds each key once (`unique-sources.ts`) is read as it is, without the aggregate.
 * The ledger that says so is checked against the result: fresh rows with a key twice are computed again with the
 * aggregate everywhere.
 *
 * Before the transaction: written inside it, DuckDB reads the table as the transaction's own data, more slowly
 * (the 1M-person bench's rebuild took 1.9 s instead of 1.6 s). The rows read only the sources, which the
 * warehouse's one writer cannot change meanwhile.
 */

import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Foundation } from './define.ts';
import { freshSql, type Pick, pickSql, type SourceTable } from './sql.ts';
import { uniqueSources } from './unique-sources.ts';

/**
 * Source rows per part of a full build's keys, for picks that choose a row per key (aggregate states of about
 * 460 bytes per key for the four text fields of the 1M-person register) and for picks read as they are (only the
 * joins' hash tables). Measured on the 1M-person demo (its sources repeat keys): a first build peaked at 887 MiB
 * with 3 parts, 942 MiB with 2, against 916 MiB for the demo's data generator; the bench's sources, read as they
 * are in 2 parts, at about 750 MiB. Each part reads every source again: 3 parts cost the bench's full rebuild
 * 0.1 s over 2.
 */
export const ROWS_PER_PART: PartRows = { chosen: 350_000, unique: 600_000 };

/** Source rows per part of a full build's keys, for picks that choose a row per key and for those that do not. */
export interface PartRows {
  readonly chosen: number;
  readonly unique: number;
}

/** What a full build's fresh rows are computed from. */
export interface FreshRowsPlan {
  readonly picks: readonly Pick[];
  readonly sources: ReadonlyMap<string, SourceTable>;
  /** Defaults to `ROWS_PER_PART`. */
  readonly partRows?: PartRows | undefined;
}

/**
 * Runs a full build (`build`) with its fresh rows written to a temporary table before it (see the module
 * comment), and drops the table after.
 */
export async function withFreshRows<T>(
  wh: Warehouse,
  f: Foundation,
  plan: FreshRowsPlan,
  build: (freshTable: string) => Promise<T>,
): Promise<T> {
  const { picks, sources } = plan;
  const rowsPerPart = plan.partRows ?? ROWS_PER_PART;
  const name = q(`__gs_${f.name}_fresh_rows`);
  const table = `temp.${name}`;
  try {
    const sizes = await sourceRows(wh, picks, sources);
    const unique = await uniqueSources(wh, sources);
    const asIs = (p: Pick) =>
      unique.has(p.ref.source) &&
      (p.ref.keys ?? [sources.get(p.ref.source)!.keyColumn]).join('\u0000') ===
        sources.get(p.ref.source)!.keyColumn;
    await writeFresh(
      wh,
      f,
      plan,
      name,
      (p) => (sizes.get(p.ref.source) ?? 0) / rowsPerPart[asIs(p) ? 'unique' : 'chosen'],
      asIs,
    );
    if (picks.some(asIs) && (await repeatedKeys(wh, f, table)) > 0) {
      // The ledger said a source held each key once, and it does not (changed by hand): choose everywhere.
      await writeFresh(
        wh,
        f,
        plan,
        name,
        (p) => (sizes.get(p.ref.source) ?? 0) / rowsPerPart.chosen,
        () => false,
      );
    }
    return await build(table);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

/**
 * Writes the fresh rows into the temporary table `name`, in as many parts as the most of any pick (`parts`, the
 * parts a pick's source rows need); `asIs`: picks read without choosing a row per key.
 */
async function writeFresh(
  wh: Warehouse,
  f: Foundation,
  { picks, sources }: FreshRowsPlan,
  name: string,
  parts: (p: Pick) => number,
  asIs: (p: Pick) => boolean,
): Promise<void> {
  const count = Math.max(1, ...picks.map((p) => Math.ceil(parts(p))));
  for (let index = 0; index < count; index++) {
    const inline = new Map(
      picks.map((p) => [
        p.id,
        `(${pickSql(f, p, sources.get(p.ref.source)!, undefined, { index, count, unique: asIs(p) })})`,
      ]),
    );
    const rows = freshSql(f, picks, sources, undefined, inline);
    await wh.run(
      index === 0 ? `CREATE OR REPLACE TEMP TABLE ${name} AS ${rows}` : `INSERT INTO temp.${name} ${rows}`,
    );
  }
}

/** Rows of each source dataset the picks read. */
async function sourceRows(
  wh: Warehouse,
  picks: readonly Pick[],
  sources: ReadonlyMap<string, SourceTable>,
): Promise<Map<string, number>> {
  const names = [...new Set(picks.map((p) => p.ref.source))];
  const counts = names.map((n, i) => `(SELECT count(*) FROM ${q(sources.get(n)!.table)}) AS ${q(`n${i}`)}`);
  const [row] = await wh.all<Record<string, number>>(`SELECT ${counts.join(', ')}`);
  return new Map(names.map((n, i) => [n, Number(row?.[`n${i}`] ?? 0)]));
}

/** Rows of the fresh rows beyond the first of their key. */
async function repeatedKeys(wh: Warehouse, f: Foundation, table: string): Promise<number> {
  const key = q(f.keyColumn);
  return Number((await wh.value(`SELECT count(*) - count(DISTINCT ${key}) FROM ${table}`)) ?? 0);
}
