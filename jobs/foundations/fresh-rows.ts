/**
 * The fresh rows of a full build, written to a temporary table before its transaction.
 *
 * Bounded: a full build runs within FOUNDATION_MEMORY_LIMIT, and the statement computing its rows (each pick
 * choosing one row per key with `arg_max` over the values, the picks full-outer-joined on the key) holds every
 * key's values in aggregate states and hash tables DuckDB cannot spill. So the keys are split in parts by their
 * hash, each part's rows computed by the one statement and appended (`ROWS_PER_PART`).
 *
 * Fast: only the rows of keys a source holds more than once go through the aggregate (`repeatedSql`: their
 * hashes, grouped first; a register repeats few keys), the others are read as they are; and a source whose table
 * the load ledger shows to hold each key once (`unique-sources.ts`) is read as it is without looking. The ledger
 * is checked against the result: fresh rows with a key twice are computed again looking for repeated keys in
 * every source.
 *
 * Before the transaction: written inside it, DuckDB reads the table as the transaction's own data, more slowly
 * (the 1M-person bench's rebuild took 1.9 s instead of 1.6 s). The rows read only the sources, which the
 * warehouse's one writer cannot change meanwhile.
 */

import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { Foundation } from './define.ts';
import { freshSql, type Pick, pickSql, repeatedSql, rowsKey, type SourceTable, winnersSql } from './sql.ts';
import { uniqueSources } from './unique-sources.ts';

/**
 * Beyond this share of a pick's rows belonging to keys held more than once (monthly records, event histories),
 * its winning rows are chosen by rowid over the whole source and read back (`winnersSql`), rather than their
 * values chosen part by part.
 */
export const MOSTLY_REPEATED = 0.25;

/**
 * Per part of a full build's keys: keys (`unique`: the joins' hash tables, one row per key and pick) and keys
 * held more than once (`chosen`: `arg_max` states, about 460 bytes per key for the four text fields of the
 * 1M-person register); the parts are as many as the pick needing most asks (a pick read as it is counts its
 * source rows as keys). Measured on the 1M-person demo (2 parts): the first build peaked at about 820 MiB
 * resident, a rebuild 780 MiB, under the data generator's 920–940 MiB; with every row chosen, 3 parts peaked at
 * 887 MiB and 2 at 942 MiB. Each part reads every source again.
 */
export const ROWS_PER_PART: PartRows = { chosen: 350_000, unique: 600_000 };

/** Per part of a full build's keys: keys held more than once (`chosen`) and keys (`unique`); see above. */
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

/** How a full build's fresh rows were computed (reported with the build, for whoever tunes it). */
export interface FreshRowsHow {
  /** The parts of the keys the rows were computed in (`ROWS_PER_PART`). */
  readonly parts: number;
  /**
   * How each source was read: `as-is` (it holds each key once: the ledger said so, or no key repeats),
   * `repeated-keys` (a row chosen for its repeated keys only), `winning-rows` (its winning rows chosen by rowid,
   * for a source whose rows mostly repeat a key); several, joined by `+`, when its fields are read differently.
   */
  readonly sources: Readonly<Record<string, string>>;
  /** The ledger said a source held each key once and it did not (changed by hand): computed again. */
  readonly recomputed: boolean;
}

/**
 * Runs a full build (`build`) with its fresh rows written to a temporary table before it (see the module
 * comment), and drops the table after.
 */
