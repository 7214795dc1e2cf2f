/**
 * Builds a foundation database (基础库) into `foundation.<name>`, its conflicts into
 * `foundation.<name>_conflicts` and its SCD2 history into `foundation.<name>_history`, in one transaction:
 * a failure anywhere rolls everything back and the previous tables stay as they were.
 *
 * First build (or a changed definition, or changed column types): the rows are written under a temporary name
 * (`<name>__building`), then conflicts and history, then drop + rename.
 *
 * Full rebuild: every pick is recomputed from the sources and compared with the current rows; only the keys
 * that appeared, disappeared or changed are written (`foundation-delta.ts`), the conflicts are recomputed.
 *
 * Incremental build: the keys touched by loads the foundation has not consumed yet (`_load_id` of their
 * rows, from `gongshu.loads`) are recomputed with the same SQL restricted to those keys, and replace their
 * rows in place. Loads that replaced a whole table (write mode `replace`), a changed definition or a missing
 * table force a full build, so the result always equals a full rebuild.
 * @example const r = await buildFoundation(wh, population); r.mode; // 'full' | 'incremental' | 'unchanged'
 */

import { createHash } from 'node:crypto';
import { inList, quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { FOUNDATION_LOADS_TABLE, FOUNDATIONS_TABLE, LOADS_TABLE } from '../../warehouse/index.ts';
import { BuildError } from '../errors.ts';
import type { Foundation } from './define.ts';
import { buildInPlace } from './delta.ts';
import { exactSources, hidesKeys, loadsOf, readPlan, touchedSql } from './plan.ts';
import { conflictsSql, freshSql, planPicks } from './sql.ts';
import {
  columnsOf,
  createHistoryView,
  createTable,
  type HistoryChange,
  rewriteHistory,
  stampSql,
  upgradeLayout,
} from './versions.ts';

/** Options of `buildFoundation`. */
export interface FoundationBuildOptions {
  /** Rebuild everything even when an incremental build is possible. Defaults to false. */
  readonly fullRefresh?: boolean;
  /** The build time: `valid_from`/`valid_to` of history versions. Defaults to now. */
  readonly now?: Date;
  readonly runId?: string;
  /** Called after each step (picks, assemble, conflicts, history, swap) inside the transaction; a throw rolls back. */
  readonly onStep?: (step: BuildStep) => void | Promise<void>;
}

/** Steps of a foundation build, in order. */
export type BuildStep = 'touched' | 'picks' | 'assemble' | 'conflicts' | 'history' | 'swap';

/** What one foundation build did. */
export interface FoundationBuildResult {
  readonly foundation: string;
  readonly table: string;
  readonly mode: 'full' | 'incremental' | 'unchanged';
  /** Why this mode: first build, definition changed, --full-refresh, a replace load, n new loads. */
  readonly reason: string;
  readonly rows: number;
  /** Keys recomputed (all keys for a full build). */
  readonly keysRecomputed: number;
  readonly conflicts: number;
  readonly conflictsByField: Readonly<Record<string, number>>;
  readonly history: { readonly opened: number; readonly closed: number };
  /** Loads integrated by this build. */
  readonly loads: readonly string[];
  readonly sources: readonly string[];
  readonly seconds: number;
}

/** A stable hash of what a foundation computes (a change forces a full rebuild). */
export function definitionHash(f: Foundation): string {
  const { key, keyColumn, fields, others } = f;
  return createHash('sha256')
    .update(JSON.stringify({ key, keyColumn, fields, others }))
    .digest('hex')
    .slice(0, 16);
}

/** Builds one foundation (incrementally when it can); see the module comment. */
export async function buildFoundation(
  wh: Warehouse,
  f: Foundation,
  options: FoundationBuildOptions = {},
): Promise<FoundationBuildResult> {
  const t0 = performance.now();
  const at = options.now ?? new Date();
  const { sources, state, tables: have, pending } = await readPlan(wh, f);
  const names = [...sources.keys()];
  const hash = definitionHash(f);
  const table = `foundation.${q(f.name)}`;
  const conflictsTable = `foundation.${q(`${f.name}_conflicts`)}`;
  // A foundation stored in the first layout (a history table holding the open versions too) is converted.
  if (have.has(f.name) && have.has(`${f.name}_history`)) {
    await wh.transaction(() => upgradeLayout(wh, f, at));
    have.add(`${f.name}_closed`);
  }
  const exists = [f.name, `${f.name}_conflicts`, `${f.name}_closed`].every((t) => have.has(t));
  const replaced = pending.find((p) => p.write_mode === 'replace');
  const hidden = pending.find((p) => hidesKeys(f, sources, p));
  const [mode, reason]: [FoundationBuildResult['mode'], string] = options.fullRefresh
    ? ['full', 'full refresh requested']
    : !exists || !state
      ? ['full', 'first build']
      : state.definition_hash !== hash
        ? ['full', 'definition changed']
        : pending.length === 0
          ? ['unchanged', 'no new loads']
          : replaced
            ? ['full', `load ${replaced.load_id} replaced table ${replaced.dataset}`]
            : hidden
              ? [
                  'full',
                  `merge load ${hidden.load_id} deleted rows of ${hidden.dataset} whose keys were not recorded`,
                ]
              : ['incremental', `${pending.length} new load(s)`];

  const step = async (s: BuildStep) => {
    await options.onStep?.(s);
  };
  const picks = planPicks(f);
  // `known`: the row count when the build can derive it (the previous count, plus rows opened, minus closed).
  // The foundation's row count (`rowsSql`) and its conflicts per field, as one row; `counts` runs `sql` (which
  // ends with that query) and reads them.
  const countsSql = (rowsSql: string) =>
    `SELECT ${rowsSql} AS rows, (SELECT list({'field': field, 'n': n} ORDER BY field) FROM
       (SELECT field, count(*) AS n FROM ${conflictsTable} GROUP BY field)) AS by_field`;
  const counts = async (sql: string) => {
    const [r] = await wh.all<{ rows: number | bigint; by_field: { field: string; n: bigint }[] | null }>(sql);
    return {
      rows: Number(r?.rows ?? 0),
      byField: Object.fromEntries((r?.by_field ?? []).map((x) => [x.field, Number(x.n)])),
    };
  };
  const result = (
    extra: Pick<FoundationBuildResult, 'keysRecomputed' | 'history'>,
    c: { rows: number; byField: Record<string, number> },
    loads: readonly string[],
  ): FoundationBuildResult => ({
    foundation: f.name,
    table: `foundation.${f.name}`,
    mode,
    reason,
    rows: c.rows,
    conflicts: Object.values(c.byField).reduce((a, n) => a + n, 0),
    conflictsByField: c.byField,
    loads,
    sources: names,
    seconds: (performance.now() - t0) / 1000,
    ...extra,
  });

  if (mode === 'unchanged')
    return result(
      { keysRecomputed: 0, history: { opened: 0, closed: 0 } },
      await counts(countsSql(String(state?.rows ?? `(SELECT count(*) FROM ${table})`))),
      [],
    );

  const allLoads =
    mode === 'full'
      ? (
          await wh.all<{ load_id: string }>(
            `SELECT load_id FROM ${LOADS_TABLE} WHERE dataset IN ${inList(names)} AND status = 'committed'
             AND load_id NOT IN (SELECT load_id FROM ${FOUNDATION_LOADS_TABLE} WHERE foundation = $1)`,
            [f.name],
          )
        ).map((r) => r.load_id)
      : pending.map((p) => p.load_id);

  try {
    return await wh.transaction(async () => {
      let keysRecomputed = 0;
      const fresh = freshSql(f, picks, sources);
      // Rewrite (build under a temporary name, swap) when there is nothing to diff against: first build, a
      // changed definition, or column types that changed in the sources. Otherwise apply the difference in place.
      const rewrite =
        mode === 'full' &&
        (!exists || !state || state.definition_hash !== hash || !(await sameColumns(wh, fresh, table)));
      let history: HistoryChange;
      const conflictsBuilding = `foundation.${q(`${f.name}_conflicts__building`)}`;
      if (rewrite) {
        const building = { name: `${f.name}__building`, table: `foundation.${q(`${f.name}__building`)}` };
        // A key whose values did not change keeps the `valid_from` of its previous row.
        // (A table without `valid_from` has no versions to keep or close: it is replaced as in a first build.)
        const kept = have.has(f.name) ? await keptSql(wh, f) : undefined;
        const old = kept ? { name: f.name, table } : undefined;
        await createTable(
          wh,
          building.table,
          f.keyColumn,
          old && kept
            ? `SELECT n.*, CASE WHEN o.${q(f.keyColumn)} IS NOT NULL AND ${kept('n', 'o')} THEN o.valid_from
                 ELSE ${stampSql(at)} END AS valid_from
               FROM (${fresh}) AS n LEFT JOIN ${table} AS o ON o.${q(f.keyColumn)} = n.${q(f.keyColumn)}`
            : `SELECT *, ${stampSql(at)} AS valid_from FROM (${fresh})`,
        );
        await step('picks');
        await step('assemble');
        await wh.run(
          `CREATE OR REPLACE TABLE ${conflictsBuilding} AS ${conflictsSql(f, sources, building.table)}`,
        );
        await step('conflicts');
        history = await rewriteHistory(wh, f, building, old, kept ?? (() => 'false'), at);
        await step('history');
        await wh.run(`DROP TABLE IF EXISTS ${table}`);
        await wh.run(`ALTER TABLE ${building.table} RENAME TO ${q(f.name)}`);
        await createHistoryView(wh, f);
      } else {
        const built = await buildInPlace(wh, {
          f,
          sources,
          picks,
          at,
          touched: mode === 'incremental' ? (rows) => touchedSql(f, sources, pending, rows) : undefined,
          changed: new Set(pending.map((p) => p.dataset)),
          loads: loadsOf(pending),
          exact: exactSources(sources, pending),
          conflictsBuilding,
          step: options.onStep && step,
        });
        history = { opened: built.opened, closed: built.closed };
        keysRecomputed = built.keys;
      }
      if (mode === 'full') {
        await wh.run(`DROP TABLE IF EXISTS ${conflictsTable}`);
        await wh.run(`ALTER TABLE ${conflictsBuilding} RENAME TO ${q(`${f.name}_conflicts`)}`);
      }
      // The bookkeeping and the counts in one round trip: the loads integrated (never recorded before: they were
      // selected as not consumed, and the primary key would refuse a second record), the build's state (its row
      // count derived from the previous one when the table was changed in place), the conflicts per field.
      const known = rewrite || state?.rows == null ? undefined : state.rows + history.opened - history.closed;
      const chunks: string[] = [];
      for (let i = 0; i < allLoads.length; i += 1000) {
        chunks.push(
          allLoads
            .slice(i, i + 1000)
            .map(lit)
            .join(', '),
        );
      }
      const runId = options.runId === undefined ? 'NULL' : lit(options.runId);
      const c = await counts(
        [
          ...chunks.map(
            (ids) =>
              `INSERT INTO ${FOUNDATION_LOADS_TABLE} SELECT ${lit(f.name)}, unnest([${ids}]), ${runId}, ${stampSql(at)};`,
          ),
          `INSERT INTO ${FOUNDATIONS_TABLE} SELECT ${lit(f.name)}, ${lit(hash)}, ${stampSql(at)}, ${runId}, ${lit(mode)},
             ${known ?? `(SELECT count(*) FROM ${table})`}, (SELECT count(*) FROM ${conflictsTable})
           ON CONFLICT (foundation) DO UPDATE SET definition_hash = excluded.definition_hash,
             built_at = excluded.built_at, run_id = excluded.run_id, mode = excluded.mode, rows = excluded.rows,
             conflicts = excluded.conflicts;`,
          countsSql(`(SELECT rows FROM ${FOUNDATIONS_TABLE} WHERE foundation = ${lit(f.name)})`),
        ].join('\n'),
      );
      if (mode === 'full') keysRecomputed = c.rows;
      await step('swap');
      return result({ keysRecomputed, history }, c, allLoads);
    });
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw new BuildError(
      `${f.file ?? 'foundation'}: foundation ${f.name}: ${mode} build failed, previous tables kept: ${(error as Error).message}`,
      { foundation: f.name, mode },
      error,
    );
  }
}

/** Whether the fresh rows (SQL) have the columns, in order and with the types, of an existing table. */
async function sameColumns(wh: Warehouse, fresh: string, table: string): Promise<boolean> {
  const describe = async (sql: string) =>
    (await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`))
      .map((r) => `${r.column_name} ${r.column_type}`)
      .join(', ');
  return (await describe(fresh)) === (await describe(`SELECT * EXCLUDE (valid_from) FROM ${table}`));
}

/**
 * SQL saying whether a new row `n` holds the same values as the current row `o` of the same key, for a build
 * that rewrites the table (the definition or a column type may have changed): a field the current table lacks
 * counts as NULL there, values are compared as text, and a value in a field the definition no longer has counts
 * as a change (so the closed version keeps it). Undefined when the table has no `valid_from` (no versions).
 */
async function keptSql(
  wh: Warehouse,
  f: Foundation,
): Promise<((n: string, o: string) => string) | undefined> {
  const have = new Set((await columnsOf(wh, f.name)).map((c) => c.name));
  if (!have.has('valid_from')) return undefined;
  const fields = Object.keys(f.fields);
  const removed = [...have].filter((c) => c !== f.keyColumn && c !== 'valid_from' && !fields.includes(c));
  return (n, o) =>
    [
      ...fields.map((c) =>
        have.has(c)
          ? `CAST(${n}.${q(c)} AS VARCHAR) IS NOT DISTINCT FROM CAST(${o}.${q(c)} AS VARCHAR)`
          : `${n}.${q(c)} IS NULL`,
      ),
      ...removed.map((c) => `${o}.${q(c)} IS NULL`),
    ].join(' AND ');
}
