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
 * rows, from `gongshu_loads`) are recomputed with the same SQL restricted to those keys, and replace their
 * rows in place. Loads that replaced a whole table (write mode `replace`), a changed definition or a missing
 * table force a full build, so the result always equals a full rebuild.
 * @example const r = await buildFoundation(wh, population); r.mode; // 'full' | 'incremental' | 'unchanged'
 */
import { createHash } from 'node:crypto';
import { quoteLiteral as lit, quoteIdent as q, type Warehouse } from '../warehouse/index.ts';
import { BuildError } from './errors.ts';
import { type Foundation, foundationSources } from './foundation-define.ts';
import { buildInPlace } from './foundation-delta.ts';
import { conflictsSql, freshSql, inList, planPicks, type SourceTable } from './foundation-sql.ts';
import { createHistoryView, type HistoryChange, rewriteHistory, stampSql, upgradeLayout } from './history.ts';
import { ensureJobTables } from './state.ts';

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

/** Looks up the table and key column of each source dataset; an unloaded or differently keyed one is an error. */
export async function resolveSources(wh: Warehouse, f: Foundation): Promise<Map<string, SourceTable>> {
  const names = foundationSources(f);
  const rows = await wh.all<{
    dataset: string;
    table_name: string;
    key_kind: string | null;
    key_column: string | null;
  }>(
    `SELECT dataset, table_name, key_kind, key_column FROM gongshu_datasets WHERE dataset IN ${inList(names)}`,
  );
  const found = new Map(rows.map((r) => [r.dataset, r]));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length) {
    throw new BuildError(
      `${f.file ?? 'foundation'}: foundation ${f.name}: source dataset ${missing.map((m) => `"${m}"`).join(', ')} ` +
        `not loaded in the warehouse. Fix: run its pipeline first (gongshu run ${missing.join(' ')})`,
      { foundation: f.name, missing },
    );
  }
  const out = new Map<string, SourceTable>();
  for (const n of names) {
    const r = found.get(n)!;
    if (r.key_kind !== f.key || !r.key_column) {
      throw new BuildError(
        `${f.file ?? 'foundation'}: foundation ${f.name}: source dataset "${n}" is keyed by ${r.key_kind ?? 'nothing'}; ` +
          `expected ${f.key}. Fix: key the pipeline of ${n} by ${f.key === 'citizen-id' ? 'citizenId(column)' : 'uscc(column)'}`,
        { foundation: f.name, dataset: n, keyKind: r.key_kind },
      );
    }
    out.set(n, { table: r.table_name, keyColumn: r.key_column });
  }
  return out;
}

type Pending = {
  load_id: string;
  dataset: string;
  write_mode: string;
  /** Rows of earlier loads a merge deleted; NULL when the load predates that record. */
  rows_replaced: number | null;
  /** The columns a merge matched on (JSON); NULL for other loads. */
  merge_key: string | null;
};