export async function withFreshRows<T>(
  wh: Warehouse,
  f: Foundation,
  plan: FreshRowsPlan,
  build: (freshTable: string, how: FreshRowsHow) => Promise<T>,
): Promise<T> {
  const { picks, sources } = plan;
  const rowsPerPart = plan.partRows ?? ROWS_PER_PART;
  const name = q(`__gs_${f.name}_fresh_rows`);
  const table = `temp.${name}`;
  const repeated = new Map<string, { table: string; keys: number; rows: number }>();
  const temps: string[] = [];
  try {
    const sizes = await sourceRows(wh, picks, sources);
    const unique = await uniqueSources(wh, sources);
    const keyColumn = (p: Pick) => sources.get(p.ref.source)!.keyColumn;
    const onKey = (p: Pick) => !p.ref.keys || (p.ref.keys.length === 1 && p.ref.keys[0] === keyColumn(p));
    // The keys held more than once by the rows of each (source, key columns) read with a choice.
    const repeatedOf = async (p: Pick) => {
      const rk = rowsKey(p.ref);
      let r = repeated.get(rk);
      if (!r) {
        const n = q(`__gs_${f.name}_repeated${repeated.size}`);
        const t = `temp.${n}`;
        await wh.run(
          `CREATE OR REPLACE TEMP TABLE ${n} AS ${repeatedSql(f, p.ref, sources.get(p.ref.source)!)}`,
        );
        const [c] = await wh.all<{ keys: number; rows: number | null }>(
          `SELECT count(*) AS keys, sum(n) AS rows FROM ${t}`,
        );
        r = { table: t, keys: Number(c?.keys ?? 0), rows: Number(c?.rows ?? 0) };
        repeated.set(rk, r);
      }
      return r;
    };
    const readAs = async (asIs: (p: Pick) => boolean) => {
      const ways = new Map<string, Way>();
      for (const p of picks) {
        const rows = sizes.get(p.ref.source) ?? 0;
        if (asIs(p)) ways.set(p.id, { unique: true, parts: rows / rowsPerPart.unique });
        else {
          const r = await repeatedOf(p);
          // The keys its rows hold (read through each key column): those held once, and the repeated ones.
          const keyed = rows * (p.ref.keys?.length ?? 1);
          const keys = Math.max(0, keyed - r.rows) + r.keys;
          if (r.rows > MOSTLY_REPEATED * keyed) {
            const n = q(`__gs_${f.name}_winners_${p.id}`);
            await wh.run(
              `CREATE OR REPLACE TEMP TABLE ${n} AS ${winnersSql(f, p, sources.get(p.ref.source)!)}`,
            );
            temps.push(`temp.${n}`);
            ways.set(p.id, { winners: `temp.${n}`, parts: keys / rowsPerPart.unique });
          } else {
            ways.set(p.id, {
              repeated: r.table,
              parts: Math.max(keys / rowsPerPart.unique, r.keys / rowsPerPart.chosen),
            });
          }
        }
      }
      return ways;
    };
    const ledger = (p: Pick) => unique.has(p.ref.source) && onKey(p);
    let ways = await readAs(ledger);
    let parts = await writeFresh(wh, f, plan, name, ways);
    const recomputed = picks.some(ledger) && (await repeatedKeys(wh, f, table)) > 0;
    if (recomputed) {
      // The ledger said a source held each key once, and it does not (changed by hand): look for repeated keys
      // everywhere.
      ways = await readAs(() => false);
      parts = await writeFresh(wh, f, plan, name, ways);
    }
    return await build(table, { parts, sources: howRead(picks, ways), recomputed });
  } finally {
    const drop = [table, ...[...repeated.values()].map((r) => r.table), ...temps];
    await wh.run(drop.map((t) => `DROP TABLE IF EXISTS ${t}`).join(';\n')).catch(() => undefined);
  }
}

/**
 * How a pick is read: as it is, choosing a row for its repeated keys only, or by the rowids of its winning rows;
 * and the parts its rows need.
 */
interface Way {
  readonly unique?: true;
  readonly repeated?: string;
  readonly winners?: string;
  readonly parts: number;
}

/** How each source was read, from the ways of its picks (`FreshRowsHow.sources`). */
function howRead(picks: readonly Pick[], ways: ReadonlyMap<string, Way>): Record<string, string> {
  const of = new Map<string, Set<string>>();
  for (const p of picks) {
    const w = ways.get(p.id)!;
    const way = w.unique ? 'as-is' : w.winners ? 'winning-rows' : 'repeated-keys';
    of.set(p.ref.source, (of.get(p.ref.source) ?? new Set()).add(way));
  }
  return Object.fromEntries([...of].map(([source, w]) => [source, [...w].sort().join('+')]));
}

/**
 * Writes the fresh rows into the temporary table `name`, in as many parts as the pick that needs most; returns
 * how many.
 */
async function writeFresh(
  wh: Warehouse,
  f: Foundation,
  { picks, sources }: FreshRowsPlan,
  name: string,
  ways: ReadonlyMap<string, Way>,
): Promise<number> {
  const count = Math.max(1, ...[...ways.values()].map((w) => Math.ceil(w.parts)));
  for (let index = 0; index < count; index++) {
    const inline = new Map(
      picks.map((p) => {
        const part = { index, count, ...ways.get(p.id)! };
        return [p.id, `(${pickSql(f, p, sources.get(p.ref.source)!, undefined, part)})`];
      }),
    );
    const rows = freshSql(f, picks, sources, undefined, inline);
    await wh.run(
      index === 0 ? `CREATE OR REPLACE TEMP TABLE ${name} AS ${rows}` : `INSERT INTO temp.${name} ${rows}`,
    );
  }
  return count;
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
