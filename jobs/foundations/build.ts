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
import { quoteIdent as q } from '../../schemas/index.ts';
import { type Warehouse, withinMemoryLimit } from '../../warehouse/index.ts';
import { BuildError } from '../errors.ts';
import { type FoundationCounts, foundationCounts } from './build-counts.ts';
import { buildMode } from './build-mode.ts';
import { recordBuild, unconsumedLoads } from './build-record.ts';
import { rewriteFoundation, sameColumns } from './build-rewrite.ts';
import type { Foundation } from './define.ts';
import { buildInPlace } from './delta.ts';
import { type FreshRowsHow, type PartRows, withFreshRows } from './fresh-rows.ts';
import { exactSources, loadsOf, readPlan, touchedSql } from './plan.ts';
import { checkSourceColumns } from './source-columns.ts';
import { planPicks } from './sql.ts';
import { type HistoryChange, upgradeLayout } from './versions.ts';

/** Options of `buildFoundation`. */
export interface FoundationBuildOptions {
  /** Rebuild everything even when an incremental build is possible. Defaults to false. */
  readonly fullRefresh?: boolean;
  /** The build time: `valid_from`/`valid_to` of history versions. Defaults to now. */
  readonly now?: Date;
  readonly runId?: string;
  /**
   * Keys per part of a full build (default `ROWS_PER_PART`): a full build computes its rows a part of the keys at
   * a time to stay within FOUNDATION_MEMORY_LIMIT; smaller parts hold less memory and take longer.
   */
  readonly partRows?: PartRows | undefined;
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
  /** A full build: how its rows were computed (parts of the keys, how each source was read). */
  readonly computed?: FreshRowsHow;
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

/**
 * DuckDB's memory limit during a full foundation build in a warehouse opened without one (`withinMemoryLimit`):
 * without it, a full build of the 1M-person example took about 1 GB on top of Node; within it DuckDB spills (the
 * same build passes with 250 MB). An incremental build's work follows the size of the change: it runs without.
 */
export const FOUNDATION_MEMORY_LIMIT = '500MB';

/** Builds one foundation (incrementally when it can); see the module comment. */
export async function buildFoundation(
  wh: Warehouse,
  f: Foundation,
  options: FoundationBuildOptions = {},
): Promise<FoundationBuildResult> {
  const t0 = performance.now();
  const at = options.now ?? new Date();
  const plan = await readPlan(wh, f);
  const { sources, state, tables: have, pending } = plan;
  await checkSourceColumns(wh, f, sources);
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
  const [mode, reason] = buildMode(f, plan, { fullRefresh: options.fullRefresh, exists, hash });

  const step = async (s: BuildStep) => {
    await options.onStep?.(s);
  };
  const picks = planPicks(f);
  const { countsSql, counts } = foundationCounts(wh, f);
  const result = (
    extra: Pick<FoundationBuildResult, 'keysRecomputed' | 'history' | 'computed'>,
    c: FoundationCounts,
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

  const allLoads = mode === 'full' ? await unconsumedLoads(wh, f, names) : pending.map((p) => p.load_id);

  const bounded = <T>(work: () => Promise<T>) =>
    mode === 'full' ? withinMemoryLimit(wh, FOUNDATION_MEMORY_LIMIT, work) : work();
  try {
    const built = (freshTable: string | undefined, computed?: FreshRowsHow) =>
      wh.transaction(async () => {
        let keysRecomputed = 0;
        // A full build's fresh rows (`withFreshRows`); an incremental one computes its own.
        const fresh = freshTable && `SELECT * FROM ${freshTable}`;
        // Rewrite (build under a temporary name, swap) when there is nothing to diff against: first build, a
        // changed definition, or column types that changed in the sources. Otherwise apply the difference in place.
        const rewrite =
          fresh !== undefined &&
          (!exists || !state || state.definition_hash !== hash || !(await sameColumns(wh, fresh, table)));
        let history: HistoryChange;
        const conflictsBuilding = `foundation.${q(`${f.name}_conflicts__building`)}`;
        if (rewrite) {
          history = await rewriteFoundation(wh, f, {
            fresh,
            sources,
            existed: have.has(f.name),
            conflictsBuilding,
            at,
            step,
          });
        } else {
          const built = await buildInPlace(wh, {
            f,
            sources,
            picks,
            freshTable,
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
        // The build's row count, derived from the previous one when the table was changed in place.
        const known =
          rewrite || state?.rows == null ? undefined : state.rows + history.opened - history.closed;
        const c = await recordBuild(wh, f, { loads: allLoads, hash, at, runId: options.runId, mode, known });
        if (mode === 'full') keysRecomputed = c.rows;
        await step('swap');
        return result({ keysRecomputed, history, ...(computed ? { computed } : {}) }, c, allLoads);
      });
    return await bounded(() =>
      mode === 'full'
        ? withFreshRows(wh, f, { picks, sources, partRows: options.partRows }, built)
        : built(undefined),
    );
  } catch (error) {
    if (error instanceof BuildError) throw error;
    throw new BuildError(
      `${f.file ?? 'foundation'}: foundation ${f.name}: ${mode} build failed, previous tables kept: ${(error as Error).message}`,
      { foundation: f.name, mode },
      error,
    );
  }
}