/** Builds one foundation (incrementally when it can); see the module comment. */
export async function buildFoundation(
  wh: Warehouse,
  f: Foundation,
  options: FoundationBuildOptions = {},
): Promise<FoundationBuildResult> {
  const t0 = performance.now();
  await ensureJobTables(wh);
  const at = options.now ?? new Date();
  const sources = await resolveSources(wh, f);
  const names = [...sources.keys()];
  const hash = definitionHash(f);
  const table = `foundation.${q(f.name)}`;
  const conflictsTable = `foundation.${q(`${f.name}_conflicts`)}`;
  const [state] = await wh.all<{ definition_hash: string; rows: number | null }>(
    'SELECT definition_hash, rows FROM gongshu_foundations WHERE foundation = $1',
    [f.name],
  );
  // The foundation's tables and the source tables, with their columns, in one catalog query.
  const catalog = await wh.all<{ s: string; t: string; cols: string[] }>(
    `SELECT schema_name AS s, table_name AS t, list(column_name ORDER BY column_index) AS cols FROM duckdb_columns()
     WHERE database_name = current_database() AND (
       (schema_name = 'foundation' AND table_name IN ${inList([f.name, `${f.name}_conflicts`, `${f.name}_closed`, `${f.name}_history`])})
       OR (schema_name = current_schema() AND table_name IN ${inList([...sources.values()].map((s) => s.table))}))
     GROUP BY ALL`,
  );
  const have = new Set(catalog.filter((r) => r.s === 'foundation').map((r) => r.t));
  const columns = new Map(catalog.filter((r) => r.s !== 'foundation').map((r) => [r.t, r.cols]));
  // A foundation stored in the first layout (a history table holding the open versions too, no closed
  // versions table) is converted.
  if (have.has(f.name) && have.has(`${f.name}_history`) && !have.has(`${f.name}_closed`)) {
    await wh.transaction(() => upgradeLayout(wh, f, at));
    have.add(`${f.name}_closed`);
  }
  const exists = [f.name, `${f.name}_conflicts`, `${f.name}_closed`].every((t) => have.has(t));
  const pending = await wh.all<Pending>(
    `SELECT load_id, dataset, write_mode, rows_replaced, CAST(merge_key AS VARCHAR) AS merge_key FROM gongshu_loads
     WHERE dataset IN ${inList(names)} AND status = 'committed'
       AND load_id NOT IN (SELECT load_id FROM gongshu_foundation_loads WHERE foundation = $1)
     ORDER BY started_at, load_id`,
    [f.name],
  );
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
  const counts = async (known?: number) => {
    const rows = known ?? (await wh.value<number>(`SELECT count(*) FROM ${table}`)) ?? 0;
    const byField = await wh.all<{ field: string; n: number }>(
      `SELECT field, count(*) AS n FROM ${conflictsTable} GROUP BY field ORDER BY field`,
    );
    return { rows, byField: Object.fromEntries(byField.map((r) => [r.field, r.n])) };
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
      await counts(state?.rows ?? undefined),
      [],
    );

  const allLoads =
    mode === 'full'
      ? (
          await wh.all<{ load_id: string }>(
            `SELECT load_id FROM gongshu_loads WHERE dataset IN ${inList(names)} AND status = 'committed'
             AND load_id NOT IN (SELECT load_id FROM gongshu_foundation_loads WHERE foundation = $1)`,
            [f.name],
          )
        ).map((r) => r.load_id)
      : pending.map((p) => p.load_id);

  try {
    return await wh.transaction(async () => {
      let touched: string | undefined;
      let keysRecomputed = 0;
      if (mode === 'incremental') {
        touched = `temp.${q(`__gs_${f.name}_touched`)}`;
        // DuckDB answers a CREATE TABLE AS with the number of rows.
        keysRecomputed = Number(
          (await wh.value<number>(
            `CREATE OR REPLACE TEMP TABLE __gs_${f.name}_touched AS ${touchedSql(f, sources, pending)}`,
          )) ?? 0,
        );
        await step('touched');
      }
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
        const old = have.has(f.name) ? { name: f.name, table } : undefined;
        const kept = old ? await keptSql(wh, f) : undefined;
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
        history = await buildInPlace(wh, {
          f,
          sources,
          picks,
          at,
          touched,
          changed: new Set(pending.map((p) => p.dataset)),
          loads: loadsOf(pending),
          exact: exactSources(sources, pending),
          columns,
          conflictsBuilding,
          step,
        });
      }
      if (mode === 'full') {
        await wh.run(`DROP TABLE IF EXISTS ${conflictsTable}`);
        await wh.run(`ALTER TABLE ${conflictsBuilding} RENAME TO ${q(`${f.name}_conflicts`)}`);
      }
      for (let i = 0; i < allLoads.length; i += 1000) {
        await wh.run(
          `INSERT INTO gongshu_foundation_loads SELECT $1, unnest([${allLoads
            .slice(i, i + 1000)
            .map(lit)
            .join(', ')}]),
             $2, $3::TIMESTAMPTZ ON CONFLICT DO NOTHING`,
          [f.name, options.runId ?? null, at.toISOString()],
        );
      }
      const c = await counts(
        rewrite || state?.rows == null ? undefined : state.rows + history.opened - history.closed,
      );
      if (mode === 'full') keysRecomputed = c.rows;
      await wh.run(
        `INSERT INTO gongshu_foundations VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6, $7)
         ON CONFLICT (foundation) DO UPDATE SET definition_hash = excluded.definition_hash,
           built_at = excluded.built_at, run_id = excluded.run_id, mode = excluded.mode, rows = excluded.rows,
           conflicts = excluded.conflicts`,
        [
          f.name,
          hash,
          at.toISOString(),
          options.runId ?? null,
          mode,
          c.rows,
          Object.values(c.byField).reduce((a, n) => a + n, 0),
        ],
      );
      await step('swap');
      if (touched) await wh.run(`DROP TABLE IF EXISTS ${touched}`);
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

/**
 * Creates (or replaces) a foundation table with the rows of `select`, its key column stored uncompressed: every
 * incremental build finds the touched keys' rows by scanning that column, and decoding FSST-compressed
 * citizen IDs took about a third of that scan (1M keys: 11 → 8 ms; the column is about 18 MB instead of ~10).
 */
async function createTable(wh: Warehouse, table: string, keyColumn: string, select: string): Promise<void> {
  const columns = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE ${select}`);
  const ddl = columns.map(
    (c) =>
      `${q(c.column_name)} ${c.column_type}${c.column_name === keyColumn ? ' USING COMPRESSION uncompressed' : ''}`,
  );
  await wh.run(`CREATE OR REPLACE TABLE ${table} (${ddl.join(', ')})`);
  await wh.run(`INSERT INTO ${table} ${select}`);
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
 * counts as NULL there, and values are compared as text.
 */
async function keptSql(wh: Warehouse, f: Foundation): Promise<(n: string, o: string) => string> {
  const have = new Set(
    (
      await wh.all<{ c: string }>(
        `SELECT column_name AS c FROM duckdb_columns() WHERE schema_name = 'foundation' AND table_name = $1`,
        [f.name],
      )
    ).map((r) => r.c),
  );
  return (n, o) =>
    Object.keys(f.fields)
      .map((c) =>
        have.has(c)
          ? `CAST(${n}.${q(c)} AS VARCHAR) IS NOT DISTINCT FROM CAST(${o}.${q(c)} AS VARCHAR)`
          : `${n}.${q(c)} IS NULL`,
      )
      .join(' AND ');
}

/**
 * Whether a pending merge load deleted rows whose keys the incremental build cannot know: the load predates
 * the record of replaced rows, or the foundation reads its dataset through other key columns (a deleted row's
 * other keys are not recorded; only keys of the dataset's key column are, in `gongshu_merge_replaced`).
 */
function hidesKeys(f: Foundation, sources: ReadonlyMap<string, SourceTable>, p: Pending): boolean {
  if (p.write_mode !== 'merge') return false;
  if (p.rows_replaced === null) return true;
  if (p.rows_replaced === 0) return false;
  const keyColumn = sources.get(p.dataset)?.keyColumn;
  return [...Object.values(f.fields), ...Object.values(f.others)]
    .flat()
    .some((r) => r.source === p.dataset && r.keys !== undefined && r.keys.some((k) => k !== keyColumn));
}

/** The pending loads of each dataset. */
function loadsOf(pending: readonly Pending[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pending) out.set(p.dataset, [...(out.get(p.dataset) ?? []), p.load_id]);
  return out;
}

/**
 * Datasets whose pending loads hold every row of the keys they wrote: each is a merge on the key column alone,
 * which deleted the earlier rows of those keys. An incremental build reads only those loads' rows of them.
 */
function exactSources(sources: ReadonlyMap<string, SourceTable>, pending: readonly Pending[]): Set<string> {
  const out = new Set<string>();
  for (const [name, src] of sources) {
    const mine = pending.filter((p) => p.dataset === name);
    const byKey = (p: Pending) => {
      const cols = p.write_mode === 'merge' && p.merge_key ? (JSON.parse(p.merge_key) as unknown) : undefined;
      return Array.isArray(cols) && cols.length === 1 && cols[0] === src.keyColumn;
    };
    if (mine.length && mine.every(byKey)) out.add(name);
  }
  return out;
}

/**
 * The keys in rows written by the pending loads, read through every key column the refs of each source use,
 * and the keys of rows their merges deleted without writing them again (`gongshu_merge_replaced`).
 */
function touchedSql(
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
  pending: readonly Pending[],
): string {
  const refs = [...Object.values(f.fields), ...Object.values(f.others)].flat();
  const parts: string[] = [];
  for (const [name, src] of sources) {
    const ids = pending.filter((p) => p.dataset === name).map((p) => p.load_id);
    if (!ids.length) continue;
    const keyLists = new Set(
      refs.filter((r) => r.source === name).map((r) => JSON.stringify(r.keys ?? null)),
    );
    for (const list of keyLists) {
      const keys = (JSON.parse(list) as string[] | null) ?? [src.keyColumn];
      const norm = f.key === 'citizen-id' ? 'gs_citizen_id_normalize' : 'gs_uscc_normalize';
      const expr =
        keys.length === 1 && keys[0] === src.keyColumn
          ? q(keys[0])
          : `unnest([${keys.map((k) => (k === src.keyColumn ? q(k) : `${norm}(${q(k)})`)).join(', ')}])`;
      parts.push(`SELECT ${expr} AS k FROM ${q(src.table)} WHERE _load_id IN ${inList(ids)}`);
    }
    // Only a merge that deleted rows can have recorded keys it did not write again.
    const replacing = pending
      .filter((p) => p.dataset === name && (p.rows_replaced ?? 1) > 0)
      .map((p) => p.load_id);
    if (replacing.length) {
      parts.push(`SELECT key AS k FROM gongshu_merge_replaced WHERE load_id IN ${inList(replacing)}`);
    }
  }
  return `SELECT DISTINCT k FROM (${parts.join(' UNION ALL ')}) WHERE k IS NOT NULL`;
}
