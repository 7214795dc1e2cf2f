/**
 * The run ledger, `gongshu.runs`: one row per run of any kind (pipeline, ingest, build, schedule, backfill,
 * quality, push …). Its owner: every run is started, finished and listed through the functions here.
 */
import { newId, type Sql, trustedSql } from '../../schemas/index.ts';
import type { Warehouse } from '../warehouse.ts';
import { FOUNDATIONS_TABLE } from './foundation-state.ts';
import { LOADS_TABLE } from './loads.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.runs` (quoted SQL name). */
export const RUNS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.runs`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const RUNS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,            -- 'pipeline' | 'ingest' | 'build' | 'push' | ...
    target VARCHAR NOT NULL,          -- pipeline or job name
    status VARCHAR NOT NULL,          -- 'running' | 'succeeded' | 'failed' | 'skipped' | 'blocked' | 'interrupted'
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    error VARCHAR,
    details JSON
  )`,
];

/** A new run id: `<kind>-<UTC yyyymmddhhmmss>-<random>`. */
export function newRunId(kind: string, now = new Date()): string {
  return newId(kind, now);
}

/** Records a run as `running` (or directly as `skipped`) and returns its id. */
export async function startRun(
  wh: Warehouse,
  kind: string,
  target: string,
  opts: {
    runId?: string;
    /** `skipped` / `blocked`: recorded as finished at once. */
    status?: 'running' | 'skipped' | 'blocked';
    error?: string;
    details?: unknown;
    at?: Date;
  } = {},
): Promise<string> {
  const at = opts.at ?? new Date();
  const runId = opts.runId ?? newRunId(kind, at);
  const skipped = opts.status === 'skipped' || opts.status === 'blocked';
  await wh.run(
    `INSERT INTO ${RUNS_TABLE} (run_id, kind, target, status, started_at, finished_at, error, details)
     VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, ${skipped ? '$5::TIMESTAMPTZ' : 'NULL'}, $6, $7)`,
    [
      runId,
      kind,
      target,
      opts.status ?? 'running',
      at.toISOString(),
      opts.error ?? null,
      opts.details === undefined ? null : JSON.stringify(opts.details),
    ],
  );
  return runId;
}

/** Finishes a run: status, counts, error and details. */
export async function finishRun(
  wh: Warehouse,
  runId: string,
  r: {
    status: 'succeeded' | 'failed' | 'skipped' | 'blocked';
    rowsRead?: number | null;
    rowsLoaded?: number | null;
    rowsQuarantined?: number | null;
    error?: string | null;
    details?: unknown;
  },
): Promise<void> {
  await wh.run(
    `UPDATE ${RUNS_TABLE} SET status = $2, finished_at = now(), rows_read = $3, rows_loaded = $4,
       rows_quarantined = $5, error = $6, details = $7 WHERE run_id = $1`,
    [
      runId,
      r.status,
      r.rowsRead ?? null,
      r.rowsLoaded ?? null,
      r.rowsQuarantined ?? null,
      r.error ?? null,
      r.details === undefined ? null : JSON.stringify(r.details),
    ],
  );
}

/**
 * Marks runs still `running` as `interrupted`. Called when a writer opens the warehouse: only one writer opens it
 * at a time (the lock), so such a run was left by a process that died (killed, crashed, the machine went down).
 * Its open transaction was rolled back; but a process can die after its work committed and before the run's end
 * was recorded: a load or foundation build recorded under the run's id says its work is in place.
 *
 * When the process stopped is not recorded anywhere, so `finished_at` is the end of the run's last committed work
 * (its load's end, its foundation build's time), or NULL when it has none: its `seconds` are then unknown, not the
 * time until the next writer opened the warehouse.
 */
export async function markInterruptedRuns(wh: Warehouse): Promise<void> {
  const stopped =
    'the process running it stopped before it finished (killed, crashed or the machine went down)';
  await wh.run(
    `UPDATE ${RUNS_TABLE} AS r SET status = 'interrupted',
       finished_at = (SELECT max(t) FROM (SELECT finished_at AS t FROM ${LOADS_TABLE} AS l WHERE l.run_id = r.run_id
                      UNION ALL SELECT built_at FROM ${FOUNDATIONS_TABLE} AS f WHERE f.run_id = r.run_id)),
       error = coalesce(error || '\n', '') || CASE
         WHEN run_id IN (SELECT run_id FROM ${LOADS_TABLE} WHERE run_id IS NOT NULL
                         UNION ALL SELECT run_id FROM ${FOUNDATIONS_TABLE} WHERE run_id IS NOT NULL)
         THEN 'interrupted after its work committed: ${stopped} once its load or build was in place, before the run''s end was recorded'
         ELSE 'interrupted: ${stopped}; its open transaction was rolled back' END
     WHERE status = 'running'`,
  );
}

/** One row of `gongshu runs`. */
export interface RunRecord {
  readonly run_id: string;
  readonly kind: string;
  readonly target: string;
  readonly status: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly seconds: number | null;
  readonly rows_read: number | null;
  readonly rows_loaded: number | null;
  readonly rows_quarantined: number | null;
  readonly error: string | null;
  readonly details: unknown;
}

/** The most recent runs (newest first), optionally of one kind. */
export async function listRuns(
  wh: Warehouse,
  opts: { limit?: number; kind?: string } = {},
): Promise<RunRecord[]> {
  const { rows } = await wh.json(
    `SELECT run_id, kind, target, status,
            strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
            strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
            round(epoch(finished_at) - epoch(started_at), 3) AS seconds,
            rows_read::DOUBLE AS rows_read, rows_loaded::DOUBLE AS rows_loaded,
            rows_quarantined::DOUBLE AS rows_quarantined, error, details
     FROM ${RUNS_TABLE} ${opts.kind ? 'WHERE kind = $2' : ''}
     ORDER BY ${RUNS_TABLE}.started_at DESC, run_id DESC LIMIT $1`,
    opts.kind ? [opts.limit ?? 50, opts.kind] : [opts.limit ?? 50],
  );
  return rows.map((r) => ({
    ...(r as unknown as RunRecord),
    details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? null),
  }));
}
